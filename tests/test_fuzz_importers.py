"""Fuzzed importers: damaged packages, tables and YAML decks through `certdrill import`. Whatever the
input, the command ends with exit 0 and sane content, or exit 1 and one line with the database
unchanged; never a traceback, never a raw escape on the terminal, never more than 10 s.

300 examples per importer (derandomized: the same ones every run); the long run is
`pytest -m fuzz --fuzz-examples 5000` (docs/importing.md).
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import certdrill.cli.importing
from certdrill.cli import main
from certdrill.core.text import terminal_safe
from certdrill.study.workspace import Workspace
from fuzz_inputs import anki_package, table_file, yaml_file
from helpers import SAMPLE_DECKS, Clock

pytestmark = pytest.mark.fuzz
SECONDS = 10.0


_UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _clean(text: str) -> bool:
    """Stored text as clean_text leaves it: no control characters, escapes or bidi overrides."""
    return _UNCLEAN.search(text) is None


class Importer:
    """`certdrill import` on a fresh copy of one database (the sample decks), example after example."""

    def __init__(self, root: Path) -> None:
        self.root = root
        ws = Workspace.open(root / "template", clock=Clock(), tz=UTC, bundled_root=SAMPLE_DECKS, fuzz=False)
        ws.close()
        self.template = root / "template" / "certdrill.db"
        self.before = self.dump(self.template)
        self.ws: Workspace | None = None
        self.runs = 0

    @staticmethod
    def dump(db: Path) -> list[str]:
        con = sqlite3.connect(db)
        try:
            return list(con.iterdump())
        finally:
            con.close()

    def __call__(self, name: str, data: bytes, *args: str) -> None:
        self.runs += 1
        folder = self.root / f"run{self.runs}"
        folder.mkdir()
        shutil.copy(self.template, folder / "certdrill.db")
        source = folder / name
        source.write_bytes(data)
        self.ws = Workspace.open(folder, clock=Clock(), tz=UTC, sync_bundled=False, fuzz=False)
        out, err = io.StringIO(), io.StringIO()
        start = time.monotonic()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["--data-dir", str(folder), "import", str(source), *args])
            elapsed = time.monotonic() - start
            self.check(code, out.getvalue(), err.getvalue(), elapsed, folder)
        finally:
            self.ws.close()
            shutil.rmtree(folder)

    def check(self, code: int, out: str, err: str, elapsed: float, folder: Path) -> None:
        shown = out + err
        assert code in (0, 1), f"exit {code}:\n{shown}"
        assert "Traceback" not in shown, shown
        assert terminal_safe(shown) == shown, "a raw control character reached the terminal"
        assert elapsed < SECONDS, f"{elapsed:.1f} s"
        if code == 1:
            assert out == "" and err.startswith("certdrill: ") and err.count("\n") == 1, shown
            assert self.dump(folder / "certdrill.db") == self.before, "refused, yet the database changed"
            return
        assert out.startswith("imported ") and err == "", shown
        con = sqlite3.connect(folder / "certdrill.db")
        try:
            texts = [t for row in con.execute("SELECT qid, prompt, answer, explanation, choices, tags FROM question")
                     for t in row]
            titles = [t for row in con.execute("SELECT title, version FROM deck") for t in row]
            names = [n for (n,) in con.execute("SELECT name FROM domain")]
        finally:
            con.close()
        for text in [*texts, *titles, *names]:
            assert _clean(text), repr(text)


@pytest.fixture
def importer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Importer]:
    harness = Importer(tmp_path)
    # The CLI's own path from the arguments to the exit code; only the workspace is the harness's.
    monkeypatch.setattr(certdrill.cli.importing, "open_workspace", lambda _args: harness.ws)
    yield harness


def fuzz(examples: int, strategy: st.SearchStrategy[Any], run: Callable[[Any], None]) -> None:
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def example(value: Any) -> None:
        run(value)

    example()


def test_damaged_anki_packages(importer: Importer, fuzz_examples: int) -> None:
    def run(value: tuple[bytes, bool]) -> None:
        package, history = value
        importer("deck.apkg", package, *(["--with-history"] if history else []))

    fuzz(fuzz_examples, anki_package(), run)


def test_damaged_tables(importer: Importer, fuzz_examples: int) -> None:
    fuzz(fuzz_examples, table_file(), lambda value: importer(f"deck{value[0]}", value[1]))


def test_damaged_yaml_decks(importer: Importer, fuzz_examples: int) -> None:
    fuzz(fuzz_examples, yaml_file(), lambda data: importer("deck.yaml", data))
