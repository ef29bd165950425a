"""Sync: the first sync of a device sending 1M answers from before sync and of one receiving them,
an incremental sync of 100 answers, what journaling adds to the answer path, and the schema 1 -> 2
upgrade of a database with 1M reviews.

Each first sync runs in a process of its own, on a copy of the same collection (sending) or of the
same journal (receiving, built once per run), so each repeat starts from the same state and its
peak memory (VmHWM) is its own: `python -m benchmarks.bench_sync DATA BUNDLED FOLDER NAME` is one.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

from benchmarks.report import Figure
from benchmarks.synthetic import NOW, write_folder_deck
from certdrill.core.memory import CardState
from certdrill.storage import queries
from certdrill.storage.timefmt import to_db_time
from certdrill.study import changes, review
from certdrill.study.sync import sync
from certdrill.study.workspace import Workspace

FIRST_SYNC_S = 10.0  # the bounds
INCREMENTAL_MS = 100.0
JOURNALING_SHARE = 0.10
FIRST_SYNC_MIB = 500.0  # the first sync streams its journal: its memory must not grow with it


def fill_chains(db: Path, *, deck_id: str, reviews: int, seed: int = 11) -> None:
    """`reviews` review-mode answers made before sync existed, spread over 60% of the deck's cards,
    each card's answers a consistent chain (every answer's state-before is the state the one before
    it left), as certdrill stores them; each card's state is its last answer's."""
    rng = random.Random(seed)
    con = sqlite3.connect(db)
    ids = [row[0] for row in con.execute("SELECT id FROM card WHERE deck_id = ? ORDER BY id", (deck_id,))]
    studied = ids[: int(len(ids) * 0.6)]
    per_card = reviews // len(studied)
    start = NOW - timedelta(days=400)
    rows, cards = [], []
    for n, card_id in enumerate(studied):
        count = per_card + (1 if n < reviews - per_card * len(studied) else 0)
        state, at = CardState(), start + timedelta(minutes=rng.uniform(0, 600))
        for _ in range(count):
            ok = rng.random() < 0.85
            stability = (state.stability or 1.0) * (rng.uniform(1.5, 2.5) if ok else 0.3)
            after = CardState(2, None, stability, rng.uniform(3, 8), at + timedelta(days=stability), at,
                              state.reps + 1, state.lapses + (0 if ok else 1))
            rows.append((card_id, deck_id, to_db_time(at), 3 if ok else 1, ok, "[1]", 9000, "review",
                         state.reps == 0, json.dumps(state.to_json())))
            state, at = after, at + timedelta(days=stability * rng.uniform(0.8, 1.2))
        cards.append((state.state, state.step, state.stability, state.difficulty,
                      to_db_time(state.due) if state.due else None,
                      to_db_time(state.last_review) if state.last_review else None, state.reps, state.lapses, card_id))
    con.execute("BEGIN")
    con.executemany("INSERT INTO review (card_id, deck_id, reviewed_at, rating, correct, chosen, duration_ms, mode, "
                    "was_new, state_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.executemany("UPDATE card SET state=?, step=?, stability=?, difficulty=?, due=?, last_review=?, reps=?, "
                    "lapses=? WHERE id=?", cards)
    con.execute("COMMIT")
    con.close()


class Machine:
    """A workspace with its own clock that syncs through `folder`."""

    def __init__(self, data: Path, bundled: Path, folder: Path, name: str) -> None:
        self.now = NOW
        self.ws = Workspace.open(data, clock=lambda: self.now, tz=UTC, bundled_root=bundled)
        self.folder, self.name = folder, name

    def sync(self) -> float:
        t0 = time.perf_counter()
        with self.ws.session() as session:
            sync(session, folder=self.folder, now=self.ws.now(), host=self.name)
        return time.perf_counter() - t0

    def answer(self, count: int) -> None:
        settings = self.ws.scheduler_settings()
        for _ in range(count):
            self.now += timedelta(seconds=7)
            with self.ws.session() as session:
                card = review.next_card(session, deck_ids=["big"], now=self.now, tz=UTC, new_per_day=10_000)
                assert card is not None
                review.answer(session, card_id=card.card_id, chosen=list(card.question.correct_indices), now=self.now,
                              scheduler_settings=settings)


def answer_path(machine: Machine, runs: int) -> tuple[float, float]:
    """Median ms of next card + answer + commit with journaling and without it (alternating runs;
    without: no event and an unlinked review row, as before sync existed)."""
    with_events: list[float] = []
    without: list[float] = []
    journal_answer, save_answer = changes.answered, queries.save_answer
    settings = machine.ws.scheduler_settings()

    def no_event(*_args: Any, **_kwargs: Any) -> None:
        return None

    def unlinked(*args: Any, **kwargs: Any) -> int:
        return save_answer(*args, **{**kwargs, "origin": None})

    for run in range(runs * 2):
        plain = run % 2 == 1
        changes.answered = no_event if plain else journal_answer  # type: ignore[assignment]
        queries.save_answer = unlinked if plain else save_answer  # type: ignore[assignment]
        machine.now += timedelta(seconds=7)
        t0 = time.perf_counter()
        with machine.ws.session() as session:
            card = review.next_card(session, deck_ids=["big"], now=machine.now, tz=UTC, new_per_day=10_000)
            assert card is not None
            review.answer(session, card_id=card.card_id, chosen=list(card.question.correct_indices), now=machine.now,
                          scheduler_settings=settings)
        (without if plain else with_events).append(time.perf_counter() - t0)
    changes.answered, queries.save_answer = journal_answer, save_answer  # type: ignore[assignment]
    return statistics.median(with_events) * 1000, statistics.median(without) * 1000


def upgrade(root: Path, *, reviews: int) -> tuple[float, float]:
    """Seconds to back up a schema-1 database with `reviews` reviews, and to upgrade it to schema 2."""
    schema_1 = Path(__file__).resolve().parents[1] / "tests" / "schemas" / "v1.sql"
    db = root / "old" / "certdrill.db"
    db.parent.mkdir()
    con = sqlite3.connect(db)
    con.executescript(schema_1.read_text())
    con.execute("INSERT INTO deck (id, title, version, license, description, source) VALUES ('big', 'b', '1', NULL, "
                "'', 'bundled')")
    con.executemany("INSERT INTO question (pk, deck_id, qid, domain_id, kind, prompt, choices, answer, explanation, "
                    "\"references\", tags, content_hash, answer_key, position, retired) VALUES (?, 'big', ?, 'd', "
                    "'single', 'p', '[]', '', '', '[]', '[]', 'h', 'k', ?, 0)", [(i, f"q{i}", i) for i in range(1, 1001)])
    con.executemany("INSERT INTO card (id, deck_id, state, reps, lapses, suspended, flagged) VALUES (?, 'big', 0, 0, "
                    "0, 0, 0)", [(i,) for i in range(1, 1001)])
    con.executemany("INSERT INTO review (card_id, deck_id, reviewed_at, rating, correct, chosen, duration_ms, mode, "
                    "was_new, state_before) VALUES (?, 'big', ?, 3, 1, '[1]', 9000, 'review', 0, NULL)",
                    ((i % 1000 + 1, to_db_time(NOW - timedelta(minutes=i))) for i in range(reviews)))
    con.commit()
    con.close()
    from certdrill.storage.engine import backup_database, migrate

    t0 = time.perf_counter()
    backup_database(db, reason="bench")
    backup_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    migrate(db)
    return backup_s, time.perf_counter() - t0


def child(data: str, bundled: str, folder: str, name: str) -> None:
    """In a fresh process: one sync of the workspace in `data` through `folder`; prints its seconds
    and this process's peak RSS."""
    from benchmarks.peak_rss import peak_rss_mib

    machine = Machine(Path(data), Path(bundled), Path(folder), name)
    took = machine.sync()
    machine.ws.close()
    print(json.dumps({"seconds": took, "peak_mib": peak_rss_mib()}))


