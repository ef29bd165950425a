"""Scenario figures: interval coverage, per-domain RMSE, calibration by deciles, P(pass) Brier; and the targets."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from benchmarks.simulation.runner import BASELINES, ESTIMATORS, LearnerRow

MIN_BIN = 30
TARGETS = "80% interval covers the truth 72-88%; RMSE >= 10% below the best baseline; no calibration bin off by > 0.08; P(pass) Brier below the best baseline"


@dataclass(frozen=True)
class ScenarioFigures:
    scenario: str
    learners: int
    domains: int
    coverage: dict[str, float]  # estimator -> share of domains whose truth lies in the 80% interval
    rmse: dict[str, float]
    calibration: float  # the model's largest |mean estimate - mean truth| over deciles of the estimate
    calibration_bins: list[tuple[int, float, float]]  # (domains, mean estimate, mean truth) per decile
    brier: dict[str, float]
    flagged: float  # share of domains the model flags "too little evidence"
    flagged_coverage: float | None
    seconds: float = 0.0

    @property
    def best_baseline_rmse(self) -> tuple[str, float]:
        return min(((k, v) for k, v in self.rmse.items() if k in BASELINES), key=lambda kv: kv[1])

    @property
    def best_baseline_brier(self) -> tuple[str, float]:
        return min(((k, v) for k, v in self.brier.items() if k in BASELINES), key=lambda kv: kv[1])

    def targets(self) -> dict[str, bool]:
        return {
            "coverage": 0.72 <= self.coverage["model"] <= 0.88,
            "rmse": self.rmse["model"] <= 0.9 * self.best_baseline_rmse[1],
            "calibration": self.calibration <= 0.08,
            "brier": self.brier["model"] < self.best_baseline_brier[1],
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario, "learners": self.learners, "domains": self.domains,
            "coverage": _r(self.coverage), "rmse": _r(self.rmse), "calibration_max_error": round(self.calibration, 4),
            "calibration_bins": [[n, round(p, 4), round(t, 4)] for n, p, t in self.calibration_bins],
            "p_pass_brier": _r(self.brier), "flagged_share": round(self.flagged, 4),
            "flagged_coverage": None if self.flagged_coverage is None else round(self.flagged_coverage, 4),
            "targets": self.targets(), "seconds": round(self.seconds, 1),
        }


def _r(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in values.items()}


def deciles(pairs: list[tuple[float, float]]) -> list[tuple[int, float, float]]:
    """Ten equal-count bins by estimate: (count, mean estimate, mean truth); bins under MIN_BIN are dropped."""
    pairs = sorted(pairs)
    n = len(pairs)
    out = []
    for b in range(10):
        chunk = pairs[b * n // 10:(b + 1) * n // 10]
        if len(chunk) >= MIN_BIN:
            out.append((len(chunk), sum(p for p, _ in chunk) / len(chunk), sum(t for _, t in chunk) / len(chunk)))
    return out


def summarise(scenario: str, rows: list[LearnerRow]) -> ScenarioFigures:
    domains = [d for r in rows for d in r.domains]
    coverage = {e: sum(d.figures[e][1] <= d.truth <= d.figures[e][2] for d in domains) / len(domains)
                for e in ESTIMATORS}
    rmse = {e: math.sqrt(sum((d.figures[e][0] - d.truth) ** 2 for d in domains) / len(domains)) for e in ESTIMATORS}
    rmse["oracle"] = math.sqrt(sum((d.oracle - d.truth) ** 2 for d in domains) / len(domains))
    bins = deciles([(d.figures["model"][0], d.truth) for d in domains])
    brier = {e: sum((r.p_pass[e] - r.passed) ** 2 for r in rows) / len(rows) for e in ESTIMATORS}
    flagged = [d for d in domains if d.flagged]
    return ScenarioFigures(
        scenario, len(rows), len(domains), coverage, rmse, max((abs(p - t) for _, p, t in bins), default=0.0), bins,
        brier, len(flagged) / len(domains),
        (sum(d.figures["model"][1] <= d.truth <= d.figures["model"][2] for d in flagged) / len(flagged)) if flagged else None,
    )


def table(figures: list[ScenarioFigures]) -> str:
    """The scenario table as Markdown (as published in docs/readiness.md)."""
    head = ("| scenario | learners | 80% coverage model (recent / overall / first-try) | RMSE model | RMSE recent / overall / "
            "first-try | RMSE floor (oracle) | calibration max error | P(pass) Brier model | best baseline Brier | targets missed |")
    lines = [head, "|" + "---|" * 10]
    for f in figures:
        missed = [k for k, ok in f.targets().items() if not ok]
        c, r, b = f.coverage, f.rmse, f.best_baseline_brier
        lines.append(
            f"| {f.scenario} | {f.learners} | {c['model']:.0%} ({c['recent']:.0%} / {c['overall']:.0%} / {c['first-try']:.0%}) "
            f"| {r['model']:.3f} | {r['recent']:.3f} / {r['overall']:.3f} / {r['first-try']:.3f} | {r['oracle']:.3f} "
            f"| {f.calibration:.3f} | {f.brier['model']:.3f} | {b[1]:.3f} ({b[0]}) | {', '.join(missed) or 'none'} |")
    return "\n".join(lines)
