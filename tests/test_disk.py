"""A full disk or a read-only database: one clear line, exit 1, and every earlier answer kept."""

from __future__ import annotations

import copy
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from certdrill.cli import main
from certdrill.decks import bundled
from certdrill.storage import engine
from certdrill.study import review
from certdrill.study.maintenance import DatabaseUnavailable, database_errors
from certdrill.study.workspace import Workspace
from helpers import SAMPLE_DECKS
from history_check import disagreements, integrity, review_ids


def answer_some(ws: Workspace, n: int) -> set[int]:
    ids = set()
    for _ in range(n):
        with ws.session() as session:
            card = review.next_card(session, deck_ids=["sample"], now=ws.now(), tz=ws.tz, new_per_day=20)
            assert card is not None
            result = review.answer(session, card_id=card.card_id, chosen=list(card.question.correct_indices),
                                   rating=3 if card.question.kind == "flashcard" else None, now=ws.now(),
                                   scheduler_settings=ws.scheduler_settings())
            ids.add(result.review_id)
    return ids


def big_deck(folder: Path, n: int = 300) -> Path:
    data = yaml.safe_load((SAMPLE_DECKS / "sample" / "deck.yaml").read_text())
    template = data["questions"][0]
    data["id"], data["questions"] = "bulk", [
        {**copy.deepcopy(template), "id": f"bulk-{i}", "prompt": f"Question {i}: {'x' * 400}"} for i in range(n)
    ]
    folder.mkdir()
    (folder / "deck.yaml").write_text(yaml.safe_dump(data))
    return folder


def writes_fail(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """Every new connection fails its writes the way SQLite does on a full disk or a read-only file."""
    original = engine._on_connect

    def on_connect(con: sqlite3.Connection, record: Any) -> None:
        original(con, record)
        if how == "full":  # no page may be added: SQLite's own SQLITE_FULL path
            con.execute(f"PRAGMA max_page_count = {con.execute('PRAGMA page_count').fetchone()[0]}")
        else:  # SQLITE_READONLY, as for a file opened read-only
            con.execute("PRAGMA query_only = 1")

    monkeypatch.setattr(engine, "_on_connect", on_connect)


@pytest.fixture
def answered(make_workspace: Callable[..., Workspace], sample_root: Path,
             monkeypatch: pytest.MonkeyPatch) -> tuple[Workspace, set[int]]:
    monkeypatch.setattr(bundled, "bundled_decks_dir", lambda: sample_root)
    ws = make_workspace()
    ids = answer_some(ws, 6)
    ws.close()
    return ws, ids


@pytest.mark.parametrize(("how", "message"), [
    ("full", "certdrill: the disk is full; nothing was saved by this command (earlier answers are safe)"),
    ("read-only", "certdrill: the database is read-only; nothing could be saved (check the permissions of the data folder)"),
])
def test_failing_writes_print_one_line_exit_1_and_keep_earlier_answers(
    answered: tuple[Workspace, set[int]], how: str, message: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    ws, ids = answered
    deck = big_deck(tmp_path / "bulk")
    writes_fail(monkeypatch, how)
    assert main(["--data-dir", str(ws.db_path.parent), "import", str(deck)]) == 1
    assert capsys.readouterr().err.splitlines() == [message]
    monkeypatch.undo()
    assert review_ids(ws.db_path) == ids
    assert integrity(ws.db_path) == ["ok"] and disagreements(ws.db_path) == []
    con = sqlite3.connect(ws.db_path)
    assert con.execute("SELECT count(*) FROM deck WHERE id = 'bulk'").fetchone() == (0,)  # all or nothing
    con.close()


def test_an_answer_on_a_full_disk_raises_a_clear_error_and_changes_nothing(
    make_workspace: Callable[..., Workspace], monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = make_workspace()
    ids = answer_some(ws, 3)
    ws.close()
    writes_fail(monkeypatch, "full")
    full = make_workspace()
    with full.session() as session:
        # Fill the last free room of the pages, so the next answer needs a new page.
        card = review.next_card(session, deck_ids=["sample"], now=full.now(), tz=full.tz, new_per_day=20)
        assert card is not None
        with pytest.raises(DatabaseUnavailable, match="the disk is full"), database_errors():
            for _ in range(10_000):
                review.answer(session, card_id=card.card_id, chosen=[0], rating=3, now=full.now(), mode="practice",
                              scheduler_settings=full.scheduler_settings())
    full.close()
    monkeypatch.undo()
    assert ids <= review_ids(ws.db_path)
    assert integrity(ws.db_path) == ["ok"] and disagreements(ws.db_path) == []


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Any:
    point = tmp_path / "disk"
    point.mkdir()
    if shutil.which("mount") is None or not _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(point)):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield point
    subprocess.run(["umount", "-l", str(point)], capture_output=True)


def certdrill(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "certdrill", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=120)


def test_a_real_full_then_read_only_file_system(tiny_disk: Path, tmp_path: Path) -> None:
    data = tiny_disk / "data"
    ws = Workspace.open(data, bundled_root=SAMPLE_DECKS, fuzz=False)
    ids = answer_some(ws, 5)
    ws.close()
    filler = tiny_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:  # take every free byte
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    result = certdrill(data, "import", str(big_deck(tmp_path / "bulk")))
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(("certdrill: the disk is full", "certdrill: the disk could not be written"))
    filler.unlink()
    assert review_ids(data / "certdrill.db") == ids and integrity(data / "certdrill.db") == ["ok"]

    assert _mount("-o", "remount,ro", str(tiny_disk))
    result = certdrill(data, "import", str(SAMPLE_DECKS / "sample"))
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1, result.stderr
    assert "read-only" in result.stderr
    assert _mount("-o", "remount,rw", str(tiny_disk))
    assert review_ids(data / "certdrill.db") == ids
