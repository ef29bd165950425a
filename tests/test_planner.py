"""The exam-date planner: pacing meets every question a week before, and final reviews land before the exam."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from certdrill.core import planner, scheduling

NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)
SCHEDULER = scheduling.make_scheduler(scheduling.SchedulerSettings(fuzz=False))


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


@given(st.integers(1, 60), st.integers(2, 120))
def test_a_review_is_never_placed_on_or_after_exam_day_when_recall_would_fall_short(stability: int, days: int) -> None:
    after = reviewed(stability)
    exam = NOW + timedelta(days=days)
    due = planner.exam_due(after, now=NOW, exam_at=exam, scheduler=SCHEDULER)
    assert due is not None
    if planner.recall_on(after, exam, SCHEDULER) < planner.TARGET:
        assert due < exam
    else:
        assert due == after.due


@given(st.integers(1, 60), st.integers(2, 120))
def test_a_final_review_is_deferred_towards_the_exam_but_never_below_the_floor(stability: int, days: int) -> None:
    after = reviewed(stability)
    exam = NOW + timedelta(days=days)
    due = planner.exam_due(after, now=NOW, exam_at=exam, scheduler=SCHEDULER, load=lambda _m: 0.0)
    assert due is not None and after.due is not None
    assert due >= after.due or planner.recall_on(after, exam, SCHEDULER) < planner.TARGET
    if due > after.due:
        assert planner.recall_on(after, due, SCHEDULER) >= planner.FLOOR
        assert due <= exam - timedelta(days=planner.MARGIN_DAYS)


def test_learning_steps_and_past_exams_keep_fsrs_due() -> None:
    learning = scheduling.review(scheduling.CardState(), 1, NOW, SCHEDULER)
    assert planner.exam_due(learning, now=NOW, exam_at=NOW + timedelta(days=30), scheduler=SCHEDULER) == learning.due
    card = reviewed(10)
    assert planner.exam_due(card, now=NOW, exam_at=NOW - timedelta(days=1), scheduler=SCHEDULER) == card.due
