"""Put decks into the database: first load, re-import and upgrade, keeping every review."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, insert, select, update
from sqlmodel import Session, col

from certdrill.core.model import Deck
from certdrill.decks.bundled import bundled_deck_paths
from certdrill.decks.loader import load_valid_deck, read_header
from certdrill.errors import CertdrillError
from certdrill.storage.convert import exam_to_json, question_values
from certdrill.storage.engine import begin_write
from certdrill.storage.tables import CardRow, DeckRow, DomainRow, QuestionRow

BUNDLED = "bundled"


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    deck_id: str
    title: str
    version: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    reset: list[str] = field(default_factory=list)  # answer key changed: scheduling restarted
    retired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: int = 0
    new_deck: bool = False
    dry_run: bool = False
    refused: list[str] = field(default_factory=list)  # items of a community deck that could not be converted
    history: int = 0  # past reviews brought in from the source

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.retired or self.restored or self.new_deck or self.history)

    def summary(self) -> str:
        verb = "would " if self.dry_run else ""
        parts = [
            f"{len(self.added)} added", f"{len(self.updated)} updated",
            f"{len(self.retired)} retired", f"{self.unchanged} unchanged",
        ]
        if self.reset:
            parts.insert(2, f"{len(self.reset)} with a changed answer (scheduling {verb}restart)")
        if self.restored:
            parts.insert(2, f"{len(self.restored)} restored")
        if self.history:
            parts.append(f"{self.history} past reviews")
        if self.refused:
            parts.append(f"{len(self.refused)} refused")
        head = f"{self.deck_id} {self.version}: "
        if not self.changed:
            return head + "nothing to change" + (f", {len(self.refused)} refused" if self.refused else "")
        return head + ", ".join(parts)


def import_deck(
    session: Session, *, deck: Deck, source: str, now: datetime, dry_run: bool = False,
    after: Callable[[Session, ImportReport], None] | None = None,
) -> ImportReport:
    """Add or upgrade `deck` in one transaction, matching questions by id.

    Wording edits keep the memory state; a changed answer key resets the card's scheduling
    but keeps its reviews; questions missing from the new version are retired, not deleted.
    `after` runs inside the same transaction (community imports add review history there).
    """
    begin_write(session)
    try:
        report = _apply(session, deck, source, now, dry_run)
        if after is not None:
            after(session, report)
    except BaseException:
        session.rollback()
        raise
    if dry_run:
        session.rollback()
    else:
        session.commit()
    return report


def _apply(session: Session, deck: Deck, source: str, now: datetime, dry_run: bool) -> ImportReport:
    report = ImportReport(deck.id, deck.title, deck.version, dry_run=dry_run)
    existing = session.get(DeckRow, deck.id)
    if existing is None:
        report.new_deck = True
        session.add(DeckRow(
            id=deck.id, title=deck.title, version=deck.version, license=deck.license,
            description=deck.description, source=source, exam=exam_to_json(deck.exam), imported_at=now,
        ))
    else:
        if (existing.source == BUNDLED) != (source == BUNDLED):
            owner = "a bundled deck" if existing.source == BUNDLED else f"a deck imported from {existing.source}"
            raise CertdrillError(
                f"deck id '{deck.id}' already belongs to {owner}; import under another id with --deck-id"
            )
        existing.title, existing.version, existing.license = deck.title, deck.version, deck.license
        existing.description, existing.exam = deck.description, exam_to_json(deck.exam)
        existing.source, existing.imported_at = source, now
        session.add(existing)
    session.flush()
    session.execute(delete(DomainRow).where(col(DomainRow.deck_id) == deck.id))
    session.execute(insert(DomainRow), [
        {"deck_id": deck.id, "id": d.id, "name": d.name, "weight": d.weight, "position": i,
         "tasks": [[t.id, t.name] for t in d.tasks]}
        for i, d in enumerate(deck.domains)
    ])

    old = {
        qid: (pk, content_hash, answer_key, retired, position)
        for qid, pk, content_hash, answer_key, retired, position in session.execute(
            select(col(QuestionRow.qid), col(QuestionRow.pk), col(QuestionRow.content_hash),
                   col(QuestionRow.answer_key), col(QuestionRow.retired), col(QuestionRow.position))
            .where(col(QuestionRow.deck_id) == deck.id)
        )
    }
    fresh: list[dict[str, object]] = []
    for position, q in enumerate(deck.questions):
        values = question_values(deck.id, q, position)
        before = old.pop(q.id, None)
        if before is None:
            fresh.append(values)
            report.added.append(q.id)
            continue
        pk, content_hash, answer_key, retired, old_position = before
        if content_hash == values["content_hash"] and not retired and old_position == position:
            report.unchanged += 1
            continue
        if retired:
            report.restored.append(q.id)
        elif content_hash != values["content_hash"]:
            report.updated.append(q.id)
        else:
            report.unchanged += 1
        session.execute(update(QuestionRow).where(col(QuestionRow.pk) == pk).values(**values))
        if answer_key != values["answer_key"]:
            report.reset.append(q.id)
            session.execute(
                update(CardRow).where(col(CardRow.id) == pk)
                .values(state=0, step=None, stability=None, difficulty=None, due=None, last_review=None)
            )
    if fresh:
        first_pk = (session.execute(select(func.max(col(QuestionRow.pk)))).scalar() or 0) + 1
        for offset, values in enumerate(fresh):
            values["pk"] = first_pk + offset
        session.execute(insert(QuestionRow), fresh)
        session.execute(insert(CardRow), [{"id": v["pk"], "deck_id": deck.id, "state": 0} for v in fresh])
    gone = [(qid, pk) for qid, (pk, _h, _k, retired, _p) in old.items() if not retired]
    if gone:
        report.retired.extend(qid for qid, _ in gone)
        session.execute(
            update(QuestionRow).where(col(QuestionRow.pk).in_([pk for _, pk in gone])).values(retired=True)
        )
    return report


@dataclass
class SyncResult:
    """Bundled decks loaded or upgraded, and those refused (the others still load)."""

    reports: list[ImportReport] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def sync_bundled_decks(session: Session, *, now: datetime, root: Path | None = None) -> SyncResult:
    """Load bundled decks on first start; upgrade those whose `version` changed.

    A bundled deck that fails its check is skipped with a message, so one broken file never
    locks the learner out of the other decks and their history.
    """
    known: dict[str, str] = {
        deck_id: version
        for deck_id, version in session.execute(
            select(col(DeckRow.id), col(DeckRow.version)).where(col(DeckRow.source) == BUNDLED)
        )
    }
    session.rollback()
    result = SyncResult()
    for path in bundled_deck_paths(root):
        try:
            header = read_header(path)
            if known.get(header.id) == header.version:
                continue
            deck = load_valid_deck(path)
        except CertdrillError as exc:
            result.refused.append(f"bundled deck {path.name} not loaded: {exc}")
            continue
        result.reports.append(import_deck(session, deck=deck, source=BUNDLED, now=now))
    return result
