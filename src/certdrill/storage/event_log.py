"""The event table: every learner change recorded for sync, in the transaction that makes the change.

Plain SQL on the connection of the writing transaction: recording an event is a read by primary
key and an insert, cheap enough for the answer path (benchmarks/bench_sync.py times it).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from certdrill.core.sync import clock
from certdrill.core.sync.events import data_text, subject

NOT_ANSWER = "type != 'answer'"
"""Put in every lookup of events by what they change (deck, item): it lets SQLite use the subject
index, which leaves answers out (a card's answers are found through its review rows)."""

# Where this device stands: its id, its clock (past every event received) and its last event, read
# by primary key. Two plain statements (this read, then the insert) cost the sqlite3 module less
# than one INSERT ... SELECT, and far less than RETURNING: the answer path pays for this.
_LAST = ("SELECT d.id, d.clock, (SELECT seq FROM event WHERE device = d.id ORDER BY seq DESC LIMIT 1), "
         "(SELECT hlc FROM event WHERE device = d.id ORDER BY seq DESC LIMIT 1) FROM device AS d WHERE d.local")
_INSERT = "INSERT INTO event (device, seq, hlc, type, deck, item, data, applied) VALUES (?, ?, ?, ?, ?, ?, ?, 1)"

Origin = tuple[str, int, int]
"""(device, seq, hlc) of a recorded event."""


def record(con: sqlite3.Connection, *, type: str, data: dict[str, Any], now: datetime) -> Origin:
    """Record a change of this device at `now`; returns its event's (device, seq, hlc).

    The clock ticks past `now`, past this device's last event and past every event it has seen
    from others (`seen`): its own events never reorder, and a change made after seeing another
    is ordered after it.
    """
    row = con.execute(_LAST).fetchone()
    if row is None:
        raise RuntimeError("this database has no device of its own (schema 2 creates one)")
    device, seen_clock, last_seq, last_hlc = row
    seq, hlc = (last_seq or 0) + 1, max(clock.at_time(now), (last_hlc or 0) + 1, seen_clock + 1)
    deck, item = subject(type, data)
    con.execute(_INSERT, (device, seq, hlc, type, deck, item, data_text(data)))
    return device, seq, hlc


def seen(con: sqlite3.Connection, hlc: int) -> None:
    """Events up to clock `hlc` are now in this database (received, or history given events late):
    this device's next change comes after them."""
    con.execute("UPDATE device SET clock = max(clock, ?) WHERE local", (hlc,))


def has_synced(con: sqlite3.Connection) -> bool:
    """Whether this device has synced once: its first sync gave events to what came before
    (study.sync_export.backfill), so from then on every change must journal itself."""
    row = con.execute("SELECT backfilled FROM device WHERE local").fetchone()
    return bool(row and row[0])


def local_device(con: sqlite3.Connection) -> tuple[str, str]:
    """(id, name) of this database's own device."""
    row = con.execute("SELECT id, name FROM device WHERE local = 1").fetchone()
    if row is None:
        raise RuntimeError("this database has no device of its own (schema 2 creates one)")
    return row[0], row[1]
