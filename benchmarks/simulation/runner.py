"""One simulated learner end to end: study, certdrill's readiness on the eve of the exam, baselines, truth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from benchmarks.simulation import baselines
from benchmarks.simulation.evidence import evidence
from benchmarks.simulation.learners import SCORED
from benchmarks.simulation.scenarios import SCENARIOS
from benchmarks.simulation.session import fsrs_policy, simulate, truth
from certdrill.core import scheduling
from certdrill.core.exam_readiness import assess

ESTIMATORS = ("model", "recent", "overall", "first-try")
BASELINES = ("recent", "overall", "first-try")


@dataclass(frozen=True)
class DomainRow:
    domain: str
    truth: float
    flagged: bool  # the model said "too little evidence"
    figures: dict[str, tuple[float, float, float]]  # estimator -> (estimate, low, high)
    oracle: float  # the learner's true state with the exam's coverage and shift averaged (an RMSE floor)


@dataclass(frozen=True)
class LearnerRow:
    seed: int
    domains: list[DomainRow]
    passed: bool
    p_pass: dict[str, float]  # estimator -> P(pass)


def run_learner(args: tuple[str, int]) -> LearnerRow:
    """Simulate learner `seed` of scenario `name` and judge every estimator against its truth."""
    name, seed = args
    scenario = SCENARIOS[name]
    deck = scenario.deck()
    learner, behaviour = scenario.learner(seed, deck)
    scheduler = scheduling.make_scheduler(scheduling.SchedulerSettings(fuzz=False))
    history = simulate(learner, behaviour, fsrs_policy, scheduler=scheduler)
    true = truth(learner, history)
    eve = history.exam_at - timedelta(hours=12)
    questions, reviews, mock = evidence(deck, history, eve, scheduler)
    model = assess(deck, questions=questions, reviews=reviews, mock=mock, now=eve, exam_at=history.exam_at,
                   scheduler=scheduler, action_count=0)
    naive = baselines.baselines(deck, history)
    t = (history.exam_at - history.start).total_seconds() / 86400
    rows = []
    for d in model.domains:
        figures = {"model": (d.estimate, d.low, d.high)}
        figures.update({k: (v[d.id].estimate, v[d.id].low, v[d.id].high) for k, v in naive.items()})
        rows.append(DomainRow(d.id, true.rates[d.id], d.too_little_evidence, figures, learner.oracle_rate(d.id, t)))
    p_pass = {"model": model.score.p_pass or 0.0}
    p_pass.update({k: baselines.p_pass(deck, v, SCORED) for k, v in naive.items()})
    return LearnerRow(seed, rows, true.passed, p_pass)
