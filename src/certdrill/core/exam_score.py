"""Predicted exam score from the domain estimates: raw share, scaled score, interval and P(pass)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from certdrill.core.model import PassMark
from certdrill.core.readiness import DomainReadiness

ESTIMATED_RAW_AT_SCALED_PASS = 0.72
"""Raw share assumed to reach a scaled pass mark. AWS publishes no conversion (it is not linear and
varies by exam form); about 72% is the common estimate, so scaled scores are always labelled estimates."""
DEFAULT_SCORED = 50
Z80 = NormalDist().inv_cdf(0.9)


@dataclass(frozen=True, slots=True)
class ScoreScale:
    """Raw share to reported score: piecewise linear through (0, min), (pass raw, pass), (1, max)."""

    minimum: float
    maximum: float
    pass_score: float
    pass_raw: float
    estimated: bool
    unit: str  # "scaled" or "percent"

    def convert(self, raw: float) -> float:
        raw = min(1.0, max(0.0, raw))
        if raw <= self.pass_raw:
            return self.minimum + (self.pass_score - self.minimum) * raw / self.pass_raw
        return self.pass_score + (self.maximum - self.pass_score) * (raw - self.pass_raw) / (1 - self.pass_raw)

    def describe(self) -> str:
        if self.unit == "percent":
            return f"percent of scored questions; pass at {self.pass_score:g}%" + (" (estimated mark)" if self.estimated else "")
        return (f"scaled {self.minimum:g}-{self.maximum:g}, pass {self.pass_score:g}; raw-to-scaled is an estimate "
                f"(linear through raw 0% = {self.minimum:g}, {self.pass_raw:.0%} = {self.pass_score:g}, 100% = {self.maximum:g})")


def score_scale(pass_mark: PassMark | None) -> ScoreScale | None:
    if pass_mark is None:
        return None
    if pass_mark.scaled is not None:
        lo, hi = float(pass_mark.min or 100), float(pass_mark.max or 1000)
        return ScoreScale(lo, hi, float(pass_mark.scaled), ESTIMATED_RAW_AT_SCALED_PASS, True, "scaled")
    if pass_mark.raw is not None:
        return ScoreScale(0.0, 100.0, 100 * pass_mark.raw, pass_mark.raw, pass_mark.estimated, "percent")
    return None


@dataclass(frozen=True, slots=True)
class ScorePrediction:
    raw: float
    raw_low: float
    raw_high: float
    scale: ScoreScale | None
    p_pass: float | None

    def to_json(self) -> dict[str, Any]:
        scale = self.scale
        return {
            "raw": round(self.raw, 4), "raw_interval": [round(self.raw_low, 4), round(self.raw_high, 4)],
            "score": None if scale is None else round(scale.convert(self.raw), 1),
            "score_interval": None if scale is None else [round(scale.convert(self.raw_low), 1), round(scale.convert(self.raw_high), 1)],
            "scale": None if scale is None else {
                "unit": scale.unit, "min": scale.minimum, "max": scale.maximum, "pass": scale.pass_score,
                "pass_raw": scale.pass_raw, "estimated": scale.estimated, "conversion": scale.describe(),
            },
            "p_pass": None if self.p_pass is None else round(self.p_pass, 4),
        }


def predict_score(domains: Sequence[DomainReadiness], *, pass_mark: PassMark | None, scored: int | None) -> ScorePrediction:
    """The weight-sum of the domains; its spread adds the domains' uncertainty (as independent) and the
    luck of which questions the exam draws."""
    n = scored or DEFAULT_SCORED
    raw = sum(d.weight * d.estimate for d in domains)
    epistemic = sum((d.weight * (d.high - d.low) / (2 * Z80)) ** 2 for d in domains)
    draw = sum(d.weight * d.estimate * (1 - d.estimate) for d in domains) / n
    sd = max((epistemic + draw) ** 0.5, 1e-9)
    scale = score_scale(pass_mark)
    p_pass = None if scale is None else 1 - NormalDist(raw, sd).cdf(scale.pass_raw)
    return ScorePrediction(raw, max(0.0, raw - Z80 * sd), min(1.0, raw + Z80 * sd), scale, p_pass)
