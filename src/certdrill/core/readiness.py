"""Exam readiness per domain: the chance of answering a new question right on exam day, with its evidence."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import fsrs

from certdrill.core import scheduling
from certdrill.core.beta import beta_quantile
from certdrill.core.model import Deck, Question
from certdrill.core.scheduling import CardState

PRIOR_WEIGHT = 2.0
"""Pseudo-answers at the guess rate: with no evidence a domain is worth a guess, and says so."""
EVIDENCE_CAP = 30.0
"""Most answers the model's own estimate counts as: it rests on assumptions (the deck mirrors the exam,
the memory model fits) that no number of practice answers can prove. Set by benchmarks/simulation."""
MOCK_WEIGHT = 20.0
"""Mock-exam answers the model's estimate is worth: a mock exam of 20 questions in a domain weighs as
much as everything else, because timed unseen questions are the most direct evidence there is."""
MOCK_HALF_LIFE_DAYS = 30.0
MIN_EVIDENCE = 10
"""First tries plus mock-exam answers below which a domain is flagged as too little evidence."""
CALIBRATION_WEIGHT = 10.0
DECK_COVERAGE = 0.9
"""Share of the exam's material assumed to be taught by the deck's questions: exam questions are never
copies of practice questions, so some of what they test is met only with prior knowledge."""
INTERVAL = (0.1, 0.9)  # an 80% interval


def guess_rate(question: Question) -> float:
    """The chance that a blind guess is right: 1/choices, 1/C(n, k) for multiple response, 0 for flashcards."""
    if question.kind == "single" and question.choices:
        return 1.0 / len(question.choices)
    if question.kind == "multiple" and question.choices:
        return 1.0 / math.comb(len(question.choices), question.pick or len(question.correct_indices) or 1)
    return 0.0


@dataclass(frozen=True, slots=True)
class QuestionEvidence:
    """What is known about one question of the deck: its card and how the first try went."""

    domain: str
    task: str | None
    guess: float
    card: CardState = field(default_factory=CardState)
    first_correct: bool | None = None  # None: never answered (or a flashcard never rated)
    due: bool = False  # due for review now

    @property
    def seen(self) -> bool:
        return self.card.state != scheduling.NEW or self.first_correct is not None


@dataclass(frozen=True, slots=True)
class ReviewAnswer:
    """A recent answer to a studied question, with the recall the memory model predicted for it."""

    domain: str
    correct: bool
    predicted: float  # P(correct) expected from the memory model and the guess rate


@dataclass(frozen=True, slots=True)
class MockAnswer:
    """An answer in a timed mock exam (an unseen question, the strongest evidence)."""

    domain: str
    correct: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class TaskReadiness:
    id: str
    name: str
    estimate: float
    seen: int
    questions: int


@dataclass(frozen=True, slots=True)
class DomainReadiness:
    """P(a new question of the domain is answered right on exam day), an 80% interval, and why."""

    id: str
    name: str
    weight: float  # share of the exam, 0-1 (weights normalised)
    estimate: float
    low: float
    high: float
    questions: int
    seen: int
    due: int
    first_tries: int
    first_try_correct: int
    recent_accuracy: float | None
    recall_at_exam: float | None  # mean predicted retrievability of studied questions on exam day
    tasks_covered: int
    tasks_total: int
    guess_rate: float
    mock_answers: int
    mock_correct: int
    too_little_evidence: bool
    weakest_tasks: tuple[TaskReadiness, ...] = ()

    @property
    def unseen(self) -> int:
        return self.questions - self.seen

    @property
    def first_try_accuracy(self) -> float | None:
        return self.first_try_correct / self.first_tries if self.first_tries else None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "weight": round(self.weight, 4),
            "estimate": round(self.estimate, 4), "interval": [round(self.low, 4), round(self.high, 4)],
            "too_little_evidence": self.too_little_evidence,
            "evidence": {
                "questions": self.questions, "seen": self.seen, "unseen": self.unseen, "due": self.due,
                "first_tries": self.first_tries, "first_try_correct": self.first_try_correct,
                "first_try_accuracy": _round(self.first_try_accuracy), "recent_accuracy": _round(self.recent_accuracy),
                "recall_at_exam": _round(self.recall_at_exam),
                "tasks_covered": self.tasks_covered, "tasks_total": self.tasks_total,
                "guess_rate": round(self.guess_rate, 4),
                "mock_answers": self.mock_answers, "mock_correct": self.mock_correct,
            },
            "weakest_tasks": [
                {"id": t.id, "name": t.name, "estimate": round(t.estimate, 4), "seen": t.seen, "questions": t.questions}
                for t in self.weakest_tasks
            ],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(frozen=True, slots=True)
class MemoryFit:
    """How far recent answers to studied questions bear out the memory model (1.0 = exactly)."""

    factor: float = 1.0
    answers: int = 0


def memory_fit(reviews: Sequence[ReviewAnswer]) -> MemoryFit:
    """Observed over predicted accuracy on studied questions, shrunk towards 1 when answers are few."""
    if not reviews:
        return MemoryFit()
    predicted = sum(r.predicted for r in reviews)
    mean = predicted / len(reviews)
    observed = sum(r.correct for r in reviews)
    factor = (observed + CALIBRATION_WEIGHT * mean) / (predicted + CALIBRATION_WEIGHT * mean)
    return MemoryFit(min(1.2, max(0.5, factor)), len(reviews))


@dataclass(frozen=True, slots=True)
class DomainEvidence:
    """Everything the model uses for one domain (kept apart so that actions can edit a copy)."""

    questions: tuple[QuestionEvidence, ...]
    recall: tuple[float, ...]  # per question: predicted retrievability on exam day, 0 for unseen
    reviews: tuple[ReviewAnswer, ...] = ()
    mock: tuple[MockAnswer, ...] = ()
    fit: MemoryFit = field(default_factory=MemoryFit)


def prior_knowledge(questions: Sequence[QuestionEvidence]) -> float:
    """How much of the domain's unstudied material the learner already knows, from first tries.

    First tries are answers to questions never seen before, so they measure what the learner brings to
    a new question; a few pseudo-answers at the guess rate keep a handful of lucky guesses modest."""
    tried = [q for q in questions if q.first_correct is not None]
    guess = sum(q.guess for q in questions) / len(questions) if questions else 0.25
    correct = sum(bool(q.first_correct) for q in tried)
    accuracy = (correct + PRIOR_WEIGHT * guess) / (len(tried) + PRIOR_WEIGHT)
    return max(0.0, min(1.0, (accuracy - guess) / (1.0 - guess))) if guess < 1 else 0.0


def known(evidence: DomainEvidence) -> list[float]:
    """Per question: P(the learner knows what it tests on exam day). Unseen questions count only
    with the prior knowledge, never as learnt."""
    k0 = prior_knowledge(evidence.questions)
    out = []
    for q, recall in zip(evidence.questions, evidence.recall, strict=True):
        if q.seen:
            r = min(1.0, recall * evidence.fit.factor)
            out.append(1.0 - (1.0 - r) * (1.0 - k0))
        else:
            out.append(k0)
    return out


def model_estimate(evidence: DomainEvidence) -> float:
    """P(right) on a new question: it tests the material of a random question of the domain."""
    qs = evidence.questions
    if not qs:
        return 0.25  # a domain without questions: a four-option guess
    k0 = prior_knowledge(qs)
    return sum(q.guess + (1 - q.guess) * (DECK_COVERAGE * k + (1 - DECK_COVERAGE) * k0)
               for q, k in zip(qs, known(evidence), strict=True)) / len(qs)


def _mock_counts(mock: Sequence[MockAnswer], at: datetime) -> tuple[float, float]:
    weight = right = 0.0
    for answer in mock:
        age = max(0.0, (at - answer.at).total_seconds() / 86400)
        w = 0.5 ** (age / MOCK_HALF_LIFE_DAYS)
        weight += w
        right += w * answer.correct
    return weight, right


def estimate_domain(evidence: DomainEvidence, *, at: datetime) -> tuple[float, float, float]:
    """Mean and 80% interval of P(right on a new question), as a Beta distribution.

    The mean blends the model with mock-exam answers (fixed model weight, so more right answers never
    lower it); the spread reflects how much evidence there is, capped by what the model can prove."""
    model = model_estimate(evidence)
    tries = sum(q.first_correct is not None for q in evidence.questions)
    mock_weight, mock_right = _mock_counts(evidence.mock, at)
    mean = (model * MOCK_WEIGHT + mock_right) / (MOCK_WEIGHT + mock_weight)
    concentration = PRIOR_WEIGHT + min(tries + 0.5 * len(evidence.reviews), EVIDENCE_CAP) + mock_weight
    mean = min(max(mean, 1e-6), 1 - 1e-6)
    a, b = mean * concentration, (1 - mean) * concentration
    return mean, beta_quantile(INTERVAL[0], a, b), beta_quantile(INTERVAL[1], a, b)


def recall_at(card: CardState, at: datetime, scheduler: fsrs.Scheduler) -> float:
    """Predicted retrievability of a studied card at `at` (the exam), by the fsrs package."""
    if card.state == scheduling.NEW:
        return 0.0
    if card.last_review is not None and at < card.last_review:
        return 1.0
    return scheduling.retrievability(card, at, scheduler)


def domain_evidence(
    questions: Sequence[QuestionEvidence], *, reviews: Sequence[ReviewAnswer] = (), mock: Sequence[MockAnswer] = (),
    exam_at: datetime, scheduler: fsrs.Scheduler, fit: MemoryFit | None = None,
) -> DomainEvidence:
    return DomainEvidence(
        tuple(questions), tuple(recall_at(q.card, exam_at, scheduler) for q in questions),
        tuple(reviews), tuple(mock), fit or memory_fit(reviews),
    )


def assess_domain(
    deck: Deck, domain_id: str, evidence: DomainEvidence, *, now: datetime, weight: float
) -> DomainReadiness:
    domain = deck.domain(domain_id)
    if domain is None:
        raise ValueError(f"deck {deck.id} has no domain {domain_id}")
    qs = evidence.questions
    estimate, low, high = estimate_domain(evidence, at=now)
    studied = [r for q, r in zip(qs, evidence.recall, strict=True) if q.seen]
    tried = [q for q in qs if q.first_correct is not None]
    mock_right = sum(m.correct for m in evidence.mock)
    task_ids = [t.id for t in domain.tasks] or sorted({q.task for q in qs if q.task})
    covered = {q.task for q in qs if q.seen and q.task}
    return DomainReadiness(
        id=domain.id, name=domain.name, weight=weight, estimate=estimate, low=low, high=high,
        questions=len(qs), seen=sum(q.seen for q in qs), due=sum(q.due for q in qs),
        first_tries=len(tried), first_try_correct=sum(bool(q.first_correct) for q in tried),
        recent_accuracy=(sum(r.correct for r in evidence.reviews) / len(evidence.reviews)) if evidence.reviews else None,
        recall_at_exam=(sum(studied) / len(studied)) if studied else None,
        tasks_covered=sum(t in covered for t in task_ids), tasks_total=len(task_ids),
        guess_rate=(sum(q.guess for q in qs) / len(qs)) if qs else 0.25,
        mock_answers=len(evidence.mock), mock_correct=mock_right,
        too_little_evidence=len(tried) + len(evidence.mock) < MIN_EVIDENCE,
        weakest_tasks=_weakest_tasks(deck, domain_id, evidence),
    )


def _weakest_tasks(deck: Deck, domain_id: str, evidence: DomainEvidence, count: int = 2) -> tuple[TaskReadiness, ...]:
    domain = deck.domain(domain_id)
    names = {t.id: t.name for t in domain.tasks} if domain else {}
    by_task: dict[str, list[tuple[QuestionEvidence, float]]] = {}
    for q, k in zip(evidence.questions, known(evidence), strict=True):
        if q.task:
            by_task.setdefault(q.task, []).append((q, q.guess + (1 - q.guess) * k))
    tasks = [
        TaskReadiness(task, names.get(task, task), sum(p for _, p in items) / len(items),
                      sum(q.seen for q, _ in items), len(items))
        for task, items in by_task.items()
    ]
    return tuple(sorted(tasks, key=lambda t: (t.estimate, t.id))[:count])


def with_recall(evidence: DomainEvidence, changes: dict[int, float]) -> DomainEvidence:
    """A copy of the evidence where question i is studied with exam-day recall `changes[i]`."""
    questions = list(evidence.questions)
    recall = list(evidence.recall)
    for i, r in changes.items():
        q = questions[i]
        if not q.seen:
            questions[i] = replace(q, card=replace(q.card, state=scheduling.LEARNING))
        recall[i] = r
    return replace(evidence, questions=tuple(questions), recall=tuple(recall))
