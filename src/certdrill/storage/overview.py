"""The dashboard's first numbers, read with plain sqlite3 before SQLAlchemy is even imported.

Start-up is what a learner waits for every day; the full workspace (SQLAlchemy, the bundled
deck check) opens in the background while this overview is already on screen.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from certdrill.core.clock import day_start
from certdrill.storage import queries
from certdrill.storage.version import SCHEMA_VERSION

DEFAULT_NEW_PER_DAY = 20  # the same default as study.settings.Settings.new_per_day


@dataclass(frozen=True, slots=True)
class DeckOverview:
    id: str
    title: str
    retired: bool
    due_now: int
    new_available: int
    reviews_today: int
    streak: int


def read_overview(db_path: Path, *, now: datetime, tz: tzinfo) -> list[DeckOverview] | None:
    """Each deck's due, new and today's counts; None when the database is missing, of another
    schema version, or unreadable (the caller then opens the workspace the full way)."""
    if not db_path.is_file():
        return None
    try:
        con = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        if con.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            return None
        row = con.execute("SELECT value FROM setting WHERE key = 'new_per_day'").fetchone()
        # A JSON column has NUMERIC affinity in SQLite: the '15' SQLAlchemy writes is read back as 15.
        value = json.loads(row[0]) if row and isinstance(row[0], str) else row[0] if row else None
        default_limit = DEFAULT_NEW_PER_DAY if value is None else int(value)
        since = day_start(now, tz)
        decks = []
        for deck_id, title, exam, new_per_day in con.execute(
            "SELECT id, title, exam, new_per_day FROM deck ORDER BY id"
        ).fetchall():
            limit = default_limit if new_per_day is None else int(new_per_day)
            started = queries.count_new_since(con, deck_id=deck_id, since=since)
            waiting = queries.count_new(con, deck_id=deck_id, at_most=max(0, limit - started))
            status = (json.loads(exam) or {}).get("status") if exam else None
            decks.append(DeckOverview(
                id=deck_id, title=title, retired=status == "retired",
                due_now=queries.count_due(con, deck_id=deck_id, now=now),
                new_available=min(waiting, max(0, limit - started)),
                reviews_today=queries.count_reviews_since(con, deck_id=deck_id, since=since),
                streak=queries.study_streak(con, deck_id=deck_id, now=now, tz=tz),
            ))
        return decks
    except (sqlite3.Error, ValueError, TypeError):
        return None
    finally:
        con.close()
