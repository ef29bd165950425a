"""One learner's workspace: the database, the clock and the timezone, opened the same way for
the TUI, the CLI and the tests.

Opening it reads with plain sqlite3 only; SQLAlchemy is imported when a use case first asks for
an ORM session (or when the database must be created, upgraded or given new bundled decks).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from certdrill import paths
from certdrill.core.clock import StudyZone
from certdrill.storage import version
from certdrill.storage.database import Database

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from certdrill.core.scheduling import SchedulerSettings
    from certdrill.study.library import SyncResult
    from certdrill.study.settings import Settings


def _local_tz() -> tzinfo:
    return datetime.now().astimezone().tzinfo or UTC


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Workspace:
    """The database, the clock and the learner's timezone (a StudyZone: it knows the rollover hour)."""

    db: Database
    tz: tzinfo
    clock: Callable[[], datetime]
    fuzz: bool = True
    warnings: tuple[str, ...] = ()

    @classmethod
    def open(
        cls, data_dir: Path | str | None = None, *, clock: Callable[[], datetime] | None = None,
        tz: tzinfo | None = None, bundled_root: Path | None = None, sync_bundled: bool = True,
        fuzz: bool = True,
    ) -> Workspace:
        db = Database(paths.database_path(data_dir))
        try:
            if db.schema_version() != version.SCHEMA_VERSION:
                db.engine  # noqa: B018  (creates the database, or backs it up and upgrades it, or refuses a newer one)
            ws = cls(db, tz or _local_tz(), clock or _utc_now, fuzz)
            ws.use_rollover_hour(ws.settings().rollover_hour)
            if sync_bundled:
                ws.warnings = ws._load_bundled(bundled_root)
        except BaseException:
            db.close()
            raise
        return ws

    def use_rollover_hour(self, hour: int) -> None:
        """Count study days from `hour` (local time) on: every "today" reads it from `tz`."""
        self.tz = StudyZone(self.tz, hour)

    @property
    def db_path(self) -> Path:
        return self.db.path

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (imported and made on first use)."""
        return self.db.engine

    def _load_bundled(self, root: Path | None) -> tuple[str, ...]:
        """Load the bundled decks new to the database or at a new version, if there are any (only
        then is SQLAlchemy needed); returns the warnings about decks that could not be loaded."""
        from certdrill.decks.bundled import outdated_decks
        from certdrill.storage.queries import bundled_versions

        with self.reading() as con:
            if not outdated_decks(bundled_versions(con), root):
                return ()
        return tuple(self.sync_bundled(root).refused)

    def sync_bundled(self, root: Path | None = None) -> SyncResult:
        from certdrill.study.library import sync_bundled_decks

        with self.session() as session:
            return sync_bundled_decks(session, now=self.now(), root=root)

    def session(self) -> Session:
        """An ORM session (its first use imports SQLAlchemy)."""
        return self.db.session()

    def reading(self) -> AbstractContextManager[sqlite3.Connection]:
        """This thread's plain sqlite3 connection in a read transaction (no SQLAlchemy)."""
        return self.db.lane(write=False)

    def now(self) -> datetime:
        return self.clock()

    def settings(self) -> Settings:
        from certdrill.study.settings import load_settings

        with self.reading() as con:
            return load_settings(con)

    def scheduler_settings(self, settings: Settings | None = None) -> SchedulerSettings:
        from certdrill.core.scheduling import SchedulerSettings

        s = settings or self.settings()
        parameters = tuple(s.fsrs_parameters) if s.fsrs_parameters else None
        return SchedulerSettings(desired_retention=s.desired_retention, fuzz=self.fuzz, parameters=parameters)

    def close(self) -> None:
        self.db.close()
