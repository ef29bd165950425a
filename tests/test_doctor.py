"""`certdrill doctor`, `backup` and `restore`: find and safely fix problems, never lose history."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from certdrill.cli import main
from certdrill.decks import bundled
from certdrill.study.maintenance import doctor, examine
from certdrill.study.workspace import Workspace
from helpers import Clock
from history_check import review_ids
from test_disk import answer_some


def raw(ws: Workspace, *statements: str) -> None:
    con = sqlite3.connect(ws.db_path)  # foreign keys off: damage the app itself would refuse
    for sql in statements:
        con.execute(sql)
    con.commit()
    con.close()


def one(ws: Workspace, sql: str) -> tuple[object, ...]:
    con = sqlite3.connect(ws.db_path)
    try:
        return tuple(con.execute(sql).fetchone())
    finally:
        con.close()


@pytest.fixture
def studied(make_workspace: Callable[..., Workspace], sample_root: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.setattr(bundled, "bundled_decks_dir", lambda: sample_root)  # the CLI's bundled decks too
    ws = make_workspace()
    answer_some(ws, 8)
    return ws


def run_doctor(ws: Workspace, *, fix: bool) -> list[str]:
    with ws.session() as session:
        report = doctor(session, db_path=ws.db_path, now=ws.now(), fix=fix)
    return [f.line() for f in (report.remaining if fix else report.found)]


def test_doctor_finds_nothing_wrong_after_real_answers(studied: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_doctor(studied, fix=False) == []
    assert main(["--data-dir", str(studied.db_path.parent), "doctor"]) == 0
    assert capsys.readouterr().out.strip() == f"{studied.db_path}: no problems"


def test_doctor_fix_restores_count_and_last_review_after_a_backup(studied: Workspace,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    good = one(studied, "SELECT reps, last_review FROM card WHERE id = 1")
    raw(studied, "UPDATE card SET reps = 99, last_review = '2020-01-01T00:00:00.000000Z' WHERE id = 1")
    found = run_doctor(studied, fix=False)
    assert len(found) == 2 and all("card 1 (sample/s-1)" in line for line in found)
    assert main(["--data-dir", str(studied.db_path.parent), "doctor"]) == 1
    assert "2 of 2 problems can be fixed: certdrill doctor --fix" in capsys.readouterr().out
    assert main(["--data-dir", str(studied.db_path.parent), "doctor", "--fix"]) == 0
    out = capsys.readouterr().out
    assert out.count("fixed  card state: card 1") == 2 and "no problems left (2 fixed)" in out
    assert one(studied, "SELECT reps, last_review FROM card WHERE id = 1") == good
    (backup,) = (studied.db_path.parent / "backups").glob("*-doctor.db")
    assert sqlite3.connect(backup).execute("SELECT reps FROM card WHERE id = 1").fetchone() == (99,)


def test_doctor_gives_a_question_its_card_and_keeps_reviews_whose_card_is_gone(studied: Workspace) -> None:
    reviews = review_ids(studied.db_path)
    raw(studied, "DELETE FROM card WHERE id = 4",
        "INSERT INTO card (id, deck_id, state, reps, lapses, suspended, flagged) VALUES (77, 'sample', 0, 0, 0, 0, 0)",
        "INSERT INTO review (card_id, deck_id, reviewed_at, rating, chosen, duration_ms, mode, was_new) "
        "VALUES (88, 'sample', '2026-11-01T00:00:00.000000Z', 3, '[]', 0, 'practice', 0)")
    found = run_doctor(studied, fix=False)
    assert any(line.startswith("question without card: sample/s-4") for line in found)
    assert any(line.startswith("orphan card: card 77") for line in found)
    assert any(line.startswith("orphan review: review") for line in found)
    left = run_doctor(studied, fix=True)
    assert [line.split(":")[0] for line in left] == ["orphan review"]  # answers are never deleted
    assert one(studied, "SELECT state FROM card WHERE id = 4") == (0,)
    assert one(studied, "SELECT count(*) FROM card WHERE id = 77") == (0,)
    assert reviews < review_ids(studied.db_path)


def test_doctor_reports_a_broken_undo_chain_without_touching_it(studied: Workspace) -> None:
    raw(studied, "UPDATE review SET state_before = '{\"state\": 2, \"reps\": 7, \"last_review\": null}' "
                 "WHERE id = (SELECT max(id) FROM review WHERE mode = 'review')")
    found = run_doctor(studied, fix=True)
    assert len(found) == 1 and found[0].startswith("answer chain: card") and "(fix:" not in found[0]


def test_doctor_loads_a_bundled_deck_that_is_out_of_date(make_workspace: Callable[..., Workspace],
                                                         sample_root: Path) -> None:
    make_workspace().close()
    deck_file = sample_root / "sample" / "deck.yaml"
    deck_file.write_text(deck_file.read_text().replace('version: "1"', 'version: "2"', 1))
    ws = make_workspace(sync_bundled=False)
    with ws.session() as session:
        (finding,) = examine(session, bundled_root=sample_root)
        assert finding.line().startswith("bundled deck: sample: version 1; certdrill ships version 2")
        report = doctor(session, db_path=ws.db_path, now=ws.now(), fix=True, bundled_root=sample_root)
    assert report.remaining == [] and report.backup is not None
    assert one(ws, "SELECT version FROM deck WHERE id = 'sample'") == ("2",)


def test_doctor_on_a_damaged_file_changes_nothing_and_names_a_backup(
    studied: Workspace, capsys: pytest.CaptureFixture[str],
) -> None:
    data = str(studied.db_path.parent)
    assert main(["--data-dir", data, "backup"]) == 0
    studied.close()
    with studied.db_path.open("r+b") as fh:
        fh.seek(0)
        fh.write(b"this is not SQLite any more" * 4)
    damaged = studied.db_path.read_bytes()
    capsys.readouterr()
    assert main(["--data-dir", data, "doctor", "--fix"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("found  integrity:")
    assert "the database file is damaged; nothing was changed. Restore a backup: certdrill restore " in out
    assert studied.db_path.read_bytes() == damaged
    backup = out.rsplit("certdrill restore ", 1)[1].strip()
    assert main(["--data-dir", data, "restore", backup]) == 0
    assert "the database it replaced is saved as" in capsys.readouterr().out
    assert main(["--data-dir", data, "doctor"]) == 0


def test_backup_then_restore_brings_back_exactly_the_backed_up_answers(
    studied: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str], clock: Clock,
) -> None:
    data = str(studied.db_path.parent)
    saved = review_ids(studied.db_path)
    copy = tmp_path / "saved.db"
    assert main(["--data-dir", data, "backup", str(copy)]) == 0
    assert capsys.readouterr().out.strip() == f"backed up to {copy} (1 deck, {len(saved)} answers)"
    assert main(["--data-dir", data, "backup", str(copy)]) == 1  # never over an existing file
    clock.advance(days=30)
    later = answer_some(studied, 3)
    assert main(["--data-dir", data, "restore", str(copy)]) == 0
    out = capsys.readouterr().out
    assert review_ids(studied.db_path) == saved  # the open workspace's engine sees the restored file too
    previous = Path(out.rsplit("saved as ", 1)[1].strip())
    assert review_ids(previous) == saved | later


@pytest.mark.parametrize("make_file", ["not sqlite", "other sqlite", "newer certdrill"])
def test_restore_refuses_a_file_that_is_not_a_usable_certdrill_database(
    studied: Workspace, tmp_path: Path, make_file: str, capsys: pytest.CaptureFixture[str],
) -> None:
    bad = tmp_path / "bad.db"
    if make_file == "not sqlite":
        bad.write_text("hello")
    else:
        con = sqlite3.connect(bad if make_file == "other sqlite" else studied.db_path)
        if make_file == "other sqlite":
            con.execute("CREATE TABLE notes (x)")
        else:
            con.backup(sqlite3.connect(bad))
        con.close()
        if make_file == "newer certdrill":
            sqlite3.connect(bad).execute("PRAGMA user_version = 99").connection.close()
    before = review_ids(studied.db_path)
    capsys.readouterr()
    assert main(["--data-dir", str(studied.db_path.parent), "restore", str(bad)]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith(f"certdrill: {bad}: ")
    assert ("newer certdrill" in err) == (make_file == "newer certdrill")
    assert review_ids(studied.db_path) == before


def test_a_backup_is_one_file_without_wal_or_shm_beside_it(
    studied: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "backups-here"
    folder.mkdir()
    copy = folder / "saved.db"
    assert main(["--data-dir", str(studied.db_path.parent), "backup", str(copy)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["saved.db"]
    assert main(["--data-dir", str(studied.db_path.parent), "restore", str(copy)]) == 0  # and it restores
    assert sorted(p.name for p in folder.iterdir()) == ["saved.db"]
