"""Readiness of a whole deck for its exam: the domains, the predicted score, P(pass) and what to do next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import fsrs

from certdrill.core import scheduling
from certdrill.core.exam_score import ScorePrediction, predict_score
from certdrill.core.grading import GOOD
from certdrill.core.model import Deck
from certdrill.core.readiness import (
    DomainEvidence,
    DomainReadiness,
    MockAnswer,
    QuestionEvidence,
    ReviewAnswer,
    assess_domain,
    domain_evidence,
    estimate_domain,
    memory_fit,
    recall_at,
    with_recall,
)

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
    action_count: int = 3,
) -> Readiness:
    """Readiness on `exam_at` (today when no exam date is set) from the evidence of every question."""
    at = exam_at if exam_at is not None and exam_at > now else now
    fit = memory_fit(reviews)  # deck-wide: one learner's memory, many more answers than a domain has
    weights = _weights(deck)
    evidence: dict[str, DomainEvidence] = {}
    for domain in deck.domains:
        evidence[domain.id] = domain_evidence(
            [q for q in questions if q.domain == domain.id], reviews=[r for r in reviews if r.domain == domain.id],
            mock=[m for m in mock if m.domain == domain.id], exam_at=at, scheduler=scheduler, fit=fit,
        )
    domains = tuple(assess_domain(deck, d.id, evidence[d.id], now=now, weight=weights[d.id]) for d in deck.domains)
    exam = deck.exam
    score = predict_score(domains, pass_mark=exam.pass_mark if exam else None,
                          scored=(exam.scored or exam.questions) if exam else None)
    actions = tuple(_actions(domains, evidence, now=now, at=at, scheduler=scheduler)[:action_count])
    return Readiness(
        deck.id, deck.title, exam.code if exam else None, exam.status if exam else None,
        exam.successor if exam else None, now, exam_at, domains, score, actions,
    )


def _actions(
    domains: Sequence[DomainReadiness], evidence: dict[str, DomainEvidence], *, now: datetime, at: datetime,
    scheduler: fsrs.Scheduler,
) -> list[Action]:
    out = []
    for d in domains:
        ev = evidence[d.id]
        before = estimate_domain(ev, at=now)[0]
        due = {i: recall_at(scheduling.review(q.card, GOOD, now, scheduler), at, scheduler)
               for i, q in enumerate(ev.questions) if q.due}
        if due:
            gain = d.weight * (estimate_domain(with_recall(ev, due), at=now)[0] - before)
            noun = "card" if len(due) == 1 else "cards"
            out.append(Action("review", d.id, len(due), gain, f"review {len(due)} due {noun} in {d.name}"))
        unseen = {i: STUDIED_RECALL for i, q in enumerate(ev.questions) if not q.seen}
        if unseen:
            gain = d.weight * (estimate_domain(with_recall(ev, unseen), at=now)[0] - before)
            noun = "question" if len(unseen) == 1 else "questions"
            out.append(Action("start", d.id, len(unseen), gain, f"start the {len(unseen)} unseen {noun} in {d.name}"))
    return sorted((a for a in out if a.gain > 0), key=lambda a: -a.gain)
