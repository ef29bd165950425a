"""The simulated study days: certdrill's queue order under a daily time budget, with or without exam-date mode."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import fsrs

from benchmarks.simulation.learner import Card, Learner
from benchmarks.simulation.session import elapsed_days
from certdrill.core import planner, retention, scheduling
from certdrill.core.retention import ReviewOutcome

NEW_SECONDS, RIGHT_SECONDS, WRONG_SECONDS = 60, 20, 35
LEARN_AHEAD = timedelta(minutes=20)
DAY = timedelta(days=1)


@dataclass
class StudyPlan:
    start: datetime  # 09:00 of the first day
    days: int  # study days before the exam (the exam is on the morning after the last one)
    minutes: int
    exam_mode: bool
    new_per_day: int  # fixed for both arms: every question met a week before the exam
    stop_after: int | None = None  # the learner stops studying after this many days

    @property
    def exam_at(self) -> datetime:
        return self.start + self.days * DAY


@dataclass
class StudyLog:
    seconds: int = 0
    answers: int = 0
    new: int = 0


def _pick(cards: list[Card], now: datetime, new_left: int, day_end: datetime) -> Card | None:
    learning = [c for c in cards if c.model.state in (1, 3) and c.model.due is not None and c.model.due <= now]
    if learning:
        return min(learning, key=lambda c: c.model.due)  # type: ignore[arg-type, return-value]
    # Reviews count by day, as in a real session: one due later today is shown today.
    due = [c for c in cards if c.model.state == 2 and c.model.due is not None and c.model.due <= day_end]
    if due:
        return min(due, key=lambda c: c.model.due)  # type: ignore[arg-type, return-value]
    if new_left > 0:
        return next((c for c in cards if c.model.state == 0), None)
    ahead = [c for c in cards if c.model.state in (1, 3) and c.model.due is not None and c.model.due <= now + LEARN_AHEAD]
    return min(ahead, key=lambda c: c.model.due) if ahead else None  # type: ignore[arg-type, return-value]


def _next_learning(cards: list[Card], until: datetime) -> datetime | None:
    times = [c.model.due for c in cards if c.model.state in (1, 3) and c.model.due is not None and c.model.due <= until]
    return min(times) if times else None


def study(learner: Learner, plan: StudyPlan, scheduler: fsrs.Scheduler,
          on_day_end: Callable[[int, datetime], None] | None = None) -> StudyLog:
    """Run the study days; each day works through the queue until the minutes are spent."""
    log = StudyLog()
    curve = planner.recall_curve(scheduler)
    outcomes: list[tuple[datetime, ReviewOutcome]] = []  # reviews of cards in review, for observed retention
    studied: dict[int, int] = {}  # seconds spent on each day with answers
    new_met: dict[int, int] = {}  # new questions met on each of those days
    for day in range(plan.days):
        start = plan.start + day * DAY
        observed = retention.observe((o for at, o in outcomes if (start - at).days < 30), curve) if plan.exam_mode else None
        present = {d for d in studied if day - 30 < d < day} | {day}
        attendance = planner.Attendance(len(present), day - min(present) + 1)
        recent = [v / 60 for d, v in studied.items() if day - 14 <= d < day]
        met = [v for d, v in new_met.items() if day - 14 <= d < day]
        work = planner.Workload(planner.daily_minutes(plan.minutes, recent), 25, plan.new_per_day,
                                sum(c.model.state == scheduling.NEW for c in learner.cards),
                                sum(met) / len(met) if met else None)
        if plan.stop_after is not None and day >= plan.stop_after:
            if on_day_end:
                on_day_end(day, start + timedelta(hours=12))
            continue
        load: Counter[int] = Counter(
            (c.model.due - plan.start).days for c in learner.cards if c.model.state == 2 and c.model.due is not None
        )
        now, spent, new_today = start, 0, 0
        day_end = start + timedelta(hours=14)
        while now < day_end:
            card = _pick(learner.cards, now, plan.new_per_day - new_today, day_end)
            if card is None:
                later = _next_learning(learner.cards, day_end)
                if later is None:
                    break
                now = later
                continue
            was_new = card.model.state == 0
            if spent + (NEW_SECONDS if was_new else WRONG_SECONDS) > plan.minutes * 60:
                break
            old_due, old_state, before = card.model.due, card.model.state, card.model
            correct = learner.answer(card, now, scheduler)
            if old_state == scheduling.REVIEW:
                outcomes.append((now, planner.outcome(elapsed_days(before, now), before.stability or 0.0, correct, curve)))
            seconds = NEW_SECONDS if was_new else (RIGHT_SECONDS if correct else WRONG_SECONDS)
            spent += seconds
            if plan.exam_mode:
                due = planner.exam_due(card.model, now=now, exam_at=plan.exam_at, scheduler=scheduler,
                                       load=lambda m, load=load, day=day, work=work: work.share(load[(m - plan.start).days],
                                                                                 (m - plan.start).days - day),
                                       retention=observed, attendance=attendance)
                if due is not None and due != card.model.due:
                    card.model = _with_due(card.model, due)
            if old_due is not None and old_state == 2:
                load[(old_due - plan.start).days] -= 1
            if card.model.state == 2 and card.model.due is not None:
                load[(card.model.due - plan.start).days] += 1
            new_today += was_new
            log.new += was_new
            log.answers += 1
            now += timedelta(seconds=seconds)
        log.seconds += spent
        if spent:
            studied[day] = spent
            new_met[day] = new_today
        if on_day_end:
            on_day_end(day, now)
    return log


def _with_due(state: scheduling.CardState, due: datetime) -> scheduling.CardState:
    return replace(state, due=due)
