"""Readiness of a whole deck for its exam: the domains, the predicted score, P(pass) and what to do next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import fsrs

from certdrill.core import readiness_model
from certdrill.core.exam_score import ScorePrediction, predict_score, score_scale
from certdrill.core.model import Deck
from certdrill.core.readiness import (
    INTERVAL,
    MIN_EVIDENCE,
    DomainReadiness,
    DomainTally,
    MemoryFit,
    MockAnswer,
    QuestionEvidence,
    ReviewAnswer,
    TaskReadiness,
    memory_fit,
    tally_domain,
)
from certdrill.core.readiness_model import DomainInput, Draws

STUDIED_RECALL = 0.9
"""Exam-day recall assumed for a question started now: the scheduler keeps cards at about this level."""


@dataclass(frozen=True, slots=True)
class Action:
    """A step that would raise the predicted score, and by how much (raw share of the exam)."""

    kind: str  # "review" | "start"
    domain: str
    count: int
    gain: float
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "domain": self.domain, "count": self.count, "gain": round(self.gain, 4), "text": self.text}


@dataclass(frozen=True, slots=True)
class Readiness:
    deck_id: str
    title: str
    exam_code: str | None
    exam_status: str | None
    successor: str | None
    now: datetime
    exam_at: datetime | None
    domains: tuple[DomainReadiness, ...]
    score: ScorePrediction
    actions: tuple[Action, ...]

    @property
    def too_little_evidence(self) -> bool:
        """Every domain lacks evidence: a predicted score or P(pass) would be the prior talking."""
        return all(d.too_little_evidence for d in self.domains)

    def to_json(self) -> dict[str, Any]:
        return {
            "deck": self.deck_id, "title": self.title,
            "exam": None if self.exam_code is None else {
                "code": self.exam_code, "status": self.exam_status, "successor": self.successor,
            },
            "as_of": self.now.isoformat(),
            "exam_at": None if self.exam_at is None else self.exam_at.isoformat(),
            "domains": [d.to_json() for d in self.domains],
            "score": self.score.to_json(),
            "actions": [a.to_json() for a in self.actions],
        }


def _weights(deck: Deck) -> dict[str, float]:
    total = sum(d.weight for d in deck.domains)
    if total <= 0:
        return {d.id: 1 / len(deck.domains) for d in deck.domains} if deck.domains else {}
    return {d.id: d.weight / total for d in deck.domains}


def assess(
    deck: Deck, *, questions: Sequence[QuestionEvidence], reviews: Sequence[ReviewAnswer] = (),
    mock: Sequence[MockAnswer] = (), now: datetime, exam_at: datetime | None, scheduler: fsrs.Scheduler,
    action_count: int = 3, draws: int = readiness_model.DRAWS,
) -> Readiness:
    """Readiness on `exam_at` (today when no exam date is set) from the evidence of every question."""
    at = exam_at if exam_at is not None and exam_at > now else now
    tallies = {}
    for domain in deck.domains:
        tallies[domain.id] = tally_domain(
            [q for q in questions if q.domain == domain.id], reviews=[r for r in reviews if r.domain == domain.id],
            mock=[m for m in mock if m.domain == domain.id], exam_at=at, scheduler=scheduler,
            tasks_total=len(domain.tasks),
        )
    return assess_tallies(deck, tallies, fit=memory_fit(reviews), now=now, exam_at=exam_at, action_count=action_count,
                          draws=draws)


def _inputs(tally: DomainTally, recall: tuple[tuple[float, int], ...] | None = None) -> DomainInput:
    return DomainInput(tally.questions, tally.guess, tally.unseen, _merged(tally.all_recall() if recall is None else recall),
                       (tally.recent[0], tally.recent_predicted, float(tally.recent[1])))


def _merged(recall: tuple[tuple[float, int], ...]) -> tuple[tuple[float, int], ...]:
    """Recall bins with the same recall counted once (due and not-due cards share bins): every draw
    loops over them, so half the bins is half the draws' work."""
    counts: dict[float, int] = {}
    for r, n in recall:
        counts[r] = counts.get(r, 0) + n
    return tuple(sorted(counts.items()))


def _draws(deck: Deck, tallies: dict[str, DomainTally], fit: MemoryFit, posterior: readiness_model.Posterior,
           count: int = readiness_model.DRAWS) -> Draws:
    scale = score_scale(deck.exam.pass_mark if deck.exam else None)
    marks = scale.pass_raw_range if scale else (0.72, 0.72)
    return readiness_model.draw(posterior, [_inputs(tallies[d.id]) for d in deck.domains],
                                fit_sd=fit.sd, pass_raw=marks, count=count)


