"""Put decks into the database: first load, re-import and upgrade, keeping every review."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from certdrill.core.gcpause import collector_paused
from certdrill.core.model import Deck, Question
from certdrill.decks.bundled import outdated_decks
from certdrill.decks.format.loader import load_valid_deck
from certdrill.errors import CertdrillError
from certdrill.storage import lanes
from certdrill.storage.convert import QUESTION_COLUMNS, exam_to_json, question_row
from certdrill.storage.engine import begin_write
from certdrill.storage.tables import DeckRow
from certdrill.storage.timefmt import to_db_time

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
        with collector_paused():
            report = _apply(session, deck, source, now, dry_run)
        if report.reset and not dry_run:
            from certdrill.study.sync_cards import replay_questions

            replay_questions(session, deck_id=deck.id, qids=report.reset)
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
    # Plain SQL on the session's own connection (same transaction): through the ORM the rows of a
    # 10,000-question deck cost ten times as much, and even the deck row cost 15 ms of statement
    # compiling on a new engine (benchmarks/bench_apkg_import.py). Values are stored as
    # SQLAlchemy stores them (JSON as json.dumps text, None in a JSON column as 'null').
    con = lanes.raw(session)
    found = con.execute("SELECT source FROM deck WHERE id = ?", (deck.id,)).fetchone()
    values = (deck.title, deck.version, deck.license, deck.description, source,
              json.dumps(exam_to_json(deck.exam)), to_db_time(now), deck.id)
    if found is None:
        report.new_deck = True
        con.execute("INSERT INTO deck (title, version, license, description, source, exam, imported_at, id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", values)
    else:
        if (found[0] == BUNDLED) != (source == BUNDLED):
            owner = "a bundled deck" if found[0] == BUNDLED else f"a deck imported from {found[0]}"
            raise CertdrillError(
                f"deck id '{deck.id}' already belongs to {owner}; import under another id with --deck-id"
            )
        con.execute("UPDATE deck SET title = ?, version = ?, license = ?, description = ?, source = ?, exam = ?, "
                    "imported_at = ? WHERE id = ?", values)
    con.execute("DELETE FROM domain WHERE deck_id = ?", (deck.id,))
    con.executemany("INSERT INTO domain (deck_id, id, name, weight, position, tasks) VALUES (?, ?, ?, ?, ?, ?)", [
        (deck.id, d.id, d.name, d.weight, i, json.dumps([[t.id, t.name] for t in d.tasks]))
        for i, d in enumerate(deck.domains)
    ])
    old = {
        qid: (pk, content_hash, answer_key, retired, position)
        for qid, pk, content_hash, answer_key, retired, position in con.execute(
            "SELECT qid, pk, content_hash, answer_key, retired, position FROM question WHERE deck_id = ?", (deck.id,)
        )
    }
    first_pk = (con.execute("SELECT max(pk) FROM question").fetchone()[0] or 0) + 1
    fresh: list[tuple[str, int, Question]] = []  # (domain, position, question): rows made as they are written
    changed: list[tuple[Any, ...]] = []
    reset: list[tuple[int]] = []
    for position, q in enumerate(deck.questions):
        before = old.pop(q.id, None)
        if before is None:
            fresh.append((q.domain, position, q))
            report.added.append(q.id)
            continue
        row = question_row(deck.id, q, position)
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
        con.executemany(_UPDATE_QUESTION, changed)
    if reset:
        con.executemany(_RESET_CARD, reset)
    if fresh:
        # In interleaved order, without a pk: SQLite numbers the rows first_pk, first_pk + 1, ...
        # Rows are made a batch at a time: all of them at once would hold every question's text
        # twice, and one at a time (a generator) costs executemany 10% more.
        insert = (f"INSERT INTO question ({', '.join(QUESTION_COLUMNS)}) "
                  f"VALUES ({', '.join('?' * len(QUESTION_COLUMNS))})")
        ordered = interleave_domains(fresh)
        for start in range(0, len(ordered), _BATCH):
            con.executemany(insert, [question_row(deck.id, q, position)
                                     for _, position, q in ordered[start:start + _BATCH]])
        # Every column spelled out: SQLAlchemy wrote the model's defaults, and so must this.
        con.execute(
            "INSERT INTO card (id, deck_id, state, reps, lapses, suspended, flagged) "
            "SELECT pk, deck_id, 0, 0, 0, 0, 0 FROM question WHERE pk >= ? ORDER BY pk", (first_pk,),
        )
    gone = [(qid, pk) for qid, (pk, _h, _k, retired, _p) in old.items() if not retired]
    if gone:
        report.retired.extend(qid for qid, _ in gone)
        con.executemany("UPDATE question SET retired = 1 WHERE pk = ?", [(pk,) for _, pk in gone])
    return report


_HASH, _KEY = (QUESTION_COLUMNS.index(c) for c in ("content_hash", "answer_key"))
_BATCH = 2000  # question rows made and written at a time
_UPDATE_QUESTION = f"UPDATE question SET {', '.join(c + '=?' for c in QUESTION_COLUMNS)} WHERE pk=?"
# A changed answer key voids what the card's memory says: scheduling starts again (reviews stay).
_RESET_CARD = ("UPDATE card SET state=0, step=NULL, stability=NULL, difficulty=NULL, due=NULL, last_review=NULL "
               "WHERE id=?")


@dataclass(frozen=True, slots=True)
class QuestionSaved:
    """What saving one edited question did: `changed` anything, and `reset` its scheduling."""

    changed: bool
    reset: bool


def save_question(session: Session, *, deck_id: str, question: Question, now: datetime) -> QuestionSaved:
    """Store an edited question of a deck in one transaction, as a deck upgrade would: a wording
    edit keeps the card's memory; a changed answer key resets its scheduling; its reviews stay.
    The deck's new content is journaled for sync as an import is (`_edit_travels`)."""
    begin_write(session)
    try:
        con = lanes.raw(session)
        found = con.execute("SELECT pk, content_hash, answer_key, position, retired FROM question "
                            "WHERE deck_id = ? AND qid = ?", (deck_id, question.id)).fetchone()
        if found is None:
            raise CertdrillError(f"deck '{deck_id}' has no question '{question.id}'")
        pk, content_hash, answer_key, position, retired = found
        if retired:
            raise CertdrillError(f"{question.id} is retired (kept for its history): it cannot be edited")
        row = question_row(deck_id, question, position)
        if content_hash == row[_HASH]:
            session.rollback()
            return QuestionSaved(changed=False, reset=False)
        con.execute(_UPDATE_QUESTION, (*row, pk))
        reset = answer_key != row[_KEY]
        if reset:
            con.execute(_RESET_CARD, (pk,))
            from certdrill.study.sync_cards import replay_questions

            replay_questions(session, deck_id=deck_id, qids=[question.id])  # as import_deck does
        _edit_travels(session, deck_id=deck_id, now=now)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return QuestionSaved(changed=True, reset=reset)


