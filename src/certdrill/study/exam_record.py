"""What the learner's recent answers in a deck tell the exam-date planner: how far FSRS's predicted recall
holds for them, how reliably they study, how many minutes a study day they give and how many new questions
they meet."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

import fsrs

from certdrill.core import planner, retention, scheduling
from certdrill.core.clock import study_date
from certdrill.core.retention import Retention
from certdrill.storage.timefmt import from_db_time, to_db_time

RECENT_DAYS = 30
"""Reviews this recent count for observed retention and attendance."""
PACE_DAYS = 14
"""Study days this recent count for the minutes and the new questions a day."""

_ANSWERS = """
SELECT reviewed_at, mode, rating, duration_ms, was_new, state_before
FROM review WHERE deck_id = ? AND reviewed_at >= ? AND reviewed_at <= ? AND mode != 'exam'
"""


@dataclass(frozen=True, slots=True)
class ExamRecord:
    """The planner's evidence about one learner in one deck."""

    retention: Retention
    attendance: planner.Attendance
    minutes: list[float]  # per study day of the last PACE_DAYS days with timed answers, oldest first
    met: list[int]  # new questions met on each study day of the last PACE_DAYS days

    @property
    def met_per_day(self) -> float | None:
        return sum(self.met) / len(self.met) if self.met else None


def exam_record(con: sqlite3.Connection, *, deck_id: str, now: datetime, tz: tzinfo,
                scheduler: fsrs.Scheduler) -> ExamRecord:
    """Read the deck's answers of the last RECENT_DAYS days (mock exams aside: they are not study days)."""
    curve = planner.recall_curve(scheduler)
    today = date.fromisoformat(study_date(now, tz))
    outcomes = []
    seconds: dict[date, float] = defaultdict(float)
    met: dict[date, int] = defaultdict(int)
    rows = con.execute(_ANSWERS, (deck_id, to_db_time(now - timedelta(days=RECENT_DAYS)), to_db_time(now)))
    for reviewed_at, mode, rating, duration_ms, was_new, state_before in rows:
        at = from_db_time(reviewed_at)
        assert at is not None
        day = date.fromisoformat(study_date(at, tz))
        seconds[day] += (duration_ms or 0) / 1000
        met[day] += bool(was_new) and mode == "review"
        if mode != "review" or not state_before:
            continue
        before = json.loads(state_before) if isinstance(state_before, str) else state_before
        last = from_db_time(before.get("last_review")) if isinstance(before.get("last_review"), str) else None
        if before.get("state") != scheduling.REVIEW or not before.get("stability") or last is None:
            continue
        outcomes.append(planner.outcome(max(0, (at - last).days), float(before["stability"]), rating > 1, curve))
    days = set(seconds) | {today}  # answering today makes today a study day
    recent = sorted(d for d in seconds if (today - d).days < PACE_DAYS and d != today)
    return ExamRecord(
        retention.observe(outcomes, curve),
        planner.Attendance(len(days), (today - min(days)).days + 1),
        [seconds[d] / 60 for d in recent if seconds[d] > 0],  # answers without a measured time say nothing
        [met[d] for d in recent],
    )
