"""Put decks into the database: first load, re-import and upgrade, keeping every review."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session, col

from certdrill.core.model import Deck
from certdrill.decks.bundled import bundled_deck_paths
from certdrill.decks.loader import load_valid_deck, read_header
from certdrill.errors import CertdrillError
from certdrill.storage import cardstore
from certdrill.storage.convert import QUESTION_COLUMNS, exam_to_json, question_row
from certdrill.storage.engine import begin_write
from certdrill.storage.tables import DeckRow, DomainRow, QuestionRow

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
    # Plain executemany on the session's own connection (same transaction): through the ORM the
    # rows of a 10,000-question deck cost ten times as much (benchmarks/bench_apkg_import.py).
    con = cardstore.raw(session)
    first_pk = (con.execute("SELECT max(pk) FROM question").fetchone()[0] or 0) + 1
    fresh: list[tuple[Any, ...]] = []
    changed: list[tuple[Any, ...]] = []
    reset: list[tuple[int]] = []
    for position, q in enumerate(deck.questions):
        row = question_row(deck.id, q, position)
        before = old.pop(q.id, None)
        if before is None:
            fresh.append((q.domain, *row))
            report.added.append(q.id)
            continue
        pk, content_hash, answer_key, retired, old_position = before
        if content_hash == row[_HASH] and not retired and old_position == position:
            report.unchanged += 1
            continue
        if retired:
            report.restored.append(q.id)
        elif content_hash != row[_HASH]:
            report.updated.append(q.id)
        else:
            report.unchanged += 1
        changed.append((*row, pk))
        if answer_key != row[_KEY]:
            report.reset.append(q.id)
            reset.append((pk,))
    if changed:
        con.executemany(f"UPDATE question SET {', '.join(c + '=?' for c in QUESTION_COLUMNS)} WHERE pk=?", changed)
    if reset:
        con.executemany(
            "UPDATE card SET state=0, step=NULL, stability=NULL, difficulty=NULL, due=NULL, last_review=NULL "
            "WHERE id=?", reset,
        )
    if fresh:
        fresh = [(first_pk + i, *row[1:]) for i, row in enumerate(interleave_domains(fresh))]
        con.executemany(f"INSERT INTO question (pk, {', '.join(QUESTION_COLUMNS)}) VALUES (?, {', '.join('?' * len(QUESTION_COLUMNS))})", fresh)
        # Every column spelled out: SQLAlchemy wrote the model's defaults, and so must this.
        con.execute(
            "INSERT INTO card (id, deck_id, state, reps, lapses, suspended, flagged) "
            "SELECT pk, deck_id, 0, 0, 0, 0, 0 FROM question WHERE pk >= ? ORDER BY pk", (first_pk,),
        )
    gone = [(qid, pk) for qid, (pk, _h, _k, retired, _p) in old.items() if not retired]
    if gone:
        report.retired.extend(qid for qid, _ in gone)
        session.execute(
            update(QuestionRow).where(col(QuestionRow.pk).in_([pk for _, pk in gone])).values(retired=True)
        )
    return report


_HASH, _KEY = QUESTION_COLUMNS.index("content_hash"), QUESTION_COLUMNS.index("answer_key")


@dataclass
class SyncResult:
    """Bundled decks loaded or upgraded, and those refused (the others still load)."""

    reports: list[ImportReport] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def interleave_domains(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows (domain first) spread so every domain runs evenly through the sequence.

    New cards are introduced in card-id order; a deck file lists its questions domain by domain,
    and a learner should meet all of the exam's domains from the first day, not one after another.
    """
    sizes = Counter(row[0] for row in rows)
    seen: Counter[Any] = Counter()
    order = {domain: i for i, domain in enumerate(dict.fromkeys(row[0] for row in rows))}
    keyed = []
    for index, row in enumerate(rows):
        domain = row[0]
        keyed.append(((seen[domain] + 0.5) / sizes[domain], order[domain], index, row))
        seen[domain] += 1
    return [row for *_key, row in sorted(keyed, key=lambda k: k[:3])]


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
