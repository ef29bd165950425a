"""Export a deck from the database to YAML, an Anki package or CSV."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlmodel import Session, col

from certdrill.core.model import Deck
from certdrill.decks.exporters.apkg import write_apkg
from certdrill.decks.exporters.csv_table import write_csv
from certdrill.decks.exporters.yaml_deck import write_yaml
from certdrill.errors import CertdrillError
from certdrill.storage.convert import deck_from_rows, question_from_row
from certdrill.storage.tables import DeckRow, DomainRow, QuestionRow

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


def export_deck(session: Session, *, deck_id: str, to: Path, fmt: Format | None, now: datetime) -> Deck:
    """Write the deck to `to`; the format comes from `fmt` or the file's suffix."""
    chosen = fmt or FORMATS.get(to.suffix.lower())
    if chosen is None:
        raise CertdrillError(f"{to}: say --format yaml, apkg or csv (or use a .yaml, .apkg or .csv name)")
    deck = stored_deck(session, deck_id=deck_id)
    session.rollback()
    try:
        if chosen == "yaml":
            write_yaml(deck, to)
        elif chosen == "csv":
            write_csv(deck, to)
        else:
            write_apkg(deck, to, now=now)
    except OSError as exc:
        raise CertdrillError(f"{to}: cannot write: {exc.strerror or exc}") from None
    return deck
