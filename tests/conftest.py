"""Shared fixtures: a workspace in a temporary folder with a fixed clock and no fuzz."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from certdrill.study.workspace import Workspace
from helpers import SAMPLE_DECKS, Cli, Clock

# Property tests draw the same examples on every run (a red CI is a change, never the luck of the
# draw); `pytest --hypothesis-profile explore` draws new ones and keeps what fails in .hypothesis/.
settings.register_profile("default", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile("default")


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


@pytest.fixture
def no_env_leak() -> Iterator[None]:
    before = dict(os.environ)
    yield
    assert dict(os.environ) == before


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
