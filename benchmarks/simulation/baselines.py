"""Naive readiness figures computed from the same history: what a plain counter would tell the learner."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from statistics import NormalDist

from benchmarks.simulation.session import History
from certdrill.core.model import Deck

Z80 = NormalDist().inv_cdf(0.9)
RECENT = timedelta(days=30)
PASS_RAW = 0.715  # the middle of the assumed 65-78% raw pass mark


@dataclass(frozen=True)
class Figure:
    """One per-domain figure with an 80% interval (Wilson) and the answers behind it."""

    estimate: float
    low: float
    high: float
    n: int


def wilson(right: float, n: float) -> Figure:
    if n <= 0:
        return Figure(0.5, 0.0, 1.0, 0)
    p = right / n
    centre = (p + Z80 ** 2 / (2 * n)) / (1 + Z80 ** 2 / n)
    half = Z80 * math.sqrt(p * (1 - p) / n + Z80 ** 2 / (4 * n * n)) / (1 + Z80 ** 2 / n)
    return Figure(p, max(0.0, centre - half), min(1.0, centre + half), int(n))


def baselines(deck: Deck, history: History) -> dict[str, dict[str, Figure]]:
    """Per baseline name, per domain: share right in the last 30 days, the learner's overall share right,
    first-try accuracy. A domain without answers of its own falls back to the learner's overall share."""
    domain_of = [q.domain for q in deck.questions]
    recent: dict[str, list[int]] = {d.id: [0, 0] for d in deck.domains}
    first: dict[str, list[int]] = {d.id: [0, 0] for d in deck.domains}
    total = [0, 0]
    since = history.exam_at - RECENT
    for i, answers in enumerate(history.answers):
        d = domain_of[i]
        for k, a in enumerate(answers):
            total[0] += a.correct
            total[1] += 1
            if a.at >= since:
                recent[d][0] += a.correct
                recent[d][1] += 1
            if k == 0:
                first[d][0] += a.correct
                first[d][1] += 1
    overall = wilson(*total)

    def per_domain(counts: dict[str, list[int]]) -> dict[str, Figure]:
        return {d: wilson(*c) if c[1] else overall for d, c in counts.items()}

    return {"recent": per_domain(recent), "overall": {d.id: overall for d in deck.domains},
            "first-try": per_domain(first)}


def p_pass(deck: Deck, figures: dict[str, Figure], scored: int) -> float:
    """Normal approximation around the weight-sum of the figures: their sampling error plus the exam's draw."""
    total = sum(d.weight for d in deck.domains)
    raw = sum(d.weight / total * figures[d.id].estimate for d in deck.domains)
    n = sum({id(f): f.n for f in figures.values()}.values()) or 1  # "overall" is one figure for all
    var = raw * (1 - raw) / n + raw * (1 - raw) / scored
    return 1 - NormalDist(raw, max(math.sqrt(var), 1e-6)).cdf(PASS_RAW)
