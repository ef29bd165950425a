"""Exam-date mode: set or clear a deck's exam date, pace its new questions and place reviews for exam day."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

import fsrs
from sqlalchemy import select
from sqlmodel import Session, col

from certdrill.core import planner, scheduling
from certdrill.core.clock import day_start, study_date
from certdrill.core.scheduling import CardState
from certdrill.errors import CertdrillError
from certdrill.storage import lanes, queue
from certdrill.storage.convert import exam_from_json
from certdrill.storage.engine import begin_write
from certdrill.storage.tables import CardRow, DeckRow, ReviewRow, SettingRow
from certdrill.study.exam_record import ExamRecord, exam_record
from certdrill.study.readiness import exam_moment

DEFAULT_MINUTES = 30
REVIEW_SECONDS = 30  # assumed time per review when the learner has too few timed answers
MINUTES_KEY = "exam_minutes_per_day:"


@dataclass(frozen=True, slots=True)
class ExamPlan:
    """A deck's exam date and what it asks of each day."""

    deck_id: str
    exam_date: date
    minutes_per_day: int
    days_left: int
    unseen: int
    new_per_day: int
    seconds_per_review: float

    @property
    def over_cap(self) -> bool:
        """Would meeting the new questions alone (about three answers each) take more than the daily minutes?"""
        return self.new_per_day * 3 * self.seconds_per_review > self.minutes_per_day * 60

    def to_json(self) -> dict[str, Any]:
        return {"deck": self.deck_id, "exam_date": self.exam_date.isoformat(), "minutes_per_day": self.minutes_per_day,
                "days_left": self.days_left, "unseen": self.unseen, "new_per_day": self.new_per_day,
                "over_cap": self.over_cap}


def _deck(session: Session, deck_id: str) -> DeckRow:
    deck = session.get(DeckRow, deck_id)
    if deck is None:
        raise CertdrillError(f"no deck '{deck_id}' (see `certdrill decks`)")
    return deck


def stored_exam_date(session: Session, *, deck_id: str) -> date | None:
    """The exam date set for the deck (past or future), if any."""
    deck = _deck(session, deck_id)
    return date.fromisoformat(deck.exam_date) if deck.exam_date else None


def set_exam_date(session: Session, *, deck_id: str, exam_date: date | None, minutes_per_day: int | None,
                  today: date) -> None:
    """Store (or with None clear) the deck's exam date and the daily minutes available until then."""
    deck = _deck(session, deck_id)
    if exam_date is not None and exam_date <= today:
        raise CertdrillError(f"the exam date {exam_date} is not in the future (today is {today})")
    if minutes_per_day is not None and not 1 <= minutes_per_day <= 1440:
        raise CertdrillError(f"--minutes-per-day must be between 1 and 1440, not {minutes_per_day}")
    begin_write(session)
    deck.exam_date = exam_date.isoformat() if exam_date else None
    session.add(deck)
    key = MINUTES_KEY + deck_id
    if exam_date is None:
        row = session.get(SettingRow, key)
        if row is not None:
            session.delete(row)
    elif minutes_per_day is not None:
        session.merge(SettingRow(key=key, value=minutes_per_day))
    session.commit()


def retired_exam_note(session: Session, *, deck_id: str) -> str | None:
    """Why an exam date for this deck is likely a mistake: its exam is retired and cannot be booked."""
    exam = exam_from_json(_deck(session, deck_id).exam)
    if exam is None or exam.status != "retired":
        return None
    when = f" on {exam.retired_on}" if exam.retired_on else ""
    successor = f"; its successor deck is {exam.successor}" if exam.successor else ""
    return f"{exam.code} was retired{when} and can no longer be booked{successor}"


