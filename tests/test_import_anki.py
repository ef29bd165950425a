"""Importing Anki packages: note types mapped sensibly, all three layouts, re-import by guid."""

from __future__ import annotations

from pathlib import Path

import genanki
import pytest
from sqlalchemy import select

from anki_packages import mcq, relayout_legacy, write_modern, write_package
from certdrill.core.scheduling import NEW
from certdrill.storage.tables import CardRow, DomainRow, QuestionRow, ReviewRow
from certdrill.study.importing import ImportOptions, import_source
from certdrill.study.library import ImportReport
from certdrill.study.workspace import Workspace
from helpers import Clock, sql_dump


def run_import(ws: Workspace, source: Path | str, **options: object) -> ImportReport:
    with ws.session() as s:
        return import_source(s, source=str(source), options=ImportOptions(**options), now=ws.now())  # type: ignore[arg-type]


def questions(ws: Workspace, deck_id: str) -> dict[str, QuestionRow]:
    with ws.session() as s:
        rows = s.execute(select(QuestionRow).where(QuestionRow.deck_id == deck_id)).scalars().all()
        return {r.qid: r for r in rows}


def rich_package(tmp_path: Path) -> Path:
    image = tmp_path / "cat.png"
    image.write_bytes(b"\x89PNG")
    return write_package(tmp_path / "aws.apkg", {
        "AWS::Storage": [
            mcq("Which is <b>object</b> storage?", ["S3", "EBS", "EFS"], "A", "S3 &amp; Glacier store objects",
                guid="mcq1", tags=["s3", "storage::object"]),
            mcq("Which are block <i>or</i> file?", ["S3", "EBS", "EFS", "Glacier"], "B, C", guid="mcq2"),
        ],
        "AWS::Compute": [
            genanki.Note(model=genanki.BASIC_AND_REVERSED_CARD_MODEL, guid="rev1",
                         fields=["EC2", "<div>virtual&nbsp;servers</div><ul><li>on demand</li><li>spot</li></ul>"]),
            genanki.Note(model=genanki.CLOZE_MODEL, guid="clz1",
                         fields=['{{c1::Lambda}} runs code {{c2::without servers::how}} <img src="cat.png">', ""]),
            genanki.Note(model=genanki.BASIC_MODEL, guid="bas1",
                         fields=["Show <code>ls</code><script>alert(1)</script><style>b{}</style>", "lists&lt;files&gt;"]),
        ],
    }, media=[image])


def test_multiple_choice_notes_become_single_and_multiple_questions(workspace: Workspace, tmp_path: Path) -> None:
    report = run_import(workspace, rich_package(tmp_path))
    assert report.deck_id == "aws" and report.new_deck and len(report.added) == 7
    q = questions(workspace, "aws")
    one = q["anki-mcq1"]
    assert one.kind == "single" and one.prompt == "Which is object storage?"
    assert one.choices == [["S3", True, ""], ["EBS", False, ""], ["EFS", False, ""]]
    assert one.explanation == "S3 & Glacier store objects"
    assert one.tags == ["s3", "storage::object"]
    two = q["anki-mcq2"]
    assert two.kind == "multiple" and two.pick == 2 and [c[1] for c in two.choices] == [False, True, True, False]


def test_subdecks_become_domains(workspace: Workspace, tmp_path: Path) -> None:
    run_import(workspace, rich_package(tmp_path))
    with workspace.session() as s:
        domains = {d.id: d.name for d in s.execute(select(DomainRow).where(DomainRow.deck_id == "aws")).scalars()}
    assert domains == {"storage": "Storage", "compute": "Compute"}
    assert questions(workspace, "aws")["anki-rev1"].domain_id == "compute"


def test_basic_reversed_and_cloze_become_flashcards(workspace: Workspace, tmp_path: Path) -> None:
    run_import(workspace, rich_package(tmp_path))
    q = questions(workspace, "aws")
    assert q["anki-rev1"].prompt == "EC2" and q["anki-rev1"].answer == "virtual servers\n\n- on demand\n- spot"
    assert q["anki-rev1-2"].prompt.startswith("virtual servers") and q["anki-rev1-2"].answer == "EC2"
    assert q["anki-clz1"].prompt == "[...] runs code without servers [image: cat.png]"
    assert q["anki-clz1"].answer == "Lambda"
    assert q["anki-clz1-2"].prompt == "Lambda runs code [how] [image: cat.png]"
    assert q["anki-clz1-2"].answer == "without servers"


def test_html_is_cleaned_scripts_dropped_entities_decoded(workspace: Workspace, tmp_path: Path) -> None:
    run_import(workspace, rich_package(tmp_path))
    basic = questions(workspace, "aws")["anki-bas1"]
    assert basic.prompt == "Show `ls`" and basic.answer == "lists<files>"


@pytest.mark.parametrize("layout", ["anki2", "anki21", "anki21b"])
def test_all_three_package_layouts_import_the_same_questions(workspace: Workspace, tmp_path: Path, layout: str) -> None:
    source = rich_package(tmp_path)
    if layout == "anki21":
        source = relayout_legacy(source, tmp_path / "legacy.apkg")
    elif layout == "anki21b":
        source = write_modern(tmp_path / "modern.apkg", source)
    report = run_import(workspace, source, deck_id="layout")
    assert sorted(report.added) == sorted(
        ["anki-mcq1", "anki-mcq2", "anki-rev1", "anki-rev1-2", "anki-clz1", "anki-clz1-2", "anki-bas1"]
    )
    assert questions(workspace, "layout")["anki-clz1-2"].answer == "without servers"


