"""The apkg import for instruction counting, and a digest of what it stored.

    python -m benchmarks.apkg_count build PACKAGE            # the bench_apkg_import package
    python -m benchmarks.apkg_count import PACKAGE FOLDER    # import it into a new folder
    python -m benchmarks.apkg_count open PACKAGE FOLDER      # everything but the import itself
    python -m benchmarks.apkg_count digest FOLDER            # the digest of what an import stored

Under `valgrind --tool=callgrind`, `import` minus `open` is the instructions of the import alone
(callgrind counts the same on a loaded machine as on a quiet one; wall times do not). `digest`
prints a sha256 of every question and card row as stored (all columns but the row ids): two versions
of the importer that print the same digest stored the same questions.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.bench_apkg_import import build_package
from certdrill.study.importing import ImportOptions, import_source
from certdrill.study.workspace import Workspace


def stored_digest(db: Path) -> str:
    """sha256 of the question, card and domain rows (row ids left out: they are numbering only)."""
    con = sqlite3.connect(db)
    try:
        digest = hashlib.sha256()
        tables = {
            "question": "SELECT * FROM question ORDER BY pk",
            "card": "SELECT * FROM card ORDER BY id",
            "domain": "SELECT * FROM domain ORDER BY deck_id, position",
            "deck": "SELECT id, title, version, license, description, source, exam FROM deck ORDER BY id",
        }
        for table, sql in tables.items():
            cursor = con.execute(sql)
            names = [d[0] for d in cursor.description]
            skip = {names.index(n) for n in ("pk", "id") if n in names and table in ("question", "card")}
            for row in cursor:
                digest.update(repr(tuple(v for i, v in enumerate(row) if i not in skip)).encode())
        return digest.hexdigest()
    finally:
        con.close()


def main(argv: list[str]) -> None:
    what, package = argv[0], Path(argv[1])
    if what == "digest":
        print(stored_digest(package / "certdrill.db"))
        return
    if what == "build":
        build_package(package)
        return
    folder = Path(argv[2])
    # A small import first, in both modes: modules loaded on first use and caches filled are
    # then counted in neither, so the difference is the 10,000 notes' own work.
    warm = folder.with_name(folder.name + "-warm")
    _import(build_package(warm.with_suffix(".apkg"), 40), warm)
    _import(package if what == "import" else None, folder)


def _import(package: Path | None, folder: Path) -> None:
    """Open a fresh workspace in `folder` and import `package` into it (None: open and close only)."""
    ws = Workspace.open(folder, clock=lambda: datetime(2026, 11, 2, tzinfo=UTC), tz=UTC, sync_bundled=False)
    try:
        if package is not None:
            with ws.session() as s:
                report = import_source(s, source=str(package), options=ImportOptions(), now=ws.now())
            print(f"{len(report.added)} added, {len(report.refused)} refused")
    finally:
        ws.close()


if __name__ == "__main__":
    main(sys.argv[1:])
