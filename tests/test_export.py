"""Exporting decks: YAML round-trips exactly; CSV and .apkg import back with the same questions."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from certdrill.cli import main
from certdrill.decks.format.loader import load_deck
from certdrill.storage.tables import QuestionRow
from certdrill.study.exporting import export_deck, stored_deck
from certdrill.study.importing import ImportOptions, import_source
from certdrill.study.workspace import Workspace


def export(ws: Workspace, to: Path, deck_id: str = "sample") -> None:
    with ws.session() as s:
        export_deck(s, deck_id=deck_id, to=to, fmt=None, now=ws.now())


def reimport(ws: Workspace, source: Path, deck_id: str) -> dict[str, QuestionRow]:
    with ws.session() as s:
        import_source(s, source=str(source), options=ImportOptions(deck_id=deck_id), now=ws.now())
        return {r.qid: r for r in s.execute(select(QuestionRow).where(QuestionRow.deck_id == deck_id)).scalars()}


def test_yaml_export_loads_back_to_the_identical_deck(workspace: Workspace, tmp_path: Path) -> None:
    export(workspace, tmp_path / "sample.yaml")
    result = load_deck(tmp_path / "sample.yaml")
    with workspace.session() as s:
        assert result.deck == stored_deck(s, deck_id="sample")
    assert result.errors == []


def test_csv_export_imports_back_with_the_same_questions(workspace: Workspace, tmp_path: Path) -> None:
    export(workspace, tmp_path / "sample.csv")
    back = reimport(workspace, tmp_path / "sample.csv", "sample-csv")
    with workspace.session() as s:
        original = stored_deck(s, deck_id="sample")
    assert set(back) == {q.id for q in original.questions}
    for q in original.questions:
        row = back[q.id]
        assert (row.kind, row.prompt, row.answer, row.explanation, row.pick) == (q.kind, q.prompt, q.answer, q.explanation, q.pick)
        assert [tuple(c) for c in row.choices] == [(c.text, c.correct, c.why) for c in q.choices]  # whys too
        assert tuple(row.references) == q.references and tuple(row.tags) == q.tags


def test_apkg_export_is_a_legacy_package_that_imports_back(workspace: Workspace, tmp_path: Path) -> None:
    export(workspace, tmp_path / "sample.apkg")
    with zipfile.ZipFile(tmp_path / "sample.apkg") as z:
        assert set(z.namelist()) == {"collection.anki2", "media", "certdrill.json"}
    back = reimport(workspace, tmp_path / "sample.apkg", "sample-anki")
    with workspace.session() as s:
        original = stored_deck(s, deck_id="sample")
    by_prompt = {r.prompt: r for r in back.values()}
    for q in original.questions:
        row = by_prompt[" ".join(q.prompt.split())]
        assert row.kind == q.kind and [c[1] for c in row.choices] == [c.correct for c in q.choices]
        assert [c[2] for c in row.choices] == [c.why for c in q.choices]  # each choice's why comes back
        assert row.answer == q.answer and row.explanation == " ".join(q.explanation.split())


def test_official_anki_imports_the_exported_package(workspace: Workspace, tmp_path: Path) -> None:
    collection = pytest.importorskip("anki.collection")
    export(workspace, tmp_path / "sample.apkg")
    (tmp_path / "anki").mkdir()
    col = collection.Collection(str(tmp_path / "anki" / "c.anki2"))
    try:
        col.import_anki_package(collection.ImportAnkiPackageRequest(package_path=str(tmp_path / "sample.apkg")))
        assert col.note_count() == 4
        names = {col.get_note(n).note_type()["name"] for n in col.find_notes("")}
        assert "certdrill Multiple Choice" in names
    finally:
        col.close()


def test_export_cli_writes_the_file_and_unknown_deck_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "export", "nope", "--to", str(tmp_path / "x.yaml")]) == 1
    assert "no deck 'nope'" in capsys.readouterr().err
    assert main(["--data-dir", data, "export", "nope", "--to", str(tmp_path / "x.bin")]) == 1
    assert "--format" in capsys.readouterr().err
