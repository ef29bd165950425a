"""Build synthetic decks and collections for the benchmarks (fixed seeds)."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from certdrill.storage.types import to_db_time

DOMAINS = [("d1", 30), ("d2", 25), ("d3", 25), ("d4", 20)]


def deck_dict(deck_id: str, n: int, seed: int = 1) -> dict[str, object]:
    rng = random.Random(seed)
    questions = []
    for i in range(n):
        domain = DOMAINS[i % len(DOMAINS)][0]
        kind = "multiple" if i % 5 == 4 else "single"
        choices = [{"text": f"Option {j} for question {i}: {rng.random():.6f}", "why": f"Reason {j} for {i}."}
                   for j in range(5 if kind == "multiple" else 4)]
        correct = rng.sample(range(len(choices)), 2 if kind == "multiple" else 1)
        for j in correct:
            choices[j]["correct"] = True
        q: dict[str, object] = {
            "id": f"{deck_id}-{i:06d}", "domain": domain, "task": "1", "kind": kind,
            "prompt": f"A company needs solution number {i} under constraint {rng.randint(1, 999)}. "
                      "Which option meets the requirements with the LEAST operational overhead?",
            "choices": choices, "explanation": f"Explanation for question {i}.",
            "references": [f"https://docs.example.org/page/{i}"], "tags": ["synthetic"],
        }
        if kind == "multiple":
            q["pick"] = 2
        questions.append(q)
    return {
        "format": "certdrill/1", "id": deck_id, "title": f"Synthetic {deck_id}", "version": "1",
        "domains": [{"id": d, "name": d.upper(), "weight": w, "tasks": [{"id": "1", "name": "Task"}]} for d, w in DOMAINS],
        "questions": questions,
    }


def write_deck(path: Path, deck_id: str, n: int) -> Path:
    path.write_text(yaml.dump(deck_dict(deck_id, n), Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True))
    return path


def write_folder_deck(folder: Path, deck_id: str, n: int, per_file: int = 10_000) -> Path:
    """A deck folder (deck.yaml + questions/*.yaml), for decks too big for one file."""
    data = deck_dict(deck_id, n)
    questions = data.pop("questions")
    assert isinstance(questions, list)
    (folder / "questions").mkdir(parents=True, exist_ok=True)
    (folder / "deck.yaml").write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False))
    for start in range(0, n, per_file):
        part = {"questions": questions[start : start + per_file]}
        (folder / "questions" / f"part-{start // per_file:03d}.yaml").write_text(
            yaml.dump(part, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True)
        )
    return folder


def fill_history(db_path: Path, *, deck_id: str, reviews: int, now: datetime, seed: int = 7) -> None:
    """Give the deck's cards a realistic mix of states and `reviews` review rows (raw SQL: fast)."""
    rng = random.Random(seed)
    con = sqlite3.connect(db_path)
    ids = [row[0] for row in con.execute("SELECT id FROM card WHERE deck_id=? ORDER BY id", (deck_id,))]
    studied = ids[: int(len(ids) * 0.6)]
    card_rows = []
    for cid in studied:
        state = 2 if rng.random() < 0.9 else rng.choice((1, 3))
        stability = rng.uniform(0.5, 200)
        due = now + timedelta(days=rng.uniform(-5, 60))
        card_rows.append((state, 0 if state != 2 else None, stability, rng.uniform(1, 10), to_db_time(due),
                          to_db_time(due - timedelta(days=stability)), rng.randint(1, 20), rng.randint(0, 3), cid))
    con.execute("BEGIN")
    con.executemany(
        "UPDATE card SET state=?, step=?, stability=?, difficulty=?, due=?, last_review=?, reps=?, lapses=? WHERE id=?",
        card_rows,
    )
    start = now - timedelta(days=400)
    batch = []
    for i in range(reviews):
        cid = studied[i % len(studied)]
        at = start + timedelta(seconds=rng.uniform(0, 399 * 86400))
        ok = rng.random() < 0.8
        batch.append((cid, deck_id, to_db_time(at), 3 if ok else 1, ok, "[1]", 9000, "review", False, None))
        if len(batch) == 50000:
            con.executemany(
                "INSERT INTO review (card_id, deck_id, reviewed_at, rating, correct, chosen, duration_ms, mode, was_new, "
                "state_before) VALUES (?,?,?,?,?,?,?,?,?,?)", batch)
            batch.clear()
    if batch:
        con.executemany(
            "INSERT INTO review (card_id, deck_id, reviewed_at, rating, correct, chosen, duration_ms, mode, was_new, "
            "state_before) VALUES (?,?,?,?,?,?,?,?,?,?)", batch)
    con.execute("COMMIT")
    con.execute("ANALYZE")
    con.close()


NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


_SHARED: dict[bool, Path] = {}


def shared_collection(*, quick: bool = False) -> Path:
    """The data folder of one synthetic collection per benchmark run (100k questions, 1M reviews;
    2k and 20k with quick), built on first use and shared by the benchmarks that need it."""
    if quick not in _SHARED:
        import atexit
        import shutil
        import tempfile

        from certdrill.decks.format.loader import load_valid_deck
        from certdrill.study.library import import_deck
        from certdrill.study.settings import save_setting
        from certdrill.study.workspace import Workspace

        root = Path(tempfile.mkdtemp(prefix="certdrill-bench-"))
        atexit.register(shutil.rmtree, root, True)
        questions, reviews = (2_000, 20_000) if quick else (100_000, 1_000_000)
        ws = Workspace.open(root / "data", clock=lambda: NOW, bundled_root=root / "none")
        deck_path = write_folder_deck(root / "big", "big", questions)
        with ws.session() as session:
            import_deck(session, deck=load_valid_deck(deck_path), source=str(deck_path), now=NOW)
            # A learner who has changed a setting: start-up must still draw from the quick overview.
            save_setting(session, name="new_per_day", value=25)
        ws.close()
        fill_history(root / "data" / "certdrill.db", deck_id="big", reviews=reviews, now=NOW)
        _SHARED[quick] = root / "data"
    return _SHARED[quick]
