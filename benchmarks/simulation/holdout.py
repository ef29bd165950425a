"""A hold-out learner family: written after the readiness model's constants were tuned, never used to tune
them, and run once on the published seed. It breaks assumptions every other family shares with the model:

- **Learning transfers.** Each new question of a domain the learner studies raises their ability in the
  whole domain, deck and exam items alike (up to 0.3-1.2 logits, half of it after 20-60 questions), so
  early first tries understate the learner on exam day.
- **Items discriminate differently** (two-parameter IRT: a slope per question, log-normal around 1).
- **Learners slip**: 0-8% of what they know comes out wrong, on the deck and on the exam.
- **Memory** is the power-law family (the learner's own decay) or interference between questions of a task,
  neither of which the readiness matrix's other scenarios use.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from benchmarks.simulation.learners import EXAM_GUESS, QUADRATURE, ExamWorld, Learner, LearnerFamily, sigmoid
from certdrill.core.model import Deck


@dataclass
class TransferLearner(Learner):
    """A learner whose domain ability grows with the questions studied, on 2PL items, who slips."""

    slope: list[float] = field(default_factory=list)  # discrimination per deck question
    slip: float = 0.0
    transfer: float = 0.0  # logits of domain ability gained from studying the whole domain
    half: float = 40.0  # questions of a domain studied for half of that gain
    studied: dict[str, int] = field(default_factory=dict)  # distinct questions studied per domain
    seen: set[int] = field(default_factory=set)

    @classmethod
    def create(cls, rng: random.Random, deck: Deck, family: LearnerFamily, exam: ExamWorld) -> Learner:
        base = Learner.create(rng, deck, family, exam)
        return cls(**base.__dict__, slope=[math.exp(rng.gauss(0.0, 0.35)) for _ in base.items],
                   slip=rng.uniform(0.0, 0.08), transfer=rng.uniform(0.3, 1.2), half=rng.uniform(20.0, 60.0))

    def theta(self, domain: str) -> float:
        """The domain ability now: the learner's own plus what studying the domain has taught."""
        return self.ability[domain] + self.transfer * (1.0 - 0.5 ** (self.studied.get(domain, 0) / self.half))

    def logit(self, i: int, t: float) -> float:
        it = self.items[i]
        return self.slope[i] * (self.theta(it.domain) - it.difficulty) + self.gain * it.memory.recall(t)

    def p_right(self, i: int, t: float) -> float:
        it = self.items[i]
        if it.question.kind == "flashcard":
            return sigmoid(self.logit(i, t) + self.overconfidence)
        return it.guess + (1 - it.guess) * sigmoid(self.logit(i, t)) * (1 - self.slip)

    def answer(self, i: int, t: float) -> bool:
        right = super().answer(i, t)
        if i not in self.seen:  # what the explanation taught carries over to the rest of the domain
            self.seen.add(i)
            domain = self.items[i].domain
            self.studied[domain] = self.studied.get(domain, 0) + 1
        return right

    def true_rate(self, domain: str, t: float, *, coverage: float | None = None, shift: float | None = None) -> float:
        """As `Learner.true_rate`, with the domain ability grown by study, each covered item's own slope and
        the learner's slips; material the deck never taught is an item of slope 1."""
        shift = self.exam.shift[domain] if shift is None else shift
        sd = self.exam.item_sd
        theta = self.theta(domain)
        keep = 1 - self.slip
        covered = 0.0
        for i in self.by_domain[domain]:
            it = self.items[i]
            g = it.guess if it.question.kind != "flashcard" else EXAM_GUESS
            a = self.slope[i]
            x = a * (theta - it.difficulty - shift) + self.gain * it.memory.recall(t)
            covered += g + (1 - g) * keep * sum(sigmoid(x + a * sd * z) for z in QUADRATURE) / len(QUADRATURE)
        covered /= len(self.by_domain[domain])
        spread = math.sqrt(1 + sd * sd)
        fresh = sum(sigmoid(theta - shift + spread * z) for z in QUADRATURE) / len(QUADRATURE)
        uncovered = EXAM_GUESS + (1 - EXAM_GUESS) * keep * fresh
        c = self.exam.coverage[domain] if coverage is None else coverage
        return c * covered + (1 - c) * uncovered
