"""Connections for the review hot path (the statements themselves are in storage.queries).

Hand-written on purpose: through the ORM a next-card + answer cost ~5 ms, and even raw SQL inside
an ORM session transaction ~0.4 ms, nearly all of it session bookkeeping; on a pooled connection
in a transaction of its own it is ~0.1 ms (see benchmarks/bench_core.py).
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlmodel import Session


def raw(session: Session) -> sqlite3.Connection:
    """The session's own SQLite connection, inside the session's current transaction."""
    # session.connection() costs tens of microseconds; remember the answer for this transaction.
    transaction = session.get_transaction()
    cached = session.info.get("certdrill_raw")
    if transaction is not None and cached is not None and cached[0] is transaction:
        driver: sqlite3.Connection = cached[1]
        return driver
    found = session.connection().connection.driver_connection
    assert isinstance(found, sqlite3.Connection)
    session.info["certdrill_raw"] = (session.get_transaction(), found)
    return found


class _Lane:
    """One thread's connection, and the lock it holds while a transaction runs on it."""

    __slots__ = ("busy", "con", "pooled")

    def __init__(self, pooled: Any, con: sqlite3.Connection) -> None:
        # Re-entrant: a nested lane fails on its BEGIN, as before, instead of waiting forever.
        self.pooled, self.con, self.busy = pooled, con, threading.RLock()


class _Lanes:
    """Each thread's lane connection for one engine; all closed when the engine is disposed."""

    def __init__(self, engine: Engine) -> None:
        self.local = threading.local()
        self.opened: list[_Lane] = []
        self.lock = threading.Lock()
        event.listen(engine, "engine_disposed", self.close_all)

    def close_all(self, _engine: Engine) -> None:
        with self.lock:
            opened, self.opened = self.opened, []
            self.local = threading.local()
        for lane in opened:
            # Never under a running statement: closing a connection that another thread is
            # stepping crashes the process (a worker counting cards while the app quits did).
            with lane.busy:
                lane.pooled.invalidate()  # closes the DBAPI connection, from any thread


_LANES: weakref.WeakKeyDictionary[Engine, _Lanes] = weakref.WeakKeyDictionary()


def _lane(session: Session) -> _Lane:
    """This thread's own connection for lanes, checked out of the engine's pool once and kept."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    lanes = _LANES.get(engine)
    if lanes is None:
        lanes = _LANES[engine] = _Lanes(engine)
    found: _Lane | None = getattr(lanes.local, "lane", None)
    if found is None:
        pooled = engine.raw_connection()  # PRAGMAs come from the engine's connect hook
        con = pooled.driver_connection
        assert isinstance(con, sqlite3.Connection)
        found = _Lane(pooled, con)
        with lanes.lock:
            lanes.opened.append(found)
            lanes.local.lane = found
    return found


@contextmanager
def lane(session: Session, *, write: bool) -> Iterator[sqlite3.Connection]:
    """A connection of the session's engine, in one transaction of its own.

    Writers begin IMMEDIATE (they wait for the lock up front, see storage.engine). The
    transaction commits when the block ends and rolls back if it raises. It is separate from the
    session's own transaction: call it with no uncommitted writes pending in the session.
    """
    found = _lane(session)
    con = found.con
    with found.busy:  # the engine's disposal waits for this transaction to end
        con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield con
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")


