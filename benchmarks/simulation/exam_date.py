"""Exam-date mode against plain FSRS with the same daily minutes and the same new-card pacing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import mean

from benchmarks.simulation.learner import Learner, make_deck
from benchmarks.simulation.study import StudyPlan, study
from certdrill.core import planner, scheduling

START = datetime(2026, 1, 5, 9, tzinfo=UTC)


@dataclass(frozen=True)
class ArmResult:
    mean_recall: float  # true retrievability on exam morning, over every question (unseen count 0)
    below_08: float  # share of questions under 0.8 on exam morning
    minutes: float  # total study time before the exam
    unseen: int


def run_arm(seed: int, *, exam_mode: bool, days: int, minutes: int) -> ArmResult:
    deck = make_deck()
    learner = Learner.create(seed, deck)
    pace = planner.new_per_day(unseen=len(deck.questions), today=START.date(),
                               exam_date=(START + timedelta(days=days)).date())
    plan = StudyPlan(START, days, minutes, exam_mode, pace)
    log = study(learner, plan, scheduling.make_scheduler(scheduling.SchedulerSettings(fuzz=False)))
    recall = [learner.true_recall(c, plan.exam_at) for c in learner.cards]
    return ArmResult(mean(recall), sum(r < 0.8 for r in recall) / len(recall), log.seconds / 60,
                     sum(c.model.state == 0 for c in learner.cards))


def compare(seeds: range, *, days: int, minutes: int) -> dict[str, ArmResult]:
    out = {}
    for name, exam_mode in (("fsrs", False), ("exam-date", True)):
        arms = [run_arm(s, exam_mode=exam_mode, days=days, minutes=minutes) for s in seeds]
        out[name] = ArmResult(mean(a.mean_recall for a in arms), mean(a.below_08 for a in arms),
                              mean(a.minutes for a in arms), sum(a.unseen for a in arms))
    return out
