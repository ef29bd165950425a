"""The readiness study's pipeline in a reduced form: every scenario runs, and every figure is computed.

It checks the machinery (shapes, baselines, metrics), not the targets: those need hundreds of learners
and are a benchmark (`python -m benchmarks.simulation`, figures in docs/readiness.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the benchmarks package lives beside src/

from benchmarks.simulation.__main__ import main, run_scenario
from benchmarks.simulation.metrics import table
from benchmarks.simulation.runner import BASELINES, ESTIMATORS, run_learner
from benchmarks.simulation.scenarios import SCENARIOS


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
