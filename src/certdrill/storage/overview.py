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

from certdrill.core.clock import ROLLOVER_HOUR, StudyZone, day_start
from certdrill.storage import queries, queue
from certdrill.storage.version import SCHEMA_VERSION


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
        default_limit = queue.default_new_per_day(con)
        hour = queue.stored_setting(con, "rollover_hour")
        tz = StudyZone(tz, ROLLOVER_HOUR if hour is None else int(hour))
        since = day_start(now, tz)
        decks = []
        for deck_id, title, exam in con.execute("SELECT id, title, exam FROM deck ORDER BY id").fetchall():
            status = (json.loads(exam) or {}).get("status") if exam else None
            decks.append(DeckOverview(
                id=deck_id, title=title, retired=status == "retired",
                due_now=queue.count_due(con, deck_id=deck_id, now=now),
                new_available=queue.new_left_today(con, deck_id=deck_id, default=default_limit, now=now, tz=tz),
                reviews_today=queries.count_reviews_since(con, deck_id=deck_id, since=since),
                streak=queries.study_streak(con, deck_id=deck_id, now=now, tz=tz),
            ))
        return decks
    except (sqlite3.Error, ValueError, TypeError):
        return None
    finally:
        con.close()
