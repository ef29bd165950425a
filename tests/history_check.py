"""Independent checks that a database's cards and reviews agree, in plain SQL (for the crash,
concurrency and upgrade tests; certdrill's own `doctor` is tested against these)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path


def _time(text: str | None) -> datetime | None:
    if text is None:
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def integrity(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [row[0] for row in con.execute("PRAGMA integrity_check")]
    finally:
        con.close()


def review_ids(db: Path) -> set[int]:
    con = sqlite3.connect(db)
    try:
        return {row[0] for row in con.execute("SELECT id FROM review")}
    finally:
        con.close()


def disagreements(db: Path) -> list[str]:
    """Every card whose stored state does not follow from its review-mode answers, in commit order.

    Commit order (review id), not time order: two processes may commit answers to one card with
    clocks read before either took the write lock, and the card follows the commits.
    """
    con = sqlite3.connect(db)
    problems: list[str] = []
    try:
        history: dict[int, list[tuple[str, dict[str, object] | None]]] = {}
        for card_id, at, before in con.execute(
            "SELECT card_id, reviewed_at, state_before FROM review WHERE mode = 'review' ORDER BY id"
        ):
            history.setdefault(card_id, []).append((at, json.loads(before) if before else None))
        for card_id, state, reps, last_review in con.execute("SELECT id, state, reps, last_review FROM card"):
            answers = history.get(card_id, [])
            if reps != len(answers):
                problems.append(f"card {card_id}: reps {reps}, review answers {len(answers)}")
            latest = answers[-1][0] if answers else None
            if _time(last_review) != _time(latest):
                problems.append(f"card {card_id}: last_review {last_review}, latest answer {latest}")
            if (state != 0) != bool(answers):
                problems.append(f"card {card_id}: state {state} with {len(answers)} answers")
            previous: str | None = None
            for n, (at, before) in enumerate(answers):
                if before is None or before["reps"] != n or _time(before["last_review"]) != _time(previous):  # type: ignore[arg-type]
                    problems.append(f"card {card_id}: state before the answer at {at} breaks the chain")
                previous = at
    finally:
        con.close()
    return problems
