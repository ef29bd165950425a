"""Shared fixtures: a workspace in a temporary folder with a fixed clock and no fuzz."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from certdrill.study.workspace import Workspace

DATA = Path(__file__).parent / "data"
SAMPLE_DECKS = DATA / "decks"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday morning, well after the 04:00 rollover


class Clock:
    """A settable clock for tests."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Never touch the developer's own database or settings.
    monkeypatch.setenv("CERTDRILL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sample_root(tmp_path: Path) -> Path:
    """A private copy of the sample decks, so tests may edit them."""
    root = tmp_path / "bundled"
    shutil.copytree(SAMPLE_DECKS, root)
    return root


@pytest.fixture
def make_workspace(tmp_path: Path, clock: Clock, sample_root: Path) -> Iterator[Callable[..., Workspace]]:
    opened: list[Workspace] = []

    def factory(**kwargs: object) -> Workspace:
        options: dict[str, object] = {"clock": clock, "tz": UTC, "bundled_root": sample_root, "fuzz": False}
        options.update(kwargs)
        ws = Workspace.open(tmp_path / "data", **options)  # type: ignore[arg-type]
        opened.append(ws)
        return ws

    yield factory
    for ws in opened:
        ws.close()


@pytest.fixture
def workspace(make_workspace: Callable[..., Workspace]) -> Workspace:
    return make_workspace()


def sql_dump(ws: Workspace) -> list[str]:
    """Every row of every table, as SQL text: equal dumps mean equal content."""
    import sqlite3

    con = sqlite3.connect(ws.db_path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


@pytest.fixture
def no_env_leak() -> Iterator[None]:
    before = dict(os.environ)
    yield
    assert dict(os.environ) == before


async def settle(pilot: Any) -> None:
    """Wait until background workers (readiness on the dashboard) are done and the screen is drawn."""
    from textual.worker import WorkerCancelled, WorkerFailed

    for _ in range(50):
        try:
            await pilot.app.workers.wait_for_complete()
        except (WorkerCancelled, WorkerFailed):
            continue  # a newer request replaced it; wait for that one
        if not any(w.is_running for w in pilot.app.workers):
            break
    await pilot.pause()
