"""Simulated learners: true memory follows FSRS with their own parameters, true ability per domain is known."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime

import fsrs
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from certdrill.core import scheduling
from certdrill.core.model import Choice, Deck, Domain, ExamInfo, PassMark, Question, Task
from certdrill.core.readiness import QuestionEvidence, ReviewAnswer, guess_rate
from certdrill.core.scheduling import CardState

# Shaped like AWS MLS-C01: four domains, their weights and task counts, 200 questions.
DOMAINS = (("data-engineering", 20, 3, 40), ("eda", 24, 3, 48), ("modeling", 36, 5, 72), ("operations", 20, 4, 40))


def make_deck() -> Deck:
    """A synthetic exam deck: 80% single answer of four, 20% two of five."""
    domains, questions = [], []
    for n, (domain_id, weight, tasks, count) in enumerate(DOMAINS, 1):
        domains.append(Domain(domain_id, domain_id.title(), weight, tuple(Task(f"{n}.{t}", f"task {n}.{t}") for t in range(1, tasks + 1))))
        for i in range(count):
            task = f"{n}.{i % tasks + 1}"
            if i % 5 == 4:
                choices = tuple(Choice(str(c), c < 2) for c in range(5))
                questions.append(Question(f"{domain_id}-{i}", domain_id, "multiple", "?", task, choices, pick=2))
            else:
                choices = tuple(Choice(str(c), c == 0) for c in range(4))
                questions.append(Question(f"{domain_id}-{i}", domain_id, "single", "?", task, choices))
    exam = ExamInfo("SIM-C01", questions=65, scored=50, minutes=180, pass_mark=PassMark(scaled=750, min=100, max=1000))
    return Deck("sim", "Simulated exam", "1", tuple(domains), tuple(questions), exam=exam)


def perturbed_parameters(rng: random.Random) -> tuple[float, ...]:
    """The default FSRS parameters, each scaled by a random factor (initial stabilities the most)."""
    out = []
    for i, (w, lo, hi) in enumerate(zip(DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)):
        spread = 0.35 if i < 4 else 0.12
        out.append(min(hi, max(lo, w * math.exp(rng.gauss(0, spread)))))
    return tuple(out)


@dataclass
class Card:
    question: Question
    guess: float
    model: CardState = field(default_factory=CardState)  # what certdrill knows (default parameters)
    true: CardState = field(default_factory=CardState)  # what the learner's memory really is
    first_correct: bool | None = None


@dataclass
class Learner:
    """One simulated learner studying one deck."""

    rng: random.Random
    deck: Deck
    true_scheduler: fsrs.Scheduler
    prior: dict[str, float]  # P(knowing the material of an unstudied question), per domain
    exam_shift: dict[str, float]  # logit shift: how much harder (-) or easier (+) exam questions are
    exam_coverage: dict[str, float]  # share of the exam's material that the deck's questions teach
    cards: list[Card]
    reviews: list[tuple[datetime, ReviewAnswer]] = field(default_factory=list)

    @classmethod
    def create(cls, seed: int, deck: Deck) -> Learner:
        rng = random.Random(seed)
        true = fsrs.Scheduler(parameters=perturbed_parameters(rng), enable_fuzzing=False)
        prior = {d.id: rng.betavariate(1.5, 4.0) for d in deck.domains}
        shift = {d.id: rng.gauss(0, 0.25) for d in deck.domains}
        coverage = {d.id: rng.uniform(0.75, 1.0) for d in deck.domains}
        cards = [Card(q, guess_rate(q)) for q in deck.questions]
        return cls(rng, deck, true, prior, shift, coverage, cards)

    def knows(self, card: Card, at: datetime) -> float:
        """P(the learner knows what the question tests at `at`): its memory, or prior knowledge."""
        k0 = self.prior[card.question.domain]
        if card.true.state == scheduling.NEW:
            return k0
        r = scheduling.retrievability(card.true, at, self.true_scheduler)
        return 1 - (1 - r) * (1 - k0)

    def answer(self, card: Card, at: datetime, model_scheduler: fsrs.Scheduler) -> bool:
        """Answer the card at `at` (correct: Good, wrong: Again) and update both memory states."""
        p = card.guess + (1 - card.guess) * self.knows(card, at)
        correct = self.rng.random() < p
        rating = 3 if correct else 1
        if card.model.state == scheduling.NEW:
            card.first_correct = correct
        elif card.model.state == scheduling.REVIEW:
            r = scheduling.retrievability(card.model, at, model_scheduler)
            self.reviews.append((at, ReviewAnswer(card.question.domain, correct, card.guess + (1 - card.guess) * r)))
        card.model = scheduling.review(card.model, rating, at, model_scheduler)
        card.true = scheduling.review(card.true, rating, at, self.true_scheduler)
        return correct

    def true_domain_rate(self, domain: str, at: datetime) -> float:
        """True P(right) on a new exam question of the domain at `at`: it tests the material of a random
        deck question when the deck covers it (75-100% of the exam's material, by learner), else only
        prior knowledge; then the exam's own difficulty shift. Neither is known to the model."""
        cards = [c for c in self.cards if c.question.domain == domain]
        studied = sum(self.knows(c, at) for c in cards) / len(cards)
        k0 = self.prior[domain]
        covered = self.exam_coverage[domain]
        known = min(max(covered * studied + (1 - covered) * k0, 1e-9), 1 - 1e-9)
        known = 1 / (1 + math.exp(-(math.log(known / (1 - known)) + self.exam_shift[domain])))
        guess = sum(c.guess for c in cards) / len(cards)
        return guess + (1 - guess) * known

    def true_recall(self, card: Card, at: datetime) -> float:
        if card.true.state == scheduling.NEW:
            return 0.0
        return scheduling.retrievability(card.true, at, self.true_scheduler)

    def evidence(self, at: datetime) -> tuple[list[QuestionEvidence], list[ReviewAnswer]]:
        """What certdrill would gather from its database at `at`."""
        questions = [
            QuestionEvidence(c.question.domain, c.question.task, c.guess, c.model, c.first_correct,
                             c.model.state != scheduling.NEW and c.model.due is not None and c.model.due <= at)
            for c in self.cards
        ]
        recent = [r for t, r in self.reviews if (at - t).days < 30]
        return questions, recent
