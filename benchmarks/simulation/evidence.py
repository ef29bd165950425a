"""What certdrill's readiness model is given for a simulated history: the same evidence the app gathers."""

from __future__ import annotations

from datetime import datetime, timedelta

import fsrs

from benchmarks.simulation.session import History
from certdrill.core import scheduling
from certdrill.core.model import Deck
from certdrill.core.readiness import MockAnswer, QuestionEvidence, ReviewAnswer, guess_rate, mock_memory
from certdrill.core.scheduling import CardState

RECENT = timedelta(days=30)


def evidence(deck: Deck, history: History, at: datetime, scheduler: fsrs.Scheduler) -> tuple[
        list[QuestionEvidence], list[ReviewAnswer], list[MockAnswer]]:
    """As study/readiness.py gathers it from the database: each question's card and first try (not counted
    when the question was met on a mock paper first), recent reviews with the recall FSRS predicted, and
    mock answers, fresh only for questions never answered nor on an earlier paper."""
    questions, reviews = [], []
    since = at - RECENT
    first_paper: dict[int, datetime] = {}
    on_papers: dict[int, list[tuple[datetime, bool]]] = {}
    for paper in history.mocks:
        for i, right in paper.items:
            first_paper.setdefault(i, paper.at)
            if paper.at <= at:
                on_papers.setdefault(i, []).append((paper.at, right))
    for i, (q, card, answers) in enumerate(zip(deck.questions, history.cards, history.answers, strict=True)):
        guess = guess_rate(q)
        studied = [a for a in answers if a.mode != "exam" and a.at <= at]
        first = studied[0].correct if studied and not (i in first_paper and first_paper[i] <= studied[0].at) else None
        if card.state == scheduling.NEW and i in on_papers:  # met only on mock papers: studied there
            card = mock_memory(on_papers[i], scheduler)
        due = card.state != scheduling.NEW and card.due is not None and card.due <= at
        questions.append(QuestionEvidence(q.domain, q.task, guess, card, first, due, q.kind == "flashcard"))
        for a in studied[1:]:
            if a.at >= since and a.mode == "review" and a.before is not None and a.before.state == scheduling.REVIEW:
                r = scheduling.retrievability(a.before, a.at, scheduler)
                reviews.append(ReviewAnswer(q.domain, a.correct, guess + (1 - guess) * r))
    mock = []
    for paper in history.mocks:
        if paper.at > at:
            continue
        for i, right in paper.items:
            q = deck.questions[i]
            seen_before = first_paper[i] < paper.at or any(a.at < paper.at for a in history.answers[i] if a.mode != "exam")
            mock.append(MockAnswer(q.domain, right, paper.at, fresh=not seen_before))
            state = state_at(history, i, paper.at)
            if seen_before and paper.at >= since and state.state == scheduling.REVIEW:  # a reused question: a review like any other
                guess = guess_rate(q)
                r = scheduling.retrievability(state, paper.at, scheduler)
                reviews.append(ReviewAnswer(q.domain, right, guess + (1 - guess) * r))
    return questions, reviews, mock


def state_at(history: History, i: int, at: datetime) -> CardState:
    """The card's state at `at`: the state before its next review, or its state at the end."""
    for a in history.answers[i]:
        if a.at > at and a.mode == "review" and a.before is not None:
            return a.before
    return history.cards[i]
