"""Read-only summaries for the dashboard and the CLI (plain sqlite3, no ORM): decks, due counts, daily stats."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from certdrill.core.clock import day_start, next_day_start, rollover_hour, study_date
from certdrill.core.memory import STATE_NAMES
from certdrill.core.model import ExamInfo
from certdrill.storage import queries, queue
from certdrill.storage.convert import exam_from_json
from certdrill.storage.timefmt import to_db_time


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
    unseen: int  # questions never started (not suspended, not retired): all the new ones, not only today's

    def to_json(self) -> dict[str, Any]:
        exam = self.exam
        return {
            "id": self.id, "title": self.title, "version": self.version, "source": self.source,
            "questions": self.questions, "retired_questions": self.retired,
            "domains": [{"id": d.id, "name": d.name, "weight": d.weight, "questions": d.questions} for d in self.domains],
            "due_now": self.due_now, "new_available": self.new_available,
            "new_left_today": self.new_left_today, "unseen": self.unseen, "reviews_today": self.reviews_today,
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


def deck_summaries(con: sqlite3.Connection, *, now: datetime, tz: tzinfo, new_per_day: int) -> list[DeckSummary]:
    """One summary per deck: questions per domain, due now, new available, today's work."""
    start = to_db_time(day_start(now, tz))
    card_counts: dict[str, tuple[int, int]] = {
        deck_id: (int(suspended or 0), int(flagged or 0))
        for deck_id, suspended, flagged in con.execute(
            "SELECT deck_id, sum(suspended), sum(flagged) FROM card GROUP BY deck_id")
    }
    per_domain: dict[str, Counter[str]] = {}
    retired: Counter[str] = Counter()
    for deck_id, domain_id, is_retired, n in con.execute(
        "SELECT deck_id, domain_id, retired, count(*) FROM question GROUP BY deck_id, domain_id, retired"
    ):
        if is_retired:
            retired[deck_id] += n
        else:
            per_domain.setdefault(deck_id, Counter())[domain_id] += n
    reviews_today: dict[str, int] = dict(con.execute(
        "SELECT deck_id, count(*) FROM review WHERE reviewed_at >= ? AND mode = 'review' GROUP BY deck_id", (start,)))
    domains: dict[str, list[tuple[str, str, float]]] = {}
    for deck_id, domain_id, name, weight in con.execute(
            "SELECT deck_id, id, name, weight FROM domain ORDER BY position"):
        domains.setdefault(deck_id, []).append((domain_id, name, weight))
    out = []
    for deck_id, title, version, source, exam, exam_date in con.execute(
            "SELECT id, title, version, source, exam, exam_date FROM deck ORDER BY id").fetchall():
        due_now, new_left = queue_counts(con, deck_ids=[deck_id], now=now, tz=tz, new_per_day=new_per_day)
        in_domains = per_domain.get(deck_id, Counter())
        suspended, flagged = card_counts.get(deck_id, (0, 0))
        out.append(DeckSummary(
            id=deck_id, title=title, version=version, source=source,
            exam=exam_from_json(json.loads(exam) if exam else None), exam_date=exam_date,
            questions=sum(in_domains.values()), retired=retired[deck_id],
            domains=[DomainCount(d, name, weight, in_domains[d]) for d, name, weight in domains.get(deck_id, [])],
            due_now=due_now, new_available=new_left, new_left_today=new_left,
            reviews_today=reviews_today.get(deck_id, 0), suspended=suspended, flagged=flagged,
            unseen=queue.count_unseen(con, deck_id=deck_id),
        ))
    return out


def queue_counts(con: sqlite3.Connection, *, deck_ids: Sequence[str], now: datetime, tz: tzinfo,
                 new_per_day: int) -> tuple[int, int]:
    """Due now and new questions left today over these decks: what review will serve."""
    due = new = 0
    for deck_id in deck_ids:
        due += queue.count_due(con, deck_id=deck_id, now=now)
        new += queue.new_left_today(con, deck_id=deck_id, default=new_per_day, now=now, tz=tz)
    return due, new


def due_tomorrow(con: sqlite3.Connection, *, deck_ids: Sequence[str], now: datetime, tz: tzinfo) -> int:
    """Cards of these decks that fall due during the next study day."""
    start = next_day_start(now, tz)
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


def daily_counts(con: sqlite3.Connection, *, now: datetime, tz: tzinfo, days: int,
                 deck_id: str | None = None) -> dict[str, int]:
    """Review-mode answers per study day over the last `days` days (timezone offset of today)."""
    since = to_db_time(day_start(now, tz) - timedelta(days=days - 1))
    sql = (
        f"SELECT {_local_day_sql(now, tz)} AS day, count(*) FROM review "
        "WHERE reviewed_at >= :since AND mode = 'review'"
        + (" AND deck_id = :deck" if deck_id else "")
        + " GROUP BY day"
    )
    return dict(con.execute(sql, {"since": since, "deck": deck_id}).fetchall())


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


def study_streak(con: sqlite3.Connection, *, deck_id: str | None, now: datetime, tz: tzinfo) -> int:
    """Consecutive study days with answers, ending today (or yesterday if none yet today)."""
    return queries.study_streak(con, deck_id=deck_id, now=now, tz=tz)


def stats(con: sqlite3.Connection, *, now: datetime, tz: tzinfo, days: int = 365) -> Stats:
    daily = daily_counts(con, now=now, tz=tz, days=days)
    right, answered = con.execute(
        "SELECT sum(correct = 1), count(*) FROM review WHERE reviewed_at >= ? AND correct IS NOT NULL "
        "AND mode = 'review'", (to_db_time(now - timedelta(days=30)),),
    ).fetchone()
    by_state: dict[int, int] = dict(con.execute("SELECT state, count(*) FROM card GROUP BY state").fetchall())
    start = day_start(now, tz)
    forecast = [0] * 30
    for (due,) in con.execute(
        "SELECT due FROM card WHERE state > 0 AND suspended = 0 AND due < ?",
        (to_db_time(start + timedelta(days=30)),),
    ):
        index = max(0, (datetime.fromisoformat(due) - start).days)
        if index < 30:
            forecast[index] += 1
    total = int(con.execute("SELECT count(*) FROM review WHERE mode = 'review'").fetchone()[0])
    return Stats(
        reviews_total=total,
        reviews_today=daily.get(study_date(now, tz), 0),
        streak_days=streak(daily, now=now, tz=tz),
        accuracy_30d=(int(right or 0) / answered) if answered else None,
        cards_by_state={STATE_NAMES[s]: int(by_state.get(s, 0)) for s in STATE_NAMES},
        daily=daily, due_forecast=forecast,
    )
