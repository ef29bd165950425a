"""Exam-date planning: when a card should come back so that it is remembered on exam day, and how many
new questions a day meet them all in time. FSRS computes every memory state; this only chooses dates."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import fsrs

from certdrill.core import scheduling
from certdrill.core.grading import AGAIN, GOOD
from certdrill.core.retention import Curve, Retention, ReviewOutcome
from certdrill.core.scheduling import CardState

TARGET = 0.9
"""Default: recall on exam day that every card should keep, as the learner's own reviews correct FSRS."""
FLOOR = 0.8
"""A review is never placed past the day its corrected recall would fall below this, nor where the learner's
observed recall of cards at that predicted recall fell below it."""
MARGIN_QUANTILE = 0.2
"""Predictions use this quantile of the stability scale's posterior: the fewer reviews behind it, the wider
the posterior and the earlier (more pessimistic) the dates."""
LEAD_DAYS = 7
"""New questions are all met at least this many days before the exam."""
MARGIN_DAYS = 1
"""Deferred reviews end this many days before the exam, leaving a day to relearn a lapse and to catch up."""
NEW_ANSWERS = 3
"""Answers a new question takes on its first day (itself and FSRS's two learning steps)."""
RELEARN_SHARE = 0.1
"""Share of the daily minutes kept free of planned reviews for relearning lapses."""
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
    """FSRS's predicted recall of the card at `at`."""
    return scheduling.retrievability(card, at, scheduler)


@dataclass(frozen=True, slots=True)
class Workload:
    """What the learner's days hold until the exam: their minutes, and the paced new questions."""

    minutes: float
    seconds_per_review: float
    new_per_day: int
    unseen: int
    met_per_day: float | None = None  # new questions the learner has been meeting a study day, when known

    def capacity(self, days_ahead: int) -> float:
        """Reviews that fit on the day `days_ahead` from today once its paced new questions are met: new
        questions come first while any are unseen (at the rate the learner has been meeting them, they
        may stay unseen longer than the pace says), since meeting one is worth more on exam day than a
        review that can safely wait."""
        seconds = self.minutes * 60 * (1 - RELEARN_SHARE)
        rate = min(self.new_per_day, self.met_per_day) if self.met_per_day else self.new_per_day
        if rate > 0 and days_ahead < math.ceil(self.unseen / rate):
            seconds -= self.new_per_day * NEW_ANSWERS * self.seconds_per_review
        return max(0.0, seconds / self.seconds_per_review)

    def share(self, planned: int, days_ahead: int) -> float:
        """`planned` reviews as a share of that day's capacity (1.0 and above: full)."""
        cap = self.capacity(days_ahead)
        return planned / cap if cap > 0 else math.inf


@dataclass(frozen=True, slots=True)
class Attendance:
    """How reliably the learner turns up: days with answers in the deck among the recent days, counted from the
    first of them to today (both included)."""

    studied: int = 0
    days: int = 0

    def reached(self, ahead: int, window: int) -> float:
        """The chance that a review placed `ahead` days from today is made before the exam, with `window` days
        left for it from then: the learner is still studying by then ((studied + 1) / (studied + 1 + ahead),
        Laplace's rule of succession over the days they did study: some learners stop for good) and studies
        on one of those days (each with their observed attendance, (studied + 1) / (days + 2))."""
        stays = (self.studied + 1) / (self.studied + 1 + max(0, ahead))
        attends = (self.studied + 1) / (self.days + 2)
        return stays * (1 - (1 - attends) ** max(1, window))


OBSERVED_DAYS = 3
"""Study days the learner's own daily minutes need before the plan counts on them rather than on the declared."""


def daily_minutes(declared: float, recent: list[float]) -> float:
    """The minutes a day the plan counts on: the most the learner studied on one of their recent study days
    (`recent`, minutes per study day), never more than they declared; the declared minutes until a few days show."""
    if len(recent) < OBSERVED_DAYS:
        return declared
    return min(declared, max(recent))


