"""The hot path of reviewing in plain SQL: pick the next card, load it, save an answer.

Hand-written on purpose: through the ORM a next-card + answer costs ~5 ms, mostly statement
building; here it is a handful of prepared SQLite statements (see benchmarks/bench_core.py).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from certdrill.core.model import Choice, Question
from certdrill.core.scheduling import CardState
from certdrill.storage.types import from_db_time, to_db_time


def raw(session: Session) -> sqlite3.Connection:
    """The session's own SQLite connection, inside the session's transaction."""
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver


def _marks(n: int) -> str:
    return ",".join("?" * n)


def first_due(
    session: Session, *, deck_ids: Sequence[str], states: Iterable[int], due_by: datetime | None,
    now: datetime, exclude: Iterable[int] = (),
) -> int | None:
    """The id of the earliest-due available card in `states` (due by `due_by` if given)."""
    states, skip = list(states), list(exclude)
    sql = (
        "SELECT card.id FROM card JOIN question ON question.pk = card.id "
        f"WHERE card.deck_id IN ({_marks(len(deck_ids))}) AND card.state IN ({_marks(len(states))}) "
        "AND card.suspended = 0 AND (card.buried_until IS NULL OR card.buried_until <= ?) "
        "AND question.retired = 0"
    )
    params: list[Any] = [*deck_ids, *states, to_db_time(now)]
    if due_by is not None:
        sql += " AND card.due <= ?"
        params.append(to_db_time(due_by))
    if skip:
        sql += f" AND card.id NOT IN ({_marks(len(skip))})"
        params += skip
    row = raw(session).execute(sql + " ORDER BY card.due, card.id LIMIT 1", params).fetchone()
    return None if row is None else int(row[0])


def count_new_since(session: Session, *, deck_id: str, since: datetime) -> int:
    row = raw(session).execute(
        "SELECT count(*) FROM review WHERE deck_id = ? AND reviewed_at >= ? AND was_new = 1 AND mode = 'review'",
        (deck_id, to_db_time(since)),
    ).fetchone()
    return int(row[0])


CARD_COLUMNS = "state, step, stability, difficulty, due, last_review, reps, lapses"


def card_state_from(row: Sequence[Any]) -> CardState:
    state, step, stability, difficulty, due, last_review, reps, lapses = row
    return CardState(state, step, stability, difficulty, from_db_time(due), from_db_time(last_review), reps, lapses)


def save_answer(
    session: Session, *, card_id: int, deck_id: str, after: CardState | None, now: datetime, rating: int,
    correct: bool | None, chosen: Sequence[int], duration_ms: int, mode: str, was_new: bool,
    state_before: dict[str, Any] | None,
) -> int:
    """Write the card's new state (if any) and the review row; returns the review id."""
    con = raw(session)
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


def load(session: Session, *, card_id: int) -> LoadedCard | None:
    """One card with its question, memory state, flags and its deck's exam date: one query."""
    row = raw(session).execute(
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
