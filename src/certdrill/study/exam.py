"""Timed mock exams: draw a paper by domain weight, keep every answer as it is given, grade on submit."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Integer, cast, func, select
from sqlmodel import Session, col

from certdrill.core import grading, sampling
from certdrill.core.exam_score import score_scale
from certdrill.core.model import ExamInfo, Question
from certdrill.errors import CertdrillError
from certdrill.storage.convert import exam_from_json, question_from_row
from certdrill.storage.engine import begin_write
from certdrill.storage.tables import (
    CardRow,
    DeckRow,
    DomainRow,
    ExamAnswerRow,
    ExamAttemptRow,
    QuestionRow,
    ReviewRow,
)
from certdrill.storage.timefmt import from_db_time

DEFAULT_SIZE = 20
DEFAULT_MINUTES_PER_QUESTION = 2.0


ItemStatus = Literal["unanswered", "incomplete", "answered"]


def item_status(question: Question, chosen: tuple[int, ...]) -> ItemStatus:
    """A multiple-response question with other than the number of picks asked is incomplete: it
    is graded wrong, as an unanswered one is."""
    if not chosen:
        return "unanswered"
    if question.kind == "multiple" and len(chosen) != (question.pick or 0):
        return "incomplete"
    return "answered"


@dataclass(frozen=True, slots=True)
class PaperItem:
    position: int
    card_id: int
    question: Question
    chosen: tuple[int, ...] = ()
    flagged: bool = False
    seconds: float = 0.0  # time spent on it so far

    @property
    def status(self) -> ItemStatus:
        return item_status(self.question, self.chosen)


@dataclass(frozen=True, slots=True)
class ResultItem:
    """One question of a submitted paper, graded."""

    item: PaperItem
    correct: bool

    @property
    def verdict(self) -> str:
        """right | wrong | unanswered | incomplete"""
        status = self.item.status
        return status if status != "answered" else ("right" if self.correct else "wrong")


@dataclass
class ExamPaper:
    """A mock exam in progress (or finished): its questions and the answers so far."""

    attempt_id: int
    deck_id: str
    title: str
    started_at: datetime
    minutes: int
    items: list[PaperItem]
    finished: bool = False
    reused: int = 0  # questions drawn although not unseen (set when the paper is drawn; 0 when loaded)

    @property
    def ends_at(self) -> datetime:
        return self.started_at + timedelta(minutes=self.minutes)


@dataclass(frozen=True, slots=True)
class DomainScore:
    id: str
    name: str
    weight: float  # percent, normalised
    correct: int
    total: int

    @property
    def share(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass
class ExamResult:
    attempt_id: int
    deck_id: str
    correct: int
    total: int
    domains: list[DomainScore]
    score: float | None  # on the exam's scale (scaled score or percent), None without a pass mark
    score_unit: str | None
    pass_score: float | None
    passed: bool | None
    estimated: bool
    conversion: str
    started_at: datetime
    finished_at: datetime | None
    minutes: int = 0  # the time allowed
    items: list[ResultItem] = field(default_factory=list)  # every question, in paper order

    @property
    def raw(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def seconds_used(self) -> float | None:
        if self.finished_at is None:
            return None
        return time_used(self.finished_at - self.started_at, timedelta(minutes=self.minutes))

    @property
    def to_review(self) -> list[ResultItem]:
        """What most needs a second look: wrong, unanswered, incomplete or flagged."""
        return [r for r in self.items if not r.correct or r.item.flagged]

    def to_json(self) -> dict[str, Any]:
        return {
            "attempt": self.attempt_id, "deck": self.deck_id, "correct": self.correct, "total": self.total,
            "raw": round(self.raw, 4), "score": self.score, "unit": self.score_unit, "pass": self.pass_score,
            "passed": self.passed, "estimated": self.estimated,
            "domains": [{"id": d.id, "weight": d.weight, "correct": d.correct, "total": d.total} for d in self.domains],
        }


def time_used(elapsed: timedelta, allowed: timedelta) -> float:
    """Seconds a mock exam took: never more than it allowed (a submit in the grace period counts
    as the whole time)."""
    return max(0.0, min(elapsed, allowed).total_seconds())


def exam_shape(info: ExamInfo | None, size: int | None, minutes: int | None) -> tuple[int, int]:
    """Question count and minutes: the real exam's unless the learner asked for a shorter one."""
    real_size = (info.questions if info and info.questions else None) or DEFAULT_SIZE
    n = size or real_size
    if minutes is None:
        if info and info.minutes and info.questions:
            minutes = max(1, round(info.minutes * n / info.questions))
        else:
            minutes = max(1, round(n * DEFAULT_MINUTES_PER_QUESTION))
    return n, minutes


