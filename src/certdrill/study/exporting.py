"""Export a deck from the database to YAML, an Anki package or CSV."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlmodel import Session, col

from certdrill.core.memory import NEW
from certdrill.core.model import Deck
from certdrill.decks.exporters.apkg import DeckHistory, PastAnswer, write_apkg
from certdrill.decks.exporters.csv_table import write_csv
from certdrill.decks.exporters.yaml_deck import write_yaml
from certdrill.errors import CertdrillError
from certdrill.storage.convert import card_state, deck_from_rows, question_from_row
from certdrill.storage.tables import CardRow, DeckRow, DomainRow, QuestionRow, ReviewRow

Format = Literal["yaml", "apkg", "csv"]
FORMATS: dict[str, Format] = {".yaml": "yaml", ".yml": "yaml", ".apkg": "apkg", ".csv": "csv"}


def stored_deck(session: Session, *, deck_id: str) -> Deck:
    """The deck as stored: its domains and its current (not retired) questions in deck order."""
    row = session.get(DeckRow, deck_id)
    if row is None:
        known = ", ".join(session.execute(select(col(DeckRow.id)).order_by(col(DeckRow.id))).scalars())
        raise CertdrillError(f"no deck '{deck_id}' (decks: {known or 'none'})")
    domains = list(session.execute(select(DomainRow).where(col(DomainRow.deck_id) == deck_id)).scalars())
    questions = session.execute(
        select(QuestionRow).where(col(QuestionRow.deck_id) == deck_id, col(QuestionRow.retired).is_(False))
        .order_by(col(QuestionRow.position))
    ).scalars()
    return deck_from_rows(row, domains, tuple(question_from_row(q) for q in questions))


def deck_history(session: Session, *, deck_id: str) -> DeckHistory:
    """The deck's schedule (current questions) and every review answer, for an export with history."""
    cards, suspended = {}, set()
    for qid, card in session.execute(
        select(col(QuestionRow.qid), CardRow).join(CardRow, col(CardRow.id) == col(QuestionRow.pk))
        .where(col(QuestionRow.deck_id) == deck_id, col(QuestionRow.retired).is_(False))
    ):
        cards[qid] = card_state(card)
        if card.suspended:
            suspended.add(qid)
    answers = tuple(
        PastAnswer(qid, r.reviewed_at, r.rating, r.duration_ms, int((r.state_before or {}).get("state", NEW)))
        for qid, r in session.execute(
            select(col(QuestionRow.qid), ReviewRow).join(QuestionRow, col(QuestionRow.pk) == col(ReviewRow.card_id))
            .where(col(ReviewRow.deck_id) == deck_id, col(ReviewRow.mode) == "review", col(QuestionRow.retired).is_(False))
            .order_by(col(ReviewRow.reviewed_at), col(ReviewRow.id))
        )
    )
    return DeckHistory(cards, frozenset(suspended), answers)


def export_deck(session: Session, *, deck_id: str, to: Path, fmt: Format | None, now: datetime,
                with_history: bool = False) -> Deck:
    """Write the deck to `to`; the format comes from `fmt` or the file's suffix. `with_history` (an
    .apkg only) adds each card's schedule and the review answers."""
    chosen = fmt or FORMATS.get(to.suffix.lower())
    if chosen is None:
        raise CertdrillError(f"{to}: say --format yaml, apkg or csv (or use a .yaml, .apkg or .csv name)")
    if with_history and chosen != "apkg":
        raise CertdrillError("--with-history needs an .apkg export: YAML and CSV carry the questions only")
    deck = stored_deck(session, deck_id=deck_id)
    history = deck_history(session, deck_id=deck_id) if with_history else None
    session.rollback()
    try:
        if chosen == "yaml":
            write_yaml(deck, to)
        elif chosen == "csv":
            write_csv(deck, to)
        else:
            write_apkg(deck, to, now=now, history=history)
    except OSError as exc:
        raise CertdrillError(f"{to}: cannot write: {exc.strerror or exc}") from None
    return deck
