"""Predicted exam score from the domain estimates: raw share, scaled score, interval and P(pass)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from certdrill.core.model import PassMark
from certdrill.core.readiness import DomainReadiness
from certdrill.core.readiness_model import Draws, summary

ESTIMATED_RAW_AT_SCALED_PASS = 0.72
"""Raw share assumed to reach a scaled pass mark, for showing a scaled score. AWS publishes no conversion
(it is not linear and varies by exam form); about 72% is the common estimate, so scaled scores are always
labelled estimates."""
SCALED_PASS_RAW_RANGE = (0.65, 0.78)
"""What P(pass) assumes instead: the raw share that reaches a scaled pass mark is anywhere in 65-78%
(uniform), so the conversion's own uncertainty is part of P(pass)."""
ESTIMATED_RAW_SPREAD = 0.03
"""A raw pass mark marked `estimated` is taken as uniform within this much either side."""
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

    @property
    def pass_raw_range(self) -> tuple[float, float]:
        """The raw share that passes, as a uniform range (exact marks: a single point)."""
        if self.unit == "scaled":
            return SCALED_PASS_RAW_RANGE
        if self.estimated:
            return (self.pass_raw - ESTIMATED_RAW_SPREAD, self.pass_raw + ESTIMATED_RAW_SPREAD)
        return (self.pass_raw, self.pass_raw)

    def convert(self, raw: float) -> float:
        raw = min(1.0, max(0.0, raw))
        if raw <= self.pass_raw:
            return self.minimum + (self.pass_score - self.minimum) * raw / self.pass_raw
        return self.pass_score + (self.maximum - self.pass_score) * (raw - self.pass_raw) / (1 - self.pass_raw)

    def describe(self) -> str:
        if self.unit == "percent":
            return f"percent of scored questions; pass at {self.pass_score:g}%" + (" (estimated mark)" if self.estimated else "")
        lo, hi = self.pass_raw_range
        return (f"scaled {self.minimum:g}-{self.maximum:g}, pass {self.pass_score:g}; raw-to-scaled is an estimate "
                f"(linear through raw 0% = {self.minimum:g}, {self.pass_raw:.0%} = {self.pass_score:g}, 100% = {self.maximum:g}; "
                f"P(pass) takes the pass mark as anywhere in raw {lo:.0%}-{hi:.0%})")


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


def predict_score(domains: Sequence[DomainReadiness], draws: Draws, *, pass_mark: PassMark | None,
                  scored: int | None) -> ScorePrediction:
    """The weight-sum of the domains, per joint draw (one learner, one exam: domain errors move together),
    plus the luck of which `scored` questions the exam asks; P(pass) averages over the draws and over the
    pass mark's own uncertainty."""
    n = scored or DEFAULT_SCORED
    raws, totals, p_pass = [], [], 0.0
    count = len(draws.pass_raw)
    for k in range(count):
        raw = sum(d.weight * values[k] for d, values in zip(domains, draws.domains, strict=True))
        var = sum(d.weight * values[k] * (1 - values[k]) for d, values in zip(domains, draws.domains, strict=True)) / n
        sd = max(var ** 0.5, 1e-9)
        raws.append(raw)
        totals.append(raw + sd * draws.z[k])
        # Passing needs at least the pass mark's share of the n scored questions (continuity-corrected).
        p_pass += 1 - NormalDist(raw, sd).cdf(draws.pass_raw[k] - 0.5 / n)
    mean = sum(raws) / count if count else 0.0
    _, low, high = summary(totals) if totals else (0.0, 0.0, 0.0)
    scale = score_scale(pass_mark)
    return ScorePrediction(mean, max(0.0, low), min(1.0, high), scale, None if scale is None else p_pass / count)
