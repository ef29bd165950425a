"""Exam-date planning: when a card should come back so that it is remembered on exam day, and how many
new questions a day meet them all in time. FSRS computes every memory state; this only chooses dates."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, timedelta

import fsrs

from certdrill.core import scheduling
from certdrill.core.grading import GOOD
from certdrill.core.scheduling import CardState

TARGET = 0.9
"""Default: predicted recall on exam day that every card should keep."""
FLOOR = 0.8
"""A final review is never deferred past the day recall would fall below this: deferring further makes a
lapse too likely, and a lapse so close to the exam is costly."""
LEAD_DAYS = 7
"""New questions are all met at least this many days before the exam."""
MARGIN_DAYS = 1
"""Deferred reviews end this many days before the exam, leaving a day to relearn a lapse and to catch up."""
CAPACITY_SHARE = 0.7
"""Share of the daily minutes that planned reviews may fill; the rest is for new questions and relearning."""
DAY = timedelta(days=1)

Load = Callable[[datetime], float]
"""Share of the daily workload cap already planned on the day of a moment (1.0 = full)."""


def new_per_day(*, unseen: int, today: date, exam_date: date, lead_days: int = LEAD_DAYS) -> int:
    """New questions a day so that every unseen one is met `lead_days` before the exam."""
    if unseen <= 0:
        return 0
    days = (exam_date - today).days - lead_days
    return unseen if days <= 1 else math.ceil(unseen / days)


def recall_on(card: CardState, at: datetime, scheduler: fsrs.Scheduler) -> float:
    return scheduling.retrievability(card, at, scheduler)


def _carries(card: CardState, day: datetime, exam_at: datetime, target: float, scheduler: fsrs.Scheduler) -> bool:
    """Would a successful review on `day` keep recall on exam day at or above target?"""
    return recall_on(scheduling.review(card, GOOD, day, scheduler), exam_at, scheduler) >= target


def _last_day_above(card: CardState, floor: float, start: datetime, end: datetime, scheduler: fsrs.Scheduler) -> datetime:
    """The latest whole-day step from `start` (not after `end`) on which recall is still >= floor."""
    lo, hi = 0, max(0, (end - start).days)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if recall_on(card, start + mid * DAY, scheduler) >= floor:
            lo = mid
        else:
            hi = mid - 1
    return start + lo * DAY


def _first_day_carrying(card: CardState, start: datetime, end: datetime, exam_at: datetime, target: float,
                        scheduler: fsrs.Scheduler) -> datetime:
    """The earliest whole-day step from `start` (not after `end`) whose review carries to the exam."""
    lo, hi = 0, max(0, (end - start).days)
    while lo < hi:
        mid = (lo + hi) // 2
        if _carries(card, start + mid * DAY, exam_at, target, scheduler):
            hi = mid
        else:
            lo = mid + 1
    return start + lo * DAY


def _choose(lo: datetime, hi: datetime, load: Load | None) -> datetime:
    """Within [lo, hi] prefer the latest day with room under the cap; else the least loaded one.
    Without load figures, take the middle, so deferred cards spread instead of piling on the last day."""
    days = max(0, (hi - lo).days)
    if load is None:
        return lo + (days // 2) * DAY
    candidates = [lo + i * DAY for i in range(days + 1)]
    with_room = [d for d in candidates if load(d) < 1.0]
    if with_room:
        return with_room[-1]
    return min(candidates, key=lambda d: (load(d), -d.timestamp()))


def exam_due(
    after: CardState, *, now: datetime, exam_at: datetime, scheduler: fsrs.Scheduler, target: float = TARGET,
    floor: float = FLOOR, load: Load | None = None,
) -> datetime | None:
    """When the card should come back, given its state `after` FSRS's review at `now` and an exam at `exam_at`.

    - Learning steps, and every card once the exam has passed, keep FSRS's due.
    - A card that will be at or above target on exam day anyway keeps FSRS's due.
    - A review FSRS places before the exam that would not yet carry the card to exam day keeps FSRS's
      due too: those reviews build stability, and FSRS spaces them best.
    - The final review before the exam (the first one that would carry the card) is deferred towards
      the exam, as long as recall stays above `floor`, so that it counts for more on exam day; among
      those days it takes the latest one with room under the daily cap.
    - A card that FSRS would not review before the exam but that would fall below target by then gets a
      top-up review: the earliest day whose review carries it, or a later day with more room.
    """
    due = after.due
    if due is None or after.state != scheduling.REVIEW or after.stability is None or exam_at <= now:
        return due
    if recall_on(after, exam_at, scheduler) >= target:
        return due
    last = exam_at - MARGIN_DAYS * DAY
    start = (after.last_review or now) + DAY
    if last < start:
        return due
    if due >= exam_at:
        first = _first_day_carrying(after, start, last, exam_at, target, scheduler)
        return _choose(first, last, load)
    if not _carries(after, due, exam_at, target, scheduler):
        return due
    latest = _last_day_above(after, floor, due, last, scheduler)
    return _choose(due, latest, load)