SYNCED = " (synced)"
"""Added to the source of a deck another device imported (study.sync_apply)."""


def _edit_travels(session: Session, *, deck_id: str, now: datetime) -> None:
    """An edited deck travels as an imported one does: its whole content, content-addressed, so
    another device loads the very same edit and applies the same rules to it as here (a changed
    answer key restarts the card there too; study.sync_apply.import_decks)."""
    from certdrill.study import changes
    from certdrill.study.exporting import stored_deck

    con = lanes.raw(session)
    (source,) = con.execute("SELECT source FROM deck WHERE id = ?", (deck_id,)).fetchone()
    changes.deck_imported(con, deck=stored_deck(session, deck_id=deck_id), source=source.removesuffix(SYNCED),
                          now=now)


@dataclass
class SyncResult:
    """Bundled decks loaded or upgraded, and those refused (the others still load)."""

    reports: list[ImportReport] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def interleave_domains(rows: list[tuple[Any, ...]], column: int = 0) -> list[tuple[Any, ...]]:
    """Rows spread so every domain (the value in `column`) runs evenly through the sequence.

    New cards are introduced in card-id order; a deck file lists its questions domain by domain,
    and a learner should meet all of the exam's domains from the first day, not one after another.
    """
    domains = [row[column] for row in rows]
    sizes = Counter(domains)
    order = {domain: i for i, domain in enumerate(sizes)}  # first-seen order
    seen: Counter[Any] = Counter()
    keys = []
    for domain in domains:
        keys.append(((seen[domain] + 0.5) / sizes[domain], order[domain]))
        seen[domain] += 1
    # sorted() is stable: rows of one rank keep their order in the deck
    return [rows[i] for i in sorted(range(len(rows)), key=keys.__getitem__)]


def _bundled_event(now: datetime) -> Callable[[Session, ImportReport], None]:
    """A bundled deck travels as its version: the other devices load it from their own certdrill."""
    from certdrill.study import changes

    def record(session: Session, report: ImportReport) -> None:
        changes.deck_changed(lanes.raw(session), "bundled", deck_id=report.deck_id, now=now,
                             version=changes.one_line(report.version, 64))

    return record


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
    for path in outdated_decks(known, root):
        try:
            deck = load_valid_deck(path)
        except CertdrillError as exc:
            result.refused.append(f"bundled deck {path.name} not loaded: {exc}")
            continue
        result.reports.append(import_deck(session, deck=deck, source=BUNDLED, now=now, after=_bundled_event(now)))
    return result
