"""The readiness and exam-date studies' pipelines in a reduced form: every scenario runs, every figure is computed.

It checks the machinery (shapes, baselines, metrics), not the targets: those need hundreds of learners
and are a benchmark (`python -m benchmarks.simulation`, figures in docs/readiness.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the benchmarks package lives beside src/

from benchmarks.simulation import pairs
from benchmarks.simulation.__main__ import main, run_pairs, run_scenario
from benchmarks.simulation.forgetting import InterferingMemory, PowerLawMemory
from benchmarks.simulation.holdout import TransferLearner
from benchmarks.simulation.metrics import table
from benchmarks.simulation.runner import BASELINES, ESTIMATORS, run_learner
from benchmarks.simulation.scenarios import SCENARIOS
from benchmarks.simulation.session import fsrs_policy


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_scenario_runs_and_is_judged_against_every_baseline(name: str) -> None:
    figures = run_scenario(name, learners=2, seed=5)
    assert figures.learners == 2 and figures.domains == 8
    assert set(figures.coverage) == set(ESTIMATORS) and set(figures.brier) == set(ESTIMATORS)
    assert set(figures.rmse) == {*ESTIMATORS, "oracle"}
    assert all(0 <= v <= 1 for v in [*figures.coverage.values(), *figures.rmse.values(), *figures.brier.values()])
    assert figures.best_baseline_rmse[0] in BASELINES
    assert set(figures.targets()) == {"coverage", "rmse", "calibration", "brier"}
    assert f"| {name} | 2 |" in table([figures])


def test_a_learner_is_the_same_for_the_same_seed_and_its_truth_is_a_probability() -> None:
    first, again = run_learner(("mixed", 11)), run_learner(("mixed", 11))
    assert first == again
    for d in first.domains:
        assert 0 < d.truth < 1 and 0 < d.oracle < 1
        for estimate, low, high in d.figures.values():
            assert 0 <= low <= estimate <= high <= 1
    assert set(first.p_pass) == set(ESTIMATORS)


def test_the_command_prints_one_scenario_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--scenario", "crams", "--learners", "2", "--seed", "3", "--json", "--workers", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["seed"] == 3 and [s["scenario"] for s in data["scenarios"]] == ["crams"]
    assert set(data["scenarios"][0]["rmse"]) == {*ESTIMATORS, "oracle"}


@pytest.mark.parametrize("name", pairs.NAMES)
def test_exam_date_mode_is_compared_with_plain_fsrs_in_every_scenario(name: str) -> None:
    figures = run_pairs(name, count=2, seed=5)
    assert figures.pairs == 2 and 0 <= figures.raised + figures.lowered <= 1
    assert all(0 < k < 1 for k in figures.knowledge) and all(0 <= b <= 1 for b in figures.below)
    assert all(m > 0 for m in figures.minutes) and all(s > 0 for s in figures.studied)
    assert set(figures.targets()) == {"raises >= 70%", "mean not lower", "below 0.8 not higher"}
    assert -1 <= figures.below_difference[0] <= 1 and figures.below_difference[1] >= 0
    assert f"| {name} | 2 |" in pairs.table([figures])


def test_the_two_arms_of_a_pair_are_the_same_learner() -> None:
    """Under the same policy both draws of a learner study and end alike, so a difference is the policy's."""
    one = pairs.Pair(3, *(pairs.item_response_arm("skips-days", 3, fsrs_policy) for _ in range(2)))
    assert one.fsrs == one.exam
    assert pairs.summarise("skips-days", [one]).raised == 0


def test_the_command_prints_the_exam_date_comparison(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--exam-date", "--scenario", "fsrs-shaped", "--learners", "2", "--seed", "3", "--json",
                 "--workers", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["pairs"] == 2 and [s["scenario"] for s in data["scenarios"]] == ["fsrs-shaped"]
    assert set(data["scenarios"][0]["knowledge"]) == {"fsrs", "exam_date"}


def test_a_power_law_memory_keeps_90_percent_at_its_stability_and_forgets_by_its_own_decay() -> None:
    steep, flat = PowerLawMemory(5.0, decay=1.5, growth=4, lapse=0.3), PowerLawMemory(5.0, decay=0.3, growth=4, lapse=0.3)
    for m in (steep, flat):
        m.study(0.0, True)
        assert m.recall(5.0) == pytest.approx(0.9)
    assert steep.recall(2.0) > flat.recall(2.0) and steep.recall(60.0) < flat.recall(60.0)


def test_studying_a_question_of_the_same_task_costs_its_siblings_recall() -> None:
    task: list[float] = []
    one, other = (InterferingMemory(5.0, 5.0, 0.3, interference=0.1, siblings=task) for _ in range(2))
    one.study(0.0, True)
    alone = one.recall(1.0)
    other.study(0.5, True)
    assert one.recall(1.0) == pytest.approx(alone * 0.9) and one.recall(0.4) > alone


def test_a_holdout_learner_gets_better_at_unseen_questions_of_a_domain_it_studies_and_slips() -> None:
    deck = SCENARIOS["holdout"].deck()
    learner, _ = SCENARIOS["holdout"].learner(7, deck)
    assert isinstance(learner, TransferLearner) and learner.transfer > 0
    domain = deck.questions[0].domain
    studied, unseen = learner.by_domain[domain][:30], learner.by_domain[domain][-1]
    other = next(i for d, ids in learner.by_domain.items() if d != domain for i in ids)
    before, before_other, rate = learner.p_right(unseen, 1.0), learner.p_right(other, 1.0), learner.true_rate(domain, 1.0)
    for i in studied:
        learner.answer(i, 0.5)
    learner.answer(studied[0], 0.6)  # a question studied again teaches the domain nothing new
    assert learner.studied == {domain: 30}
    assert learner.p_right(unseen, 1.0) > before and learner.p_right(other, 1.0) == before_other
    assert rate < learner.true_rate(domain, 1.0) < 1
    learner.ability[domain] = 50.0  # knows everything: only slips are wrong
    assert learner.p_right(unseen, 1.0) == pytest.approx(1 - (1 - learner.items[unseen].guess) * learner.slip)
