"""Draw a mock exam: questions per domain in proportion to the domain weights."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime


def allocate(size: int, weights: Mapping[str, float], available: Mapping[str, int]) -> dict[str, int]:
    """Split `size` questions over domains by weight (largest remainder), never more than a domain has."""
    size = min(size, sum(available.values()))
    total = sum(w for d, w in weights.items() if available.get(d, 0) > 0) or 1.0
    quotas = {d: size * w / total for d, w in weights.items() if available.get(d, 0) > 0}
    counts = {d: min(int(q), available[d]) for d, q in quotas.items()}
    while sum(counts.values()) < size:
        # Give the next question to the domain furthest below its quota that still has questions.
        open_domains = [d for d in quotas if counts[d] < available[d]]
        if not open_domains:
            break
        best = max(open_domains, key=lambda d: (quotas[d] - counts[d], weights[d]))
        counts[best] += 1
    return counts


def draw(
    size: int, pools: Mapping[str, Sequence[int]], weights: Mapping[str, float], rng: random.Random,
    fresh: set[int] | None = None, last_seen: Mapping[int, datetime] | None = None,
) -> list[int]:
    """Pick `size` items from per-domain pools by weight, in shuffled order: `fresh` ones first, then
    the least recently seen (by `last_seen`; items missing from it count as seen longest ago)."""
    counts = allocate(size, weights, {d: len(p) for d, p in pools.items()})
    picked: list[int] = []
    seen = last_seen or {}
    for domain, n in counts.items():
        pool = list(pools[domain])
        rng.shuffle(pool)
        if fresh is not None:
            pool.sort(key=lambda item: item not in fresh)  # stable: fresh first, still shuffled
        if seen:
            pool.sort(key=lambda item: (fresh is None or item not in fresh,
                                        seen[item].timestamp() if item in seen else float("-inf")))
        picked += pool[:n]
    rng.shuffle(picked)
    return picked
