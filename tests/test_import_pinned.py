"""The questions an .apkg import stores are pinned: making the import faster must not change a byte."""

from __future__ import annotations

import hashlib
from pathlib import Path

import genanki

from anki_packages import mcq, relayout_legacy, write_modern, write_package
from certdrill.study.importing import ImportOptions, import_source
from certdrill.study.workspace import Workspace

MULTI = genanki.Model(
    1607392320, "Multi",
    fields=[{"name": n} for n in ("Question", "Option A", "Option B", "Option C", "Option D", "Answer",
                                    "Explanation", "Choice notes", "References")],
    templates=[{"name": "Card 1", "qfmt": "{{Question}}", "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}"}],
)


def varied_package(path: Path) -> Path:
    """Notes that take each of the converter's quick paths and its slow ones."""
    return write_package(path, {
        "Exam::Storage": [
            mcq("Which is <b>object</b> storage?", ["S3", "EBS", "EFS"], "A", "S3 &amp; Glacier store objects",
                guid="mcq1", tags=["s3", "storage::object"]),
            mcq("Which are block <i>or</i> file?", ["S3", "EBS", "EFS", "Glacier"], "B, C", guid="mcq2"),
            mcq("Line one<br>line  two<br/><br><br>four", ["a\tb", "c&nbsp;d", "<span>e</span>"], "1 0 1",
                "Why:<div>because</div>", guid="mcq3"),
            mcq("Escapes \x1b[31mred\x1b[0m and \u202etxet", ["x\x07", "y"], "x", guid="mcq4"),
            mcq("Same twice?", ["A  b", "a b", "c"], "C", guid="mcq5"),
            genanki.Note(model=MULTI, guid="multi1", fields=[
                "Pick <u>two</u>", "one", "two", "three", "four", "A and C", "Both hold.",
                "A: right\nB: wrong<br>C: right too\nD: no", "see https://docs.aws.amazon.com/s3/ and http://x.io/y"]),
            genanki.Note(model=MULTI, guid="multi2", fields=[
                "Free notes", "one", "two", "", "", "B", "", "Just prose here.", ""]),
        ],
        "Exam::Compute": [
            genanki.Note(model=genanki.BASIC_AND_REVERSED_CARD_MODEL, guid="rev1",
                         fields=["EC2", "<div>virtual&nbsp;servers</div><ul><li>on demand</li><li>spot</li></ul>"]),
            genanki.Note(model=genanki.CLOZE_MODEL, guid="clz1",
                         fields=['{{c1::Lambda}} runs code {{c2::without servers::how}} <img src="cat.png">', "x"]),
            genanki.Note(model=genanki.CLOZE_MODEL, guid="clz2", fields=["no deletion here", ""]),
            genanki.Note(model=genanki.BASIC_MODEL, guid="bas1",
                         fields=["Show <code>ls</code><script>alert(1)</script>", "lists&lt;files&gt;"]),
            genanki.Note(model=genanki.BASIC_MODEL, guid="bas2", fields=["Front 1<br>line", "Back\r\n1  "]),
            genanki.Note(model=genanki.BASIC_MODEL, guid="bas:3/x", fields=["[sound:a.mp3] hear", "<pre>a\n  b</pre>"]),
            genanki.Note(model=genanki.BASIC_MODEL, guid="bas4", fields=["", "empty front"]),
        ],
    })


def stored_questions(ws: Workspace, package: Path, deck_id: str = "pinned") -> str:
    """A digest of every column of the question rows the import stored (the row ids aside)."""
    with ws.session() as s:
        import_source(s, source=str(package), options=ImportOptions(deck_id=deck_id), now=ws.now())
    with ws.reading() as con:
        rows = con.execute(
            'SELECT qid, domain_id, task_id, kind, prompt, choices, pick, answer, explanation, "references", tags, '
            "content_hash, answer_key, position, retired FROM question WHERE deck_id = ? ORDER BY pk", (deck_id,)
        ).fetchall()
        cards = con.execute("SELECT count(*) FROM card WHERE deck_id = ?", (deck_id,)).fetchone()[0]
    assert cards == len(rows)
    return hashlib.sha256(repr(rows).encode()).hexdigest()


# Taken with the importer before its speed work (commit f54d431).
PINNED = "cc84baf11efdd6be76db5c30b26f7f4ee2f339524f7f1f7d39a00f53faa2dc8a"


def test_varied_notes_import_to_the_pinned_questions(workspace: Workspace, tmp_path: Path) -> None:
    assert stored_questions(workspace, varied_package(tmp_path / "varied.apkg")) == PINNED


def test_the_newer_layouts_import_to_the_pinned_questions(workspace: Workspace, tmp_path: Path) -> None:
    oldest = varied_package(tmp_path / "oldest.apkg")
    legacy = relayout_legacy(oldest, tmp_path / "legacy.apkg")
    assert stored_questions(workspace, legacy, "legacy") == PINNED
    assert stored_questions(workspace, write_modern(tmp_path / "modern.apkg", oldest), "modern") == PINNED