def assess_tallies(
    deck: Deck, tallies: dict[str, DomainTally], *, fit: MemoryFit, now: datetime, exam_at: datetime | None,
    action_count: int = 3, draws: int = readiness_model.DRAWS,
) -> Readiness:
    """Readiness from counted evidence (`tallies` per domain id, recall already projected to the exam)."""
    weights = _weights(deck)
    posterior = readiness_model.posterior([tallies[d.id].tries for d in deck.domains])
    sample = _draws(deck, tallies, fit, posterior, count=draws)
    domains = tuple(_domain(deck, d.id, tallies[d.id], sample.domains[i], sample.prior[i], weights[d.id], fit)
                    for i, d in enumerate(deck.domains))
    exam = deck.exam
    score = predict_score(domains, sample, pass_mark=exam.pass_mark if exam else None,
                          scored=(exam.scored or exam.questions) if exam else None)
    actions = tuple(_actions(deck, tallies, fit, sample, weights)[:action_count]) if action_count else ()
    return Readiness(
        deck.id, deck.title, exam.code if exam else None, exam.status if exam else None,
        exam.successor if exam else None, now, exam_at, domains, score, actions,
    )


def _domain(deck: Deck, domain_id: str, t: DomainTally, values: list[float], k0: float, weight: float,
            fit: MemoryFit) -> DomainReadiness:
    domain = deck.domain(domain_id)
    assert domain is not None
    estimate, low, high = readiness_model.summary(values, *INTERVAL)
    studied = t.all_recall()
    seen_recall = sum(r * n for r, n in studied)
    seen_count = sum(n for _, n in studied)
    names = {task.id: task.name for task in domain.tasks}
    tasks = []
    for task in t.tasks:
        r = min(1.0, fit.factor * task.recall / task.seen) if task.seen else 0.0
        known = (task.seen * (r + (1 - r) * k0) + (task.questions - task.seen) * k0) / task.questions
        tasks.append(TaskReadiness(task.id, names.get(task.id, task.id), t.guess + (1 - t.guess) * known,
                                   task.seen, task.questions))
    covered = sum(task.seen > 0 for task in t.tasks)
    return DomainReadiness(
        id=domain.id, name=domain.name, weight=weight, estimate=estimate, low=low, high=high,
        questions=t.questions, seen=t.seen, due=t.due, first_tries=t.first_tries, first_try_correct=t.first_try_correct,
        recent_accuracy=(t.recent[1] / t.recent[0]) if t.recent[0] else None,
        recall_at_exam=(seen_recall / seen_count) if seen_count else None,
        tasks_covered=covered, tasks_total=t.tasks_total or len(t.tasks), guess_rate=t.guess,
        mock_answers=t.mock[0], mock_correct=t.mock[1], mock_reused=t.mock[2],
        too_little_evidence=t.evidence < MIN_EVIDENCE,
        weakest_tasks=tuple(sorted(tasks, key=lambda x: (x.estimate, x.id))[:2]),
    )


ACTION_DRAWS = 200


def _actions(deck: Deck, tallies: dict[str, DomainTally], fit: MemoryFit, sample: Draws,
             weights: dict[str, float]) -> list[Action]:
    """Each domain's due reviews (recall back to about STUDIED_RECALL) and unseen questions (started and kept
    at STUDIED_RECALL), valued by the change in the predicted raw score on the same draws."""
    out = []
    for i, d in enumerate(deck.domains):
        t = tallies[d.id]
        base = _inputs(t)
        before = sample.domain_mean(i, base, ACTION_DRAWS)
        if t.due:
            after = replace(base, recall=_merged((*t.recall, (STUDIED_RECALL, t.due))))
            gain = weights[d.id] * (sample.domain_mean(i, after, ACTION_DRAWS) - before)
            noun = "card" if t.due == 1 else "cards"
            out.append(Action("review", d.id, t.due, gain, f"review {t.due} due {noun} in {d.name}"))
        if t.unseen:
            studied = replace(base, unseen=0, recall=_merged((*t.all_recall(), (STUDIED_RECALL, t.unseen))))
            gain = weights[d.id] * (sample.domain_mean(i, studied, ACTION_DRAWS) - before)
            noun = "question" if t.unseen == 1 else "questions"
            out.append(Action("start", d.id, t.unseen, gain, f"start the {t.unseen} unseen {noun} in {d.name}"))
    return sorted((a for a in out if a.gain > 0), key=lambda a: -a.gain)
