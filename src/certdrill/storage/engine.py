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

from certdrill import paths
from certdrill.errors import CertdrillError
from certdrill.storage import (
    migrations,
    tables,  # noqa: F401  (registers the tables on SQLModel.metadata)
)
from certdrill.storage.database import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS
from certdrill.storage.database import DatabaseUnavailable as DatabaseUnavailable
from certdrill.storage.database import configure
from certdrill.storage.database import database_errors as database_errors
from certdrill.storage.database import explain_database_error as explain_database_error
from certdrill.storage.version import FIRST_SCHEMA_VERSION as FIRST_SCHEMA_VERSION
from certdrill.storage.version import SCHEMA_VERSION as SCHEMA_VERSION

WRITE_OPTION = "certdrill_write"

# from-version -> step that upgrades the database to from-version + 1. Each step runs inside
# its own BEGIN IMMEDIATE transaction with foreign keys off (SQLite's table-rebuild recipe), and
# user_version is bumped in the same transaction: a crash mid-upgrade leaves the old version.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = dict(migrations.STEPS)


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # The same settings as every plain sqlite3 connection; SQLAlchemy's BEGIN then drives
    # transactions, not the sqlite3 module's implicit ones.
    configure(dbapi_connection)


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
    try:
        with database_errors():
            prepare_schema(engine, db_path)
    except BaseException:
        engine.dispose()
        raise
    return engine


def schema_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())


def newer_schema_message(db_path: Path, version: int) -> str:
    return (f"{db_path}: made by a newer certdrill (schema {version}, this one knows {SCHEMA_VERSION}); "
            "upgrade certdrill")


def prepare_schema(engine: Engine, db_path: Path) -> None:
    """Create a new database, or back up and upgrade an older one step by step."""
    version = schema_version(engine)
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise CertdrillError(newer_schema_message(db_path, version))
    if version == 0:
        _create(engine, db_path)
        return
    backup_database(db_path, reason=f"schema{version}")
    migrate(db_path)


def _create(engine: Engine, db_path: Path) -> None:
    # Under the write lock, and checked again inside it: two certdrill windows started at once
    # on a new data folder must not both create the tables.
    with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn, conn.begin():
        version = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
        if version:
            return
        existing = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type='table'").scalar_one()
        if existing:
            raise CertdrillError(f"{db_path}: not a certdrill database (it has tables but no schema version)")
        SQLModel.metadata.create_all(conn)
        conn.exec_driver_sql(migrations.NEW_DEVICE)
        conn.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")


def migrate(db_path: Path) -> int:
    """Run the missing migration steps, one transaction each; returns the version reached.

    Safe to race: the version is read again under the write lock, so a step another process
    has just applied is not applied twice.
    """
    raw = sqlite3.connect(db_path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        while True:
            raw.execute("BEGIN IMMEDIATE")
            try:
                version = int(raw.execute("PRAGMA user_version").fetchone()[0])
                if version >= SCHEMA_VERSION:
                    raw.execute("ROLLBACK")
                    return version
                if version not in MIGRATIONS:
                    raise CertdrillError(f"{db_path}: no upgrade known from schema {version}")
                MIGRATIONS[version](raw)
                broken = raw.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise CertdrillError(f"{db_path}: upgrade from schema {version} broke {len(broken)} references")
                raw.execute(f"PRAGMA user_version={version + 1}")
                raw.execute("COMMIT")
            except BaseException:
                raw.execute("ROLLBACK")
                raise
    finally:
        raw.close()


def backup_database(db_path: Path, *, reason: str, now: datetime | None = None, target: Path | None = None) -> Path:
    """Copy the database consistently (SQLite's backup API, safe while others use it).

    By default into backups/ next to it, named by time and reason; never over an earlier backup.
    """
    if target is None:
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        folder = paths.backups_dir(db_path.parent)
        target = folder / f"certdrill-{stamp}-{reason}.db"
        n = 1
        while target.exists():
            target = folder / f"certdrill-{stamp}-{reason}-{n}.db"
            n += 1
    source = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
            # The copy would keep the source's WAL mode, and every later reader of it (`backup` reports
            # its contents) would leave -wal and -shm files beside it: a backup is one self-contained file.
            dest.execute("PRAGMA journal_mode=DELETE")
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
