"""The readiness model's arithmetic: a hierarchical (partially pooled) IRT posterior and joint draws of exam day.

Per domain, the learner's prior knowledge (P(knowing the material of a question never studied)) has logit
a_d ~ Normal(mu, TAU^2), and the learner's level mu ~ Normal(MU_PRIOR, MU_SD^2): a domain with little
evidence starts from the learner's level in the other domains (partial pooling, empirical-Bayes style but
with mu integrated on a grid). First tries of multiple-choice questions and answers to unseen questions in
mock exams are answered right with P = guess + (1 - guess) * sigmoid(a_d); a self-rated flashcard is weak,
optimistic evidence (its likelihood counts FLASHCARD_WEIGHT of an answer, shifted by FLASHCARD_OPTIMISM).

A new exam question tests, with the deck's coverage c of the exam, the material of a random deck question
(known with its exam-day recall, or the prior knowledge), else material the deck never taught (prior
knowledge only); the exam's items are shifted by s logits. c and s are unknown: priors c ~ U(0.5, 1) per
deck (a little spread per domain) and s ~ U(-0.5, 0.8) per exam (likewise), integrated by drawing them.
One draw shares mu, c, s and the pass mark across domains, so the score's spread has the correlation of
domain errors that come from one learner and one exam. Plain Python: grids and a fixed-seed Monte Carlo
(the same evidence always gives the same figures)."""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

GRID = tuple(-6.0 + 0.2 * i for i in range(61))  # logit of prior knowledge
MU_GRID = tuple(-4.0 + 0.2 * i for i in range(41))
STEP = 0.2
MU_PRIOR, MU_SD = -0.5, 1.5
"""The learner's level before any answer: a broad prior, centred a little below even odds."""
TAU = 0.8
"""Spread of a learner's domains around the learner's level (logits), set on the development seeds."""
FLASHCARD_WEIGHT = 0.2
"""A self-rated flashcard counts as a fifth of an answered multiple-choice first try: the learner grades
it after seeing the answer, which says little about answering a new exam question."""
FLASHCARD_OPTIMISM = 1.0
"""Logits that self-ratings run above real knowledge (learners rate recognition as recall)."""
COVERAGE = (0.5, 1.0)
COVERAGE_SPREAD = 0.1
SHIFT = (-0.5, 0.8)
SHIFT_SPREAD = 0.15
DRAWS = 400
SEED = 13


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


@dataclass(frozen=True, slots=True)
class Tries:
    """First-try evidence of one domain: multiple-choice groups (guess, answers, right) and self-ratings."""

    answered: tuple[tuple[float, float, float], ...] = ()
    rated: float = 0.0
    rated_up: float = 0.0  # rated above Again

    @property
    def count(self) -> float:
        return sum(n for _, n, _ in self.answered) + FLASHCARD_WEIGHT * self.rated


def log_likelihood(tries: Tries) -> list[float]:
    """log P(evidence | a) on GRID."""
    out = []
    for a in GRID:
        k = sigmoid(a)
        total = 0.0
        for guess, n, right in tries.answered:
            p = min(max(guess + (1 - guess) * k, 1e-9), 1 - 1e-9)
            total += right * math.log(p) + (n - right) * math.log(1 - p)
        if tries.rated:
            q = min(max(sigmoid(a + FLASHCARD_OPTIMISM), 1e-9), 1 - 1e-9)
            total += FLASHCARD_WEIGHT * (tries.rated_up * math.log(q) + (tries.rated - tries.rated_up) * math.log(1 - q))
        out.append(total)
    return out


CALIBRATION_WEIGHT = 10.0
"""Pseudo-answers, behaving exactly as predicted, that pull the deck's memory factor towards 1."""
DOMAIN_FIT_WEIGHT = 20.0
"""Pseudo-answers pulling a domain's own memory factor towards the deck's."""
FIT_RANGE = (0.5, 1.2)


