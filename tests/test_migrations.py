"""Schema upgrades: every released schema upgrades to the current one with its history intact."""

from __future__ import annotations

import sqlite3
from datetime import UTC
from pathlib import Path

import pytest

from certdrill.cli import main
from certdrill.errors import CertdrillError
from certdrill.storage import engine, version
from certdrill.study.maintenance import examine
from certdrill.study.workspace import Workspace
from helpers import SAMPLE_DECKS
from history_check import integrity
from schema_fixtures import BUILDERS, released_versions


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def shape(db: Path) -> dict[str, object]:
    """Tables with their columns and indexes with their columns: what a schema is, whatever its SQL text."""
    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: (sorted(tuple(c[1:]) for c in con.execute(f"PRAGMA table_info('{t}')")),
                    sorted((i[1], i[2], tuple(c[2] for c in con.execute(f"PRAGMA index_info('{i[1]}')")))
                           for i in con.execute(f"PRAGMA index_list('{t}')")))
                for t in tables}
    finally:
        con.close()


def open_ws(data: Path) -> Workspace:
    return Workspace.open(data, tz=UTC, bundled_root=SAMPLE_DECKS)


def test_every_released_schema_has_a_fixture_builder() -> None:
    assert released_versions() == list(range(engine.FIRST_SCHEMA_VERSION, engine.SCHEMA_VERSION + 1))
    assert set(BUILDERS) == set(released_versions())


@pytest.mark.parametrize("version", released_versions())
def test_released_schema_upgrades_to_current_with_every_review_intact(tmp_path: Path, version: int) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = data / "certdrill.db"
    BUILDERS[version](db)
    columns = ", ".join(str(c[1]) for c in rows(db, "PRAGMA table_info(review)"))  # those of the old schema
    reviews_before = rows(db, f"SELECT {columns} FROM review ORDER BY id")
    cards_before = rows(db, "SELECT id, state, stability, difficulty, due, last_review, reps, lapses FROM card")
    ws = open_ws(data)
    try:
        with ws.session() as session:
            assert examine(session, bundled_root=SAMPLE_DECKS) == []
    finally:
        ws.close()
    assert rows(db, "PRAGMA user_version") == [(engine.SCHEMA_VERSION,)]
    assert rows(db, f"SELECT {columns} FROM review ORDER BY id")[: len(reviews_before)] == reviews_before
    assert rows(db, "SELECT id, state, stability, difficulty, due, last_review, reps, lapses FROM card") == cards_before
    assert integrity(db) == ["ok"]
    fresh = tmp_path / "fresh"
    open_ws(fresh).close()
    assert shape(db) == shape(fresh / "certdrill.db")  # upgraded == created new


def test_upgrade_backs_up_first_then_runs_each_step_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    BUILDERS[1](data / "certdrill.db")
    ran: list[int] = []

    def add_note(con: sqlite3.Connection) -> None:
        ran.append(1)
        con.execute("ALTER TABLE review ADD COLUMN note VARCHAR")

    def index_note(con: sqlite3.Connection) -> None:
        ran.append(2)
        con.execute("CREATE INDEX ix_review_note ON review (note)")

    monkeypatch.setattr(engine, "SCHEMA_VERSION", 3)

    monkeypatch.setattr(version, "SCHEMA_VERSION", 3)  # what opening a workspace checks first
    monkeypatch.setattr(engine, "MIGRATIONS", {1: add_note, 2: index_note})
    reviews = rows(data / "certdrill.db", "SELECT * FROM review ORDER BY id")
    open_ws(data).close()
    assert ran == [1, 2]
    db = data / "certdrill.db"
    assert rows(db, "PRAGMA user_version") == [(3,)]
    assert [r[:-1] for r in rows(db, "SELECT * FROM review ORDER BY id")] == reviews
    (backup,) = (data / "backups").glob("*-schema1.db")
    assert rows(backup, "PRAGMA user_version") == [(1,)]
    assert rows(backup, "SELECT * FROM review ORDER BY id") == reviews


def test_failed_upgrade_step_leaves_the_old_version_and_every_review(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = data / "certdrill.db"
    BUILDERS[1](db)
    reviews = rows(db, "SELECT * FROM review ORDER BY id")

    def half_done(con: sqlite3.Connection) -> None:
        con.execute("ALTER TABLE review ADD COLUMN note VARCHAR")
        con.execute("DELETE FROM review")
        raise RuntimeError("power cut, in effect")

    monkeypatch.setattr(engine, "SCHEMA_VERSION", 2)

    monkeypatch.setattr(version, "SCHEMA_VERSION", 2)  # what opening a workspace checks first
    monkeypatch.setattr(engine, "MIGRATIONS", {1: half_done})
    with pytest.raises(RuntimeError):
        open_ws(data)
    assert rows(db, "PRAGMA user_version") == [(1,)]
    assert rows(db, "SELECT * FROM review ORDER BY id") == reviews


def test_missing_upgrade_step_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    BUILDERS[1](data / "certdrill.db")
    monkeypatch.setattr(engine, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(version, "SCHEMA_VERSION", 2)  # what opening a workspace checks first
    monkeypatch.setattr(engine, "MIGRATIONS", {})
    with pytest.raises(CertdrillError, match="no upgrade known from schema 1"):
        open_ws(data)


def test_database_from_a_newer_certdrill_is_refused_with_one_line(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = data / "certdrill.db"
    BUILDERS[1](db)
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version = {engine.SCHEMA_VERSION + 1}")
    con.close()
    before = rows(db, "SELECT * FROM review ORDER BY id")
    assert main(["--data-dir", str(data), "stats"]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"certdrill: {db}: made by a newer certdrill (schema {engine.SCHEMA_VERSION + 1}, "
        f"this one knows {engine.SCHEMA_VERSION}); upgrade certdrill"
    ]
    assert rows(db, "SELECT * FROM review ORDER BY id") == before
    assert not (data / "backups").exists()
