"""Converters between table rows and the domain objects of core."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from certdrill.core.jsontext import json_choices, json_text, json_texts
from certdrill.core.memory import CardState
from certdrill.core.model import Choice, Deck, Domain, ExamInfo, PassMark, Question, Task

if TYPE_CHECKING:  # only annotations: the converters of plain-sqlite3 values must not load SQLAlchemy
    from certdrill.storage.tables import CardRow, DeckRow, DomainRow, QuestionRow

QUESTION_COLUMNS = (
    "deck_id", "qid", "domain_id", "task_id", "kind", "prompt", "choices", "pick", "answer", "explanation",
    '"references"', "tags", "content_hash", "answer_key", "position", "retired",
)
_COLUMN_JSON = json_text()  # what SQLAlchemy's JSON type writes (json.dumps): rows do not differ by writer
# The same text for the JSON columns an import writes three of per question, without the encoder's set-up.
choices_json, texts_json = json_choices(), json_texts()


def question_row(deck_id: str, q: Question, position: int) -> tuple[Any, ...]:
    """A question's row values in `QUESTION_COLUMNS` order, stored as SQLAlchemy stores them
    (JSON columns as json.dumps text, booleans as 0/1), for plain executemany inserts and updates."""
    return (
        deck_id, q.id, q.domain, q.task, q.kind, q.prompt, choices_json(q.choices), q.pick, q.answer,
        q.explanation, texts_json(q.references), texts_json(q.tags), q.content_hash(), q.answer_key(),
        position, 0,
    )


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
