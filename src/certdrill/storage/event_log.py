"""The event table: every learner change recorded for sync, in the transaction that makes the change.

Plain SQL on the connection of the writing transaction: recording an event is one statement (the
next seq and the clock tick are read in it, by index), cheap enough for the answer path.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from certdrill.core.sync import clock
from certdrill.core.sync.events import data_text, subject

_RECORD = (
    "INSERT INTO event (device, seq, hlc, type, deck, item, data, applied) "
    "SELECT d.id, coalesce((SELECT max(seq) FROM event WHERE device = d.id), 0) + 1, "
    "max(?, coalesce((SELECT max(hlc) FROM event), 0) + 1), ?, ?, ?, ?, 1 "
    "FROM device AS d WHERE d.local = 1 RETURNING device, seq, hlc"
)

Origin = tuple[str, int, int]
"""(device, seq, hlc) of a recorded event."""


def record(con: sqlite3.Connection, *, type: str, data: dict[str, Any], now: datetime) -> Origin:
    """Record a change of this device at `now`; returns its event's (device, seq, hlc).

    The clock ticks past `now` and past every event this database holds (its own and received
    ones): a change made after seeing another is ordered after it.
    """
    deck, item = subject(type, data)
    row = con.execute(_RECORD, (clock.at_time(now), type, deck, item, data_text(data))).fetchone()
    if row is None:
        raise RuntimeError("this database has no device of its own (schema 2 creates one)")
    return row[0], row[1], row[2]


def local_device(con: sqlite3.Connection) -> tuple[str, str]:
    """(id, name) of this database's own device."""
    row = con.execute("SELECT id, name FROM device WHERE local = 1").fetchone()
    if row is None:
        raise RuntimeError("this database has no device of its own (schema 2 creates one)")
    return row[0], row[1]


def answer_origin(con: sqlite3.Connection, review_id: int) -> tuple[str, int] | None:
    """The event of a stored answer, if it has one yet (answers from before sync get theirs at the first sync)."""
    row = con.execute("SELECT device, seq FROM review WHERE id = ?", (review_id,)).fetchone()
    if row is None or row[0] is None:
        return None
    return row[0], row[1]
