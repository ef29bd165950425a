"""The official Anki engine as a reference in the same run: found when installed (AGPL: never a
dependency of certdrill), with a collection shaped like the synthetic learner's.

Anki is found when `import anki` works (e.g. `PYTHONPATH=<scratch venv>/lib/python3.11/site-packages`),
or in the site-packages folder named by $ANKI_SITE_PACKAGES (appended to sys.path, after
certdrill's own packages, so the scratch venv's copies of shared packages do not win), e.g.
`ANKI_SITE_PACKAGES=/tmp/anki-venv/lib/python3.11/site-packages` after `pip install anki` there.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.synthetic import DOMAINS, HISTORY_DAYS, PRACTICE_SHARE

ENV = "ANKI_SITE_PACKAGES"


def available() -> bool:
    """Whether the Anki engine can be imported (after adding $ANKI_SITE_PACKAGES to sys.path)."""
    folder = os.environ.get(ENV)
    if folder and folder not in sys.path:
        sys.path.append(folder)
    try:
        import anki.collection  # noqa: F401
    except ImportError:
        return False
    return True


def version() -> str:
    from anki.buildinfo import version as anki_version

    return str(anki_version)


class AnkiLearner:
    """An Anki collection with the synthetic learner's shape: `questions` notes (one card each),
    60% of them studied, `reviews` revlog rows over a year; FSRS on, as certdrill schedules."""

    def __init__(self, folder: Path, *, questions: int, reviews: int, now: datetime, seed: int = 7) -> None:
        from anki.collection import Collection

        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "collection.anki2"
        col = Collection(str(self.path))
        self.deck_id = _add_notes(col, questions)
        col.close()
        _fill_history(self.path, reviews=reviews, now=now, seed=seed)
        self.col = Collection(str(self.path))

    def set_synchronous(self, mode: str) -> None:
        """SQLite's durability setting for the collection's connection (Anki ships FULL)."""
        self.col.db.execute(f"pragma synchronous = {mode}")
        assert self.col.db.scalar("pragma synchronous") == {"NORMAL": 1, "FULL": 2}[mode]

    def answer_once(self, *, render: bool = False) -> float:
        """Seconds for get-card + answer Good + commit, as Anki's own review screen does it (with
        `render`, the question's HTML is rendered too, as the screen shows it)."""
        from anki.cards import Card

        col = self.col
        t0 = time.perf_counter()
        queued = col.sched.get_queued_cards()
        top = queued.cards[0]
        card = Card(col, backend_card=top.card)
        card.start_timer()
        if render:
            card.question()
        col.sched.answer_card(col.sched.build_answer(card=card, states=top.states, rating=3))
        return time.perf_counter() - t0

    def close(self) -> None:
        self.col.close()


def _add_notes(col: Any, questions: int) -> int:
    from anki.collection import AddNoteRequest

    deck_id = int(col.decks.id("Big"))
    conf = col.decks.config_dict_for_deck_id(deck_id)
    conf["new"]["perDay"] = 25  # as the synthetic learner set it in certdrill
    conf["rev"]["perDay"] = 9999
    col.decks.save(conf)
    col.set_config("fsrs", True)
    col.decks.select(deck_id)  # the review queue is the current deck's
    model = col.models.by_name("Basic")
    rng = random.Random(1)
    for start in range(0, questions, 10_000):
        requests = []
        for i in range(start, min(questions, start + 10_000)):
            note = col.new_note(model)
            options = "<br>".join(f"{'ABCDE'[j]}. Option {j} for question {i}: {rng.random():.6f}" for j in range(4))
            note["Front"] = (f"A company needs solution number {i} under constraint {rng.randint(1, 999)}. Which "
                             f"option meets the requirements with the LEAST operational overhead?<br>{options}")
            note["Back"] = f"A<br>Explanation for question {i}. Domain {DOMAINS[i % len(DOMAINS)][0]}."
            requests.append(AddNoteRequest(note=note, deck_id=deck_id))
        col.add_notes(requests)
    return deck_id


def _fill_history(path: Path, *, reviews: int, now: datetime, seed: int) -> None:
    """Cards' FSRS states and revlog rows written with sqlite3 (as `synthetic.fill_history` does for
    certdrill), the collection created a year before `now` so that due days fall where they should."""
    rng = random.Random(seed)
    con = sqlite3.connect(path, isolation_level=None)
    con.create_collation("unicase", lambda a, b: (a.lower() > b.lower()) - (a.lower() < b.lower()))
    crt = int((now - timedelta(days=HISTORY_DAYS + 1)).timestamp())
    con.execute("UPDATE col SET crt = ?", (crt,))
    today = (int(now.timestamp()) - crt) // 86400
    ids = [row[0] for row in con.execute("SELECT id FROM cards ORDER BY id")]
    studied = ids[: max(1, int(len(ids) * 0.6))]
    rows = []
    for cid in studied:
        learning = rng.random() >= 0.98
        stability = rng.uniform(0.5, 200)
        elapsed = rng.uniform(0, 1.05 * stability) if not learning else rng.uniform(0.001, 1)
        last = now.timestamp() - elapsed * 86400
        data = json.dumps({"s": round(stability, 4), "d": round(rng.uniform(1, 10), 4), "dr": 0.9,
                           "lrt": int(last)})
        if learning:  # relearning, due minutes after its last answer (epoch seconds, as Anki keeps them)
            rows.append((3, 1, int(last + 600), 1, 2500, 10, 1, 1001, data, cid))
        else:
            interval = max(1, round(stability))
            due = today + round((last + stability * 86400 - now.timestamp()) / 86400)
            rows.append((2, 2, due, interval, 2500, 10, 1, 0, data, cid))
    con.execute("BEGIN")
    con.executemany("UPDATE cards SET type=?, queue=?, due=?, ivl=?, factor=?, reps=?, lapses=?, left=?, data=? "
                    "WHERE id=?", rows)
    start_ms = int((now - timedelta(days=HISTORY_DAYS)).timestamp() * 1000)
    span_ms = HISTORY_DAYS * 86_400_000
    stamps = sorted(rng.sample(range(start_ms, start_ms + span_ms), reviews))
    practice = int(reviews * PRACTICE_SHARE)  # Anki's filtered-deck ("cram") answers: revlog type 3
    batch = []
    for n, stamp in enumerate(stamps):
        ok = rng.random() < 0.8
        batch.append((stamp, studied[rng.randrange(len(studied))], -1, 3 if ok else 1, rng.randint(1, 100),
                      rng.randint(1, 100), 2500, rng.randint(4000, 60000), 3 if n % (reviews // max(1, practice)) == 0 else 1))
        if len(batch) == 50_000:
            con.executemany("INSERT INTO revlog VALUES (?,?,?,?,?,?,?,?,?)", batch)
            batch.clear()
    con.executemany("INSERT INTO revlog VALUES (?,?,?,?,?,?,?,?,?)", batch)
    con.execute("COMMIT")
    con.execute("ANALYZE")
    con.close()
