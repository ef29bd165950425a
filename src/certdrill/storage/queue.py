"""What review serves and what every count counts, in plain sqlite3: one definition each of an
available card, due now, the day's new limit and the new questions left today.

The dashboard's first frame (storage.overview), the desk's counts, the deck summaries and
`next_card` all read them here, so a count never disagrees with what review serves.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from certdrill.core import daily_new
from certdrill.core.clock import day_start, study_date
from certdrill.storage.timefmt import to_db_time

CARDS = "card JOIN question ON question.pk = card.id"
"""The cards with their questions, which every condition below needs."""
AVAILABLE = (
    "card.suspended = 0 AND (card.buried_until IS NULL OR card.buried_until <= :now) AND question.retired = 0"
)
"""An available card: not suspended, not buried as of :now, its question not retired."""
LEARN_AHEAD = timedelta(minutes=20)
"""When nothing else is left, learning steps due this soon are shown at once, as Anki does."""
DUE = "card.state IN (1, 2, 3) AND card.due <= :learn_by AND (card.state != 2 OR card.due <= :now)"
"""Due now: a review card whose time (:now) has come, or a learning or relearning step due by
:learn_by (now plus LEARN_AHEAD): review serves those before the day is done."""
NEW = "card.state = 0"


@lru_cache(maxsize=16)
def _db_time(moment: datetime) -> str:
    # Next card asks for the same few moments (now, now + LEARN_AHEAD) in each of its queries.
    return to_db_time(moment)


def _params(now: datetime, **values: Any) -> dict[str, Any]:
    return {"now": _db_time(now), "learn_by": _db_time(now + LEARN_AHEAD), **values}


def moments(now: datetime) -> dict[str, str]:
    """The :now and :learn_by that `due_now` reads."""
    return _params(now)


def due_now(card: str, question: str) -> str:
    """Due now and available (`DUE AND AVAILABLE`), for a query that names the card and question tables
    `card` and `question` (other reports count due cards by the same rule as review serves them)."""
    return f"({DUE} AND {AVAILABLE})".replace("card.", f"{card}.").replace("question.", f"{question}.")


def first_due(
    con: sqlite3.Connection, *, deck_ids: Sequence[str], states: Iterable[int], due_by: datetime | None,
    now: datetime, exclude: Iterable[int] = (),
) -> int | None:
    """The id of the earliest-due available card in `states` (due by `due_by` if given)."""
    skip = {f"x{i}": card_id for i, card_id in enumerate(exclude)}
    sql = f"SELECT card.due, card.id FROM {CARDS} WHERE card.deck_id = :deck AND card.state = :state AND {AVAILABLE}"
    if due_by is not None:
        sql += " AND card.due <= :due_by"
    if skip:
        sql += f" AND card.id NOT IN ({', '.join(':' + name for name in skip)})"
    sql += " ORDER BY card.due, card.id LIMIT 1"
    # One query per deck and state walks the (deck_id, state, due) index in order and stops at
    # the first row; a single IN (...) query would sort every due card instead (a temp B-tree).
    best: tuple[Any, int] | None = None
    params = _params(now, due_by=_db_time(due_by) if due_by is not None else None, **skip)
    for deck_id in deck_ids:
        for state in states:
            params["deck"], params["state"] = deck_id, state
            row = con.execute(sql, params).fetchone()
            if row is not None and (best is None or (row[0] or "", row[1]) < (best[0] or "", best[1])):
                best = (row[0], int(row[1]))
    return None if best is None else best[1]


def count_due(con: sqlite3.Connection, *, deck_id: str, now: datetime) -> int:
    """Available cards of the deck that are due now."""
    sql = f"SELECT count(*) FROM {CARDS} WHERE card.deck_id = :deck AND {DUE} AND {AVAILABLE}"
    return int(con.execute(sql, _params(now, deck=deck_id)).fetchone()[0])


def count_due_between(con: sqlite3.Connection, *, deck_ids: Sequence[str], start: datetime, end: datetime) -> int:
    """Cards that fall due in [start, end) and will be available at `start` (e.g. tomorrow's reviews)."""
    decks = {f"d{i}": deck_id for i, deck_id in enumerate(deck_ids)}
    if not decks:
        return 0
    sql = (
        f"SELECT count(*) FROM {CARDS} WHERE card.deck_id IN ({', '.join(':' + name for name in decks)}) "
        f"AND card.state IN (1, 2, 3) AND card.due >= :now AND card.due < :end AND {AVAILABLE}"
    )
    return int(con.execute(sql, _params(start, end=to_db_time(end), **decks)).fetchone()[0])


def count_new(con: sqlite3.Connection, *, deck_id: str, now: datetime, at_most: int | None = None) -> int:
    """Available new questions of the deck; with `at_most`, counting stops there (only
    min(waiting, room left today) is ever shown)."""
    limit = "" if at_most is None else f" LIMIT {max(0, int(at_most))}"
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {CARDS} WHERE card.deck_id = :deck AND {NEW} AND {AVAILABLE}{limit})"
    return int(con.execute(sql, _params(now, deck=deck_id)).fetchone()[0])


