"""Item-response learners: correlated ability per domain, difficulty per question, memory from a forgetting model.

Written apart from certdrill's readiness model on purpose: a learner answers a deck question right with
P = guess + (1 - guess) * sigmoid(ability - difficulty + gain * recall), where recall comes from an
exponential or ACT-R memory (not FSRS). The exam the learner sits covers the deck only in part and its
items are shifted in difficulty; none of this is visible to certdrill."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from statistics import NormalDist

from benchmarks.simulation.forgetting import ForgettingFamily, Memory
from certdrill.core.model import Choice, Deck, Domain, ExamInfo, PassMark, Question, Task
from certdrill.core.readiness import guess_rate

# Shaped like AWS MLS-C01: four domains, their weights and task counts, 200 questions.
DOMAINS = (("data-engineering", 20, 3, 40), ("eda", 24, 3, 48), ("modeling", 36, 5, 72), ("operations", 20, 4, 40))
SCORED = 50
QUADRATURE = tuple(NormalDist().inv_cdf((i + 0.5) / 24) for i in range(24))
"""Equal-weight normal quantiles: E[f(x + sd * Z)] as a plain mean over these points."""


def make_deck(*, flashcards: float = 0.0) -> Deck:
    """A synthetic exam deck: 80% single answer of four, 20% two of five; `flashcards` of it self-rated cards."""
    domains, questions = [], []
    for n, (domain_id, weight, tasks, count) in enumerate(DOMAINS, 1):
        domains.append(Domain(domain_id, domain_id.title(), weight,
                              tuple(Task(f"{n}.{t}", f"task {n}.{t}") for t in range(1, tasks + 1))))
        cards = round(count * flashcards)
        for i in range(count):
            task = f"{n}.{i % tasks + 1}"
            qid = f"{domain_id}-{i}"
            if i % 10 < round(10 * flashcards) and cards > 0:
                cards -= 1
                questions.append(Question(qid, domain_id, "flashcard", "?", task, answer="!"))
            elif i % 5 == 4:
                choices = tuple(Choice(str(c), c < 2) for c in range(5))
                questions.append(Question(qid, domain_id, "multiple", "?", task, choices, pick=2))
            else:
                choices = tuple(Choice(str(c), c == 0) for c in range(4))
                questions.append(Question(qid, domain_id, "single", "?", task, choices))
    exam = ExamInfo("SIM-C01", questions=65, scored=SCORED, minutes=180,
                    pass_mark=PassMark(scaled=750, min=100, max=1000))
    return Deck("sim", "Simulated exam", "1", tuple(domains), tuple(questions), exam=exam)


EXAM_GUESS = (0.8 * 0.25 + 0.2 * 0.1)  # the exam's own mix of single and multiple response


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -50 else 0.0


@dataclass(frozen=True)
class ExamWorld:
    """The real exam for one learner: how much of each domain the deck teaches and how hard its items are."""

    coverage: dict[str, float]  # share of the domain's exam material taught by some deck question
    shift: dict[str, float]  # logits: exam items minus deck items (positive: the exam is harder)
    item_sd: float  # spread of an exam item's difficulty around the deck question it mirrors
    pass_raw: float  # raw share that passes (the unpublished scaled-score conversion)

    @classmethod
    def draw(cls, rng: random.Random, deck: Deck, *, coverage: tuple[float, float] = (0.5, 1.0),
             shift: tuple[float, float] = (-0.5, 0.8)) -> ExamWorld:
        base_c, base_s = rng.uniform(*coverage), rng.uniform(*shift)
        return cls(
            {d.id: min(coverage[1], max(coverage[0], base_c + rng.gauss(0, 0.1))) for d in deck.domains},
            {d.id: min(shift[1], max(shift[0], base_s + rng.gauss(0, 0.15))) for d in deck.domains},
            0.5, rng.uniform(0.65, 0.78),
        )


@dataclass(frozen=True)
class LearnerFamily:
    """How learners of one kind are drawn (ability, memory, honesty of self-ratings)."""

    forgetting: ForgettingFamily
    mean_ability: float = -0.2  # logits, learner level
    learner_sd: float = 0.8
    domain_sd: float = 0.6  # domain abilities around the learner's level: correlation ~ 0.64
    gain: tuple[float, float] = (2.0, 4.0)  # logits a perfectly remembered question adds
    overconfidence: tuple[float, float] = (1.0, 2.5)  # logits a self-rated flashcard adds


@dataclass
class QuestionTruth:
    question: Question
    domain: str
    guess: float
    difficulty: float
    memory: Memory


@dataclass
class Learner:
    """One simulated learner's true state: abilities, question difficulties and memories, and the exam."""

    rng: random.Random
    deck: Deck
    ability: dict[str, float]
    gain: float
    overconfidence: float
    items: list[QuestionTruth]
    exam: ExamWorld
    by_domain: dict[str, list[int]] = field(default_factory=dict)
    draws: list[random.Random] | None = None  # one stream per question, when paired (see own_draws)

    @classmethod
    def create(cls, rng: random.Random, deck: Deck, family: LearnerFamily, exam: ExamWorld) -> Learner:
        # Multivariate normal with a one-factor correlation: shared learner level plus a domain part.
        level = rng.gauss(family.mean_ability, family.learner_sd)
        ability = {d.id: level + rng.gauss(0, family.domain_sd) for d in deck.domains}
        params = family.forgetting.learner(rng)
        tasks: dict[tuple[str, str], list[float]] = {}  # study times per task, for memories that interfere
        items = [QuestionTruth(q, q.domain, guess_rate(q), rng.gauss(0, 1),
                               family.forgetting.memory(params, tasks.setdefault((q.domain, q.task or ""), [])))
                 for q in deck.questions]
        by_domain: dict[str, list[int]] = {}
        for i, it in enumerate(items):
            by_domain.setdefault(it.domain, []).append(i)
        return cls(rng, deck, ability, rng.uniform(*family.gain), rng.uniform(*family.overconfidence), items, exam,
                   by_domain)

    def logit(self, i: int, t: float) -> float:
        it = self.items[i]
        return self.ability[it.domain] - it.difficulty + self.gain * it.memory.recall(t)

    def p_right(self, i: int, t: float) -> float:
        """True P(a right answer) to deck question i at time t (days); flashcards: P(rated above Again)."""
        it = self.items[i]
        if it.question.kind == "flashcard":
            return sigmoid(self.logit(i, t) + self.overconfidence)
        return it.guess + (1 - it.guess) * sigmoid(self.logit(i, t))

    def own_draws(self, seed: int) -> None:
        """Draw each question's answers from a stream of its own, so that two runs of this learner under
        different schedules answer alike whenever their memories are alike (common random numbers). The
        readiness study keeps the single stream its figures were published with."""
        self.draws = [random.Random(seed * 1_000 + i) for i in range(len(self.items))]

    def answer(self, i: int, t: float) -> bool:
        """Answer deck question i at time t; seeing the answer afterwards is a study event for its memory."""
        right = (self.draws[i] if self.draws else self.rng).random() < self.p_right(i, t)
        self.items[i].memory.study(t, right)
        return right

    def true_rate(self, domain: str, t: float, *, coverage: float | None = None, shift: float | None = None) -> float:
        """True P(right) on a new exam question of the domain at time t, computed, not sampled: with the
        exam's coverage it tests the material of a random deck question (remembered as it is at t), else
        material the deck never taught; the item is shifted in difficulty by the exam's shift."""
        shift = self.exam.shift[domain] if shift is None else shift
        sd = self.exam.item_sd
        theta = self.ability[domain]
        covered = 0.0
        for i in self.by_domain[domain]:
            it = self.items[i]
            g = it.guess if it.question.kind != "flashcard" else EXAM_GUESS
            x = theta - it.difficulty - shift + self.gain * it.memory.recall(t)
            covered += g + (1 - g) * sum(sigmoid(x + sd * z) for z in QUADRATURE) / len(QUADRATURE)
        covered /= len(self.by_domain[domain])
        spread = math.sqrt(1 + sd * sd)  # deck difficulty N(0, 1) plus the item's own spread
        fresh = sum(sigmoid(theta - shift + spread * z) for z in QUADRATURE) / len(QUADRATURE)
        uncovered = EXAM_GUESS + (1 - EXAM_GUESS) * fresh
        c = self.exam.coverage[domain] if coverage is None else coverage
        return c * covered + (1 - c) * uncovered

    def oracle_rate(self, domain: str, t: float) -> float:
        """The best any estimator could do without seeing the exam: the learner's true state, the exam's
        coverage and shift averaged over their ranges (a floor for the RMSE, not a baseline)."""
        shifts = [-0.5 + 1.3 * (i + 0.5) / 7 for i in range(7)]
        return sum(self.true_rate(domain, t, coverage=0.75, shift=s) for s in shifts) / len(shifts)

    def sit_exam(self, rates: dict[str, float]) -> tuple[float, bool]:
        """A sampled exam: `SCORED` questions split by domain weight, each right with the true rate."""
        total = sum(d.weight for d in self.deck.domains)
        right = asked = 0
        for d in self.deck.domains:
            n = round(SCORED * d.weight / total)
            asked += n
            right += sum(self.rng.random() < rates[d.id] for _ in range(n))
        raw = right / asked
        return raw, raw >= self.exam.pass_raw
