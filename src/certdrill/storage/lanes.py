"""Connections for the review hot path (the statements themselves are in storage.queries).

Hand-written on purpose: through the ORM a next-card + answer cost ~5 ms, and even raw SQL inside
an ORM session transaction ~0.4 ms, nearly all of it session bookkeeping; on a connection of its
own in a transaction of its own it is ~0.1 ms (see benchmarks/bench_core.py).

A lane comes from a `Database` (no SQLAlchemy: start-up and the read-only commands use these) or
from an ORM session's engine (a connection of the engine's pool, kept by the thread).
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeAlias

from certdrill.storage.database import Database, Lane, Lanes, transaction

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

Source: TypeAlias = "Session | Database"
"""Where a lane comes from: an ORM session, or the database itself (no ORM)."""


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


_ENGINE_LANES: weakref.WeakKeyDictionary[Engine, Lanes] = weakref.WeakKeyDictionary()


def _engine_lanes(engine: Engine) -> Lanes:
    """Lanes of connections checked out of the engine's pool (PRAGMAs from its connect hook),
    closed when the engine is disposed."""
    found = _ENGINE_LANES.get(engine)
    if found is None:
        from sqlalchemy import event

        def open_lane() -> Lane:
            pooled = engine.raw_connection()
            con = pooled.driver_connection
            assert isinstance(con, sqlite3.Connection)
            return Lane(con, pooled.invalidate)  # invalidate: closes the DBAPI connection, from any thread

        found = _ENGINE_LANES[engine] = Lanes(open_lane)
        event.listen(engine, "engine_disposed", found.close_all)
    return found


def _lane(source: Source) -> Lane:
    """This thread's own lane for the source's database, opened once and kept."""
    if isinstance(source, Database):
        return source.lanes.get()
    from sqlalchemy import Connection

    bind: Any = source.get_bind()
    return _engine_lanes(bind.engine if isinstance(bind, Connection) else bind).get()


@contextmanager
def lane(source: Source, *, write: bool) -> Iterator[sqlite3.Connection]:
    """A connection to the source's database, in one transaction of its own.

    Writers begin IMMEDIATE (they wait for the lock up front, see storage.database). The
    transaction commits when the block ends and rolls back if it raises. It is separate from an
    ORM session's own transaction: call it with no uncommitted writes pending in the session.
    """
    with transaction(_lane(source), write=write) as con:
        yield con
