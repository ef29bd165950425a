"""The exam-date planner: pacing meets every question a week before; reviews are placed for exam day within a
floor that the learner's own observed retention moves, with a margin that shrinks as their reviews accumulate."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from certdrill.core import planner, retention, scheduling
from certdrill.core.retention import Retention, ReviewOutcome

NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)
SCHEDULER = scheduling.make_scheduler(scheduling.SchedulerSettings(fuzz=False))
CURVE = planner.recall_curve(SCHEDULER)
REGULAR = planner.Attendance(studied=30, days=30)  # studied every one of the last 30 days


def observed(reviews: int, recalled: float, ratio: float = 1.0) -> Retention:
    """A learner's retention after `reviews` reviews at `ratio` stabilities, `recalled` of them passed."""
    passed = round(reviews * recalled)
    return retention.observe([ReviewOutcome(ratio, CURVE(ratio), i < passed) for i in range(reviews)], CURVE)


CALIBRATED = observed(600, CURVE(1.0))  # recalls exactly as often as FSRS predicts


@given(st.integers(1, 2000), st.integers(9, 400))
def test_pacing_meets_every_question_a_week_before_the_exam(unseen: int, days: int) -> None:
    today = date(2026, 11, 2)
    exam = today + timedelta(days=days)
    left, day = unseen, today
    while left > 0:
        left -= planner.new_per_day(unseen=left, today=day, exam_date=exam)
        day += timedelta(days=1)
    assert day <= exam - timedelta(days=planner.LEAD_DAYS)


def reviewed(stability_days: int) -> scheduling.CardState:
    card = scheduling.review(scheduling.CardState(), 3, NOW - timedelta(days=60), SCHEDULER)
    card = scheduling.review(card, 3, NOW - timedelta(days=60, minutes=-10), SCHEDULER)
    while card.stability is not None and card.stability < stability_days:
        card = scheduling.review(card, 3, card.due or NOW, SCHEDULER)
    return scheduling.review(card, 3, NOW, SCHEDULER)


def in_review(stability: float) -> scheduling.CardState:
    """A card just reviewed with this stability, due when FSRS predicts recall 0.9."""
    return scheduling.CardState(state=scheduling.REVIEW, stability=stability, difficulty=5.0, last_review=NOW,
                                due=NOW + timedelta(days=round(stability)), reps=4)


def place(after: scheduling.CardState, exam: datetime, *, retention: Retention = CALIBRATED,
          attendance: planner.Attendance = REGULAR, load: planner.Load | None = lambda _d: 0.0) -> datetime:
    due = planner.exam_due(after, now=NOW, exam_at=exam, scheduler=SCHEDULER, load=load, retention=retention,
                           attendance=attendance)
    assert due is not None
    return due


@given(st.integers(1, 60), st.integers(2, 120))
def test_nothing_is_deferred_past_the_floor_nor_onto_exam_day(stability: int, days: int) -> None:
    after = reviewed(stability)
    exam = NOW + timedelta(days=days)
    for evidence in (Retention(), CALIBRATED, observed(300, 0.75)):
        due = place(after, exam, retention=evidence)
        assert after.due is not None
        if due > after.due:  # deferred: FSRS's own recall there is at or above the floor (the margin only lowers it)
            assert planner.recall_on(after, due, SCHEDULER) >= planner.FLOOR
            assert due <= exam - timedelta(days=planner.MARGIN_DAYS)


@given(st.integers(1, 60), st.integers(2, 120))
def test_a_card_that_would_fall_short_on_exam_day_is_reviewed_before_it(stability: int, days: int) -> None:
    after = reviewed(stability)
    exam = NOW + timedelta(days=days)
    due = place(after, exam)
    if planner.recall_on(after, exam, SCHEDULER) < planner.TARGET and exam - NOW > timedelta(days=2):
        assert due < exam


def test_a_final_review_waits_towards_the_exam_when_the_learner_studies_every_day() -> None:
    after = in_review(20)  # due in 20 days; a review then would carry it to an exam in 60
    exam = NOW + timedelta(days=60)
    assert after.due is not None and after.due < exam
    assert place(after, exam) > after.due


