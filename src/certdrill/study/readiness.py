"""Readiness of a deck for its exam, now and at the end of each past study day, from the stored history."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

import fsrs
from sqlalchemy import select
from sqlmodel import Session, col

from certdrill.core import scheduling
from certdrill.core.clock import day_start, next_day_start, study_date
from certdrill.core.exam_readiness import Readiness, assess
from certdrill.core.model import Deck
from certdrill.core.readiness import MockAnswer, QuestionEvidence, ReviewAnswer, guess_rate
from certdrill.core.scheduling import CardState, SchedulerSettings
from certdrill.errors import CertdrillError
from certdrill.storage.convert import card_state, deck_from_rows, question_from_row
from certdrill.storage.tables import (
    CardRow,
    DeckRow,
    DomainRow,
    ExamAnswerRow,
    ExamAttemptRow,
    QuestionRow,
    ReviewRow,
)

RECENT_DAYS = 30
EXAM_HOUR = 9  # exam-day recall is taken on the morning of the exam, local time


def exam_moment(exam_date: date, tz: tzinfo) -> datetime:
    return datetime.combine(exam_date, time(EXAM_HOUR), tzinfo=tz)


@dataclass(frozen=True, slots=True)
class _Question:
    card_id: int
    domain: str
    task: str | None
    guess: float


@dataclass(frozen=True, slots=True)
class _Answer:
    card_id: int
    at: datetime
    mode: str
    correct: bool  # flashcards: rated above Again
    before: CardState | None


@dataclass
class _History:
    """A deck's questions and every answer to them, loaded once."""

    deck: Deck
    exam_date: date | None
    questions: list[_Question]
    cards: dict[int, CardState]
    suspended: set[int]
    answers: dict[int, list[_Answer]]  # card id -> answers in time order
    mock: list[tuple[str, bool, datetime]]


def _load(session: Session, deck_id: str) -> _History:
    deck_row = session.get(DeckRow, deck_id)
    if deck_row is None:
        raise CertdrillError(f"no deck '{deck_id}' (see `certdrill decks`)")
    domains = list(session.execute(select(DomainRow).where(col(DomainRow.deck_id) == deck_id)).scalars())
    deck = deck_from_rows(deck_row, domains)
    rows = session.execute(
        select(QuestionRow, CardRow).join(CardRow, col(CardRow.id) == col(QuestionRow.pk))
        .where(col(QuestionRow.deck_id) == deck_id, col(QuestionRow.retired).is_(False))
        .order_by(col(QuestionRow.position))
    ).all()
    questions = [_Question(card.id, q.domain_id, q.task_id, guess_rate(question_from_row(q))) for q, card in rows]
    domain_of = {q.card_id: q.domain for q in questions}
    answers: dict[int, list[_Answer]] = {}
    for r in session.execute(
        select(ReviewRow).where(col(ReviewRow.deck_id) == deck_id, col(ReviewRow.mode) != "exam")
        .order_by(col(ReviewRow.reviewed_at), col(ReviewRow.id))
    ).scalars():
        correct = r.correct if r.correct is not None else r.rating > 1
        before = CardState.from_json(r.state_before) if r.state_before else None
        answers.setdefault(r.card_id, []).append(_Answer(r.card_id, r.reviewed_at, r.mode, bool(correct), before))
    mock = [
        (domain_of[a.card_id], bool(a.correct), when)
        for a, when in session.execute(
            select(ExamAnswerRow, col(ExamAttemptRow.finished_at))
            .join(ExamAttemptRow, col(ExamAttemptRow.id) == col(ExamAnswerRow.attempt_id))
            .where(col(ExamAttemptRow.deck_id) == deck_id, col(ExamAttemptRow.finished_at).is_not(None))
        ).all()
        if a.card_id in domain_of and when is not None
    ]
    return _History(
        deck, date.fromisoformat(deck_row.exam_date) if deck_row.exam_date else None, questions,
        {card.id: card_state(card) for _, card in rows}, {card.id for _, card in rows if card.suspended},
        answers, mock,
    )


def _state_at(history: _History, card_id: int, at: datetime | None) -> CardState:
    """The card's state at `at`: the state before its next review, or its current state."""
    if at is None:
        return history.cards[card_id]
    for answer in history.answers.get(card_id, ()):
        if answer.at > at and answer.mode == "review" and answer.before is not None:
            return answer.before
    return history.cards[card_id]


