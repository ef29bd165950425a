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


def refused(ws: Workspace, source: Path | str, **options: object) -> str:
    """The one-line message of an import that is refused, after checking it changed nothing."""
    from certdrill.errors import CertdrillError
    from certdrill.study.importing import ImportOptions, import_source

    before = sql_dump(ws)
    with ws.session() as s, pytest.raises(CertdrillError) as caught:
        import_source(s, source=str(source), options=ImportOptions(**options), now=ws.now())  # type: ignore[arg-type]
    assert sql_dump(ws) == before
    message = str(caught.value)
    assert "\n" not in message
    return message


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


class Cli:
    """`certdrill ...` in this process, on one data folder whose bundled decks are the sample ones."""

    def __init__(self, data: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.data, self.capsys = data, capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        from certdrill.cli import main

        self.capsys.readouterr()
        code = main(["--data-dir", str(self.data), *args])
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def dump(self) -> list[str]:
        """Every row of the database (see sql_dump)."""
        import sqlite3

        con = sqlite3.connect(self.data / "certdrill.db")
        try:
            return list(con.iterdump())
        finally:
            con.close()


@pytest.fixture
def cli(tmp_path: Path, sample_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """The command line over the sample decks (the repository's bundled decks take seconds to load)."""
    real_open = Workspace.open.__func__  # type: ignore[attr-defined]

    def open_on_samples(cls: type[Workspace], data_dir: Path | str | None = None, **kwargs: Any) -> Workspace:
        kwargs.setdefault("bundled_root", sample_root)
        return real_open(cls, data_dir, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(Workspace, "open", classmethod(open_on_samples))
    return Cli(tmp_path / "cli", capsys)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fuzz-examples", type=int, default=300, metavar="N",
                     help="examples per importer in the fuzz tests (tests/test_fuzz_importers.py); "
                          "the long run: pytest -m fuzz --fuzz-examples 5000")


@pytest.fixture
def fuzz_examples(request: pytest.FixtureRequest) -> int:
    return int(request.config.getoption("--fuzz-examples"))