def first_sync(data: Path, bundled: Path, folder: Path, name: str) -> tuple[float, float]:
    """Seconds and peak MiB of one sync in a process of its own."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_sync", str(data), str(bundled), str(folder), name],
                         check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    found = json.loads(out.stdout.strip().splitlines()[-1])
    return float(found["seconds"]), float(found["peak_mib"])


def first_syncs(root: Path, bundled: Path, *, repeats: int) -> tuple[list[tuple[float, float]],
                                                                        list[tuple[float, float]], Path]:
    """`repeats` first syncs sending the laptop's history (each from a copy of its collection), then
    `repeats` receiving it (each a new device reading the journal the first one wrote, linked into a
    folder of its own). Returns (seconds, peak MiB) of each, and the shared folder of the first send."""
    sends, receives = [], []
    for n in range(repeats):
        data, folder = root / f"laptop-{n}", root / f"shared-{n}"
        shutil.copytree(root / "laptop", data)
        folder.mkdir()
        sends.append(first_sync(data, bundled, folder, "laptop"))
        print(f"  laptop's first sync {n + 1}: sent in {sends[-1][0]:.2f} s, peak {sends[-1][1]:.0f} MiB", flush=True)
        if n:
            shutil.rmtree(data)
            shutil.rmtree(folder)
    (journal,) = (root / "shared-0").glob("*.jsonl")
    for n in range(repeats):
        folder = root / f"received-{n}"
        folder.mkdir()
        # Opened once before: its bundled deck imported here, so the child's peak is its sync's.
        Machine(root / f"desktop-{n}", bundled, folder, "desktop").ws.close()
        os.link(journal, folder / journal.name)
        receives.append(first_sync(root / f"desktop-{n}", bundled, folder, "desktop"))
        print(f"  desktop's first sync {n + 1}: received in {receives[-1][0]:.2f} s, peak {receives[-1][1]:.0f} MiB",
              flush=True)
    return sends, receives, root / "shared-0"


def run(quick: bool = False) -> list[Figure]:
    questions, reviews = (2_000, 20_000) if quick else (100_000, 1_000_000)
    repeats = 3
    with tempfile.TemporaryDirectory(prefix="certdrill-bench-sync-") as tmp:
        root = Path(tmp)
        bundled = root / "bundled"
        write_folder_deck(bundled / "big", "big", questions)  # bundled on both: it travels as its version
        t0 = time.perf_counter()
        Machine(root / "laptop", bundled, root / "unused", "laptop").ws.close()
        fill_chains(root / "laptop" / "certdrill.db", deck_id="big", reviews=reviews)
        print(f"  the laptop's collection ready in {time.perf_counter() - t0:.1f} s", flush=True)
        sends, receives, folder = first_syncs(root, bundled, repeats=repeats)
        shutil.rmtree(root / "laptop")
        (root / "laptop-0").rename(root / "laptop")
        laptop = Machine(root / "laptop", bundled, folder, "laptop")
        desktop = Machine(root / "desktop-0", bundled, folder, "desktop")
        desktop.sync()  # its journal, written to another folder, is written to this one
        laptop.sync()  # and read once here
        incremental_sends, incremental_receives = [], []
        for _ in range(3 if quick else 7):
            laptop.answer(100)
            incremental_sends.append(laptop.sync())
            desktop.now = laptop.now
            incremental_receives.append(desktop.sync())
        with_ms, without_ms = answer_path(laptop, runs=30 if quick else 300)
        laptop.ws.close()
        desktop.ws.close()
    with tempfile.TemporaryDirectory(prefix="certdrill-bench-upgrade-") as tmp:
        backup_s, upgrade_s = upgrade(Path(tmp), reviews=reviews)
    size = f"{reviews // 1000}k" if reviews < 1_000_000 else "1M"
    return [
        Figure(f"schema 1 -> 2 upgrade step, {size} reviews", upgrade_s, "s", backup_s,
               "the backup copy made before it", 1.0),
        Figure(f"first sync sending {size} answers from before sync (median of {repeats})",
               statistics.median(s for s, _ in sends), "s", FIRST_SYNC_S, "the issue's bound for receiving", 1.0),
        Figure(f"first sync receiving {size} answers (median of {repeats})", statistics.median(s for s, _ in receives),
               "s", FIRST_SYNC_S, "the issue's bound", 1.0),
        Figure("peak memory of the first sync sending (its process, VmHWM)", max(m for _, m in sends), "MiB",
               FIRST_SYNC_MIB, "bound", 1.0),
        Figure("peak memory of the first sync receiving (its process, VmHWM)", max(m for _, m in receives), "MiB",
               FIRST_SYNC_MIB, "bound", 1.0),
        Figure("incremental sync receiving 100 answers", statistics.median(incremental_receives) * 1000, "ms",
               INCREMENTAL_MS, "the issue's bound", 1.0),
        Figure("incremental sync sending 100 answers", statistics.median(incremental_sends) * 1000, "ms",
               INCREMENTAL_MS, "the issue's bound", 1.0),
        Figure("journaling on the answer path (with - without)", with_ms - without_ms, "ms", without_ms,
               "next card + answer + commit without it", JOURNALING_SHARE),
    ]


if __name__ == "__main__":
    child(*sys.argv[1:5])