def _evidence(history: _History, *, at: datetime, past: bool, scheduler: fsrs.Scheduler) -> tuple[
        list[QuestionEvidence], list[ReviewAnswer], list[MockAnswer]]:
    questions, reviews = [], []
    recent_from = at - timedelta(days=RECENT_DAYS)
    for q in history.questions:
        answered = [a for a in history.answers.get(q.card_id, ()) if a.at <= at]
        state = _state_at(history, q.card_id, at if past else None)
        first = answered[0].correct if answered else None
        due = (state.state != scheduling.NEW and state.due is not None and state.due <= at
               and q.card_id not in history.suspended)
        questions.append(QuestionEvidence(q.domain, q.task, q.guess, state, first, due))
        for a in answered[1:]:
            if a.at >= recent_from and a.mode == "review" and a.before is not None and a.before.state == scheduling.REVIEW:
                r = scheduling.retrievability(a.before, a.at, scheduler)
                reviews.append(ReviewAnswer(q.domain, a.correct, q.guess + (1 - q.guess) * r))
    mock = [MockAnswer(domain, correct, when) for domain, correct, when in history.mock if when <= at]
    return questions, reviews, mock


def _assess(history: _History, *, at: datetime, past: bool, exam_date: date | None, tz: tzinfo,
            settings: SchedulerSettings) -> Readiness:
    scheduler = scheduling.make_scheduler(settings)
    questions, reviews, mock = _evidence(history, at=at, past=past, scheduler=scheduler)
    exam_at = exam_moment(exam_date, tz) if exam_date else None
    return assess(history.deck, questions=questions, reviews=reviews, mock=mock, now=at,
                  exam_at=exam_at, scheduler=scheduler)


def readiness_report(
    session: Session, *, deck_id: str, now: datetime, tz: tzinfo, exam_date: date | None = None,
    scheduler_settings: SchedulerSettings | None = None,
) -> Readiness:
    """Readiness for the deck's exam on `exam_date` (default: the date set for the deck, else today)."""
    history = _load(session, deck_id)
    return _assess(history, at=now, past=False, exam_date=exam_date or history.exam_date, tz=tz,
                   settings=scheduler_settings or SchedulerSettings(fuzz=False))


@dataclass(frozen=True, slots=True)
class ReadinessPoint:
    """Readiness at the end of one past study day (for the dashboard's trend)."""

    day: str
    raw: float
    low: float
    high: float
    p_pass: float | None
    domains: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        return {"day": self.day, "raw": round(self.raw, 4), "interval": [round(self.low, 4), round(self.high, 4)],
                "p_pass": None if self.p_pass is None else round(self.p_pass, 4),
                "domains": {k: round(v, 4) for k, v in self.domains.items()}}


def readiness_history(
    session: Session, *, deck_id: str, now: datetime, tz: tzinfo, days: int = 90, exam_date: date | None = None,
    scheduler_settings: SchedulerSettings | None = None,
) -> list[ReadinessPoint]:
    """Readiness at the end of each study day from the first answer (at most `days` back) to today,
    computed only from the answers up to that day; each day is judged for the exam date if one is set."""
    history = _load(session, deck_id)
    times = sorted(a.at for answers in history.answers.values() for a in answers)
    if not times:
        return []
    settings = scheduler_settings or SchedulerSettings(fuzz=False)
    first = max(day_start(times[0], tz), day_start(now, tz) - timedelta(days=days - 1))
    points = []
    start = first
    while start <= now:
        end = min(next_day_start(start, tz) - timedelta(microseconds=1), now)
        if bisect.bisect_right(times, end) > 0:
            r = _assess(history, at=end, past=True, exam_date=exam_date or history.exam_date, tz=tz, settings=settings)
            points.append(ReadinessPoint(study_date(end, tz), r.score.raw, r.score.raw_low, r.score.raw_high,
                                         r.score.p_pass, {d.id: d.estimate for d in r.domains}))
        start = next_day_start(start, tz)
    return points


def studied_deck_ids(session: Session) -> list[str]:
    """Decks with at least one answer, or every deck when nothing has been studied yet."""
    studied = [d for (d,) in session.execute(select(col(ReviewRow.deck_id)).distinct().order_by(col(ReviewRow.deck_id)))]
    return studied or [d for (d,) in session.execute(select(col(DeckRow.id)).order_by(col(DeckRow.id)))]
