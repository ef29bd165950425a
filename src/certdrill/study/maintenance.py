"""Keeping the learner's database healthy: doctor (find and fix), backup, restore, busy errors."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from certdrill import paths
from certdrill.decks.bundled import bundled_deck_paths
from certdrill.decks.format.loader import read_header
from certdrill.errors import CertdrillError
from certdrill.storage.engine import (
    BUSY_TIMEOUT_MS,
    DatabaseUnavailable,
    backup_database,
    begin_write,
    copy_file,
    database_errors,
    make_engine,
    newer_schema_message,
)
from certdrill.storage.types import to_db_time
from certdrill.storage.version import FIRST_SCHEMA_VERSION, SCHEMA_VERSION
from certdrill.study.library import BUNDLED, sync_bundled_decks

__all__ = ["DatabaseUnavailable", "database_errors"]  # the TUI catches these around study calls

REQUIRED_TABLES = {"deck", "domain", "question", "card", "review", "setting"}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem the doctor found; `fix` says what `--fix` does about it (None: left alone)."""

    check: str  # integrity | orphan card | orphan review | question without card | card state | answer chain | ...
    subject: str
    problem: str
    fix: str | None = None
    ref: Any = None  # what the fix works on: a card id, a question pk, a deck id

    def line(self) -> str:
        return f"{self.check}: {self.subject}: {self.problem}" + (f" (fix: {self.fix})" if self.fix else "")

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "subject": self.subject, "problem": self.problem, "fix": self.fix}


@dataclass
class DoctorReport:
    found: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)
    backup: Path | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": not self.remaining, "found": [f.to_json() for f in self.found],
            "fixed": [f.to_json() for f in self.fixed], "remaining": [f.to_json() for f in self.remaining],
            "backup": str(self.backup) if self.backup else None,
        }


def _rows(session: Session, sql: str, **params: Any) -> list[Any]:
    return list(session.execute(text(sql), params).all())


def _integrity(session: Session) -> list[Finding]:
    lines = [row[0] for row in _rows(session, "PRAGMA integrity_check")]
    if lines == ["ok"]:
        return []
    return [Finding("integrity", "database file", line) for line in lines[:20]]


def _orphans(session: Session) -> list[Finding]:
    found = []
    for card_id, reviews, exam_answers in _rows(session, """
        SELECT card.id, (SELECT count(*) FROM review WHERE review.card_id = card.id),
               (SELECT count(*) FROM exam_answer WHERE exam_answer.card_id = card.id)
        FROM card LEFT JOIN question ON question.pk = card.id WHERE question.pk IS NULL"""):
        history = reviews + exam_answers
        found.append(Finding(
            "orphan card", f"card {card_id}", f"has no question ({history} answers refer to it)",
            "delete the card (it has no answers)" if not history else None, card_id,
        ))
    for review_id, card_id in _rows(session, """
        SELECT review.id, review.card_id FROM review LEFT JOIN card ON card.id = review.card_id
        WHERE card.id IS NULL"""):
        # Reviews are never deleted: the answer happened, even if its card is gone.
        found.append(Finding("orphan review", f"review {review_id}", f"its card {card_id} does not exist"))
    for pk, deck_id, qid in _rows(session, """
        SELECT question.pk, question.deck_id, question.qid FROM question
        LEFT JOIN card ON card.id = question.pk WHERE card.id IS NULL"""):
        found.append(Finding(
            "question without card", f"{deck_id}/{qid}", "has no card, so it is never asked",
            "add a new card for it", pk,
        ))
    covered = {("card", "question"), ("review", "card")}
    for table, rowid, parent, _fk in _rows(session, "PRAGMA foreign_key_check"):
        if (table, parent) not in covered:
            found.append(Finding("reference", f"{table} row {rowid}", f"refers to a missing {parent}"))
    return found


