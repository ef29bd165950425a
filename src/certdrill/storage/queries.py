"""The review hot path as plain SQLite statements on a `sqlite3.Connection`.

No SQLAlchemy here: the dashboard's first numbers are read with these before it is imported.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from certdrill.core.clock import day_start, next_day_start
from certdrill.core.memory import CardState
from certdrill.core.model import Choice, Question
from certdrill.storage.timefmt import from_db_time, to_db_time


def _marks(n: int) -> str:
    return ",".join("?" * n)


def first_due(
    con: sqlite3.Connection, *, deck_ids: Sequence[str], states: Iterable[int], due_by: datetime | None,
    now: datetime, exclude: Iterable[int] = (),
) -> int | None:
    """The id of the earliest-due available card in `states` (due by `due_by` if given)."""
    skip = list(exclude)
    sql = (
        "SELECT card.due, card.id FROM card JOIN question ON question.pk = card.id "
        "WHERE card.deck_id = ? AND card.state = ? "
        "AND card.suspended = 0 AND (card.buried_until IS NULL OR card.buried_until <= ?) "
        "AND question.retired = 0"
    )
    if due_by is not None:
        sql += " AND card.due <= ?"
    if skip:
        sql += f" AND card.id NOT IN ({_marks(len(skip))})"
    sql += " ORDER BY card.due, card.id LIMIT 1"
    # One query per deck and state walks the (deck_id, state, due) index in order and stops at
    # the first row; a single IN (...) query would sort every due card instead (a temp B-tree).
    best: tuple[Any, int] | None = None
    now_text = to_db_time(now)
    due_text = to_db_time(due_by) if due_by is not None else None
    for deck_id in deck_ids:
        for state in states:
            params: list[Any] = [deck_id, state, now_text]
            if due_text is not None:
                params.append(due_text)
            row = con.execute(sql, params + skip).fetchone()
            if row is not None and (best is None or (row[0] or "", row[1]) < (best[0] or "", best[1])):
                best = (row[0], int(row[1]))
    return None if best is None else best[1]


def count_new_since(con: sqlite3.Connection, *, deck_id: str, since: datetime) -> int:
    row = con.execute(
        "SELECT count(*) FROM review WHERE deck_id = ? AND reviewed_at >= ? AND was_new = 1 AND mode = 'review'",
        (deck_id, to_db_time(since)),
    ).fetchone()
    return int(row[0])


CARD_COLUMNS = "state, step, stability, difficulty, due, last_review, reps, lapses"


def card_state_from(row: Sequence[Any]) -> CardState:
    state, step, stability, difficulty, due, last_review, reps, lapses = row
    return CardState(state, step, stability, difficulty, from_db_time(due), from_db_time(last_review), reps, lapses)


def save_answer(
    con: sqlite3.Connection, *, card_id: int, deck_id: str, after: CardState | None, now: datetime, rating: int,
    correct: bool | None, chosen: Sequence[int], duration_ms: int, mode: str, was_new: bool,
    state_before: dict[str, Any] | None,
) -> int:
    """Write the card's new state (if any) and the review row; returns the review id."""
    if after is not None:
        con.execute(
            "UPDATE card SET state=?, step=?, stability=?, difficulty=?, due=?, last_review=?, reps=?, lapses=?, "
            "buried_until=NULL WHERE id=?",
            (after.state, after.step, after.stability, after.difficulty,
             to_db_time(after.due) if after.due else None,
             to_db_time(after.last_review) if after.last_review else None, after.reps, after.lapses, card_id),
        )
    cursor = con.execute(
        "INSERT INTO review (card_id, deck_id, reviewed_at, rating, correct, chosen, duration_ms, mode, was_new, "
        "state_before) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (card_id, deck_id, to_db_time(now), rating, correct, json.dumps(list(chosen)), duration_ms, mode, was_new,
         json.dumps(state_before) if state_before is not None else None),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


@dataclass(frozen=True, slots=True)
class LoadedCard:
    deck_id: str
    question: Question
    state: CardState
    flagged: bool
    suspended: bool
    exam_date: str | None  # the deck's exam date, if the learner set one


