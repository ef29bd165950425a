"""A deck's outline: its domains' names, their tasks, its tags (plain sqlite3)."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Sequence


def domain_names(con: sqlite3.Connection, *, deck_ids: Sequence[str]) -> dict[str, str]:
    """Domain id -> name over these decks (cheap, unlike the full deck summaries)."""
    marks = ", ".join("?" * len(deck_ids))
    return dict(con.execute(f"SELECT id, name FROM domain WHERE deck_id IN ({marks})", tuple(deck_ids)).fetchall())


def tasks(con: sqlite3.Connection, *, deck_id: str, domain_id: str) -> list[tuple[str, str]]:
    """(task id, name) of one domain, in the deck's order."""
    row = con.execute("SELECT tasks FROM domain WHERE deck_id = ? AND id = ?", (deck_id, domain_id)).fetchone()
    return [(t, n) for t, n in json.loads(row[0])] if row else []


def tags(con: sqlite3.Connection, *, deck_id: str) -> list[tuple[str, int]]:
    """The deck's tags and how many questions carry each, most used first, then A to Z (retired
    questions left out)."""
    counts: Counter[str] = Counter()
    for (question_tags,) in con.execute("SELECT tags FROM question WHERE deck_id = ? AND retired = 0", (deck_id,)):
        counts.update(json.loads(question_tags))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))
