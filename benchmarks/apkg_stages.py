"""Where a 10,000-note .apkg import spends its time, stage by stage, and what is left for conversion.

    python -m benchmarks.apkg_stages

Prints the median of 7 runs of each stage of `import_source` on the package of
`bench_apkg_import`, then the *floor*: the same import with every note already converted (reading
the package, the deck's bookkeeping and writing the rows, nothing else). The gap between the
floor and the target (3x the Anki engine's time, and under 1 s) is all that converting 10,000
notes may cost. With `anki` importable (see benchmarks/README.md) the Anki engine is timed too.
"""

from __future__ import annotations

import gc
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.bench_apkg_import import ANKI_TARGET, NOTES, SECONDS_TARGET, anki_importer, build_package
from certdrill.core.model import Question
from certdrill.decks.importers import community
from certdrill.decks.importers.anki import read_anki_package
from certdrill.decks.importers.anki_notes import note_candidates
from certdrill.decks.importers.package_zip import Limits
from certdrill.storage import convert
from certdrill.study import library
from certdrill.study.workspace import Workspace

RUNS = 7


def median_ms(step: Callable[[], Any], runs: int = RUNS) -> float:
    """Median wall time of `step`, with the collector paused as the import pauses it."""
    times = []
    for _ in range(runs):
        gc.disable()
        try:
            start = time.perf_counter()
            step()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return 1000 * statistics.median(times)


def write_ms(deck: Any, root: Path, runs: int = RUNS) -> float:
    """Median time of `import_deck` (the database half of an import) into fresh databases."""
    times = []
    for run in range(runs):
        ws = Workspace.open(root / f"w{run}", clock=lambda: datetime(2026, 11, 2, tzinfo=UTC), tz=UTC,
                            sync_bundled=False)
        try:
            with ws.session() as s:
                start = time.perf_counter()
                library.import_deck(s, deck=deck, source="bench", now=ws.now())
                times.append(time.perf_counter() - start)
        finally:
            ws.close()
    return 1000 * statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        package = build_package(root / "bench.apkg")
        limits = Limits()
        collection = read_anki_package(package, limits=limits)
        candidates = [c for note in collection.notes for c in note_candidates(note)]
        deck = community.assemble_deck(candidates, deck_id="bench", title="Bench", origin="bench").deck
        rows: dict[str, tuple[Any, ...]] = {q.id: convert.question_row("bench", q, 0) for q in deck.questions}
        built: dict[str, Question] = {q.id: q for q in deck.questions}

        stages = {
            "read the package (unzip, check, notes)": median_ms(lambda: read_anki_package(package, limits=limits)),
            "notes to candidates (HTML, note types)": median_ms(
                lambda: [c for note in collection.notes for c in note_candidates(note)]),
            "check and build questions (v1, hash)": median_ms(
                lambda: community.assemble_deck(candidates, deck_id="bench", title="Bench", origin="bench")),
            "question rows (JSON columns, keys)": median_ms(
                lambda: [convert.question_row("bench", q, i) for i, q in enumerate(deck.questions)]),
            "write (rows ready: SQL, cards, commit)": 0.0,
        }
        # The floor: the same calls with each question and row already made.
        well_formed, question_row = community._well_formed, library.question_row
        community._well_formed = lambda qid, domain, draft: built[qid]  # type: ignore[assignment]
        library.question_row = lambda deck_id, q, position: rows[q.id]  # type: ignore[assignment]
        try:
            glue = median_ms(lambda: community.assemble_deck(candidates, deck_id="bench", title="Bench",
                                                             origin="bench"))
            stages["write (rows ready: SQL, cards, commit)"] = write_ms(deck, root / "floor")
        finally:
            community._well_formed, library.question_row = well_formed, question_row
        total_write = write_ms(deck, root / "full")

        print(f"import of a {NOTES:,}-note .apkg, medians of {RUNS} runs (ms)")
        for name, ms in stages.items():
            print(f"  {name:<44} {ms:8.1f}")
        print(f"  {'write with the rows made on the way':<44} {total_write:8.1f}")
        floor = stages["read the package (unzip, check, notes)"] + glue + stages["write (rows ready: SQL, cards, commit)"]
        print(f"floor (read + deck bookkeeping {glue:.1f} + write; conversion free): {floor:.1f} ms")
        anki = anki_importer()
        if anki is None:
            print("Anki engine: not importable here (see benchmarks/README.md)")
            return
        theirs = statistics.median(anki(package, root / f"anki{run}") for run in range(RUNS)) * 1000
        budget = min(ANKI_TARGET * theirs, 1000 * SECONDS_TARGET) - floor
        print(f"Anki engine: {theirs:.1f} ms; the target (<= {ANKI_TARGET:g}x that, < {SECONDS_TARGET:g} s) leaves "
              f"{budget:.1f} ms for converting {NOTES:,} notes ({1000 * budget / NOTES:.1f} us a note)")


if __name__ == "__main__":
    main()
