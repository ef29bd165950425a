"""SQLModel table rows: what is stored, kept apart from the domain objects in core.model."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from certdrill.storage.types import UTCDateTime


def _time(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class DeckRow(SQLModel, table=True):
    __tablename__ = "deck"

    id: str = Field(primary_key=True)
    title: str
    version: str
    license: str | None = None
    description: str = ""
    source: str = "bundled"  # bundled | a path or URL it was imported from
    exam: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    exam_date: str | None = None  # ISO date the learner set for this deck's exam
    new_per_day: int | None = None  # None: the global default
    imported_at: datetime | None = _time()


class DomainRow(SQLModel, table=True):
    __tablename__ = "domain"

    deck_id: str = Field(foreign_key="deck.id", primary_key=True)
    id: str = Field(primary_key=True)
    name: str
    weight: float
    position: int = 0
    tasks: list[list[str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class QuestionRow(SQLModel, table=True):
    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("deck_id", "qid"),)

    pk: int | None = Field(default=None, primary_key=True)
    deck_id: str = Field(foreign_key="deck.id", index=True)
    qid: str
    domain_id: str
    task_id: str | None = None
    kind: str
    prompt: str
    choices: list[list[Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    pick: int | None = None
    answer: str = ""
    explanation: str = ""
    references: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    content_hash: str
    answer_key: str
    position: int = 0
    retired: bool = False


class CardRow(SQLModel, table=True):
    """Scheduling state of one question (state 0 = new, then fsrs.State values 1-3)."""

    __tablename__ = "card"
    __table_args__ = (Index("ix_card_queue", "deck_id", "state", "due"),)

    id: int = Field(foreign_key="question.pk", primary_key=True)
    deck_id: str = Field(foreign_key="deck.id")
    state: int = 0
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = _time()
    last_review: datetime | None = _time()
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    buried_until: datetime | None = _time()
    flagged: bool = False


class ReviewRow(SQLModel, table=True):
    """One answer. Never deleted, except by undo of that very answer."""

    __tablename__ = "review"
    __table_args__ = (
        Index("ix_review_card_time", "card_id", "reviewed_at"),
        Index("ix_review_deck_time", "deck_id", "reviewed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="card.id")
    deck_id: str
    reviewed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    rating: int  # 1 Again, 2 Hard, 3 Good, 4 Easy
    correct: bool | None = None  # None for flashcards, which the learner rates
    chosen: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    duration_ms: int = 0
    mode: str = "review"  # review | practice | exam
    was_new: bool = False
    state_before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class ExamAttemptRow(SQLModel, table=True):
    __tablename__ = "exam_attempt"

    id: int | None = Field(default=None, primary_key=True)
    deck_id: str = Field(foreign_key="deck.id", index=True)
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    finished_at: datetime | None = _time()
    minutes: int
    size: int
    score: float | None = None
    passed: bool | None = None
    seed: int = 0


class ExamAnswerRow(SQLModel, table=True):
    __tablename__ = "exam_answer"

    attempt_id: int = Field(foreign_key="exam_attempt.id", primary_key=True)
    position: int = Field(primary_key=True)
    card_id: int = Field(foreign_key="card.id")
    chosen: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    correct: bool | None = None
    flagged: bool = False
    duration_ms: int = 0


class SettingRow(SQLModel, table=True):
    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: Any = Field(sa_column=Column(JSON))
