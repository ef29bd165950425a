"""Build databases of earlier certdrill schemas (tests/schemas/vN.sql) holding a real history."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from certdrill.core import scheduling
from certdrill.decks.format.loader import load_valid_deck
from helpers import SAMPLE_DECKS

SCHEMAS = Path(__file__).parent / "schemas"
HISTORY_START = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def _t(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def released_versions() -> list[int]:
    return sorted(int(p.stem[1:]) for p in SCHEMAS.glob("v*.sql"))


def build_v1(db: Path, *, answers: int = 60, seed: int = 3, version: int = 1) -> None:
    """A schema-1 database: the sample deck as a bundled deck, with `answers` consistent answers."""
    con = sqlite3.connect(db)
    con.executescript((SCHEMAS / f"v{version}.sql").read_text())
    if version >= 2:  # a device of its own, not synced yet: its answers have no events
        con.execute("INSERT INTO device VALUES ('1234abcd', '', 1, 0, 0, 0, '', 0)")
    deck = load_valid_deck(SAMPLE_DECKS / "sample")
    con.execute("INSERT INTO deck (id, title, version, license, description, source, exam, imported_at) "
                "VALUES (?, ?, ?, ?, '', 'bundled', NULL, ?)",
                (deck.id, deck.title, deck.version, deck.license, _t(HISTORY_START)))
    for i, d in enumerate(deck.domains):
        con.execute("INSERT INTO domain VALUES (?, ?, ?, ?, ?, ?)",
                    (deck.id, d.id, d.name, d.weight, i, json.dumps([[t.id, t.name] for t in d.tasks])))
    for pk, q in enumerate(deck.questions, start=1):
        con.execute(
            "INSERT INTO question (pk, deck_id, qid, domain_id, task_id, kind, prompt, choices, pick, answer, "
            'explanation, "references", tags, content_hash, answer_key, position, retired) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            (pk, deck.id, q.id, q.domain, q.task, q.kind, q.prompt,
             json.dumps([[c.text, c.correct, c.why] for c in q.choices]), q.pick, q.answer, q.explanation,
             json.dumps(list(q.references)), json.dumps(list(q.tags)), q.content_hash(), q.answer_key(), pk - 1),
        )
    rng = random.Random(seed)
    scheduler = scheduling.make_scheduler(scheduling.SchedulerSettings(fuzz=False))
    states = {pk: scheduling.CardState() for pk in range(1, len(deck.questions) + 1)}
    at = HISTORY_START
    for _ in range(answers):
        at += timedelta(hours=rng.uniform(1, 30))
        pk = rng.choice(list(states))
        if rng.random() < 0.2:  # practice answers leave the schedule alone
            con.execute("INSERT INTO review (card_id, deck_id, reviewed_at, rating, correct, chosen, duration_ms, "
                        "mode, was_new, state_before) VALUES (?, ?, ?, 3, 1, '[1]', 5000, 'practice', 0, NULL)",
                        (pk, deck.id, _t(at)))
            continue
        rating = rng.choice((1, 3, 3, 3, 4))
        before = states[pk]
        states[pk] = scheduling.review(before, rating, at, scheduler)
        con.execute("INSERT INTO review (card_id, deck_id, reviewed_at, rating, correct, chosen, duration_ms, "
                    "mode, was_new, state_before) VALUES (?, ?, ?, ?, ?, '[0]', 7000, 'review', ?, ?)",
                    (pk, deck.id, _t(at), rating, rating > 1, before.state == 0, json.dumps(before.to_json())))
    for pk, s in states.items():
        con.execute("INSERT INTO card (id, deck_id, state, step, stability, difficulty, due, last_review, reps, "
                    "lapses, suspended, buried_until, flagged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, 0)",
                    (pk, deck.id, s.state, s.step, s.stability, s.difficulty, _t(s.due), _t(s.last_review),
                     s.reps, s.lapses))
    con.execute("INSERT INTO setting VALUES ('new_per_day', '15')")
    con.commit()
    con.close()


def build_v2(db: Path, *, answers: int = 60, seed: int = 3) -> None:
    """A schema-2 database (sync) that has not synced yet, with the same history as `build_v1`."""
    build_v1(db, answers=answers, seed=seed, version=2)


BUILDERS = {1: build_v1, 2: build_v2}
