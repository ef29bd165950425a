"""How far a learner's own reviews bear out FSRS's predicted recall: a posterior over how long their memories
last compared with FSRS's stability, and the recall observed at each level of predicted recall.

The calibration has one parameter, a scale on stability: the learner recalls a card `elapsed` days after its
last review as FSRS predicts for `elapsed / scale` days (scale < 1: they forget faster than FSRS thinks).
Its posterior is computed on a grid (Bayes' rule, a normal prior on log scale centred on FSRS being right),
so a learner with few reviews keeps a wide posterior, and a pessimistic quantile of it is a safety margin
that shrinks as their reviews accumulate. FSRS computes every recall (the `fsrs` package); this only asks
it at scaled times."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

STEP = 0.1
"""Log steps of the grid: of the scale, and of elapsed days over stability (so that a review's recall under
any scale of the grid is FSRS's recall at one of the same steps)."""
SCALES = tuple(range(-25, 11))
"""The grid of log scales, in STEPs: from exp(-2.5) = 0.08 to exp(1) = 2.7 times FSRS's stability."""
PRIOR_SD = 0.35
"""Prior spread of the log scale: before any review, the learner's memories may last about half or twice
as long as FSRS's (default or fitted) parameters say (two standard deviations)."""
RECALL_BINS = (0.95, 0.9, 0.85, 0.8, 0.7, 0.0)
"""Lower edges of the bins of predicted recall in which observed recall is counted."""
MIN_BIN = 20
"""Reviews a bin needs before its observed recall may stop a deferral."""

Curve = Callable[[float], float]
"""FSRS's recall at a given elapsed days over stability (the fsrs package, asked at that ratio)."""


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    """One review of a card that was in review: elapsed days over its stability then, FSRS's predicted
    recall then, and whether the learner passed (rated above Again)."""

    ratio: float
    predicted: float
    passed: bool


def _prior() -> tuple[float, ...]:
    weights = [math.exp(-0.5 * (i * STEP / PRIOR_SD) ** 2) for i in SCALES]
    total = sum(weights)
    return tuple(w / total for w in weights)


@dataclass(frozen=True, slots=True)
class Retention:
    """What a learner's recent reviews say about FSRS's predictions for them (no reviews: FSRS is trusted,
    within the prior's spread)."""

    posterior: tuple[float, ...] = field(default_factory=_prior)
    bins: tuple[tuple[int, int], ...] = tuple((0, 0) for _ in RECALL_BINS)  # (reviews, passed) per bin
    reviews: int = 0

    def scale(self, quantile: float) -> float:
        """The stability scale at `quantile` of the posterior (a low quantile is a pessimistic scale)."""
        total = 0.0
        for i, w in zip(SCALES, self.posterior, strict=True):
            total += w
            if total >= quantile:
                return math.exp(i * STEP)
        return math.exp(SCALES[-1] * STEP)

    def lowest_trusted(self, floor: float) -> float:
        """The predicted recall below which reviews should not be deferred: the upper edge of the highest bin in
        which the learner's observed recall fell below `floor` (0.0 when none did, or too few reviews say so)."""
        upper = 1.0
        for edge, (n, passed) in zip(RECALL_BINS, self.bins, strict=True):
            if n >= MIN_BIN and passed / n < floor:
                return upper
            upper = edge
        return 0.0


def observe(outcomes: Iterable[ReviewOutcome], curve: Curve) -> Retention:
    """The posterior over the stability scale and the per-bin recall, from the learner's recent reviews."""
    counts: dict[int, list[int]] = {}
    bins = [[0, 0] for _ in RECALL_BINS]
    reviews = 0
    for o in outcomes:
        reviews += 1
        b = next(i for i, edge in enumerate(RECALL_BINS) if o.predicted >= edge)
        bins[b][0] += 1
        bins[b][1] += o.passed
        if o.ratio <= 0:
            continue  # reviewed the day it was learnt: recall 1 under any scale, no evidence
        c = counts.setdefault(round(math.log(o.ratio) / STEP), [0, 0])
        c[0] += 1
        c[1] += o.passed
    terms: dict[int, tuple[float, float]] = {}  # step of ratio over scale -> log recall, log lapse
    for m in {step - i for step in counts for i in SCALES}:
        r = min(1 - 1e-6, max(1e-6, curve(math.exp(m * STEP))))
        terms[m] = (math.log(r), math.log(1 - r))
    logs = [math.log(p) for p in _prior()]
    for step, (n, passed) in counts.items():
        for j, i in enumerate(SCALES):
            hit, miss = terms[step - i]
            logs[j] += passed * hit + (n - passed) * miss
    top = max(logs)
    weights = [math.exp(v - top) for v in logs]
    total = sum(weights)
    return Retention(tuple(w / total for w in weights), tuple((n, p) for n, p in bins), reviews)
