"""One learner's workspace: the database, the clock and the timezone, opened the same way for
the TUI, the CLI and the tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from certdrill import paths
from certdrill.core.clock import StudyZone
from certdrill.core.scheduling import SchedulerSettings
from certdrill.storage.engine import make_engine, session_for
from certdrill.study.library import SyncResult, sync_bundled_decks
from certdrill.study.settings import Settings, load_settings


def _local_tz() -> tzinfo:
    return datetime.now().astimezone().tzinfo or UTC


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Workspace:
    """The database, the clock and the learner's timezone (a StudyZone: it knows the rollover hour)."""

    engine: Engine
    db_path: Path
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
        db_path = paths.database_path(data_dir)
        ws = cls(make_engine(db_path), db_path, tz or _local_tz(), clock or _utc_now, fuzz)
        ws.use_rollover_hour(ws.settings().rollover_hour)
        if sync_bundled:
            ws.warnings = tuple(ws.sync_bundled(bundled_root).refused)
        return ws

    def use_rollover_hour(self, hour: int) -> None:
        """Count study days from `hour` (local time) on: every "today" reads it from `tz`."""
        self.tz = StudyZone(self.tz, hour)

    def sync_bundled(self, root: Path | None = None) -> SyncResult:
        with self.session() as session:
            return sync_bundled_decks(session, now=self.now(), root=root)

    def session(self) -> Session:
        return session_for(self.engine)

    def now(self) -> datetime:
        return self.clock()

    def settings(self) -> Settings:
        with self.session() as session:
            return load_settings(session)

    def scheduler_settings(self, settings: Settings | None = None) -> SchedulerSettings:
        s = settings or self.settings()
        parameters = tuple(s.fsrs_parameters) if s.fsrs_parameters else None
        return SchedulerSettings(desired_retention=s.desired_retention, fuzz=self.fuzz, parameters=parameters)

    def close(self) -> None:
        self.engine.dispose()