def test_reimporting_the_same_package_changes_nothing(workspace: Workspace, tmp_path: Path) -> None:
    source = rich_package(tmp_path)
    run_import(workspace, source)
    before = sql_dump(workspace)
    report = run_import(workspace, source)
    assert not report.changed and report.unchanged == 7
    assert sql_dump(workspace) == before


def test_newer_package_updates_by_guid_resets_changed_answers_and_retires_removed(
    workspace: Workspace, tmp_path: Path, clock: Clock
) -> None:
    run_import(workspace, write_package(tmp_path / "v1.apkg", {"Quiz": [
        mcq("Q one?", ["a", "b"], "A", guid="g1"), mcq("Q two?", ["a", "b"], "A", guid="g2"),
        mcq("Q three?", ["a", "b"], "A", guid="g3"),
    ]}))
    pks = {qid: r.pk for qid, r in questions(workspace, "quiz").items()}
    with workspace.session() as s:
        for pk in pks.values():
            card = s.get(CardRow, pk)
            assert card is not None
            card.state, card.stability, card.due = 2, 5.0, clock.now
            s.add(card)
        s.commit()
    clock.advance(days=3)
    report = run_import(workspace, write_package(tmp_path / "v2.apkg", {"Quiz": [
        mcq("Q one, reworded?", ["a", "b"], "A", guid="g1"), mcq("Q two?", ["a", "b"], "B", guid="g2"),
    ]}))
    assert report.updated == ["anki-g1", "anki-g2"] and report.reset == ["anki-g2"] and report.retired == ["anki-g3"]
    with workspace.session() as s:
        assert s.get(CardRow, pks["anki-g1"]).state == 2  # type: ignore[union-attr]
        assert s.get(CardRow, pks["anki-g2"]).state == NEW  # type: ignore[union-attr]
    assert questions(workspace, "quiz")["anki-g3"].retired


def test_dry_run_reports_and_writes_nothing(workspace: Workspace, tmp_path: Path) -> None:
    before = sql_dump(workspace)
    report = run_import(workspace, write_package(tmp_path / "q.apkg", {"Quiz": [
        mcq("Good?", ["a", "b"], "A", guid="ok"), mcq("Bad answer?", ["a", "b"], "Z maybe", guid="bad"),
    ]}), dry_run=True)
    assert report.dry_run and report.added == ["anki-ok"]
    assert len(report.refused) == 1 and "anki-bad" in report.refused[0] and "names none of the options" in report.refused[0]
    assert sql_dump(workspace) == before


def test_domain_map_overrides_subdecks(workspace: Workspace, tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text('"AWS::Storage": {id: data, name: Data Engineering, weight: 30}\nCompute: Modeling\n')
    run_import(workspace, rich_package(tmp_path), domain_map=mapping)
    with workspace.session() as s:
        domains = {d.id: (d.name, d.weight) for d in s.execute(select(DomainRow).where(DomainRow.deck_id == "aws")).scalars()}
    assert domains["data"] == ("Data Engineering", 30) and domains["modeling"][0] == "Modeling"


def _with_revlog(path: Path) -> Path:
    """Add review history to a genanki package (genanki writes none)."""
    import sqlite3
    import zipfile

    with zipfile.ZipFile(path) as z:
        db = path.parent / "col.anki2"
        db.write_bytes(z.read("collection.anki2"))
        media = z.read("media")
    con = sqlite3.connect(db)
    cid = con.execute("SELECT c.id FROM cards c JOIN notes n ON n.id = c.nid WHERE n.guid = 'h1'").fetchone()[0]
    day = 86_400_000
    base = 1_767_225_600_000  # 2026-01-01
    con.executemany("INSERT INTO revlog VALUES (?, ?, 0, ?, 0, 0, 0, 5000, ?)", [
        (base, cid, 3, 0), (base + day, cid, 3, 1), (base + 5 * day, cid, 0, 4), (base + 9 * day, cid, 1, 1),
    ])
    con.commit()
    con.close()
    out = path.parent / "history.apkg"
    with zipfile.ZipFile(out, "w") as z:
        z.write(db, "collection.anki2")
        z.writestr("media", media)
    return out


def test_history_is_ignored_unless_asked_and_then_replayed_once(workspace: Workspace, tmp_path: Path) -> None:
    source = _with_revlog(write_package(tmp_path / "h.apkg", {"Hist": [mcq("Q?", ["a", "b"], "A", guid="h1")]}))
    assert run_import(workspace, source).history == 0
    with workspace.session() as s:
        assert s.execute(select(ReviewRow)).first() is None
    report = run_import(workspace, source, with_history=True)
    assert report.history == 3  # the manual reschedule (ease 0) is not an answer
    with workspace.session() as s:
        reviews = s.execute(select(ReviewRow).order_by(ReviewRow.reviewed_at)).scalars().all()
        assert [(r.rating, r.correct, r.mode) for r in reviews] == [(3, True, "review"), (3, True, "review"), (1, False, "review")]
        assert reviews[0].was_new and not reviews[1].was_new
        card = s.get(CardRow, reviews[0].card_id)
        assert card is not None and card.reps == 3 and card.lapses == 1 and card.state != NEW
    before = sql_dump(workspace)
    assert run_import(workspace, source, with_history=True).history == 0
    assert sql_dump(workspace) == before
