"""A card's history: every answer with its time, mode, choice, verdict, rating, the time taken,
and the interval it left the card with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from certdrill.core.memory import CardState
from certdrill.core.model import Question
from certdrill.errors import CertdrillError
from certdrill.storage.convert import card_state, question_from_row
from certdrill.storage.tables import CardRow, QuestionRow, ReviewRow


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    mode: str  # review | practice | exam
    chosen: tuple[int, ...]
    correct: bool | None  # None: a flashcard the learner rated
    rating: int
    seconds: float
    interval: timedelta | None  # until the card was due after it; None: the schedule was left alone, or unknown


@dataclass(frozen=True, slots=True)
class CardHistory:
    card_id: int
    deck_id: str
    question: Question
    state: CardState
    suspended: bool
    flagged: bool
    entries: list[HistoryEntry]  # oldest first


def card_history(session: Session, *, card_id: int) -> CardHistory:
    """Every stored answer of the card. The state an answer left is the state the next review
    found (kept for undo) or, for the latest, the card's own; an interval is shown only where
    that chain holds (a reset or an answer-key change in between breaks it)."""
    card = session.get(CardRow, card_id)
    question = session.get(QuestionRow, card_id)
    if card is None or question is None:
        raise CertdrillError(f"card {card_id} does not exist")
    rows = list(session.exec(  # type: ignore[call-overload]
        select(ReviewRow).where(col(ReviewRow.card_id) == card_id).order_by(col(ReviewRow.id))
    ).scalars())
    now_state = card_state(card)
    scheduled = [r for r in rows if r.mode == "review"]
    after: dict[int, CardState | None] = {}
    for row, following in zip(scheduled, [*scheduled[1:], None], strict=True):
        if following is None:
            after[row.id or 0] = now_state
        else:
            after[row.id or 0] = CardState.from_json(following.state_before) if following.state_before else None
    entries = []
    for row in rows:
        interval = None
        state = after.get(row.id or 0)
        if state is not None and state.due is not None and state.last_review == row.reviewed_at:
            interval = state.due - row.reviewed_at
        entries.append(HistoryEntry(row.reviewed_at, row.mode, tuple(row.chosen), row.correct, row.rating,
                                    row.duration_ms / 1000, interval))
    return CardHistory(card_id, card.deck_id, question_from_row(question), now_state, card.suspended, card.flagged,
                       entries)