def test_low_observed_retention_pulls_reviews_earlier() -> None:
    """A learner who recalls less often than FSRS predicts gets their final review sooner, and stops
    deferring altogether where their similar reviews fell below the floor."""
    after = in_review(20)
    exam = NOW + timedelta(days=60)
    trusting = place(after, exam)
    weaker = place(after, exam, retention=observed(300, 0.82, ratio=2.0))
    assert weaker < trusting
    failing = observed(300, 0.7)  # at FSRS's own 0.9, they recalled 70%: below the floor
    assert failing.lowest_trusted(planner.FLOOR) > 0.9
    assert place(after, exam, retention=failing) == after.due


def test_the_margin_grows_with_the_uncertainty_of_the_prediction() -> None:
    """The same calibrated learner: with few reviews the pessimistic scale is further from 1 and the final
    review comes no later than with many."""
    few, many = observed(10, CURVE(1.0)), observed(2000, CURVE(1.0))
    assert few.scale(planner.MARGIN_QUANTILE) < many.scale(planner.MARGIN_QUANTILE) <= 1.0
    assert Retention().scale(planner.MARGIN_QUANTILE) <= few.scale(planner.MARGIN_QUANTILE)
    after = in_review(20)
    exam = NOW + timedelta(days=60)
    assert place(after, exam, retention=few) < place(after, exam, retention=many)


def test_a_learner_who_skips_days_gets_the_final_review_sooner() -> None:
    after = in_review(20)
    exam = NOW + timedelta(days=60)
    assert place(after, exam, attendance=planner.Attendance(studied=10, days=30)) < place(after, exam)


def test_a_full_day_sends_a_review_to_the_first_day_with_room_within_the_floor() -> None:
    after = in_review(5)  # due in 5 days; a review then would not carry it to an exam in 90
    exam = NOW + timedelta(days=90)
    assert after.due is not None
    full_until = after.due + 2 * planner.DAY
    due = place(after, exam, load=lambda d: 1.0 if d <= full_until else 0.0)
    assert due == full_until + planner.DAY
    assert planner.recall_on(after, due, SCHEDULER) >= planner.FLOOR
    always_full = place(after, exam, load=lambda _d: 1.0)  # no room anywhere: it waits as long as is safe
    assert always_full > due and planner.recall_on(after, always_full, SCHEDULER) >= planner.FLOOR


def test_new_questions_come_first_in_a_days_capacity() -> None:
    work = planner.Workload(minutes=30, seconds_per_review=20, new_per_day=10, unseen=50)
    assert work.capacity(0) < work.capacity(10)  # after five days of ten new questions, all are met
    slow = planner.Workload(minutes=30, seconds_per_review=20, new_per_day=10, unseen=50, met_per_day=2)
    assert slow.capacity(10) == work.capacity(0)  # at two a day they are still being met
    assert planner.Workload(5, 20, 10, 50).share(1, 0) == float("inf")  # no room at all
    assert planner.daily_minutes(45, [10, 12, 9]) == 12 and planner.daily_minutes(45, [10]) == 45
    assert planner.daily_minutes(20, [30, 25, 40]) == 20


def test_learning_steps_and_past_exams_keep_fsrs_due() -> None:
    learning = scheduling.review(scheduling.CardState(), 1, NOW, SCHEDULER)
    assert planner.exam_due(learning, now=NOW, exam_at=NOW + timedelta(days=30), scheduler=SCHEDULER) == learning.due
    card = reviewed(10)
    assert planner.exam_due(card, now=NOW, exam_at=NOW - timedelta(days=1), scheduler=SCHEDULER) == card.due


def test_no_deferral_into_the_predicted_recall_where_the_learners_similar_reviews_failed() -> None:
    """Mostly as FSRS predicts, but of the cards reviewed at a predicted 0.85-0.9 only 60% were recalled: a final
    review is not deferred past FSRS's due (where predicted recall drops below 0.9), though the scale alone
    would let it wait."""
    late = 1.4  # stabilities: FSRS predicts about 0.87 there
    assert 0.85 <= CURVE(late) < 0.9
    outcomes = [ReviewOutcome(1.0, CURVE(1.0), i < 540) for i in range(600)]
    outcomes += [ReviewOutcome(late, CURVE(late), i < 24) for i in range(40)]
    mixed = retention.observe(outcomes, CURVE)
    assert mixed.lowest_trusted(planner.FLOOR) == 0.9
    after = in_review(20)
    exam = NOW + timedelta(days=60)
    scale_only = Retention(mixed.posterior, reviews=mixed.reviews)  # the same posterior, no bin counts
    assert place(after, exam, retention=scale_only) > after.due
    assert place(after, exam, retention=mixed) == after.due
