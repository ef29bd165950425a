"""Converters between table rows and the domain objects of core."""

from __future__ import annotations

from datetime import date
from json.encoder import encode_basestring_ascii
from typing import TYPE_CHECKING, Any

from certdrill.core.jsontext import json_text
from certdrill.core.memory import CardState
from certdrill.core.model import Choice, Deck, Domain, ExamInfo, PassMark, Question, Task

if TYPE_CHECKING:  # only annotations: the converters of plain-sqlite3 values must not load SQLAlchemy
    from certdrill.storage.tables import CardRow, DeckRow, DomainRow, QuestionRow

QUESTION_COLUMNS = (
    "deck_id", "qid", "domain_id", "task_id", "kind", "prompt", "choices", "pick", "answer", "explanation",
    '"references"', "tags", "content_hash", "answer_key", "position", "retired",
)
_COLUMN_JSON = json_text()  # what SQLAlchemy's JSON type writes (json.dumps): rows do not differ by writer


def question_row(deck_id: str, q: Question, position: int) -> tuple[Any, ...]:
    """A question's row values in `QUESTION_COLUMNS` order, stored as SQLAlchemy stores them
    (JSON columns as json.dumps text, booleans as 0/1), for plain executemany inserts and updates."""
    return (
        deck_id, q.id, q.domain, q.task, q.kind, q.prompt, choices_json(q.choices), q.pick, q.answer,
        q.explanation, texts_json(q.references), texts_json(q.tags), q.content_hash(), q.answer_key(),
        position, 0,
    )


# The JSON columns of a question row as json.dumps writes them, put together from the encoder's own
# string escaping: the encoder's set-up per call cost more than encoding these small values (an
# import writes three per question). Anything but the usual shapes goes through the encoder.
_ESCAPE = encode_basestring_ascii  # the escaping json.dumps itself uses (its C version)


def texts_json(texts: tuple[str, ...]) -> str:
    """`json.dumps(texts)` of a tuple of strings (references, tags)."""
    if type(texts) is not tuple:
        return _COLUMN_JSON(texts)
    try:
        return "[" + ", ".join(map(_ESCAPE, texts)) + "]"
    except TypeError:  # not all strings
        return _COLUMN_JSON(texts)


def choices_json(choices: tuple[Choice, ...]) -> str:
    """`json.dumps(choices)` of a question's choices (each written as `[text, correct, why]`)."""
    if type(choices) is not tuple:
        return _COLUMN_JSON(choices)
    parts = []
    try:
        for choice in choices:
            if type(choice) is not Choice and not isinstance(choice, (tuple, list)):
                return _COLUMN_JSON(choices)
            text, correct, why = choice
            if correct is True:
                parts.append(f"[{_ESCAPE(text)}, true, {_ESCAPE(why)}]")
            elif correct is False:
                parts.append(f"[{_ESCAPE(text)}, false, {_ESCAPE(why)}]")
            else:
                return _COLUMN_JSON(choices)
    except (TypeError, ValueError):  # a text that is not a string, a choice that is not three values
        return _COLUMN_JSON(choices)
    return "[" + ", ".join(parts) + "]"


def question_from_row(row: QuestionRow) -> Question:
    return Question(
        id=row.qid, domain=row.domain_id, kind=row.kind, prompt=row.prompt,  # type: ignore[arg-type]
        task=row.task_id, choices=tuple(Choice(t, bool(c), w) for t, c, w in row.choices),
        pick=row.pick, answer=row.answer, explanation=row.explanation,
        references=tuple(row.references), tags=tuple(row.tags),
    )


def card_state(row: CardRow) -> CardState:
    return CardState(
        state=row.state, step=row.step, stability=row.stability, difficulty=row.difficulty,
        due=row.due, last_review=row.last_review, reps=row.reps, lapses=row.lapses,
    )


def apply_card_state(row: CardRow, state: CardState) -> None:
    row.state, row.step, row.stability, row.difficulty = state.state, state.step, state.stability, state.difficulty
    row.due, row.last_review, row.reps, row.lapses = state.due, state.last_review, state.reps, state.lapses


def exam_to_json(exam: ExamInfo | None) -> dict[str, Any] | None:
    if exam is None:
        return None
    pm = exam.pass_mark
    return {
        "code": exam.code, "status": exam.status, "guide": exam.guide,
        "retired_on": exam.retired_on.isoformat() if exam.retired_on else None,
        "successor": exam.successor, "questions": exam.questions, "scored": exam.scored,
        "minutes": exam.minutes,
        "pass": None if pm is None else {
            "scaled": pm.scaled, "min": pm.min, "max": pm.max, "raw": pm.raw, "estimated": pm.estimated,
        },
    }


def exam_from_json(data: dict[str, Any] | None) -> ExamInfo | None:
    if not data:
        return None
    pm = data.get("pass")
    return ExamInfo(
        code=data["code"], status=data.get("status", "active"), guide=data.get("guide"),
        retired_on=date.fromisoformat(data["retired_on"]) if data.get("retired_on") else None,
        successor=data.get("successor"), questions=data.get("questions"), scored=data.get("scored"),
        minutes=data.get("minutes"), pass_mark=PassMark(**pm) if pm else None,
    )


def deck_from_rows(deck: DeckRow, domains: list[DomainRow], questions: tuple[Question, ...] = ()) -> Deck:
    return Deck(
        id=deck.id, title=deck.title, version=deck.version, license=deck.license,
        description=deck.description, exam=exam_from_json(deck.exam),
        domains=tuple(
            Domain(d.id, d.name, d.weight, tuple(Task(t, n) for t, n in d.tasks))
            for d in sorted(domains, key=lambda d: d.position)
        ),
        questions=questions,
    )
