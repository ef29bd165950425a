"""Foundation benchmarks: YAML deck import throughput, and next card + answer + commit at scale."""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, timedelta
from pathlib import Path

import yaml

from benchmarks.report import Figure
from benchmarks.synthetic import NOW, fill_history, shared_collection, write_deck, write_folder_deck
from certdrill.decks.format.loader import load_valid_deck
from certdrill.study import review
from certdrill.study.library import import_deck
from certdrill.study.workspace import Workspace

ANKI_ANSWER_MS = 0.28  # official Anki engine, get-card + answer on 100k cards, measured on these machines


def build_collection(root: Path, *, questions: int = 100_000, reviews: int = 1_000_000) -> Workspace:
    """A workspace holding `questions` questions and `reviews` reviews (no bundled decks)."""
    ws = Workspace.open(root / "data", clock=lambda: NOW, tz=UTC, bundled_root=root / "none")
    deck_path = write_folder_deck(root / "big", "big", questions)
    with ws.session() as session:
        import_deck(session, deck=load_valid_deck(deck_path), source=str(deck_path), now=NOW)
    fill_history(ws.db_path, deck_id="big", reviews=reviews, now=NOW)
    return ws


def bench_import(ws: Workspace, root: Path, runs: int = 5) -> list[Figure]:
    path = write_deck(root / "ten-thousand.yaml", "tenk", 10_000)
    yaml_times, import_times = [], []
    for run in range(runs):
        t0 = time.perf_counter()
        with path.open("rb") as fh:
            yaml.load(fh, Loader=yaml.CSafeLoader)
        yaml_times.append(time.perf_counter() - t0)
        # Each run imports under a new deck id into the big collection, as a learner would.
        t0 = time.perf_counter()
        deck = load_valid_deck(path)
        deck = type(deck)(**{**{f: getattr(deck, f) for f in deck.__dataclass_fields__}, "id": f"tenk-{run}"})
        with ws.session() as session:
            import_deck(session, deck=deck, source=str(path), now=NOW)
        import_times.append(time.perf_counter() - t0)
    y, i = statistics.median(yaml_times), statistics.median(import_times)
    return [Figure("import 10,000-question YAML deck", i * 1000, "ms", y * 1000, "yaml.load (C loader) alone", 1.5)]


def bench_answer(ws: Workspace, runs: int = 300) -> list[Figure]:
    settings = ws.scheduler_settings()
    times = []
    now = NOW
    for _ in range(runs):
        now += timedelta(seconds=7)
        t0 = time.perf_counter()
        with ws.session() as session:
            card = review.next_card(session, deck_ids=["big"], now=now, tz=UTC, new_per_day=20)
            assert card is not None
            chosen = list(card.question.correct_indices)
            review.answer(session, card_id=card.card_id, chosen=chosen, now=now, scheduler_settings=settings)
        times.append(time.perf_counter() - t0)
    median_ms = statistics.median(times) * 1000
    return [Figure("next card + answer + commit (100k q, 1M reviews)", median_ms, "ms", ANKI_ANSWER_MS,
                   "Anki engine get-card + answer (quoted)", 1.0)]


def run(quick: bool = False) -> list[Figure]:
    t0 = time.perf_counter()
    data_dir = shared_collection(quick=quick)
    print(f"  collection ready in {time.perf_counter() - t0:.1f} s")
    ws = Workspace.open(data_dir, clock=lambda: NOW, tz=UTC, bundled_root=data_dir / "none")
    figures = bench_answer(ws, runs=30 if quick else 300)
    ws.close()
    with tempfile.TemporaryDirectory() as tmp:
        # A fresh database for the import, so earlier benchmarks do not change what it measures.
        root = Path(tmp)
        fresh = Workspace.open(root / "data", clock=lambda: NOW, tz=UTC, bundled_root=root / "none")
        figures += bench_import(fresh, root, runs=1 if quick else 5)
        fresh.close()
    return figures
