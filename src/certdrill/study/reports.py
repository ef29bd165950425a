"""Read-only summaries for the dashboard and the CLI: decks, due counts, daily stats."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, case, func, select, text
from sqlmodel import Session, col

from certdrill.core.clock import day_start, next_day_start, rollover_hour, study_date
from certdrill.core.model import ExamInfo
from certdrill.core.scheduling import STATE_NAMES
from certdrill.storage import lanes, queries, queue
from certdrill.storage.convert import exam_from_json
from certdrill.storage.tables import CardRow, DeckRow, DomainRow, QuestionRow, ReviewRow
from certdrill.storage.types import to_db_time


@dataclass
class DomainCount:
    id: str
    name: str
    weight: float
    questions: int


@dataclass
class DeckSummary:
    id: str
    title: str
    version: str
    source: str
    exam: ExamInfo | None
    exam_date: str | None
    questions: int
    retired: int
    domains: list[DomainCount]
    due_now: int
    new_available: int
    new_left_today: int
    reviews_today: int
    suspended: int
    flagged: int

    def to_json(self) -> dict[str, Any]:
        exam = self.exam
        return {
            "id": self.id, "title": self.title, "version": self.version, "source": self.source,
            "questions": self.questions, "retired_questions": self.retired,
            "domains": [{"id": d.id, "name": d.name, "weight": d.weight, "questions": d.questions} for d in self.domains],
            "due_now": self.due_now, "new_available": self.new_available,
            "new_left_today": self.new_left_today, "reviews_today": self.reviews_today,
            "suspended": self.suspended, "flagged": self.flagged, "exam_date": self.exam_date,
            "exam": None if exam is None else {
                "code": exam.code, "status": exam.status,
                "retired_on": exam.retired_on.isoformat() if exam.retired_on else None,
                "successor": exam.successor, "questions": exam.questions, "minutes": exam.minutes,
                "pass": None if exam.pass_mark is None else {
                    "scaled": exam.pass_mark.scaled, "raw": exam.pass_mark.raw,
                    "estimated": exam.pass_mark.estimated,
                },
            },
        }


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def deck_summaries(session: Session, *, now: datetime, tz: tzinfo, new_per_day: int) -> list[DeckSummary]:
    """One summary per deck: questions per domain, due now, new available, today's work."""
    start = day_start(now, tz)
    card_counts = {
        row.deck_id: row
        for row in session.execute(
            select(
                col(CardRow.deck_id),
                _count_if(col(CardRow.suspended).is_(True)).label("suspended"),
                _count_if(col(CardRow.flagged).is_(True)).label("flagged"),
            ).group_by(col(CardRow.deck_id))
        )
    }
    per_domain: dict[str, Counter[str]] = {}
    retired: Counter[str] = Counter()
    for deck_id, domain_id, is_retired, n in session.execute(
        select(col(QuestionRow.deck_id), col(QuestionRow.domain_id), col(QuestionRow.retired), func.count())
        .group_by(col(QuestionRow.deck_id), col(QuestionRow.domain_id), col(QuestionRow.retired))
    ):
        if is_retired:
            retired[deck_id] += n
        else:
            per_domain.setdefault(deck_id, Counter())[domain_id] += n
    reviews_today: dict[str, int] = {
        deck_id: n
        for deck_id, n in session.execute(
            select(col(ReviewRow.deck_id), func.count())
            .where(col(ReviewRow.reviewed_at) >= start, col(ReviewRow.mode) == "review")
            .group_by(col(ReviewRow.deck_id))
        )
    }
    domains: dict[str, list[DomainRow]] = {}
    for d in session.execute(select(DomainRow).order_by(col(DomainRow.position))).scalars():
        domains.setdefault(d.deck_id, []).append(d)
    out = []
    for deck in session.execute(select(DeckRow).order_by(DeckRow.id)).scalars():
        counts = card_counts.get(deck.id)
        due_now, new_left = queue_counts(session, deck_ids=[deck.id], now=now, tz=tz, new_per_day=new_per_day)
        in_domains = per_domain.get(deck.id, Counter())
        out.append(DeckSummary(
            id=deck.id, title=deck.title, version=deck.version, source=deck.source,
            exam=exam_from_json(deck.exam), exam_date=deck.exam_date,
            questions=sum(in_domains.values()), retired=retired[deck.id],
            domains=[DomainCount(d.id, d.name, d.weight, in_domains[d.id]) for d in domains.get(deck.id, [])],
            due_now=due_now, new_available=new_left, new_left_today=new_left,
            reviews_today=reviews_today.get(deck.id, 0),
            suspended=int(counts.suspended or 0) if counts else 0,
            flagged=int(counts.flagged or 0) if counts else 0,
        ))
    return out


