"""What the learner has done, before any readiness model: per-domain coverage and first-try accuracy,
and the stats screen's trends (weekly retention, domain accuracy now against before); plain sqlite3."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import NamedTuple

from certdrill.core.clock import day_start, study_date
from certdrill.storage.timefmt import to_db_time


@dataclass(frozen=True, slots=True)
class DomainProgress:
    """Per domain, before any readiness model: how much was seen and how often right first time."""

    id: str
    name: str
    weight: float
    questions: int
    seen: int
    first_try_right: int

    @property
    def coverage(self) -> float:
        return self.seen / self.questions if self.questions else 0.0

    @property
    def first_try_accuracy(self) -> float | None:
        return self.first_try_right / self.seen if self.seen else None


def domain_progress(con: sqlite3.Connection, *, deck_id: str) -> list[DomainProgress]:
    """Coverage and first-try accuracy per domain (review and practice answers)."""
    # SQLite takes the bare column `correct` from the row with min(id): each card's first try.
    seen = {d: (n, right) for d, n, right in con.execute(
        "SELECT q.domain_id, count(*), sum(first.correct) FROM ("
        "SELECT card_id, correct, min(id) FROM review WHERE deck_id = :deck AND correct IS NOT NULL "
        "GROUP BY card_id) AS first JOIN question q ON q.pk = first.card_id GROUP BY q.domain_id", {"deck": deck_id})}
    totals: dict[str, int] = dict(con.execute(
        "SELECT domain_id, count(*) FROM question WHERE deck_id = ? AND retired = 0 GROUP BY domain_id", (deck_id,)))
    domains = con.execute("SELECT id, name, weight FROM domain WHERE deck_id = ? ORDER BY position", (deck_id,))
    return [
        DomainProgress(d, name, weight, totals.get(d, 0), seen.get(d, (0, 0))[0], int(seen.get(d, (0, 0))[1] or 0))
        for d, name, weight in domains.fetchall()
    ]


class WeekRetention(NamedTuple):
    """One week's review answers and how many were right."""

    week: date  # its Monday
    answers: int
    right: int


def weekly_retention(con: sqlite3.Connection, *, now: datetime, tz: tzinfo, weeks: int) -> list[WeekRetention]:
    """Per study week (oldest first, Mondays): review answers and right answers."""
    today = date.fromisoformat(study_date(now, tz))
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(weeks=weeks - 1)
    rows: dict[date, list[int]] = {start + timedelta(weeks=i): [0, 0] for i in range(weeks)}
    since = day_start(now, tz) - timedelta(days=(today - start).days)
    for at, correct in con.execute(
        "SELECT reviewed_at, correct FROM review WHERE reviewed_at >= ? AND mode = 'review' AND correct IS NOT NULL",
        (to_db_time(since),),
    ):
        day = date.fromisoformat(study_date(datetime.fromisoformat(at), tz))
        week = day - timedelta(days=day.weekday())
        if week in rows:
            rows[week][0] += 1
            rows[week][1] += bool(correct)
    return [WeekRetention(week, n, right) for week, (n, right) in sorted(rows.items())]


class DomainTrend(NamedTuple):
    """A domain's accuracy over the last 28 days and the 28 days before (None: no answers then)."""

    deck_id: str
    domain_id: str
    name: str
    recent: float | None
    before: float | None


def domain_accuracy_trend(con: sqlite3.Connection, *, now: datetime) -> list[DomainTrend]:
    """Every domain answered in the last 56 days (any mode), by deck and domain id."""
    names = {(deck_id, d): name for deck_id, d, name in con.execute("SELECT deck_id, id, name FROM domain")}
    counts: dict[tuple[str, str], list[int]] = {}
    recent = to_db_time(now - timedelta(days=28))
    for deck_id, domain, at, correct in con.execute(
        "SELECT r.deck_id, q.domain_id, r.reviewed_at, r.correct FROM review r JOIN question q ON q.pk = r.card_id "
        "WHERE r.reviewed_at >= ? AND r.correct IS NOT NULL", (to_db_time(now - timedelta(days=56)),),
    ):
        slot = 0 if at >= recent else 2  # the stored text sorts as time does
        c = counts.setdefault((deck_id, domain), [0, 0, 0, 0])
        c[slot] += 1
        c[slot + 1] += bool(correct)
    return [
        DomainTrend(deck_id, domain, names.get((deck_id, domain), domain),
                    c[1] / c[0] if c[0] else None, c[3] / c[2] if c[2] else None)
        for (deck_id, domain), c in sorted(counts.items())
    ]
