"""Exam readiness per domain: the chance of answering a new question right on exam day, with its evidence."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import fsrs

from certdrill.core import scheduling
from certdrill.core.model import Question
from certdrill.core.readiness_model import CALIBRATION_WEIGHT, Tries
from certdrill.core.scheduling import CardState

MIN_EVIDENCE = 10
"""First tries plus fresh mock-exam answers (a flashcard counts as a fifth) below which a domain is
flagged as too little evidence."""
INTERVAL = (0.1, 0.9)  # an 80% interval
MEANING = "chance of getting a new exam question of the domain right on exam day; 80% sure it lies in the interval"
"""What a domain's readiness figure means and how sure it is, in one line (CLI and dashboard show this)."""
TOO_LITTLE = "too little evidence: answer more questions or sit a mock exam before trusting a score"
EXAM_GUESS = 0.25
"""Guess rate of an exam question in a domain that has no multiple-choice question of its own."""
RECALL_BINS = 40
"""Exam-day recall is counted in this many equal bins per domain: the model needs its distribution only."""


def guess_rate(question: Question) -> float:
    """The chance that a blind guess is right: 1/choices, 1/C(n, k) for multiple response, 0 for flashcards."""
    return guess_for(question.kind, len(question.choices), question.pick or len(question.correct_indices) or 1)


def guess_for(kind: str, choices: int, pick: int) -> float:
    """`guess_rate` from a question's kind, number of choices and number to pick."""
    if kind == "single" and choices:
        return 1.0 / choices
    if kind == "multiple" and choices:
        return 1.0 / math.comb(choices, max(1, min(pick, choices)))
    return 0.0


@dataclass(frozen=True, slots=True)
class QuestionEvidence:
    """What is known about one question of the deck: its card and how the first try went."""

    domain: str
    task: str | None
    guess: float
    card: CardState = field(default_factory=CardState)
    first_correct: bool | None = None  # None: never answered (flashcards: rated above Again)
    due: bool = False  # due for review now
    self_rated: bool = False  # a flashcard: its first try is the learner's own rating, weak evidence

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
    """An answer in a timed mock exam. Fresh (the question was unseen: never answered, never on an earlier
    paper) it is a first try at a new question; reused, it is only a review of a known one."""

    domain: str
    correct: bool
    at: datetime
    fresh: bool = True


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
    mock_reused: int = 0  # mock answers to questions seen before (counted as reviews, not fresh evidence)

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
                "mock_reused": self.mock_reused,
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
    """How far recent answers to studied questions bear out the memory model (1.0 = exactly): memory and
    guessing alone, without prior knowledge. The draws use only its `sd` and fit their own factor with prior
    knowledge counted (`readiness_model.memory_factors`); the weakest-task estimates use `factor`."""

    factor: float = 1.0
    answers: int = 0
    sd: float = 0.15  # uncertainty of the factor (log scale)


def memory_fit(reviews: Sequence[ReviewAnswer]) -> MemoryFit:
    """Observed over predicted accuracy on studied questions, shrunk towards 1 when answers are few."""
    return memory_fit_counts(len(reviews), sum(r.predicted for r in reviews), sum(r.correct for r in reviews))


def memory_fit_counts(answers: int, predicted: float, observed: float) -> MemoryFit:
    if not answers:
        return MemoryFit()
    mean = predicted / answers
    prior = CALIBRATION_WEIGHT * mean
    factor = (observed + prior) / (predicted + prior)
    return MemoryFit(min(1.2, max(0.5, factor)), answers, 1.0 / math.sqrt(predicted + prior + 30.0))


@dataclass(frozen=True, slots=True)
class TaskTally:
    id: str
    questions: int
    seen: int
    recall: float  # sum of exam-day recall over its studied questions


@dataclass(frozen=True, slots=True)
class DomainTally:
    """Everything the model uses of one domain, counted: from the database in SQL, or from QuestionEvidence."""

    questions: int = 0
    seen: int = 0
    due: int = 0
    guess: float = EXAM_GUESS  # of an exam question: the mean over the domain's multiple-choice questions
    tries: Tries = field(default_factory=Tries)  # first tries and fresh mock answers
    first_tries: int = 0  # shown as evidence (answers of any kind)
    first_try_correct: int = 0
    recall: tuple[tuple[float, int], ...] = ()  # (exam-day recall, studied questions not due)
    due_recall: tuple[tuple[float, int], ...] = ()  # the same for studied questions due now
    recent: tuple[int, int] = (0, 0)  # recent review answers: (answers, right)
    recent_predicted: float = 0.0  # their summed P(right) by the memory model
    mock: tuple[int, int, int] = (0, 0, 0)  # mock answers: (answers, right, reused)
    tasks: tuple[TaskTally, ...] = ()
    tasks_total: int = 0

    @property
    def unseen(self) -> int:
        return self.questions - self.seen

    @property
    def evidence(self) -> float:
        return self.tries.count

    def all_recall(self) -> tuple[tuple[float, int], ...]:
        return self.recall + self.due_recall


