"""Engine factory: SQLite with WAL and foreign keys, schema creation, versioned upgrades."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session, SQLModel

from certdrill.errors import CertdrillError
from certdrill.storage import tables  # noqa: F401  (registers the tables on SQLModel.metadata)

SCHEMA_VERSION = 1
WRITE_OPTION = "certdrill_write"
BUSY_TIMEOUT_MS = 5000

# from-version -> step that upgrades the database to from-version + 1, in one transaction.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {}


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's BEGIN drive transactions, not the sqlite3 module's implicit ones.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _on_begin(conn: Any) -> None:
    # Writers begin IMMEDIATE: they take the write lock up front and wait (busy_timeout) for
    # another writer, instead of failing half-way with "database is locked" when a read
    # transaction tries to become a write. Readers begin deferred and never block anyone (WAL).
    immediate = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(db_path: Path) -> Engine:
    """An engine for the database at `db_path`, created and upgraded to the current schema."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{db_path}")
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    prepare_schema(engine, db_path)
    return engine


def schema_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())


def prepare_schema(engine: Engine, db_path: Path) -> None:
    """Create a new database, or back up and upgrade an older one step by step."""
    version = schema_version(engine)
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise CertdrillError(
            f"{db_path}: made by a newer certdrill (schema {version}, this one knows {SCHEMA_VERSION}); upgrade certdrill"
        )
    if version == 0:
        with engine.begin() as conn:
            existing = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type='table'").scalar_one()
            if existing:
                raise CertdrillError(f"{db_path}: not a certdrill database (it has tables but no schema version)")
            SQLModel.metadata.create_all(conn)
            conn.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")
        return
    backup_database(db_path, reason=f"schema{version}")
    raw = sqlite3.connect(db_path, isolation_level=None)
    try:
        for step in range(version, SCHEMA_VERSION):
            raw.execute("BEGIN IMMEDIATE")
            try:
                MIGRATIONS[step](raw)
                raw.execute(f"PRAGMA user_version={step + 1}")
                raw.execute("COMMIT")
            except Exception:
                raw.execute("ROLLBACK")
                raise
    finally:
        raw.close()


def backup_database(db_path: Path, *, reason: str, now: datetime | None = None) -> Path:
    """Copy the database (consistently, via SQLite's backup API) next to it under backups/."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    folder = db_path.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"certdrill-{stamp}-{reason}.db"
    source = sqlite3.connect(db_path)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    return target


def copy_file(src: Path, dst: Path) -> None:
    shutil.copy2(src, dst)


def session_for(engine: Engine) -> Session:
    """A session whose objects stay readable after commit (the TUI shows them afterwards)."""
    return Session(engine, expire_on_commit=False)


def begin_write(session: Session) -> None:
    """Start the session's transaction as a writer; call before its first statement."""
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={WRITE_OPTION: True})
