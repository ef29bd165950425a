"""Foundation benchmarks: next card + answer + commit at scale against the Anki engine in the same
run at equal durability (SQLite synchronous=NORMAL and FULL), and YAML deck import throughput."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from benchmarks import anki_engine
from benchmarks.report import Figure
from benchmarks.synthetic import DECK, NOW, SIZES, describe, learner_collection, write_deck
from certdrill.decks.format.loader import load_valid_deck
from certdrill.storage import database
from certdrill.study import review
from certdrill.study.library import import_deck
from certdrill.study.workspace import Workspace

DURABILITY = ("NORMAL", "FULL")
"""SQLite's synchronous setting, WAL mode on both sides. NORMAL (certdrill's): a commit survives a
crash of the program, a power loss may undo the last commits. FULL (Anki's as shipped): the WAL
is synced on every commit, so a commit survives a power loss too."""


def open_at(data_dir: Path, durability: str, now: Callable[[], datetime]) -> Workspace:
    """The workspace with its connections opened at `durability` (the setting is per connection)."""
    database.SYNCHRONOUS = durability
    try:
        ws = Workspace.open(data_dir, clock=now, tz=UTC, bundled_root=data_dir / "none")
        assert synchronous(ws) == durability
    finally:
        database.SYNCHRONOUS = "NORMAL"
    return ws


def synchronous(ws: Workspace) -> str:
    """The durability the hot path's connection runs at (checked before and after the timing)."""
    with ws.reading() as con:
        return {1: "NORMAL", 2: "FULL"}[con.execute("PRAGMA synchronous").fetchone()[0]]


class Clock:
    """The benchmark's time: seven seconds between answers, as a brisk learner."""

    def __init__(self) -> None:
        self.at = NOW

    def __call__(self) -> datetime:
        return self.at

    def tick(self) -> datetime:
        self.at += timedelta(seconds=7)
        return self.at


def answer_once(ws: Workspace, clock: Clock) -> float:
    """Seconds for next card + answer (right, so rated Good) + commit, as the review screen's desk
    does it (on the database's own sqlite3 lane)."""
    now = clock.tick()
    settings = ws.scheduler_settings()
    t0 = time.perf_counter()
    card = review.next_card(ws.db, deck_ids=[DECK], now=now, tz=UTC, new_per_day=25)
    assert card is not None
    review.answer(ws.db, card_id=card.card_id, chosen=list(card.question.correct_indices), now=now,
                  scheduler_settings=settings)
    return time.perf_counter() - t0


def bench_answer(data_dir: Path, *, size: str, rounds: int, per_block: int) -> list[Figure]:
    """Blocks of answers, alternating certdrill and Anki at each durability, so that a busy moment
    of the machine falls on both; medians over every answer of a kind."""
    questions, reviews = SIZES[size]
    clock = Clock()
    ours = {d: open_at(data_dir, d, clock) for d in DURABILITY}
    times: dict[str, list[float]] = {}
    anki = None
    with tempfile.TemporaryDirectory() as tmp:
        if anki_engine.available():
            print(f"  Anki {anki_engine.version()}: building a collection of the same size ...", flush=True)
            anki = anki_engine.AnkiLearner(Path(tmp) / "anki", questions=questions, reviews=reviews, now=NOW)
        else:
            print(f"  Anki not measured: `anki` is not importable (set ${anki_engine.ENV})")
        for _ in range(rounds):
            for durability in DURABILITY:
                times.setdefault(f"certdrill {durability}", []).extend(
                    answer_once(ours[durability], clock) for _ in range(per_block))
                if anki is not None:
                    anki.set_synchronous(durability)
                    times.setdefault(f"anki {durability}", []).extend(anki.answer_once() for _ in range(per_block))
            if anki is not None:
                anki.set_synchronous("NORMAL")
                times.setdefault("anki render", []).extend(anki.answer_once(render=True) for _ in range(per_block))
        if anki is not None:
            anki.close()
    for durability, ws in ours.items():
        assert synchronous(ws) == durability
        ws.close()
    ms = {name: statistics.median(values) * 1000 for name, values in times.items()}
    scale = describe(size)
    figures = []
    for durability in DURABILITY:
        reference = ms.get(f"anki {durability}")
        name = (f"Anki {anki_engine.version()} get-card + answer, {durability}" if reference is not None
                else "Anki not measured (not importable)")
        figures.append(Figure(f"next card + answer + commit, {durability} ({scale})", ms[f"certdrill {durability}"],
                              "ms", reference, name, 1.0))
    if "anki render" in ms:
        figures.append(Figure("next card + answer + commit, NORMAL, vs Anki rendering its question too",
                              ms["certdrill NORMAL"], "ms", ms["anki render"],
                              "Anki get-card + render question + answer, NORMAL", None))
    return figures


def bench_import(ws: Workspace, root: Path, runs: int = 5) -> list[Figure]:
    path = write_deck(root / "ten-thousand.yaml", "tenk", 10_000)
    yaml_times, import_times = [], []
    for run in range(runs):
        t0 = time.perf_counter()
        with path.open("rb") as fh:
            yaml.load(fh, Loader=yaml.CSafeLoader)
        yaml_times.append(time.perf_counter() - t0)
        # Each run imports under a new deck id, as a learner would.
        t0 = time.perf_counter()
        deck = load_valid_deck(path)
        deck = type(deck)(**{**{f: getattr(deck, f) for f in deck.__dataclass_fields__}, "id": f"tenk-{run}"})
        with ws.session() as session:
            import_deck(session, deck=deck, source=str(path), now=NOW)
        import_times.append(time.perf_counter() - t0)
    y, i = statistics.median(yaml_times), statistics.median(import_times)
    return [Figure("import 10,000-question YAML deck", i * 1000, "ms", y * 1000, "yaml.load (C loader) alone", 1.5)]


def run(quick: bool = False) -> list[Figure]:
    size = "quick" if quick else "1M"
    t0 = time.perf_counter()
    data_dir = learner_collection(size)
    print(f"  collection ready in {time.perf_counter() - t0:.1f} s")
    figures = bench_answer(data_dir, size=size, rounds=1 if quick else 5, per_block=20 if quick else 60)
    with tempfile.TemporaryDirectory() as tmp:
        # A fresh database for the import, so earlier benchmarks do not change what it measures.
        root = Path(tmp)
        fresh = Workspace.open(root / "data", clock=lambda: NOW, tz=UTC, bundled_root=root / "none")
        figures += bench_import(fresh, root, runs=1 if quick else 5)
        fresh.close()
    return figures
