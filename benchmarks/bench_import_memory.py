"""Peak memory (RSS) of importing the worst package (and table) the caps allow, in a fresh process.

    python -m benchmarks bench_import_memory

The caps on one import (certdrill.decks.importers.community.ConversionLimits) bound what stays in
memory until the deck is written: 40,000 questions holding 32 MiB of text. The worst package
meets both: 40,000 multiple-choice notes of ten options each (the most objects a question
makes), their text summing to just under 32 MiB, in a collection under the 64 MiB member cap.
The worst table is the same questions as a headed CSV (under the 32 MiB file cap).
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import genanki

from benchmarks.report import Figure
from certdrill.decks.importers.community import ConversionLimits

TARGET_MIB = 200.0
OPTIONS = "ABCDEFGHIJ"
WIDE_MCQ = genanki.Model(
    1607392320, "MCQ ten options",
    fields=[{"name": n} for n in ("Question", *(f"Option {c}" for c in OPTIONS), "Answer", "Explanation")],
    templates=[{"name": "Card 1", "qfmt": "{{Question}}", "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}"}],
)
# Imported in a child process, so its peak is the import's alone (plus Python and the libraries).
CHILD = """
import sys
from datetime import UTC, datetime
from certdrill.study.importing import ImportOptions, import_source
from certdrill.study.workspace import Workspace
ws = Workspace.open(sys.argv[2], clock=lambda: datetime(2026, 11, 2, tzinfo=UTC), tz=UTC, sync_bundled=False)
with ws.session() as s:
    report = import_source(s, source=sys.argv[1], options=ImportOptions(), now=ws.now())
from benchmarks.peak_rss import peak_rss_mib
print(len(report.added), round(peak_rss_mib() * 1024))
"""


def word_salad(rng: random.Random) -> Callable[[int], str]:
    """A maker of text of a given size from 5,000 made-up words (seeded: the same text every run)."""
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9))) for _ in range(5000)]

    def text(size: int) -> str:
        out, length = [], 0
        while length < size:
            word = rng.choice(words)
            out.append(word)
            length += len(word) + 1
        return " ".join(out)[:size]
    return text


def build_worst_package(path: Path, notes: int) -> Path:
    """`notes` ten-option notes of varied words, their text just under the text cap altogether."""
    seed = path.with_name("seed.apkg")
    deck = genanki.Deck(2059400200, "Worst")
    deck.add_note(genanki.Note(model=WIDE_MCQ, guid="seed", fields=["Q?", *OPTIONS, "A", ""]))
    genanki.Package([deck]).write_to_file(str(seed))
    db = path.with_name("worst.anki2")
    with zipfile.ZipFile(seed) as z:
        db.write_bytes(z.read("collection.anki2"))
    con = sqlite3.connect(db)
    mid, did = con.execute("SELECT n.mid, c.did FROM notes n JOIN cards c ON c.nid = n.id").fetchone()
    con.execute("DELETE FROM notes")
    con.execute("DELETE FROM cards")
    text = word_salad(random.Random(7))
    names = sum(len(f["name"]) for f in WIDE_MCQ.fields)  # counted with each note (note_size)
    per_note = int(ConversionLimits().text * 0.98) // notes - names  # characters of text in each question

    part = per_note // 13  # question 2 parts, ten options, explanation 1
    for i in range(notes):
        options = [f"{c} {text(part - 2)}" for c in OPTIONS]  # distinct: a choice may not repeat another
        fields = [text(2 * part), *options, OPTIONS[i % 10], text(part)]
        nid = 1_600_000_000_000 + i
        con.execute("INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (nid, f"w{i}", mid, 1_700_000_000, -1, "", "\x1f".join(fields), fields[0][:20], 0, 0, ""))
        con.execute("INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (nid, nid, did, 0, 0, -1, 0, 0, i, 0, 0, 0, 0, 0, 0, 0, 0, ""))
    con.commit()
    con.execute("VACUUM")
    con.close()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(db, "collection.anki2")
        z.writestr("media", "{}")
    return path


def build_worst_table(path: Path, rows: int) -> Path:
    """The same questions as a headed CSV table: ten options, text just under the cap altogether."""
    text = word_salad(random.Random(7))
    part = int(ConversionLimits().text * 0.98) // rows // 13

    with path.open("w", encoding="utf-8") as f:
        f.write(",".join(["question", *OPTIONS, "answer", "explanation"]) + "\n")
        for i in range(rows):
            f.write(",".join([text(2 * part), *(f"{c} {text(part - 2)}" for c in OPTIONS), OPTIONS[i % 10],
                              text(part)]) + "\n")
    return path


def peak_rss_mib(package: Path, folder: Path) -> tuple[int, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(package), str(folder)], capture_output=True, text=True,
                         check=True, timeout=1200, cwd=Path(__file__).resolve().parent.parent).stdout.split()
    return int(out[0]), int(out[1]) / 1024


def run(quick: bool = False) -> list[Figure]:
    notes = 2_000 if quick else ConversionLimits().questions
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        package = build_worst_package(root / "worst.apkg", notes)
        collection = (root / "worst.anki2").stat().st_size / 1048576
        packed = package.stat().st_size / 1048576
        added, peak = peak_rss_mib(package, root / "db")
        assert added == notes, added
        table = build_worst_table(root / "worst.csv", notes)
        size = table.stat().st_size / 1048576
        added, table_peak = peak_rss_mib(table, root / "db-table")
        assert added == notes, added
    print(f"  worst package: {notes:,} notes, collection {collection:.1f} MiB, {packed:.1f} MiB packed; "
          f"worst table: {size:.1f} MiB")
    return [
        Figure(f"peak RSS importing the worst allowed .apkg ({notes:,} notes, {collection:.0f} MiB)", peak, "MiB",
               TARGET_MIB, "target", 1.0),
        Figure(f"peak RSS importing the worst allowed CSV ({notes:,} rows, {size:.0f} MiB)", table_peak, "MiB",
               TARGET_MIB, "target", 1.0),
    ]


if __name__ == "__main__":
    from benchmarks.report import render

    print(render(run("--quick" in sys.argv)))
