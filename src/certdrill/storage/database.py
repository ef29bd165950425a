"""One learner's database through plain sqlite3: connections with certdrill's PRAGMAs, one per
thread for the hot path and the read-only reports, and the SQLAlchemy engine made only when a
use case needs the ORM.

Start-up and the read-only commands never import SQLAlchemy (about 0.7 s on a 2-core machine,
twice a whole Textual app's start): only this module and storage.queries, queue and overview.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from certdrill.errors import CertdrillError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

BUSY_TIMEOUT_MS = 5000
SYNCHRONOUS = "NORMAL"
"""SQLite's durability setting for new connections: in WAL mode a commit survives a crash or kill
of certdrill (tests/test_crash_safety.py); only a power loss may roll back the last few commits,
never corrupt (docs/storage.md). The benchmarks also measure FULL, as Anki ships, by changing it
before a workspace opens."""


class DatabaseUnavailable(CertdrillError):
    """The database cannot be read or written right now (busy, read-only, full, damaged).

    Raised by `database_errors()`; the TUI and the CLI show `str(error)` as one line.
    """


def explain_database_error(exc: BaseException) -> str | None:
    """One line for the learner about an sqlite3 error (raw, or wrapped by SQLAlchemy); None if not one."""
    orig = getattr(exc, "orig", None)
    if isinstance(orig, sqlite3.Error):
        exc = orig
    if not isinstance(exc, sqlite3.Error):
        return None
    text = str(exc)
    if "locked" in text or "busy" in text:
        return ("the database is busy: another certdrill is writing to it; nothing was saved by this "
                "command, try again")
    if "readonly" in text or "read-only" in text:
        return "the database is read-only; nothing could be saved (check the permissions of the data folder)"
    if "full" in text:
        return "the disk is full; nothing was saved by this command (earlier answers are safe)"
    if "disk I/O" in text:
        # What SQLite reports when a full disk fails a write to the WAL or its index (tests/test_disk.py).
        return ("the disk could not be written (disk I/O error: is it full?); nothing was saved by this "
                "command (earlier answers are safe)")
    if "unable to open" in text:
        return "cannot open the database file: its folder is missing, read-only or not ours to write"
    if "not a database" in text or "malformed" in text:
        return ("the database file is damaged or not a certdrill database; run `certdrill doctor`, "
                "or `certdrill restore` one of its backups")
    return f"database error: {text}"


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn SQLite failures (busy, read-only, disk full, damaged) into `DatabaseUnavailable`.

    For callers that show errors to the learner: `with database_errors(): review.answer(...)`.
    """
    try:
        yield
    except CertdrillError:
        raise
    except Exception as exc:
        message = explain_database_error(exc)
        if message is None:
            raise
        raise DatabaseUnavailable(message) from exc


def configure(con: sqlite3.Connection) -> None:
    """certdrill's settings on a new connection, whoever opened it (this module or SQLAlchemy)."""
    # Transactions are begun explicitly (BEGIN, or BEGIN IMMEDIATE for writers), never implicitly.
    con.isolation_level = None
    con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
    con.execute("PRAGMA foreign_keys=ON")


def read_beside(con: sqlite3.Connection, sql: str, params: Mapping[str, Any]) -> Callable[[], list[Any]]:
    """Start the read-only `sql` on a second connection to `con`'s database file, in a thread of its
    own, and return the function that waits for its rows. SQLite lets go of the GIL while it steps,
    so a report's two long independent reads take two cores instead of one after the other.

    The second connection reads in a transaction of its own: a commit landing between the two
    reads is seen by one of them only (a report counts one answer more or less; the next report
    counts it everywhere). A database without a file (in memory) runs `sql` on `con` when asked.
    """
    path = next((file for _, name, file in con.execute("PRAGMA database_list") if name == "main"), "")
    if not path:
        return lambda: con.execute(sql, params).fetchall()
    done: dict[str, Any] = {}

    def read() -> None:
        try:
            side = sqlite3.connect(f"{Path(path).as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                done["rows"] = side.execute(sql, params).fetchall()
            finally:
                side.close()
        except BaseException as exc:  # raised again in the caller's thread, which waits for it
            done["error"] = exc

    thread = threading.Thread(target=read, name="certdrill-read-beside", daemon=True)
    thread.start()

    def rows() -> list[Any]:
        thread.join()
        if "error" in done:
            raise done["error"]
        result: list[Any] = done["rows"]
        return result

    return rows


class Lane:
    """One thread's connection, and the lock it holds while a transaction runs on it."""

    __slots__ = ("busy", "close", "con")

    def __init__(self, con: sqlite3.Connection, close: Callable[[], object]) -> None:
        # Re-entrant: a nested read joins the transaction; a nested write fails on its BEGIN
        # instead of waiting forever.
        self.con, self.close, self.busy = con, close, threading.RLock()


class Lanes:
    """Each thread's own connection to one database, opened on first use and kept; `close_all`
    closes every one of them (from any thread, never under a running statement)."""

    def __init__(self, open_lane: Callable[[], Lane]) -> None:
        self.open_lane = open_lane
        self.local = threading.local()
        self.opened: list[Lane] = []
        self.lock = threading.Lock()

    def get(self) -> Lane:
        found: Lane | None = getattr(self.local, "lane", None)
        if found is None:
            found = self.open_lane()
            with self.lock:
                self.opened.append(found)
                self.local.lane = found
        return found

    def close_all(self, *_args: object) -> None:
        with self.lock:
            opened, self.opened = self.opened, []
            self.local = threading.local()
        for lane in opened:
            # Never under a running statement: closing a connection that another thread is
            # stepping crashes the process (a worker counting cards while the app quits did).
            with lane.busy:
                lane.close()


@contextmanager
def transaction(lane: Lane, *, write: bool) -> Iterator[sqlite3.Connection]:
    """`lane`'s connection in one transaction: committed when the block ends, rolled back if it
    raises. Writers begin IMMEDIATE: they take the write lock up front and wait (busy_timeout)
    for another writer, instead of failing half-way with "database is locked". A read lane opened
    inside another on the same thread joins it."""
    con = lane.con
    with lane.busy:  # closing the lanes waits for this transaction to end
        if con.in_transaction and not write:
            yield con  # a read inside this thread's open transaction reads in it (a nested write fails)
            return
        con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield con
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")


class Database:
    """The database file at `path`: sqlite3 lanes at once, the ORM engine on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lanes = Lanes(self._open_lane)
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()

    def connect(self) -> sqlite3.Connection:
        """A new connection with certdrill's settings (usable from any thread, one at a time)."""
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        try:
            configure(con)
        except BaseException:
            con.close()
            raise
        return con

    def _open_lane(self) -> Lane:
        con = self.connect()
        return Lane(con, con.close)

    def schema_version(self) -> int | None:
        """The file's schema version (SQLite user_version); None when there is no file yet."""
        if not self.path.is_file():
            return None
        with database_errors(), self.lane(write=False) as con:
            return int(con.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def lane(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        """This thread's connection in a transaction of its own (see `transaction`)."""
        with transaction(self.lanes.get(), write=write) as con:
            yield con

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, made (and the schema created or upgraded) on first use."""
        with self._engine_lock:
            if self._engine is None:
                from certdrill.storage.engine import make_engine

                self._engine = make_engine(self.path)
            return self._engine

    @property
    def has_engine(self) -> bool:
        return self._engine is not None

    def session(self) -> Session:
        """An ORM session (SQLAlchemy is imported by the first one)."""
        from certdrill.storage.engine import session_for

        return session_for(self.engine)

    def close(self) -> None:
        self.lanes.close_all()
        with self._engine_lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