@dataclass(frozen=True, slots=True)
class MockPool:
    """A deck's exam questions by domain, which of them are unseen, and when each other one was last seen."""

    pools: dict[str, list[int]]
    weights: dict[str, float]
    unseen: set[int]  # never answered in any mode and never on a mock paper
    last_seen: dict[int, datetime]


def mock_pool(session: Session, *, deck_id: str) -> MockPool:
    weights = {d.id: d.weight for d in session.exec(select(DomainRow).where(col(DomainRow.deck_id) == deck_id)).scalars()}  # type: ignore[call-overload]
    pools: dict[str, list[int]] = {d: [] for d in weights}
    for pk, domain, kind in session.execute(
        select(col(QuestionRow.pk), col(QuestionRow.domain_id), col(QuestionRow.kind))
        .join(CardRow, col(CardRow.id) == col(QuestionRow.pk))
        .where(col(QuestionRow.deck_id) == deck_id, col(QuestionRow.retired).is_(False), col(CardRow.suspended).is_(False))
    ):
        if kind == "flashcard" or domain not in pools:
            continue  # exams have no flashcards
        pools[domain].append(pk)
    last_seen: dict[int, datetime] = {}
    for card_id, at in session.execute(
        select(col(ReviewRow.card_id), func.max(col(ReviewRow.reviewed_at)))
        .where(col(ReviewRow.deck_id) == deck_id).group_by(col(ReviewRow.card_id))
    ):
        last_seen[card_id] = _as_time(at)
    for card_id, at in session.execute(
        select(col(ExamAnswerRow.card_id), func.max(col(ExamAttemptRow.started_at)))
        .join(ExamAttemptRow, col(ExamAttemptRow.id) == col(ExamAnswerRow.attempt_id))
        .where(col(ExamAttemptRow.deck_id) == deck_id).group_by(col(ExamAnswerRow.card_id))
    ):
        when = _as_time(at)
        if card_id not in last_seen or when > last_seen[card_id]:
            last_seen[card_id] = when
    unseen = {pk for pool in pools.values() for pk in pool} - set(last_seen)
    return MockPool(pools, weights, unseen, last_seen)


def _as_time(value: object) -> datetime:
    when = from_db_time(value) if isinstance(value, str) else value
    assert isinstance(when, datetime)
    return when


