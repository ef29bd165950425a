"""The review hot path as plain SQLite statements on a `sqlite3.Connection`: load a card, save an
answer, the streak (what review serves and the queue counts are in storage.queue).

No SQLAlchemy here: the dashboard's first numbers are read with these before it is imported.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from certdrill.core.clock import day_start, next_day_start
from certdrill.core.memory import CardState
from certdrill.core.model import Choice, Deck, Domain, Question, Task
from certdrill.storage.convert import exam_from_json
from certdrill.storage.timefmt import from_db_time, to_db_time

CARD_COLUMNS = "state, step, stability, difficulty, due, last_review, reps, lapses"


def card_state_from(row: Sequence[Any]) -> CardState:
    state, step, stability, difficulty, due, last_review, reps, lapses = row
    return CardState(state, step, stability, difficulty, from_db_time(due), from_db_time(last_review), reps, lapses)


def save_answer(
    con: sqlite3.Connection, *, card_id: int, deck_id: str, after: CardState | None, now: datetime, rating: int,
    correct: bool | None, chosen: Sequence[int], duration_ms: int, mode: str, was_new: bool,
    state_before: dict[str, Any] | None, origin: tuple[str, int, int] | None = None,
) -> int:
    """Write the card's new state (if any) and the review row, linked to the answer's event
    (`origin`: device, seq, clock); returns the review id."""
    if after is not None:
        con.execute(
            "UPDATE card SET state=?, step=?, stability=?, difficulty=?, due=?, last_review=?, reps=?, lapses=?, "
            "buried_until=NULL WHERE id=?",
            (after.state, after.step, after.stability, after.difficulty,
             to_db_time(after.due) if after.due else None,
             to_db_time(after.last_review) if after.last_review else None, after.reps, after.lapses, card_id),
        )
    device, seq, hlc = origin or (None, None, None)
    cursor = con.execute(
        "INSERT INTO review (card_id, deck_id, reviewed_at, rating, correct, chosen, duration_ms, mode, was_new, "
        "state_before, device, seq, hlc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (card_id, deck_id, to_db_time(now), rating, correct, json.dumps(list(chosen)), duration_ms, mode, was_new,
         json.dumps(state_before) if state_before is not None else None, device, seq, hlc),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


LATEST_FIRST = "hlc IS NULL, hlc DESC, device DESC, seq DESC, id DESC"
"""The order answers were made in, newest first: by their events' clock (answers from before sync
have none and are older than any that has one), as every device orders them."""


def latest_answer(con: sqlite3.Connection, *, card_id: int) -> int | None:
    """The review id of the card's newest answer (any mode)."""
    row = con.execute(f"SELECT id FROM review WHERE card_id = ? ORDER BY {LATEST_FIRST} LIMIT 1", (card_id,)).fetchone()
    return None if row is None else int(row[0])


@dataclass(frozen=True, slots=True)
class LoadedCard:
    deck_id: str
    question: Question
    state: CardState
    flagged: bool
    suspended: bool
    exam_date: str | None  # the deck's exam date, if the learner set one
    answer_key: str = ""  # what decides right and wrong (an answer counts only under its key)


_QUESTIONS: dict[tuple[str, str], Question] = {}
"""Questions built from their rows, by (content hash, question id): the hash covers every other
field a question is built from, so an entry is never stale, in any database. Next card and answer
load the same card; parsing its JSON columns again was a tenth of the answer path."""
QUESTION_CACHE_SIZE = 4096
_QUESTIONS_LOCK = threading.Lock()


def load(con: sqlite3.Connection, *, card_id: int) -> LoadedCard | None:
    """One card with its question, memory state, flags and its deck's exam date: one narrow query,
    and a second for the question's own columns only when it is not in the cache."""
    row = con.execute(
        f"SELECT card.deck_id, {', '.join('card.' + c for c in CARD_COLUMNS.split(', '))}, card.flagged, "
        "card.suspended, q.qid, q.content_hash, deck.exam_date, q.answer_key FROM card JOIN question AS q ON q.pk = card.id "
        "JOIN deck ON deck.id = card.deck_id WHERE card.id = ?",
        (card_id,),
    ).fetchone()
    if row is None:
        return None
    qid, content_hash, exam_date, key = row[11:]
    question = _QUESTIONS.get((content_hash, qid))
    if question is None:
        question = _question(con, card_id=card_id)
        with _QUESTIONS_LOCK:
            if len(_QUESTIONS) >= QUESTION_CACHE_SIZE:
                del _QUESTIONS[next(iter(_QUESTIONS))]  # the oldest entry
            _QUESTIONS[(content_hash, qid)] = question
    return LoadedCard(row[0], question, card_state_from(row[1:9]), bool(row[9]), bool(row[10]), exam_date, key)


def _question(con: sqlite3.Connection, *, card_id: int) -> Question:
    qid, domain, task, kind, prompt, choices, pick, answer, explanation, references, tags = con.execute(
        'SELECT qid, domain_id, task_id, kind, prompt, choices, pick, answer, explanation, "references", tags '
        "FROM question WHERE pk = ?", (card_id,),
    ).fetchone()
    return Question(
        id=qid, domain=domain, kind=kind, prompt=prompt, task=task,
        choices=tuple(Choice(t, bool(c), w) for t, c, w in json.loads(choices)), pick=pick, answer=answer,
        explanation=explanation, references=tuple(json.loads(references)), tags=tuple(json.loads(tags)),
    )


def has_reviews_between(con: sqlite3.Connection, *, deck_id: str | None, start: datetime, end: datetime) -> bool:
    """Whether any review-mode answer falls in [start, end): one index seek."""
    where = "deck_id = ? AND " if deck_id is not None else ""
    params: tuple[Any, ...] = (deck_id,) if deck_id is not None else ()
    row = con.execute(
        f"SELECT 1 FROM review WHERE {where}reviewed_at >= ? AND reviewed_at < ? AND mode = 'review' LIMIT 1",
        (*params, to_db_time(start), to_db_time(end)),
    ).fetchone()
    return row is not None


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


def bundled_versions(con: sqlite3.Connection) -> dict[str, str]:
    """Deck id -> version of the bundled decks in the database."""
    return dict(con.execute("SELECT id, version FROM deck WHERE source = 'bundled'").fetchall())



def deck_outline(con: sqlite3.Connection, *, deck_id: str) -> tuple[Deck, str | None] | None:
    """The deck's facts and domains (no questions) and the learner's exam date; None if no such deck."""
    row = con.execute("SELECT title, version, license, description, exam, exam_date FROM deck WHERE id = ?",
                      (deck_id,)).fetchone()
    if row is None:
        return None
    title, version, license, description, exam, exam_date = row
    domains = tuple(
        Domain(d, name, weight, tuple(Task(t, n) for t, n in json.loads(tasks)))
        for d, name, weight, tasks in con.execute(
            "SELECT id, name, weight, tasks FROM domain WHERE deck_id = ? ORDER BY position", (deck_id,))
    )
    deck = Deck(id=deck_id, title=title, version=version, license=license, description=description,
                exam=exam_from_json(json.loads(exam) if exam else None), domains=domains)
    return deck, exam_date