def queue_counts(session: Session, *, deck_ids: Sequence[str], now: datetime, tz: tzinfo,
                 new_per_day: int) -> tuple[int, int]:
    """Due now and new questions left today over these decks: what review will serve."""
    due = new = 0
    with lanes.lane(session, write=False) as con:
        for deck_id in deck_ids:
            due += queue.count_due(con, deck_id=deck_id, now=now)
            new += queue.new_left_today(con, deck_id=deck_id, default=new_per_day, now=now, tz=tz)
    return due, new


def due_tomorrow(session: Session, *, deck_ids: Sequence[str], now: datetime, tz: tzinfo) -> int:
    """Cards of these decks that fall due during the next study day."""
    start = next_day_start(now, tz)
    with lanes.lane(session, write=False) as con:
        return queue.count_due_between(con, deck_ids=deck_ids, start=start, end=start + timedelta(days=1))


@dataclass
class Stats:
    reviews_total: int
    reviews_today: int
    streak_days: int
    accuracy_30d: float | None
    cards_by_state: dict[str, int]
    daily: dict[str, int] = field(default_factory=dict)  # study date -> answers (review mode)
    due_forecast: list[int] = field(default_factory=list)  # due per day, today first

    def to_json(self) -> dict[str, Any]:
        return {
            "reviews_total": self.reviews_total, "reviews_today": self.reviews_today,
            "streak_days": self.streak_days, "accuracy_30d": self.accuracy_30d,
            "cards_by_state": self.cards_by_state, "daily_reviews": self.daily,
            "due_forecast": self.due_forecast,
        }


def _local_day_sql(now: datetime, tz: tzinfo) -> str:
    offset = now.astimezone(tz).utcoffset() or timedelta(0)
    seconds = int(offset.total_seconds()) - rollover_hour(tz) * 3600
    return f"date(substr(reviewed_at, 1, 19), '{seconds:+d} seconds')"


def daily_counts(session: Session, *, now: datetime, tz: tzinfo, days: int, deck_id: str | None = None) -> dict[str, int]:
    """Review-mode answers per study day over the last `days` days (timezone offset of today)."""
    since = to_db_time(day_start(now, tz) - timedelta(days=days - 1))
    sql = (
        f"SELECT {_local_day_sql(now, tz)} AS day, count(*) FROM review "
        "WHERE reviewed_at >= :since AND mode = 'review'"
        + (" AND deck_id = :deck" if deck_id else "")
        + " GROUP BY day"
    )
    rows = session.execute(text(sql), {"since": since, "deck": deck_id})
    return {day: n for day, n in rows}


def streak(daily: dict[str, int], *, now: datetime, tz: tzinfo) -> int:
    """Consecutive study days with answers, ending today (or yesterday if none yet today)."""
    day = datetime.fromisoformat(study_date(now, tz)).date()
    if not daily.get(day.isoformat()):
        day -= timedelta(days=1)
    count = 0
    while daily.get(day.isoformat()):
        count += 1
        day -= timedelta(days=1)
    return count


def study_streak(session: Session, *, deck_id: str | None, now: datetime, tz: tzinfo) -> int:
    """Consecutive study days with answers, ending today (or yesterday if none yet today)."""
    with lanes.lane(session, write=False) as con:
        return queries.study_streak(con, deck_id=deck_id, now=now, tz=tz)


def stats(session: Session, *, now: datetime, tz: tzinfo, days: int = 365) -> Stats:
    daily = daily_counts(session, now=now, tz=tz, days=days)
    since = now - timedelta(days=30)
    right, answered = session.execute(
        select(_count_if(col(ReviewRow.correct).is_(True)), func.count()).where(
            col(ReviewRow.reviewed_at) >= since, col(ReviewRow.correct).is_not(None), col(ReviewRow.mode) == "review"
        )
    ).one()
    by_state: dict[int, int] = {
        state: n for state, n in session.execute(select(col(CardRow.state), func.count()).group_by(col(CardRow.state)))
    }
    start = day_start(now, tz)
    forecast = [0] * 30
    for (due,) in session.execute(
        select(col(CardRow.due)).where(
            col(CardRow.state) > 0, col(CardRow.suspended).is_(False), col(CardRow.due) < start + timedelta(days=30)
        )
    ):
        index = max(0, (due - start).days)
        if index < 30:
            forecast[index] += 1
    total: int = session.execute(
        select(func.count()).select_from(ReviewRow).where(col(ReviewRow.mode) == "review")
    ).scalar_one()
    return Stats(
        reviews_total=total,
        reviews_today=daily.get(study_date(now, tz), 0),
        streak_days=streak(daily, now=now, tz=tz),
        accuracy_30d=(int(right or 0) / answered) if answered else None,
        cards_by_state={STATE_NAMES[s]: int(by_state.get(s, 0)) for s in STATE_NAMES},
        daily=daily, due_forecast=forecast,
    )
