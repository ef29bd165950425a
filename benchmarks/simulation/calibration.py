"""Calibration of the readiness model: predicted P(right) per domain against simulated exam questions."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from benchmarks.simulation.exam_date import START
from benchmarks.simulation.learner import Learner, make_deck
from benchmarks.simulation.study import StudyPlan, study
from certdrill.core import planner, scheduling
from certdrill.core.exam_readiness import assess
from certdrill.core.readiness import MockAnswer

FRESH_PER_DOMAIN = 20  # exam questions per domain drawn to score the predictions
MOCK_SIZE = 40


@dataclass(frozen=True)
class DomainOutcome:
    estimate: float
    low: float
    high: float
    truth: float  # the learner's true P(right) on a new question of the domain
    right: int  # of FRESH_PER_DOMAIN fresh questions
    flagged: bool


@dataclass(frozen=True)
class LearnerOutcome:
    domains: list[DomainOutcome]
    p_pass: float
    passed: bool


def _mock(learner: Learner, rng: random.Random, at: datetime) -> list[MockAnswer]:
    domains = [d.id for d in learner.deck.domains]
    weights = [d.weight for d in learner.deck.domains]
    rates = {d: learner.true_domain_rate(d, at) for d in domains}
    return [MockAnswer(d, rng.random() < rates[d], at) for d in rng.choices(domains, weights, k=MOCK_SIZE)]


def simulate(seed: int) -> LearnerOutcome:
    """One learner: random study time, budget, mode and habits; readiness judged on the eve of the exam."""
    rng = random.Random(10_000 + seed)
    deck = make_deck()
    learner = Learner.create(seed, deck)
    days = rng.randint(10, 60)
    stop = rng.choice([None, None, None, rng.randint(days // 2, days)])  # a quarter stop studying early
    pace = planner.new_per_day(unseen=len(deck.questions), today=START.date(), exam_date=(START + timedelta(days=days)).date())
    plan = StudyPlan(START, days, rng.choice([5, 10, 20, 30, 45]), rng.random() < 0.5,
                     max(1, int(pace * rng.choice([0.5, 1.0, 1.0]))), stop)
    mock: list[MockAnswer] = []
    mock_day = days - 5 if rng.random() < 0.4 else -1

    def on_day_end(day: int, at: datetime) -> None:
        if day == mock_day:
            mock.extend(_mock(learner, rng, at))

    scheduler = scheduling.make_scheduler(scheduling.SchedulerSettings(fuzz=False))
    study(learner, plan, scheduler, on_day_end)
    eve = plan.exam_at - timedelta(hours=12)
    questions, reviews = learner.evidence(eve)
    readiness = assess(deck, questions=questions, reviews=reviews, mock=mock, now=eve, exam_at=plan.exam_at,
                       scheduler=scheduler)
    outcomes, raw = [], 0.0
    for d in readiness.domains:
        truth = learner.true_domain_rate(d.id, plan.exam_at)
        right = sum(rng.random() < truth for _ in range(FRESH_PER_DOMAIN))
        outcomes.append(DomainOutcome(d.estimate, d.low, d.high, truth, right, d.too_little_evidence))
        n = round(50 * d.weight)
        raw += sum(rng.random() < truth for _ in range(n)) / 50
    pass_raw = readiness.score.scale.pass_raw if readiness.score.scale else 0.72
    return LearnerOutcome(outcomes, readiness.score.p_pass or 0.0, raw >= pass_raw)


@dataclass(frozen=True)
class Calibration:
    brier: float
    brier_baseline: float  # always predicting the overall observed rate
    coverage: float
    coverage_flagged: float
    flagged_share: float
    reliability: list[tuple[str, int, float, float]]  # bin, predictions, mean predicted, observed rate
    pass_brier: float
    pass_rate: float


def summarise(results: list[LearnerOutcome]) -> Calibration:
    domains = [d for r in results for d in results and r.domains]
    n = FRESH_PER_DOMAIN
    observed = sum(d.right for d in domains) / (n * len(domains))

    def brier(pred: float, right: int) -> float:
        return (right * (1 - pred) ** 2 + (n - right) * pred ** 2) / n

    bins: dict[int, list[DomainOutcome]] = {}
    for d in domains:
        bins.setdefault(min(9, int(d.estimate * 10)), []).append(d)
    table = [
        (f"{b / 10:.1f}-{(b + 1) / 10:.1f}", len(ds), sum(d.estimate for d in ds) / len(ds),
         sum(d.right for d in ds) / (n * len(ds)))
        for b, ds in sorted(bins.items())
    ]
    flagged = [d for d in domains if d.flagged]
    return Calibration(
        brier=sum(brier(d.estimate, d.right) for d in domains) / len(domains),
        brier_baseline=sum(brier(observed, d.right) for d in domains) / len(domains),
        coverage=sum(d.low <= d.truth <= d.high for d in domains) / len(domains),
        coverage_flagged=(sum(d.low <= d.truth <= d.high for d in flagged) / len(flagged)) if flagged else float("nan"),
        flagged_share=len(flagged) / len(domains),
        reliability=table,
        pass_brier=sum((r.p_pass - r.passed) ** 2 for r in results) / len(results),
        pass_rate=sum(r.passed for r in results) / len(results),
    )