def recall_bin(recall: float) -> float:
    """The middle of recall's bin (the model counts recall in RECALL_BINS bins)."""
    i = min(RECALL_BINS - 1, max(0, int(recall * RECALL_BINS)))
    return (i + 0.5) / RECALL_BINS


def histogram(values: Iterable[float]) -> tuple[tuple[float, int], ...]:
    counts: dict[float, int] = {}
    for v in values:
        b = recall_bin(v)
        counts[b] = counts.get(b, 0) + 1
    return tuple(sorted(counts.items()))


def group_tries(answers: Iterable[tuple[float, bool]]) -> tuple[tuple[float, float, float], ...]:
    """(guess, right) answers grouped as (guess, answers, right)."""
    groups: dict[float, list[float]] = {}
    for guess, right in answers:
        g = groups.setdefault(round(guess, 6), [0.0, 0.0])
        g[0] += 1
        g[1] += right
    return tuple((g, n, r) for g, (n, r) in sorted(groups.items()))


def mock_memory(answers: Iterable[tuple[datetime, bool]], scheduler: fsrs.Scheduler) -> CardState:
    """The memory state of a question met only on mock papers (mock papers never touch cards). Its explanation,
    shown when a paper is submitted, is a study event at the paper's time: the first is learning from scratch
    (Again, whatever the answer: what the learner knew before is counted once, as prior knowledge, by the same
    answer's first-try evidence), a later paper's answer is a review (Good when right, Again when wrong)."""
    card = CardState()
    for i, (at, right) in enumerate(sorted(answers)):
        card = scheduling.review(card, 3 if right and i else 1, at, scheduler)
    return card


def recall_at(card: CardState, at: datetime, scheduler: fsrs.Scheduler) -> float:
    """Predicted retrievability of a studied card at `at` (the exam), by the fsrs package."""
    if card.state == scheduling.NEW:
        return 0.0
    if card.last_review is not None and at < card.last_review:
        return 1.0
    return scheduling.retrievability(card, at, scheduler)


def tally_domain(
    questions: Sequence[QuestionEvidence], *, reviews: Sequence[ReviewAnswer] = (), mock: Sequence[MockAnswer] = (),
    exam_at: datetime, scheduler: fsrs.Scheduler, tasks_total: int = 0,
) -> DomainTally:
    """Count one domain's evidence (the per-question path; study/readiness.py counts in SQL)."""
    mc = [q.guess for q in questions if not q.self_rated and q.guess > 0]
    guess = sum(mc) / len(mc) if mc else EXAM_GUESS
    tried = [q for q in questions if q.first_correct is not None]
    answered = [(q.guess, bool(q.first_correct)) for q in tried if not q.self_rated]
    answered += [(guess, m.correct) for m in mock if m.fresh]
    rated = [q for q in tried if q.self_rated]
    recall: list[float] = []
    due_recall: list[float] = []
    by_task: dict[str, list[float]] = {}
    for q in questions:
        task = by_task.setdefault(q.task, [0, 0, 0.0]) if q.task else None
        if task is not None:
            task[0] += 1
        if not q.seen:
            continue
        r = recall_at(q.card, exam_at, scheduler)
        (due_recall if q.due else recall).append(r)
        if task is not None:
            task[1] += 1
            task[2] += r
    return DomainTally(
        questions=len(questions), seen=sum(q.seen for q in questions), due=sum(q.due for q in questions), guess=guess,
        tries=Tries(group_tries(answered), float(len(rated)), float(sum(bool(q.first_correct) for q in rated))),
        first_tries=len(tried), first_try_correct=sum(bool(q.first_correct) for q in tried),
        recall=histogram(recall), due_recall=histogram(due_recall),
        recent=(len(reviews), sum(r.correct for r in reviews)), recent_predicted=sum(r.predicted for r in reviews),
        mock=(len(mock), sum(m.correct for m in mock), sum(not m.fresh for m in mock)),
        tasks=tuple(TaskTally(t, int(v[0]), int(v[1]), v[2]) for t, v in sorted(by_task.items())),
        tasks_total=tasks_total,
    )