def _card_states(session: Session) -> list[Finding]:
    """Cards whose reps, last review or state do not follow from their review-mode answers."""
    chains: dict[int, list[tuple[str, str | None]]] = {}
    in_event_order: dict[int, list[tuple[Any, ...]]] = {}  # after sync: the order replay used
    for card_id, at, before, hlc, device, seq in _rows(session, """
        SELECT card_id, reviewed_at, state_before, hlc, device, seq FROM review WHERE mode = 'review'
        ORDER BY card_id, id"""):
        chains.setdefault(card_id, []).append((at, before))
        in_event_order.setdefault(card_id, []).append((hlc is not None, hlc or 0, device or "", seq or 0, at, before))
    ordered = {card_id: [(row[4], row[5]) for row in sorted(rows, key=lambda row: row[:4])]
               for card_id, rows in in_event_order.items()}
    found = []
    for card_id, deck_id, qid, state, reps, last_review in _rows(session, """
        SELECT card.id, card.deck_id, coalesce(question.qid, '?'), card.state, card.reps, card.last_review
        FROM card LEFT JOIN question ON question.pk = card.id ORDER BY card.id"""):
        answers = chains.get(card_id, [])
        # The card follows its answers in commit order (review id). Answers imported with a
        # community deck's history are older than their ids say; time order covers those.
        by_time = sorted(answers, key=lambda a: a[0])
        latest = {answers[-1][0], by_time[-1][0]} if answers else set()
        subject = f"card {card_id} ({deck_id}/{qid})"
        if reps != len(answers):
            found.append(Finding("card state", subject, f"counts {reps} answers, the history has {len(answers)}",
                                 f"set its count to {len(answers)}", card_id))
        # last_review is None after an answer-key reset (state new, reviews kept): that is fine.
        if last_review is not None and not answers:
            found.append(Finding("card state", subject, "has a last review but no answers"))
        elif answers and (last_review not in latest | {None} or (last_review is None and state != 0)):
            found.append(Finding("card state", subject,
                                 f"last reviewed {last_review}, but its latest answer is {max(latest)}",
                                 "set its last review to its latest answer", card_id))
        elif state != 0 and not answers:
            found.append(Finding("card state", subject, "is being learned but has no answers"))
        broken = _chain(subject, answers)
        if broken and _chain(subject, by_time) and _chain(subject, ordered.get(card_id, [])):
            found += broken
    return found


def _chain(subject: str, answers: list[tuple[str, str | None]]) -> list[Finding]:
    # Each answer stores the card's state before it (undo restores it): it must continue the chain.
    previous: str | None = None
    for n, (at, raw_before) in enumerate(answers):
        before = json.loads(raw_before) if raw_before else None
        if before is None:
            return [Finding("answer chain", subject, f"the answer at {at} has no state to undo to")]
        was = before.get("last_review")
        stored_was = to_db_time(datetime.fromisoformat(was)) if was else None
        reset = before.get("state") == 0 and stored_was is None
        if before.get("reps") != n or not (stored_was == previous or reset):
            return [Finding("answer chain", subject,
                            f"the state stored before the answer at {at} does not follow the answer before it")]
        previous = at
    return []


def _bundled(session: Session, root: Path | None) -> list[Finding]:
    known = dict(_rows(session, "SELECT id, version FROM deck WHERE source = :s", s=BUNDLED))
    found = []
    for path in bundled_deck_paths(root):
        try:
            header = read_header(path)
        except CertdrillError as exc:
            found.append(Finding("bundled deck", path.name, f"cannot be read: {exc}"))
            continue
        if known.get(header.id) != header.version:
            have = f"version {known[header.id]}" if header.id in known else "not loaded"
            found.append(Finding("bundled deck", header.id, f"{have}; certdrill ships version {header.version}",
                                 "load the shipped version (history is kept)", header.id))
    return found


def examine(session: Session, *, bundled_root: Path | None = None, bundled: bool = True) -> list[Finding]:
    """Every problem found: integrity, orphans, cards that disagree with their answers, old decks."""
    with database_errors():
        found = _integrity(session)
        if found:  # a damaged file: the other checks would read garbage
            session.rollback()
            return found
        found += _orphans(session) + _card_states(session)
        if bundled:
            found += _bundled(session, bundled_root)
        session.rollback()
    return found


def _repair(session: Session, findings: list[Finding], *, now: datetime, bundled_root: Path | None) -> list[Finding]:
    fixed: list[Finding] = []
    begin_write(session)
    try:
        for f in findings:
            if f.fix is None or f.check == "bundled deck":
                continue
            if f.check == "orphan card":
                session.execute(text("DELETE FROM card WHERE id = :id"), {"id": f.ref})
            elif f.check == "question without card":
                session.execute(text("INSERT INTO card (id, deck_id, state, reps, lapses, suspended, flagged) "
                                     "SELECT pk, deck_id, 0, 0, 0, 0, 0 FROM question WHERE pk = :pk"), {"pk": f.ref})
            elif f.check == "card state" and "count" in f.fix:
                session.execute(text("UPDATE card SET reps = (SELECT count(*) FROM review WHERE card_id = card.id "
                                     "AND mode = 'review') WHERE id = :id"), {"id": f.ref})
            elif f.check == "card state":
                session.execute(text("UPDATE card SET last_review = (SELECT reviewed_at FROM review WHERE "
                                     "card_id = card.id AND mode = 'review' ORDER BY id DESC LIMIT 1) WHERE id = :id"),
                                {"id": f.ref})
            fixed.append(f)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    if any(f.check == "bundled deck" and f.fix for f in findings):
        sync_bundled_decks(session, now=now, root=bundled_root)
        fixed += [f for f in findings if f.check == "bundled deck" and f.fix]
    return fixed


