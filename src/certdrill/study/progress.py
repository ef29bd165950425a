"""What the learner has done, before any readiness model: per-domain coverage and first-try accuracy,
and the stats screen's trends (weekly retention, domain accuracy now against before)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import NamedTuple

from sqlalchemy import func, select, text
from sqlmodel import Session, col

from certdrill.core.clock import day_start, study_date
from certdrill.storage.tables import DomainRow, QuestionRow, ReviewRow


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


def domain_progress(session: Session, *, deck_id: str) -> list[DomainProgress]:
    """Coverage and first-try accuracy per domain (review and practice answers)."""
    # SQLite takes the bare column `correct` from the row with min(id): each card's first try.
    sql = text(
        "SELECT q.domain_id, count(*), sum(first.correct) FROM ("
        "SELECT card_id, correct, min(id) FROM review WHERE deck_id = :deck AND correct IS NOT NULL "
        "GROUP BY card_id) AS first JOIN question q ON q.pk = first.card_id GROUP BY q.domain_id"
    )
    seen = {d: (n, right) for d, n, right in session.execute(sql, {"deck": deck_id})}
    totals: dict[str, int] = {
        d: n for d, n in session.execute(
            select(col(QuestionRow.domain_id), func.count()).where(
                col(QuestionRow.deck_id) == deck_id, col(QuestionRow.retired).is_(False)
            ).group_by(col(QuestionRow.domain_id))
        )
    }
    domains = session.execute(
        select(DomainRow).where(col(DomainRow.deck_id) == deck_id).order_by(col(DomainRow.position))
    ).scalars()
    return [
        DomainProgress(d.id, d.name, d.weight, totals.get(d.id, 0), seen.get(d.id, (0, 0))[0],
                       int(seen.get(d.id, (0, 0))[1] or 0))
        for d in domains
    ]


class WeekRetention(NamedTuple):
    """One week's review answers and how many were right."""

    week: date  # its Monday
    answers: int
    right: int


def weekly_retention(session: Session, *, now: datetime, tz: tzinfo, weeks: int) -> list[WeekRetention]:
    """Per study week (oldest first, Mondays): review answers and right answers."""
    today = date.fromisoformat(study_date(now, tz))
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(weeks=weeks - 1)
    rows: dict[date, list[int]] = {start + timedelta(weeks=i): [0, 0] for i in range(weeks)}
    since = day_start(now, tz) - timedelta(days=(today - start).days)
    for at, correct in session.execute(
        select(col(ReviewRow.reviewed_at), col(ReviewRow.correct)).where(
            col(ReviewRow.reviewed_at) >= since, col(ReviewRow.mode) == "review", col(ReviewRow.correct).is_not(None),
        )
    ):
        day = date.fromisoformat(study_date(at, tz))
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


def domain_accuracy_trend(session: Session, *, now: datetime) -> list[DomainTrend]:
    """Every domain answered in the last 56 days (any mode), by deck and domain id."""
    names = {(d.deck_id, d.id): d.name for d in session.execute(select(DomainRow)).scalars()}
    counts: dict[tuple[str, str], list[int]] = {}
    for deck_id, domain, at, correct in session.execute(
        select(col(ReviewRow.deck_id), col(QuestionRow.domain_id), col(ReviewRow.reviewed_at), col(ReviewRow.correct))
        .join(QuestionRow, col(QuestionRow.pk) == col(ReviewRow.card_id))
        .where(col(ReviewRow.reviewed_at) >= now - timedelta(days=56), col(ReviewRow.correct).is_not(None))
    ):
        slot = 0 if at >= now - timedelta(days=28) else 2
        c = counts.setdefault((deck_id, domain), [0, 0, 0, 0])
        c[slot] += 1
        c[slot + 1] += bool(correct)
    return [
        DomainTrend(deck_id, domain, names.get((deck_id, domain), domain),
                    c[1] / c[0] if c[0] else None, c[3] / c[2] if c[2] else None)
        for (deck_id, domain), c in sorted(counts.items())
    ]