def unseen_mocks_left(session: Session, *, deck_id: str, size: int | None = None) -> int:
    """How many full mock papers (the real exam's size unless `size`) can still be drawn from unseen
    questions only, each domain by its weight."""
    deck = session.get(DeckRow, deck_id)
    if deck is None:
        raise CertdrillError(f"no deck '{deck_id}' (see `certdrill decks`)")
    n, _ = exam_shape(exam_from_json(deck.exam), size, None)
    pool = mock_pool(session, deck_id=deck_id)
    quotas = sampling.allocate(n, pool.weights, {d: len(p) for d, p in pool.pools.items()})
    unseen = {d: sum(pk in pool.unseen for pk in p) for d, p in pool.pools.items()}
    return min((unseen[d] // q for d, q in quotas.items() if q > 0), default=0)


def start_exam(
    session: Session, *, deck_id: str, now: datetime, seed: int, size: int | None = None, minutes: int | None = None,
) -> ExamPaper:
    """Draw a paper by domain weight and store the attempt: unseen questions first (never answered in any
    mode, never on an earlier paper), then the least recently seen; `reused` says how many were not unseen."""
    deck = session.get(DeckRow, deck_id)
    if deck is None:
        raise CertdrillError(f"no deck '{deck_id}' (see `certdrill decks`)")
    n, minutes = exam_shape(exam_from_json(deck.exam), size, minutes)
    pool = mock_pool(session, deck_id=deck_id)
    chosen = sampling.draw(n, pool.pools, pool.weights, random.Random(seed), fresh=pool.unseen,
                           last_seen=pool.last_seen)
    if not chosen:
        raise CertdrillError(f"deck '{deck_id}' has no multiple-choice questions for an exam")
    begin_write(session)
    attempt = ExamAttemptRow(deck_id=deck_id, started_at=now, minutes=minutes, size=len(chosen), seed=seed)
    session.add(attempt)
    session.flush()
    assert attempt.id is not None
    for position, card_id in enumerate(chosen):
        session.add(ExamAnswerRow(attempt_id=attempt.id, position=position, card_id=card_id))
    session.commit()
    paper = load_paper(session, attempt_id=attempt.id)
    paper.reused = sum(pk not in pool.unseen for pk in chosen)
    return paper


def load_paper(session: Session, *, attempt_id: int) -> ExamPaper:
    attempt = session.get(ExamAttemptRow, attempt_id)
    if attempt is None:
        raise CertdrillError(f"no exam attempt {attempt_id}")
    deck = session.get(DeckRow, attempt.deck_id)
    rows = session.exec(  # type: ignore[call-overload]
        select(ExamAnswerRow, QuestionRow).join(QuestionRow, col(QuestionRow.pk) == col(ExamAnswerRow.card_id))
        .where(col(ExamAnswerRow.attempt_id) == attempt_id).order_by(col(ExamAnswerRow.position))
    ).all()
    items = [PaperItem(a.position, a.card_id, question_from_row(q), tuple(a.chosen), a.flagged, a.duration_ms / 1000)
             for a, q in rows]
    return ExamPaper(attempt_id, attempt.deck_id, deck.title if deck else attempt.deck_id, attempt.started_at,
                     attempt.minutes, items, attempt.finished_at is not None)


def save_exam_answer(
    session: Session, *, attempt_id: int, position: int, chosen: list[int], flagged: bool, duration_ms: int = 0,
) -> None:
    """Keep one answer of a running exam (committed at once: a crash loses nothing)."""
    begin_write(session)
    row = session.get(ExamAnswerRow, (attempt_id, position))
    attempt = session.get(ExamAttemptRow, attempt_id)
    if row is None or attempt is None:
        session.rollback()
        raise CertdrillError(f"exam attempt {attempt_id} has no question {position + 1}")
    if attempt.finished_at is not None:
        session.rollback()
        raise CertdrillError("this exam was already submitted")
    row.chosen, row.flagged = sorted(chosen), flagged
    row.duration_ms += max(0, duration_ms)
    session.add(row)
    session.commit()


def submit_exam(session: Session, *, attempt_id: int, now: datetime) -> ExamResult:
    """Grade the attempt (unanswered = wrong), store the result and an exam-mode review per answer."""
    begin_write(session)
    attempt = session.get(ExamAttemptRow, attempt_id)
    if attempt is None:
        session.rollback()
        raise CertdrillError(f"no exam attempt {attempt_id}")
    if attempt.finished_at is None:
        answers = session.exec(select(ExamAnswerRow).where(col(ExamAnswerRow.attempt_id) == attempt_id)).scalars().all()  # type: ignore[call-overload]
        for answer in answers:
            question = session.get(QuestionRow, answer.card_id)
            assert question is not None
            answer.correct = grading.is_correct(question_from_row(question), answer.chosen)
            session.add(answer)
            if answer.chosen:  # the answer history shows what was answered in exams, without scheduling
                session.add(ReviewRow(
                    card_id=answer.card_id, deck_id=attempt.deck_id, reviewed_at=now,
                    rating=grading.default_rating(answer.correct), correct=answer.correct,
                    chosen=list(answer.chosen), duration_ms=answer.duration_ms, mode="exam",
                ))
        attempt.finished_at = min(now, attempt.started_at + timedelta(minutes=attempt.minutes, seconds=30))
        result = _grade(session, attempt)
        attempt.score, attempt.passed = result.score if result.score is not None else result.raw, result.passed
        session.add(attempt)
        session.commit()
    return exam_result(session, attempt_id=attempt_id)


def _grade(session: Session, attempt: ExamAttemptRow) -> ExamResult:
    assert attempt.id is not None
    deck = session.get(DeckRow, attempt.deck_id)
    info = exam_from_json(deck.exam) if deck else None
    paper = load_paper(session, attempt_id=attempt.id)
    answers = {
        a.position: a for a in session.exec(select(ExamAnswerRow).where(col(ExamAnswerRow.attempt_id) == attempt.id)).scalars()  # type: ignore[call-overload]
    }
    domains = list(session.exec(select(DomainRow).where(col(DomainRow.deck_id) == attempt.deck_id)  # type: ignore[call-overload]
                                .order_by(col(DomainRow.position))).scalars())
    total_weight = sum(d.weight for d in domains) or 1.0
    right: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    items = []
    for item in paper.items:
        ok = bool(answers[item.position].correct)
        asked[item.question.domain] += 1
        right[item.question.domain] += ok
        items.append(ResultItem(item, ok))
    correct, total = sum(right.values()), len(paper.items)
    raw = correct / total if total else 0.0
    scale = score_scale(info.pass_mark if info else None)
    score = round(scale.convert(raw), 1) if scale else None
    passed = None if scale is None or score is None else score >= scale.pass_score
    return ExamResult(
        attempt_id=attempt.id, deck_id=attempt.deck_id, correct=correct, total=total,
        domains=[DomainScore(d.id, d.name, 100 * d.weight / total_weight, right[d.id], asked[d.id]) for d in domains],
        score=score, score_unit=scale.unit if scale else None, pass_score=scale.pass_score if scale else None,
        passed=passed, estimated=bool(scale and scale.estimated), conversion=scale.describe() if scale else "",
        started_at=attempt.started_at, finished_at=attempt.finished_at, minutes=attempt.minutes, items=items,
    )


def exam_result(session: Session, *, attempt_id: int) -> ExamResult:
    attempt = session.get(ExamAttemptRow, attempt_id)
    if attempt is None:
        raise CertdrillError(f"no exam attempt {attempt_id}")
    if attempt.finished_at is None:
        raise CertdrillError("this exam is still running; submit it first")
    return _grade(session, attempt)


@dataclass(frozen=True, slots=True)
class AttemptSummary:
    attempt_id: int
    deck_id: str
    started_at: datetime
    size: int
    minutes: int
    finished: bool
    score: float | None
    passed: bool | None


def exam_attempts(session: Session, *, deck_id: str | None = None) -> list[AttemptSummary]:
    """Every stored attempt, newest first."""
    stmt = select(ExamAttemptRow).order_by(col(ExamAttemptRow.id).desc())
    if deck_id is not None:
        stmt = stmt.where(col(ExamAttemptRow.deck_id) == deck_id)
    return [
        AttemptSummary(a.id or 0, a.deck_id, a.started_at, a.size, a.minutes, a.finished_at is not None, a.score, a.passed)
        for a in session.exec(stmt).scalars()  # type: ignore[call-overload]
    ]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """A submitted mock exam of a deck: when, and the share of its questions answered right."""

    attempt_id: int
    started_at: datetime
    size: int
    right: int
    passed: bool | None

    @property
    def share(self) -> float:
        return self.right / self.size if self.size else 0.0


def mock_trend(session: Session, *, deck_id: str, limit: int = 12) -> list[TrendPoint]:
    """The deck's latest submitted mock exams, oldest first, as shares right (comparable across
    paper sizes and score scales)."""
    right = func.sum(cast(col(ExamAnswerRow.correct), Integer))  # (a sum of booleans would read back as one)
    rows = session.execute(
        select(col(ExamAttemptRow.id), col(ExamAttemptRow.started_at), col(ExamAttemptRow.size), right,
               col(ExamAttemptRow.passed))
        .join(ExamAnswerRow, col(ExamAnswerRow.attempt_id) == col(ExamAttemptRow.id))
        .where(col(ExamAttemptRow.deck_id) == deck_id, col(ExamAttemptRow.finished_at).is_not(None))
        .group_by(col(ExamAttemptRow.id)).order_by(col(ExamAttemptRow.id).desc()).limit(limit)
    ).all()
    return [TrendPoint(a, started, size, int(n or 0), passed) for a, started, size, n, passed in reversed(rows)]


def unfinished_attempt(session: Session, *, deck_id: str) -> int | None:
    found: int | None = session.execute(
        select(func.max(col(ExamAttemptRow.id))).where(
            col(ExamAttemptRow.deck_id) == deck_id, col(ExamAttemptRow.finished_at).is_(None)
        )
    ).scalar()
    return found
