"""SQLModel table rows: what is stored, kept apart from the domain objects in core.model."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
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
    # The answer's event (sync): the device that made it, its number there, its clock. None until
    # the first sync for answers made before sync existed.
    device: str | None = None
    seq: int | None = None
    hlc: int | None = None


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
    device: str | None = None  # the attempt's start event (sync)
    seq: int | None = None


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


class DeviceRow(SQLModel, table=True):
    """A device of the learner's that syncs: this one (`local`) and those whose journals were read."""

    __tablename__ = "device"

    id: str = Field(primary_key=True)  # 8 hex digits, random, never reused
    name: str = ""  # this device: the host name unless the learner named it; others: from their journal
    local: bool = False
    backfilled: bool = False  # this device: the state from before sync existed is in the event table
    exported_seq: int = 0  # this device: events up to this seq are in its journal file ...
    exported_offset: int = 0  # ... which was this many bytes long after them
    scheduler: str = ""  # this device: the scheduler settings its replays used (a change replays again)
    clock: int = 0  # this device: its hybrid logical clock, past every event it made or received


class EventRow(SQLModel, table=True):
    """One learner change as it travels between devices (core.sync.events), from any device."""

    __tablename__ = "event"
    __table_args__ = (
        # What a change names, for last-writer-wins: not answers (a card's answers are found
        # through its review rows), which keeps the answer path and a big first sync cheaper.
        Index("ix_event_subject", "deck", "item", "hlc", sqlite_where=text("type != 'answer'")),
        Index("ix_event_pending", "applied", sqlite_where=text("applied = 0")),
        # The few cards whose replay is more than going on from their state (core.sync.replay).
        Index("ix_event_card_changes", "deck", "item", sqlite_where=text("type IN ('rerate', 'undo', 'reset')")),
        # The cards with answers read from an import's review history: each is matched with the
        # same review imported or answered elsewhere (study.sync_cards), so it is kept once.
        Index("ix_event_imported", "deck", "item", sqlite_where=text("imported")),
        {"sqlite_with_rowid": False},  # one B-tree: the answer path writes one page less per answer
    )

    device: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    hlc: int
    type: str
    deck: str | None = None  # what it changes: a deck, and a question id or setting key in it
    item: str | None = None
    data: str  # the event's data as compact JSON text, exactly as its journal line carries it
    applied: bool = True  # False while it waits for a deck or question this device does not have yet
    imported: bool | None = None  # an answer from an import's review history (import --with-history)


class JournalFileRow(SQLModel, table=True):
    """How far another device's journal file (or a conflict copy of it) has been read."""

    __tablename__ = "journal_file"

    name: str = Field(primary_key=True)  # the file's name in the sync folder
    device: str
    offset: int = 0  # bytes read and applied, always at a line's end
    lines: int = 0  # lines before `offset` (for file:line in reports)
    head_hash: str = ""  # sha256 of the first bytes (up to 4 KiB) and of the 4 KiB before `offset`:
    tail_hash: str = ""  # a file rewritten under the same name is read again from its start
    refused: int = 0  # lines refused so far
    problems: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # the latest few
    read_at: datetime | None = _time()


class DeckBlobRow(SQLModel, table=True):
    """The format-v1 YAML of an imported deck, named by its sha256, until sync writes it to the folder."""

    __tablename__ = "deck_blob"

    sha256: str = Field(primary_key=True)
    yaml: str
