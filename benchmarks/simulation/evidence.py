"""What certdrill's readiness model is given for a simulated history: the same evidence the app gathers."""

from __future__ import annotations

from datetime import datetime, timedelta

import fsrs

from benchmarks.simulation.session import History
from certdrill.core import scheduling
from certdrill.core.model import Deck
from certdrill.core.readiness import MockAnswer, QuestionEvidence, ReviewAnswer, guess_rate

RECENT = timedelta(days=30)


def evidence(deck: Deck, history: History, at: datetime, scheduler: fsrs.Scheduler) -> tuple[
        list[QuestionEvidence], list[ReviewAnswer], list[MockAnswer]]:
    """Questions with their card and first try, recent reviews with the predicted recall, mock answers;
    as study/readiness.py builds them from the database (exam-mode answers are mock answers only)."""
    questions, reviews = [], []
    since = at - RECENT
    for q, card, answers in zip(deck.questions, history.cards, history.answers, strict=True):
        guess = guess_rate(q)
        studied = [a for a in answers if a.mode != "exam" and a.at <= at]
        first = studied[0].correct if studied else None
        due = card.state != scheduling.NEW and card.due is not None and card.due <= at
        questions.append(QuestionEvidence(q.domain, q.task, guess, card, first, due))
        for a in studied[1:]:
            if a.at >= since and a.mode == "review" and a.before is not None and a.before.state == scheduling.REVIEW:
                r = scheduling.retrievability(a.before, a.at, scheduler)
                reviews.append(ReviewAnswer(q.domain, a.correct, guess + (1 - guess) * r))
    mock = [MockAnswer(deck.questions[i].domain, right, paper.at) for paper in history.mocks if paper.at <= at
            for i, right in paper.items]
    return questions, reviews, mock
