"""Synthetic decks and collections shaped like a real learner's, for the benchmarks (fixed seeds).

The collection (`learner_collection`) is one exam deck with a year of history: every answer in
time order with the card's state before it (`state_before`, as real answers store it), a tenth
of them in practice mode, and a few mock exams. Its deck id sorts first, so it is the deck the
dashboard selects at start-up (the one with the most history, as for a learner who uses one deck
daily), and its exam makes the dashboard run the readiness model over all of that history.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from certdrill.storage.timefmt import to_db_time

DOMAINS = [("d1", 30), ("d2", 25), ("d3", 25), ("d4", 20)]
TASKS = ("1", "2", "3")
DECK = "aaa-big"
"""The learner's exam deck: first in deck-id order, so the dashboard selects it at start-up."""
EXAM = {"code": "BIG-01", "status": "active", "questions": 65, "scored": 50, "minutes": 130,
        "pass": {"scaled": 720, "min": 100, "max": 1000}}
NOW = datetime.now(UTC).replace(second=0, microsecond=0)
"""The moment the history ends: the real time the run started, since the TUI start-up reads the
real clock (today's reviews and the study streak are counted from it)."""
HISTORY_DAYS = 400
PRACTICE_SHARE = 0.1
MOCK_EXAMS = 12


def deck_dict(deck_id: str, n: int, seed: int = 1, exam: bool = False) -> dict[str, object]:
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
            "id": f"{deck_id}-{i:06d}", "domain": domain, "task": TASKS[(i // len(DOMAINS)) % len(TASKS)],
            "kind": kind,
            "prompt": f"A company needs solution number {i} under constraint {rng.randint(1, 999)}. "
                      "Which option meets the requirements with the LEAST operational overhead?",
            "choices": choices, "explanation": f"Explanation for question {i}.",
            "references": [f"https://docs.example.org/page/{i}"], "tags": ["synthetic"],
        }
        if kind == "multiple":
            q["pick"] = 2
        questions.append(q)
    data: dict[str, object] = {
        "format": "certdrill/1", "id": deck_id, "title": f"Synthetic {deck_id}", "version": "1",
        "domains": [{"id": d, "name": d.upper(), "weight": w, "tasks": [{"id": t, "name": f"Task {t}"} for t in TASKS]}
                    for d, w in DOMAINS],
        "questions": questions,
    }
    if exam:
        data["exam"] = EXAM
    return data


def write_deck(path: Path, deck_id: str, n: int) -> Path:
    path.write_text(yaml.dump(deck_dict(deck_id, n), Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True))
    return path


def write_folder_deck(folder: Path, deck_id: str, n: int, per_file: int = 10_000, exam: bool = False) -> Path:
    """A deck folder (deck.yaml + questions/*.yaml), for decks too big for one file."""
    data = deck_dict(deck_id, n, exam=exam)
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


@dataclass
class _Card:
    """A studied card's history while it is written: what its next answer's `state_before` holds."""

    id: int
    stability: float
    difficulty: float
    reps: int = 0
    lapses: int = 0
    state: int = 0
    last: datetime | None = None
    due: datetime | None = None


def _state_json(c: _Card) -> str:
    return json.dumps({
        "state": c.state, "step": 0 if c.state in (1, 3) else None,
        "stability": c.stability if c.state else None, "difficulty": c.difficulty if c.state else None,
        "due": c.due.isoformat() if c.due else None, "last_review": c.last.isoformat() if c.last else None,
        "reps": c.reps, "lapses": c.lapses,
    })


REVIEW_INSERT = ("INSERT INTO review (card_id, deck_id, reviewed_at, rating, correct, chosen, duration_ms, mode, "
                 "was_new, state_before) VALUES (?,?,?,?,?,?,?,?,?,?)")


def fill_history(db_path: Path, *, deck_id: str, reviews: int, now: datetime, seed: int = 7) -> None:
    """Give 60% of the deck's cards a year of answers (`reviews` in all) ending at `now`, written in
    time order with each answer's `state_before`, the cards' final states to match, and mock exams."""
    rng = random.Random(seed)
    con = sqlite3.connect(db_path)
    ids = [row[0] for row in con.execute("SELECT id FROM card WHERE deck_id=? ORDER BY id", (deck_id,))]
    studied = ids[: max(1, int(len(ids) * 0.6))]
    start = now - timedelta(days=HISTORY_DAYS)
    cards: list[_Card] = []
    final: list[tuple[object, ...]] = []
    for cid in studied:
        # Review cards last seen within their interval (about 5% overdue); a few in (re)learning,
        # seen within the day and due minutes later.
        state = 2 if rng.random() < 0.98 else rng.choice((1, 3))
        stability = rng.uniform(0.5, 200)
        elapsed = rng.uniform(0, 1.05 * stability) if state == 2 else rng.uniform(0.001, 1)
        last = now - timedelta(days=elapsed)
        due = last + timedelta(days=stability if state == 2 else 0.007)
        cards.append(_Card(cid, stability, rng.uniform(1, 10)))
        final.append((state, 0 if state != 2 else None, stability, rng.uniform(1, 10), to_db_time(due),
                      to_db_time(last), 0, 0, cid))
    # Every answer as (time, card index, practice?): each card's review answers fall between its
    # first study and its last review; practice answers fall anywhere after the first study.
    practice = int(reviews * PRACTICE_SHARE)
    per_card = [1] * len(cards)
    for _ in range(reviews - practice - len(cards)):
        per_card[rng.randrange(len(cards))] += 1
    events: list[tuple[float, int, bool]] = []
    firsts = []
    for i, (n, row) in enumerate(zip(per_card, final, strict=True)):
        last = datetime.fromisoformat(str(row[5])).timestamp()
        first = rng.uniform(start.timestamp(), last)
        firsts.append(first)
        events.append((first, i, False))
        events += [(rng.uniform(first, last), i, False) for _ in range(n - 2)]
        if n > 1:
            events.append((last, i, False))
    for _ in range(practice):
        i = rng.randrange(len(cards))
        events.append((rng.uniform(firsts[i], now.timestamp()), i, True))
    events.sort()
    con.execute("BEGIN")
    batch: list[tuple[object, ...]] = []
    for at_seconds, i, is_practice in events:
        c = cards[i]
        at = datetime.fromtimestamp(at_seconds, UTC)
        ok = rng.random() < 0.8
        chosen = "[0]" if ok else "[1]"
        if is_practice:
            batch.append((c.id, deck_id, to_db_time(at), 3 if ok else 1, ok, chosen, 9000, "practice", False, None))
        else:
            batch.append((c.id, deck_id, to_db_time(at), 3 if ok else 1, ok, chosen, rng.randint(4000, 60000),
                          "review", c.reps == 0, _state_json(c)))
            lapsed = c.state == 2 and not ok
            c.lapses += lapsed
            c.reps += 1
            c.state = 2 if ok else (3 if c.state == 2 else 1)
            c.last, c.due = at, at + timedelta(days=c.stability if ok else 0.007)
        if len(batch) == 50_000:
            con.executemany(REVIEW_INSERT, batch)
            batch.clear()
    if batch:
        con.executemany(REVIEW_INSERT, batch)
    con.executemany(
        "UPDATE card SET state=?, step=?, stability=?, difficulty=?, due=?, last_review=?, reps=?, lapses=? WHERE id=?",
        [(*row[:6], c.reps, c.lapses, row[8]) for row, c in zip(final, cards, strict=True)],
    )
    _mock_exams(con, rng, deck_id=deck_id, ids=ids, now=now)
    con.execute("COMMIT")
    con.execute("ANALYZE")
    con.close()


def _mock_exams(con: sqlite3.Connection, rng: random.Random, *, deck_id: str, ids: list[int], now: datetime) -> None:
    """A mock exam of 65 questions every few weeks, submitted (readiness reads their answers)."""
    for n in range(MOCK_EXAMS):
        started = now - timedelta(days=30 * (MOCK_EXAMS - n), hours=2)
        cursor = con.execute(
            "INSERT INTO exam_attempt (deck_id, started_at, finished_at, minutes, size, score, passed, seed) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (deck_id, to_db_time(started), to_db_time(started + timedelta(minutes=100)), 130, 65, 0.7, True, n),
        )
        con.executemany(
            "INSERT INTO exam_answer (attempt_id, position, card_id, chosen, correct, flagged, duration_ms) "
            "VALUES (?,?,?,?,?,?,?)",
            [(cursor.lastrowid, p, cid, "[0]", rng.random() < 0.7, False, 60000)
             for p, cid in enumerate(rng.sample(ids, min(65, len(ids))))],
        )


SIZES = {"quick": (2_000, 20_000), "10k": (1_000, 10_000), "100k": (10_000, 100_000), "1M": (100_000, 1_000_000)}
"""Collections by name: (questions, reviews)."""


def describe(size: str) -> str:
    """`100k q, 1M reviews` for a size's name."""
    questions, reviews = SIZES[size]

    def short(n: int) -> str:
        return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"

    return f"{short(questions)} q, {short(reviews)} reviews"
_BUILT: dict[str, Path] = {}


def learner_collection(size: str = "1M") -> Path:
    """The data folder of a learner-shaped collection (see the module docstring) of `SIZES[size]`,
    built on first use in this process and shared by the benchmarks that need it."""
    if size not in _BUILT:
        import atexit
        import shutil
        import tempfile

        from certdrill.decks.format.loader import load_valid_deck
        from certdrill.study.library import import_deck
        from certdrill.study.settings import save_setting
        from certdrill.study.workspace import Workspace

        root = Path(tempfile.mkdtemp(prefix=f"certdrill-bench-{size}-"))
        atexit.register(shutil.rmtree, root, True)
        questions, reviews = SIZES[size]
        ws = Workspace.open(root / "data", clock=lambda: NOW, bundled_root=root / "none")
        deck_path = write_folder_deck(root / "big", DECK, questions, exam=True)
        with ws.session() as session:
            import_deck(session, deck=load_valid_deck(deck_path), source=str(deck_path), now=NOW - timedelta(days=HISTORY_DAYS))
            # A learner who has changed a setting: start-up must still draw from the quick overview.
            save_setting(session, name="new_per_day", value=25)
        ws.close()
        fill_history(root / "data" / "certdrill.db", deck_id=DECK, reviews=reviews, now=NOW)
        _BUILT[size] = root / "data"
    return _BUILT[size]


def shared_collection(*, quick: bool = False) -> Path:
    """The 100k-question, 1M-review learner collection (2k and 20k with quick)."""
    return learner_collection("quick" if quick else "1M")