def count_unseen(con: sqlite3.Connection, *, deck_id: str) -> int:
    """New questions exam-date mode must still bring in: not suspended, not retired (buried ones too)."""
    sql = f"SELECT count(*) FROM {CARDS} WHERE card.deck_id = ? AND {NEW} AND card.suspended = 0 AND question.retired = 0"
    return int(con.execute(sql, (deck_id,)).fetchone()[0])


def count_new_since(con: sqlite3.Connection, *, deck_id: str, since: datetime) -> int:
    """New questions of the deck started in review since `since` (the study day's start)."""
    row = con.execute(
        "SELECT count(*) FROM review WHERE deck_id = ? AND reviewed_at >= ? AND was_new = 1 AND mode = 'review'",
        (deck_id, to_db_time(since)),
    ).fetchone()
    return int(row[0])


@dataclass(frozen=True, slots=True)
class ExamPace:
    unseen: int
    new_per_day: int


def exam_pace(con: sqlite3.Connection, *, deck_id: str, exam_date: date, now: datetime, tz: tzinfo) -> ExamPace | None:
    """New questions a day that meet every unseen one in time for the exam; None on or after its day."""
    today = date.fromisoformat(study_date(now, tz))
    if exam_date <= today:
        return None
    from certdrill.core import planner  # fsrs with it: only for decks with an exam date

    unseen = count_unseen(con, deck_id=deck_id)
    # Today's starts count as still unseen, so the day's figure does not shrink while working through it.
    started = count_new_since(con, deck_id=deck_id, since=day_start(now, tz))
    return ExamPace(unseen, planner.new_per_day(unseen=unseen + started, today=today, exam_date=exam_date))


def new_limit(con: sqlite3.Connection, *, deck_id: str, default: int, now: datetime, tz: tzinfo) -> int:
    """Today's new-question limit of the deck: its own or the learner's default, raised by exam-date pacing."""
    row = con.execute("SELECT new_per_day, exam_date FROM deck WHERE id = ?", (deck_id,)).fetchone()
    deck_limit, exam_date = row if row is not None else (None, None)
    pace = exam_pace(con, deck_id=deck_id, exam_date=date.fromisoformat(exam_date), now=now, tz=tz) if exam_date else None
    return daily_new.daily_limit(deck_limit=deck_limit, default=default, paced=pace.new_per_day if pace else 0)


def new_room(con: sqlite3.Connection, *, deck_id: str, default: int, now: datetime, tz: tzinfo) -> int:
    """How many more new questions review may start in the deck today."""
    started = count_new_since(con, deck_id=deck_id, since=day_start(now, tz))
    return daily_new.room_left(limit=new_limit(con, deck_id=deck_id, default=default, now=now, tz=tz), started=started)


def new_left_today(con: sqlite3.Connection, *, deck_id: str, default: int, now: datetime, tz: tzinfo) -> int:
    """New questions review will still serve in the deck today."""
    limit = new_limit(con, deck_id=deck_id, default=default, now=now, tz=tz)
    started = count_new_since(con, deck_id=deck_id, since=day_start(now, tz))
    waiting = count_new(con, deck_id=deck_id, now=now, at_most=daily_new.room_left(limit=limit, started=started))
    return daily_new.new_left_today(limit=limit, started=started, waiting=waiting)


def stored_setting(con: sqlite3.Connection, key: str) -> Any:
    """A learner setting as stored (None when never set); study.settings holds the defaults."""
    row = con.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    # A JSON column has NUMERIC affinity in SQLite: the '15' SQLAlchemy writes is read back as 15.
    return None if row is None else json.loads(row[0]) if isinstance(row[0], str) else row[0]


def default_new_per_day(con: sqlite3.Connection) -> int:
    """The learner's daily new limit setting, or the default."""
    value = stored_setting(con, "new_per_day")
    return daily_new.DEFAULT_NEW_PER_DAY if value is None else int(value)
