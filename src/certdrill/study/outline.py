"""A deck's outline: whether it has an exam, its domains' names, their tasks, its tags."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import select
from sqlmodel import Session, col

from certdrill.storage.tables import DeckRow, DomainRow, QuestionRow


def has_exam(session: Session, *, deck_id: str) -> bool:
    deck = session.get(DeckRow, deck_id)
    return deck is not None and deck.exam is not None


def domain_names(session: Session, *, deck_ids: Sequence[str]) -> dict[str, str]:
    """Domain id -> name over these decks (cheap, unlike the full deck summaries)."""
    rows = session.execute(select(DomainRow).where(col(DomainRow.deck_id).in_(deck_ids))).scalars()
    return {d.id: d.name for d in rows}


def tasks(session: Session, *, deck_id: str, domain_id: str) -> list[tuple[str, str]]:
    """(task id, name) of one domain, in the deck's order."""
    row = session.get(DomainRow, (deck_id, domain_id))
    return [(t, n) for t, n in row.tasks] if row else []


def tags(session: Session, *, deck_id: str) -> list[tuple[str, int]]:
    """The deck's tags and how many questions carry each, most used first, then A to Z (retired
    questions left out)."""
    counts: Counter[str] = Counter()
    for (question_tags,) in session.execute(select(col(QuestionRow.tags)).where(
            col(QuestionRow.deck_id) == deck_id, col(QuestionRow.retired).is_(False))):
        counts.update(question_tags)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))