def memory_factors(k0: Sequence[float], domains: Sequence[DomainInput]) -> list[float]:
    """Per domain, the factor on FSRS's recall that makes the model's own prediction of the recent answers to
    studied questions, guess + (1 - guess) * (f r + (1 - f r) k0), match how many were right (method of
    moments; each answer's prior knowledge k0 counted, as the model counts it on exam day). The deck's factor
    is shrunk towards 1 by CALIBRATION_WEIGHT pseudo-answers, each domain's towards the deck's by
    DOMAIN_FIT_WEIGHT. The prediction is linear in f: base + f * memory."""
    parts = []
    for k, d in zip(k0, domains, strict=True):
        n, predicted, right = d.recent
        g = d.guess
        base = n * (g + (1 - g) * k)
        memory = max(0.0, (1 - k) * (predicted - n * g))
        parts.append((n, base, memory, right))
    n_all = sum(p[0] for p in parts)
    memory_all = sum(p[2] for p in parts)
    deck = 1.0
    if n_all and memory_all > 1e-9:
        lam = CALIBRATION_WEIGHT / n_all
        deck = (sum(p[3] - p[1] for p in parts) + lam * memory_all) / (memory_all * (1 + lam))
        deck = min(FIT_RANGE[1], max(FIT_RANGE[0], deck))
    out = []
    for n, base, memory, right in parts:
        if not n or memory <= 1e-9:
            out.append(deck)
            continue
        lam = DOMAIN_FIT_WEIGHT / n
        f = (right - base + lam * memory * deck) / (memory * (1 + lam))
        out.append(min(FIT_RANGE[1], max(FIT_RANGE[0], f)))
    return out


def _normal_weights(mu: float) -> list[float]:
    return [math.exp(-0.5 * ((a - mu) / TAU) ** 2) for a in GRID]


def _cdf(weights: Sequence[float]) -> list[float]:
    total = sum(weights) or 1.0
    out, acc = [], 0.0
    for w in weights:
        acc += w / total
        out.append(acc)
    out[-1] = 1.0
    return out


@dataclass(frozen=True, slots=True)
class Posterior:
    """P(mu | all domains) on MU_GRID and P(a_d | mu, domain d) on GRID, as cumulative tables for drawing."""

    mu_cdf: list[float]
    a_cdf: list[list[list[float]]]  # [domain][mu index] -> cdf over GRID

    def draw(self, u_mu: float, u_domains: Sequence[float], jitter: float) -> tuple[float, list[float]]:
        i = min(bisect.bisect_left(self.mu_cdf, u_mu), len(MU_GRID) - 1)
        mu = MU_GRID[i] + (jitter - 0.5) * STEP
        out = []
        for cdfs, u in zip(self.a_cdf, u_domains, strict=True):
            j = min(bisect.bisect_left(cdfs[i], u), len(GRID) - 1)
            out.append(GRID[j] + (jitter - 0.5) * STEP)
        return mu, out


def posterior(domains: Sequence[Tries]) -> Posterior:
    likelihoods = []
    for tries in domains:
        ll = log_likelihood(tries)
        top = max(ll)
        likelihoods.append([math.exp(v - top) for v in ll])
    log_mu = []
    conditional: list[list[list[float]]] = [[] for _ in domains]
    for mu in MU_GRID:
        prior = _normal_weights(mu)
        total = -0.5 * ((mu - MU_PRIOR) / MU_SD) ** 2
        for d, lik in enumerate(likelihoods):
            joint = [p * q for p, q in zip(prior, lik, strict=True)]
            total += math.log(max(sum(joint), 1e-300))
            conditional[d].append(_cdf(joint))
        log_mu.append(total)
    top = max(log_mu)
    return Posterior(_cdf([math.exp(v - top) for v in log_mu]), conditional)