def _seconds_per_review(session: Session, deck_id: str) -> float:
    durations = sorted(
        d for (d,) in session.execute(
            select(col(ReviewRow.duration_ms)).where(col(ReviewRow.deck_id) == deck_id, col(ReviewRow.mode) == "review",
                                                     col(ReviewRow.duration_ms) > 0)
            .order_by(col(ReviewRow.id).desc()).limit(200)
        )
    )
    if len(durations) < 20:
        return float(REVIEW_SECONDS)
    return float(durations[len(durations) // 2]) / 1000


def exam_plan(session: Session, *, deck_id: str, now: datetime, tz: tzinfo) -> ExamPlan | None:
    """The deck's plan while its exam date is in the future; None without a date or after it."""
    deck = _deck(session, deck_id)
    if not deck.exam_date:
        return None
    exam_date = date.fromisoformat(deck.exam_date)
    today = date.fromisoformat(study_date(now, tz))
    pace = queue.exam_pace(lanes.raw(session), deck_id=deck_id, exam_date=exam_date, now=now, tz=tz)
    if pace is None:
        return None
    setting = session.get(SettingRow, MINUTES_KEY + deck_id)
    return ExamPlan(
        deck_id, exam_date, int(setting.value) if setting is not None else DEFAULT_MINUTES,
        (exam_date - today).days, pace.unseen, pace.new_per_day, _seconds_per_review(session, deck_id),
    )


def _load(session: Session, deck_id: str, plan: ExamPlan, record: ExamRecord, now: datetime, tz: tzinfo,
          card_id: int | None = None) -> planner.Load:
    """Each day's planned reviews as a share of what fits in it (planner.Workload); the card being placed
    (`card_id`) does not count: its stored due is the one being replaced."""
    start = day_start(now, tz)
    end = exam_moment(plan.exam_date, tz)
    counts: dict[int, int] = {}
    planned = select(col(CardRow.due)).where(col(CardRow.deck_id) == deck_id, col(CardRow.state) > 0,
                                             col(CardRow.suspended).is_(False), col(CardRow.due) >= start,
                                             col(CardRow.due) < end + timedelta(days=1))
    if card_id is not None:
        planned = planned.where(col(CardRow.id) != card_id)
    for (due,) in session.execute(planned):
        index = (due - start).days
        counts[index] = counts.get(index, 0) + 1
    work = planner.Workload(planner.daily_minutes(plan.minutes_per_day, record.minutes), plan.seconds_per_review,
                            plan.new_per_day, plan.unseen, record.met_per_day)
    return lambda moment: work.share(counts.get((moment - start).days, 0), (moment - start).days)


Placer = Callable[[CardState], CardState]
"""Moves the due of a card's state (as FSRS left it) to where the exam-date planner wants it."""


def review_placer(session: Session, *, deck_id: str, now: datetime, scheduler: fsrs.Scheduler,
                  tz: tzinfo = UTC, card_id: int | None = None) -> Placer | None:
    """The planner for reviews made at `now`, when the deck's exam date is in the future; else None.

    The plan, the day loads and the learner's recent record (study/exam_record.py) are read once, so that
    placing all four ratings of one answer (for the rating buttons) costs four planner runs, not four
    times the queries.
    """
    plan = exam_plan(session, deck_id=deck_id, now=now, tz=tz)
    if plan is None:
        return None
    exam_at = exam_moment(plan.exam_date, tz)
    record = exam_record(lanes.raw(session), deck_id=deck_id, now=now, tz=tz, scheduler=scheduler)
    load = _load(session, deck_id, plan, record, now, tz, card_id)

    def place(after: CardState) -> CardState:
        if after.due is None:
            return after
        due = planner.exam_due(after, now=now, exam_at=exam_at, scheduler=scheduler, load=load,
                               retention=record.retention, attendance=record.attendance)
        return after if due is None or due == after.due else replace(after, due=due)

    return place


def planned_states(session: Session, *, deck_id: str, before: CardState, now: datetime, scheduler: fsrs.Scheduler,
                   tz: tzinfo = UTC, card_id: int | None = None) -> dict[int, CardState] | None:
    """Rating -> the state a review at `now` would leave, with its due as exam-date mode places it;
    None when the deck has no exam date ahead (FSRS's own dues stand). `card_id` is the card's, so
    that its own current due does not count in the day loads."""
    place = review_placer(session, deck_id=deck_id, now=now, scheduler=scheduler, tz=tz, card_id=card_id)
    if place is None:
        return None
    return {rating: place(scheduling.review(before, rating, now, scheduler)) for rating in (1, 2, 3, 4)}