def recall_curve(scheduler: fsrs.Scheduler) -> Curve:
    """FSRS's recall as a function of elapsed days over stability (asked of fsrs once per ratio)."""
    origin = datetime(2000, 1, 1, tzinfo=UTC)
    reference = CardState(state=scheduling.REVIEW, stability=1000.0, difficulty=5.0, due=origin, last_review=origin)
    cache: dict[int, float] = {}

    def curve(ratio: float) -> float:
        days = round(min(ratio, 50.0) * 1000.0)  # beyond 50 stabilities recall is about nil
        if days not in cache:
            cache[days] = recall_on(reference, origin + days * DAY, scheduler)
        return cache[days]

    return curve


def outcome(elapsed_days: int, stability: float, passed: bool, curve: Curve) -> ReviewOutcome:
    """A review of a card in review, `elapsed_days` (whole days, as FSRS counts them) after the last one, with
    the stability it had then, as the learner's observed retention counts it."""
    ratio = max(0, elapsed_days) / stability if stability > 0 else 0.0
    return ReviewOutcome(ratio, curve(ratio), passed)


class _Forecast:
    """FSRS's recall of one card as the learner's observed retention corrects it: with a pessimistic
    stability scale, and never trusted below the predicted recall at which similar cards failed the floor."""

    def __init__(self, scheduler: fsrs.Scheduler, retention: Retention, floor: float) -> None:
        self.scheduler = scheduler
        self.scale = retention.scale(MARGIN_QUANTILE)
        self.trusted = retention.lowest_trusted(floor)
        self.floor = floor

    def recall(self, card: CardState, at: datetime) -> float:
        start = card.last_review
        if start is None or at <= start:
            return recall_on(card, at, self.scheduler)
        return recall_on(card, start + (at - start) / self.scale, self.scheduler)

    def safe(self, card: CardState, at: datetime) -> bool:
        """May the card wait until `at`?"""
        return self.recall(card, at) >= self.floor and recall_on(card, at, self.scheduler) >= self.trusted

    def carries(self, card: CardState, day: datetime, exam_at: datetime, target: float) -> bool:
        """Would a successful review on `day` keep the card's corrected recall on exam day at or above target?"""
        return self.recall(scheduling.review(card, GOOD, day, self.scheduler), exam_at) >= target

    def on_exam_day(self, card: CardState, day: datetime, exam_at: datetime) -> float:
        """Expected corrected recall on exam day after a review on `day`: recalled then (Good), or forgotten
        and relearnt (Again)."""
        r = self.recall(card, day)
        good = self.recall(scheduling.review(card, GOOD, day, self.scheduler), exam_at)
        again = self.recall(scheduling.review(card, AGAIN, day, self.scheduler), exam_at)
        return r * good + (1 - r) * again


def _last_day(ok: Callable[[datetime], bool], start: datetime, end: datetime) -> datetime:
    """The latest whole-day step from `start` (not after `end`) while `ok` (assumed true, then false) holds;
    `start` itself when it does not."""
    lo, hi = 0, max(0, (end - start).days)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if ok(start + mid * DAY):
            lo = mid
        else:
            hi = mid - 1
    return start + lo * DAY


def _first_day(ok: Callable[[datetime], bool], start: datetime, end: datetime) -> datetime:
    """The earliest whole-day step from `start` (not after `end`) at which `ok` (false, then true) holds."""
    lo, hi = 0, max(0, (end - start).days)
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(start + mid * DAY):
            hi = mid
        else:
            lo = mid + 1
    return start + lo * DAY


def _days(lo: datetime, hi: datetime) -> list[datetime]:
    return [lo + i * DAY for i in range(max(0, (hi - lo).days) + 1)]


def _earliest_with_room(lo: datetime, hi: datetime, load: Load | None) -> datetime:
    """Within [lo, hi] the earliest day with room under the cap; `hi` when none has any."""
    if load is None:
        return lo
    return next((d for d in _days(lo, hi) if load(d) < 1.0), hi)