def load(con: sqlite3.Connection, *, card_id: int) -> LoadedCard | None:
    """One card with its question, memory state, flags and its deck's exam date: one query."""
    row = con.execute(
        f"SELECT card.deck_id, {', '.join('card.' + c for c in CARD_COLUMNS.split(', '))}, card.flagged, "
        "card.suspended, q.qid, q.domain_id, q.task_id, q.kind, q.prompt, q.choices, q.pick, q.answer, "
        'q.explanation, q."references", q.tags, deck.exam_date FROM card JOIN question AS q ON q.pk = card.id '
        "JOIN deck ON deck.id = card.deck_id WHERE card.id = ?",
        (card_id,),
    ).fetchone()
    if row is None:
        return None
    qid, domain, task, kind, prompt, choices, pick, answer, explanation, references, tags, exam_date = row[11:]
    question = Question(
        id=qid, domain=domain, kind=kind, prompt=prompt, task=task,
        choices=tuple(Choice(t, bool(c), w) for t, c, w in json.loads(choices)), pick=pick, answer=answer,
        explanation=explanation, references=tuple(json.loads(references)), tags=tuple(json.loads(tags)),
    )
    return LoadedCard(row[0], question, card_state_from(row[1:9]), bool(row[9]), bool(row[10]), exam_date)


def has_reviews_between(con: sqlite3.Connection, *, deck_id: str | None, start: datetime, end: datetime) -> bool:
    """Whether any review-mode answer falls in [start, end): one index seek."""
    where = "deck_id = ? AND " if deck_id is not None else ""
    params: tuple[Any, ...] = (deck_id,) if deck_id is not None else ()
    row = con.execute(
        f"SELECT 1 FROM review WHERE {where}reviewed_at >= ? AND reviewed_at < ? AND mode = 'review' LIMIT 1",
        (*params, to_db_time(start), to_db_time(end)),
    ).fetchone()
    return row is not None


def count_due(con: sqlite3.Connection, *, deck_id: str, now: datetime) -> int:
    """Cards of the deck that are due now (learning or review), available and not retired."""
    now_text = to_db_time(now)
    row = con.execute(
        "SELECT count(*) FROM card JOIN question ON question.pk = card.id WHERE card.deck_id = ? "
        "AND card.state IN (1, 2, 3) AND card.due <= ? AND card.suspended = 0 "
        "AND (card.buried_until IS NULL OR card.buried_until <= ?) AND question.retired = 0",
        (deck_id, now_text, now_text),
    ).fetchone()
    return int(row[0])


def count_new(con: sqlite3.Connection, *, deck_id: str, at_most: int | None = None) -> int:
    """New questions of the deck that could be started (not suspended, buried or retired);
    with `at_most`, counting stops there (the dashboard only needs min(waiting, today's limit))."""
    limit = "" if at_most is None else f" LIMIT {max(0, int(at_most))}"
    row = con.execute(
        "SELECT count(*) FROM (SELECT 1 FROM card JOIN question ON question.pk = card.id WHERE card.deck_id = ? "
        f"AND card.state = 0 AND card.suspended = 0 AND card.buried_until IS NULL AND question.retired = 0{limit})",
        (deck_id,),
    ).fetchone()
    return int(row[0])


def study_streak(con: sqlite3.Connection, *, deck_id: str | None, now: datetime, tz: tzinfo) -> int:
    """Consecutive study days with answers, ending today (or yesterday if none yet today).

    Walks back one day at a time with an index seek per day, so it costs the same on a
    collection with a million reviews as on a new one.
    """
    count = 0
    end = next_day_start(now, tz)
    start = day_start(now, tz)
    if not has_reviews_between(con, deck_id=deck_id, start=start, end=end):
        end = start  # nothing yet today: the streak may still be alive from yesterday
    while True:
        start = day_start(end - timedelta(seconds=1), tz)
        if not has_reviews_between(con, deck_id=deck_id, start=start, end=end):
            return count
        count += 1
        end = start


def count_reviews_since(con: sqlite3.Connection, *, deck_id: str, since: datetime) -> int:
    row = con.execute(
        "SELECT count(*) FROM review WHERE deck_id = ? AND reviewed_at >= ? AND mode = 'review'",
        (deck_id, to_db_time(since)),
    ).fetchone()
    return int(row[0])
