"""The question browser: every question of the library with its card state, filtered and searched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from certdrill.core.scheduling import STATE_NAMES
from certdrill.storage.tables import CardRow, QuestionRow, ReviewRow


@dataclass(frozen=True, slots=True)
class BrowseRow:
    card_id: int
    deck_id: str
    question_id: str
    domain: str
    task: str | None
    kind: str
    state: str
    due: datetime | None
    lapses: int
    flagged: bool
    suspended: bool
    retired: bool
    misses: int
    prompt: str


@dataclass(frozen=True, slots=True)
class BrowseFilter:
    deck_id: str | None = None
    domain: str | None = None
    task: str | None = None
    kind: str | None = None
    state: str | None = None  # new | learning | review | relearning | suspended | flagged | retired
    text: str = ""


def browse(session: Session, *, where: BrowseFilter, limit: int = 2000) -> list[BrowseRow]:
    """Questions matching the filter, in deck order; `text` searches id, prompt, choices and tags."""
    stmt = (
        select(CardRow, QuestionRow)
        .join(QuestionRow, col(QuestionRow.pk) == col(CardRow.id))
        .order_by(col(QuestionRow.deck_id), col(QuestionRow.position))
    )
    if where.deck_id:
        stmt = stmt.where(col(QuestionRow.deck_id) == where.deck_id)
    if where.domain:
        stmt = stmt.where(col(QuestionRow.domain_id) == where.domain)
    if where.task:
        stmt = stmt.where(col(QuestionRow.task_id) == where.task)
    if where.kind:
        stmt = stmt.where(col(QuestionRow.kind) == where.kind)
    state_ids = {name: number for number, name in STATE_NAMES.items()}
    if where.state in state_ids:
        stmt = stmt.where(col(CardRow.state) == state_ids[where.state])
    elif where.state == "suspended":
        stmt = stmt.where(col(CardRow.suspended).is_(True))
    elif where.state == "flagged":
        stmt = stmt.where(col(CardRow.flagged).is_(True))
    if where.state == "retired":
        stmt = stmt.where(col(QuestionRow.retired).is_(True))
    else:
        stmt = stmt.where(col(QuestionRow.retired).is_(False))
    needle = where.text.strip().casefold()
    misses: dict[int, int] = {
        card_id: n for card_id, n in session.execute(
            select(col(ReviewRow.card_id), func.count()).where(col(ReviewRow.correct).is_(False))
            .group_by(col(ReviewRow.card_id))
        )
    }
    rows = []
    for card, q in session.execute(stmt):
        if needle:
            haystack = " ".join([q.qid, q.prompt, q.answer, *(c[0] for c in q.choices), *q.tags]).casefold()
            if needle not in haystack:
                continue
        rows.append(BrowseRow(
            card.id, q.deck_id, q.qid, q.domain_id, q.task_id, q.kind, STATE_NAMES.get(card.state, "?"),
            card.due, card.lapses, card.flagged, card.suspended, q.retired, misses.get(card.id, 0), q.prompt,
        ))
        if len(rows) >= limit:
            break
    return rows