CANDIDATES = 12
"""Days at most whose exam-day outcome is computed when placing a final review (evenly spread over the range)."""


def _best_day(after: CardState, lo: datetime, hi: datetime, *, now: datetime, last: datetime, exam_at: datetime,
              forecast: _Forecast, load: Load | None, attendance: Attendance, otherwise: datetime) -> datetime:
    """The day in [lo, hi] with room under the cap whose review leaves the highest expected recall on exam day,
    counting the chance that the learner is not there to make it (`otherwise` when no day has room)."""
    days = [d for d in _days(lo, hi) if load is None or load(d) < 1.0]
    if not days:
        return otherwise
    if len(days) > CANDIDATES:
        days = [days[round(i * (len(days) - 1) / (CANDIDATES - 1))] for i in range(CANDIDATES)]
    unreviewed = forecast.recall(after, exam_at)
    today = now.date()

    def value(d: datetime) -> float:
        reach = attendance.reached((d.date() - today).days, (last - d).days + 1)
        return reach * forecast.on_exam_day(after, d, exam_at) + (1 - reach) * unreviewed

    return max(days, key=lambda d: (value(d), -d.timestamp()))


def exam_due(
    after: CardState, *, now: datetime, exam_at: datetime, scheduler: fsrs.Scheduler, target: float = TARGET,
    floor: float = FLOOR, load: Load | None = None, retention: Retention | None = None,
    attendance: Attendance | None = None,
) -> datetime | None:
    """When the card should come back, given its state `after` FSRS's review at `now` and an exam at `exam_at`.

    Recall is FSRS's, corrected by the learner's observed retention (`retention`): a pessimistic quantile of
    how long their memories last against FSRS's stability, so the margin grows with the uncertainty. A
    review is never placed earlier than FSRS's due, except a top-up FSRS would not make before the exam, and
    never deferred past the floor: the day its corrected recall falls below `floor`, or into a predicted
    recall at which the learner's own similar reviews were recalled less often than `floor`.

    - Learning steps, and every card once the exam has passed, keep FSRS's due.
    - A card whose corrected recall on exam day is at or above target anyway keeps FSRS's due.
    - A review that would not yet carry the card to exam day keeps FSRS's due (those reviews build
      stability); on a day already full (`load`) it waits for the first day with room, within the floor,
      so that the day's new questions are met: a new question is worth more on exam day than a review
      that can safely wait.
    - The final review before the exam (the first that would carry the card) may wait, within the floor,
      for the day with room whose review leaves the highest expected recall on exam day, counting the
      chance of a lapse then and the chance that the learner does not study then (`attendance`).
    - A card that FSRS would not review before the exam but that would fall below target by then gets a
      top-up review, chosen the same way among the days whose review carries it.
    """
    due = after.due
    if due is None or after.state != scheduling.REVIEW or after.stability is None or exam_at <= now:
        return due
    last = exam_at - MARGIN_DAYS * DAY
    start = (after.last_review or now) + DAY
    if last < start:
        return due
    forecast = _Forecast(scheduler, retention or Retention(), floor)
    if forecast.recall(after, exam_at) >= target:
        return due
    latest = _last_day(lambda d: forecast.safe(after, d), start, last)
    if due >= exam_at:
        first = _first_day(lambda d: forecast.carries(after, d, exam_at, target), start, latest)
        return _best_day(after, first, latest, now=now, last=last, exam_at=exam_at, forecast=forecast, load=load,
                         attendance=attendance or Attendance(), otherwise=due)
    if latest <= due:
        return due
    if forecast.carries(after, due, exam_at, target):
        return _best_day(after, due, latest, now=now, last=last, exam_at=exam_at, forecast=forecast, load=load,
                         attendance=attendance or Attendance(), otherwise=due)
    return _earliest_with_room(due, latest, load)