@dataclass(frozen=True, slots=True)
class DomainInput:
    """What the draws need of one domain."""

    questions: int
    guess: float  # an exam question's guess rate in this domain
    unseen: int
    recall: tuple[tuple[float, int], ...]  # (exam-day recall, studied questions)
    recent: tuple[int, float, float] = (0, 0.0, 0.0)
    """Recent answers to studied questions: (answers, their summed P(right) by memory and guessing alone, right)."""


@dataclass(frozen=True, slots=True)
class Draws:
    """Joint draws of exam day: per draw, P(right) per domain and the raw pass mark."""

    domains: list[list[float]]  # [domain][draw]
    pass_raw: list[float]
    z: list[float] = field(default_factory=list)  # a standard normal per draw, for the exam's own luck
    prior: list[float] = field(default_factory=list)  # per domain: mean prior knowledge over the draws
    params: list[list[tuple[float, float, float, float]]] = field(default_factory=list)
    """[domain][draw]: (prior knowledge, memory factor, coverage, shift), to re-price a changed domain."""

    def domain_mean(self, i: int, domain: DomainInput, count: int | None = None) -> float:
        """Mean P(right) of domain i with its evidence replaced by `domain`, on the same draws."""
        params = self.params[i][:count] if count else self.params[i]
        return sum(_p_right(k0, f, domain, c, s) for k0, f, c, s in params) / len(params)


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    pos = q * (len(sorted_values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def summary(values: Sequence[float], low: float = 0.1, high: float = 0.9) -> tuple[float, float, float]:
    """Mean and the (low, high) quantiles of the draws."""
    ordered = sorted(values)
    return sum(values) / len(values), _quantile(ordered, low), _quantile(ordered, high)


def _p_right(k0: float, fit: float, d: DomainInput, c: float, s: float) -> float:
    """P(right) on a new exam question for one draw. sigmoid(logit(k) - s) is written k / (k + (1 - k) e^s):
    the same number without a log and an exp per recall bin."""
    g, es = d.guess, math.exp(s)
    fresh = g + (1 - g) * k0 / (k0 + (1 - k0) * es)
    if d.questions <= 0:
        return fresh
    covered = d.unseen * fresh
    for r, n in d.recall:
        rr = r * fit
        if rr > 1.0:
            rr = 1.0
        k = rr + (1 - rr) * k0
        covered += n * (g + (1 - g) * k / (k + (1 - k) * es))
    return c * covered / d.questions + (1 - c) * fresh


def draw(posterior_: Posterior, domains: Sequence[DomainInput], *, fit_sd: float,
         pass_raw: tuple[float, float], count: int = DRAWS) -> Draws:
    """`count` joint draws (fixed seed): learner level, domain knowledge, memory fit, coverage, shift, pass mark."""
    rng = random.Random(SEED)
    out: list[list[float]] = [[] for _ in domains]
    marks, zs = [], []
    prior = [0.0] * len(domains)
    params: list[list[tuple[float, float, float, float]]] = [[] for _ in domains]
    for _ in range(count):
        _, abilities = posterior_.draw(rng.random(), [rng.random() for _ in domains], rng.random())
        f = math.exp(rng.gauss(0, fit_sd))
        c0, s0 = rng.uniform(*COVERAGE), rng.uniform(*SHIFT)
        k0s = [sigmoid(a) for a in abilities]
        factors = memory_factors(k0s, domains)
        for i, (k0, d) in enumerate(zip(k0s, domains, strict=True)):
            c = min(COVERAGE[1], max(COVERAGE[0], c0 + rng.gauss(0, COVERAGE_SPREAD)))
            s = min(SHIFT[1], max(SHIFT[0], s0 + rng.gauss(0, SHIFT_SPREAD)))
            prior[i] += k0 / count
            params[i].append((k0, f * factors[i], c, s))
            out[i].append(_p_right(k0, f * factors[i], d, c, s))
        marks.append(rng.uniform(*pass_raw))
        zs.append(rng.gauss(0, 1))
    return Draws(out, marks, zs, prior, params)