def doctor(session: Session, *, db_path: Path, now: datetime, fix: bool, bundled_root: Path | None = None) -> DoctorReport:
    """Examine the database; with `fix`, back it up, then fix what is safe to fix."""
    report = DoctorReport(found=examine(session, bundled_root=bundled_root))
    report.remaining = report.found
    fixable = [f for f in report.found if f.fix]
    if not fix or not fixable:
        return report
    if any(f.check == "integrity" for f in report.found):
        return report  # never write into a damaged file; restore a backup instead
    with database_errors():
        report.backup = backup_database(db_path, reason="doctor", now=now)
    remaining = report.found
    for _ in range(2):  # a question given back its card may then need its count set: a second pass
        fixable = [f for f in remaining if f.fix]
        if not fixable:
            break
        with database_errors():
            report.fixed += _repair(session, fixable, now=now, bundled_root=bundled_root)
        remaining = examine(session, bundled_root=bundled_root)
    report.remaining = remaining
    return report


def file_problems(db_path: Path) -> list[Finding]:
    """Integrity of the database file itself, checked without opening it as a workspace."""
    if not db_path.exists():
        return []
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            lines = [row[0] for row in con.execute("PRAGMA integrity_check")]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return [Finding("integrity", str(db_path), str(exc))]
    return [] if lines == ["ok"] else [Finding("integrity", str(db_path), line) for line in lines[:20]]


def backups(db_path: Path) -> list[Path]:
    """The backups next to the database, newest first."""
    folder = paths.backups_dir(db_path.parent)
    return sorted(folder.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True)


def back_up(*, db_path: Path, target: Path | None, now: datetime) -> Path:
    """A consistent copy of the database (safe while certdrill runs elsewhere)."""
    if not db_path.exists():
        raise CertdrillError(f"{db_path}: no database yet, nothing to back up")
    if target is not None and target.is_dir():
        target = target / f"certdrill-{now.strftime('%Y%m%dT%H%M%SZ')}.db"
    if target is not None and target.exists():
        raise CertdrillError(f"{target} already exists; choose a new file name")
    with database_errors():
        return backup_database(db_path, reason="manual", now=now, target=target)


@dataclass(frozen=True, slots=True)
class DatabaseFacts:
    """What a database file holds, checked before it may replace the learner's."""

    schema: int
    decks: int
    reviews: int


def inspect_database_file(path: Path) -> DatabaseFacts:
    """Facts of a certdrill database file; CertdrillError if it is not one this certdrill can use."""
    if not path.is_file():
        raise CertdrillError(f"{path}: no such file")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if [row[0] for row in con.execute("PRAGMA quick_check")] != ["ok"]:
                raise CertdrillError(f"{path}: the file is damaged (integrity check failed)")
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if version == 0 or not tables >= REQUIRED_TABLES:
                raise CertdrillError(f"{path}: not a certdrill database")
            if version > SCHEMA_VERSION:
                raise CertdrillError(newer_schema_message(path, version))
            if version < FIRST_SCHEMA_VERSION:
                raise CertdrillError(f"{path}: unknown certdrill schema {version}")
            decks = int(con.execute("SELECT count(*) FROM deck").fetchone()[0])
            reviews = int(con.execute("SELECT count(*) FROM review").fetchone()[0])
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise CertdrillError(f"{path}: not a certdrill database ({exc})") from exc
    return DatabaseFacts(version, decks, reviews)


@dataclass(frozen=True, slots=True)
class RestoreReport:
    facts: DatabaseFacts
    previous: Path | None  # where the replaced database was saved


def restore(*, db_path: Path, source: Path, now: datetime) -> RestoreReport:
    """Replace the database with `source` after checking it and backing up the current one.

    The copy goes through SQLite's backup API into the live file, so another certdrill that
    has it open sees either the old or the restored database, never a mix.
    """
    facts = inspect_database_file(source)
    if source.resolve() == db_path.resolve():
        raise CertdrillError(f"{source} is the current database")
    previous = None
    if db_path.exists():
        if file_problems(db_path):
            previous = _set_aside(db_path, now)  # damaged: the backup API cannot read it, keep its bytes
        else:
            with database_errors():
                previous = backup_database(db_path, reason="before-restore", now=now)
    with database_errors():
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dest = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                src.backup(dest)
            finally:
                dest.close()
        finally:
            src.close()
        make_engine(db_path).dispose()  # upgrades an older schema now, with its own backup
    return RestoreReport(facts, previous)


def _set_aside(db_path: Path, now: datetime) -> Path:
    target = paths.backups_dir(db_path.parent) / f"certdrill-{now.strftime('%Y%m%dT%H%M%SZ')}-damaged.db"
    copy_file(db_path, target)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return target
