"""Practice (cram) slices: any part of a deck, drilled without touching the schedule."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from certdrill.storage.tables import CardRow, QuestionRow, ReviewRow


@dataclass(frozen=True, slots=True)
class Slice:
    """Which questions to practise. Empty fields mean "any"."""

    deck_id: str
    domain: str | None = None
    task: str | None = None
    tag: str | None = None
    flagged: bool = False
    most_missed: bool = False
    limit: int = 50

    def describe(self) -> str:
        parts = [self.deck_id]
        if self.domain:
            parts.append(f"domain {self.domain}")
        if self.task:
            parts.append(f"task {self.task}")
        if self.tag:
            parts.append(f"tag {self.tag}")
        if self.flagged:
            parts.append("flagged")
        if self.most_missed:
            parts.append("most missed")
        return " · ".join(parts)


def practice_cards(session: Session, *, slice: Slice, seed: int) -> list[int]:
    """Card ids of the slice: shuffled, or most-missed first; suspended and retired left out."""
    stmt = (
        select(col(CardRow.id), col(QuestionRow.tags))
        .join(QuestionRow, col(QuestionRow.pk) == col(CardRow.id))
        .where(col(CardRow.deck_id) == slice.deck_id, col(QuestionRow.retired).is_(False),
               col(CardRow.suspended).is_(False))
    )
    if slice.domain:
        stmt = stmt.where(col(QuestionRow.domain_id) == slice.domain)
    if slice.task:
        stmt = stmt.where(col(QuestionRow.task_id) == slice.task)
    if slice.flagged:
        stmt = stmt.where(col(CardRow.flagged).is_(True))
    ids = [card_id for card_id, tags in session.execute(stmt) if not slice.tag or slice.tag in tags]
    if slice.most_missed:
        misses = dict(
            session.execute(  # type: ignore[arg-type]
                select(col(ReviewRow.card_id), func.count()).where(
                    col(ReviewRow.deck_id) == slice.deck_id, col(ReviewRow.correct).is_(False)
                ).group_by(col(ReviewRow.card_id))
            ).all()
        )
        ids = sorted((i for i in ids if misses.get(i)), key=lambda i: -misses[i])
    else:
        random.Random(seed).shuffle(ids)
    return ids[: slice.limit]
