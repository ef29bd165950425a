"""Sync between the learner's machines through a folder they already share (Syncthing, Dropbox, a git
repository, a USB stick): send this device's changes, receive the others', report in one line.

The rules are in core.sync and docs/sync.md; the journal files in storage.journal; sending in
study.sync_export, receiving in study.sync_apply and study.sync_cards.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from certdrill.core.gcpause import collector_paused
from certdrill.core.sync.check import Refused, parse_lines
from certdrill.core.sync.events import Event
from certdrill.core.text import counted
from certdrill.errors import CertdrillError
from certdrill.storage import journal, lanes
from certdrill.storage.engine import begin_write
from certdrill.storage.event_log import NOT_ANSWER, local_device, record
from certdrill.storage.journal import Chunk, JournalFile, Mark
from certdrill.study.changes import one_line
from certdrill.study.sync_apply import Receiver, checked, import_decks, store
from certdrill.study.sync_cards import Card
from certdrill.study.sync_export import backfill, export

MAX_PROBLEMS = 20  # kept per journal file, newest last
PARSE_LINES = 8192  # journal lines checked and applied at a time (a first sync's memory)
BULK_CACHE_BYTES = 128 << 20  # SQLite's page cache while a big batch is applied (`_bulk`)


@dataclass
class SyncReport:
    """What one sync did."""

    sent: Counter[str] = field(default_factory=Counter)  # event type -> count
    received: dict[str, Counter[str]] = field(default_factory=dict)  # device label -> event type -> count
    devices: list[str] = field(default_factory=list)  # the other devices known, by label
    refused: list[str] = field(default_factory=list)  # "file:line: why"
    waiting: int = 0  # received changes waiting for a deck or question this device does not have
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: what was sent and received, or that there was nothing to do."""
        parts = []
        if self.sent:
            parts.append("sent " + _changes(self.sent))
        for label, got in sorted(self.received.items()):
            parts.append(f"received {_changes(got)} from {label}")
        line = ", ".join(parts) if parts else "nothing to sync: up to date" + (
            f" with {', '.join(self.devices)}" if self.devices else " (no other device has synced to this folder yet)")
        if self.waiting:
            line += f"; {counted(self.waiting, 'change')} wait for a deck this device does not have yet"
        if self.refused:
            line += f"; {counted(len(self.refused), 'journal line')} refused (certdrill sync --status)"
        return line

    def to_json(self) -> dict[str, Any]:
        return {"sent": dict(self.sent), "received": {k: dict(v) for k, v in self.received.items()},
                "devices": self.devices, "refused": self.refused, "waiting": self.waiting, "notes": self.notes}


def _changes(counts: Counter[str]) -> str:
    answers = counts.get("answer", 0)
    others = sum(counts.values()) - answers
    if not answers:
        return counted(others, "change")
    return counted(answers, "answer") + (f" and {counted(others, 'other change')}" if others else "")


def shared_folder(text: str) -> Path:
    """The folder to sync through, from what the learner typed: it must exist; kept absolute."""
    folder = Path(text).expanduser().resolve()
    if not folder.is_dir():
        raise CertdrillError(f"the sync folder {folder} does not exist or is not a folder")
    return folder


def label(device: str, name: str) -> str:
    """How a device is called in reports: its name and the first four digits of its id."""
    return f"{name or 'device'}-{device[:4]}"


def sync(session: Session, *, folder: Path, now: datetime, host: str) -> SyncReport:
    """Send this device's new changes to `folder` and apply every other device's there.

    `host` names this device until the learner names it. Raises CertdrillError for a folder that
    cannot be used; lines of other journals that fail their check are refused and reported."""
    folder = shared_folder(str(folder))
    report = SyncReport()
    device = _prepare(session, now=now, host=host)
    begin_write(session)
    sent = export(session, folder=folder, device=device)
    session.commit()
    report.sent = Counter({t: n for t, n in sent.events.items() if t not in ("device", "bundled")})
    files, notes = journal.list_journals(folder)
    report.notes += notes
    receiver = Receiver(folder=folder, now=now)
    for file in files:
        if file.device != device:
            _receive(session, receiver, folder, file, report)
    done, problems = import_decks(session, folder=folder, now=now)
    report.notes += problems
    begin_write(session)
    receiver.begin(session)
    if done:
        receiver.forget_decks()
    report.waiting = receiver.retry_waiting()
    _replay_if_scheduler_changed(session, receiver, device)
    session.commit()
    report.notes += receiver.applied.notes
    names = _names(session)
    for (dev, type), n in receiver.applied.received.items():
        if type not in ("device", "bundled"):
            report.received.setdefault(names.get(dev, label(dev, "")), Counter())[type] += n
    report.devices = sorted(v for k, v in names.items() if k != device)
    session.rollback()
    return report


def _prepare(session: Session, *, now: datetime, host: str) -> str:
    """This device's id; it gets its name and, on its first sync, events for its history."""
    begin_write(session)
    con = lanes.raw(session)
    device, name = local_device(con)
    if not name:
        name = one_line(host.split(".")[0], 64) or "device"
        con.execute("UPDATE device SET name = ? WHERE id = ?", (name, device))
    # `+device`: found through the subject index, not by walking all this device's events back.
    announced = con.execute(f"SELECT data FROM event WHERE deck IS NULL AND item IS NULL AND +device = ? AND "
                            f"type = 'device' AND {NOT_ANSWER} ORDER BY seq DESC LIMIT 1", (device,)).fetchone()
    if announced is None or json.loads(announced[0])["name"] != name:
        record(con, type="device", data={"name": name}, now=now)
    if not con.execute("SELECT backfilled FROM device WHERE id = ?", (device,)).fetchone()[0]:
        with collector_paused():  # a million answers' events: many objects, no cycles
            backfill(session, device=device)
        con.execute("UPDATE device SET backfilled = 1, scheduler = ? WHERE id = ?", (_scheduler(con), device))
    session.commit()
    return device


def rename(session: Session, *, name: str, now: datetime) -> str:
    """Name this device (shown to the others as name-id); returns the name kept."""
    kept = one_line(name, 64)
    if not kept:
        raise CertdrillError("a device name needs at least one letter or digit")
    begin_write(session)
    con = lanes.raw(session)
    device, _old = local_device(con)
    con.execute("UPDATE device SET name = ? WHERE id = ?", (kept, device))
    record(con, type="device", data={"name": kept}, now=now)
    session.commit()
    return kept


def _receive(session: Session, receiver: Receiver, folder: Path, file: JournalFile, report: SyncReport) -> None:
    """Read one journal from where this device stopped, batch by batch, each slice of a batch one
    transaction."""
    row = lanes.raw(session).execute(
        'SELECT "offset", lines, head_hash, tail_hash FROM journal_file WHERE name = ?', (file.name,)).fetchone()
    session.rollback()
    mark = Mark(*row) if row else Mark()
    while True:
        try:
            chunk = journal.read_from(folder, file.name, mark)
        except CertdrillError as exc:
            report.notes.append(str(exc))
            return
        # Checked, stored and applied a slice at a time, each slice one transaction with the mark it
        # reached: only a slice's events are in memory at once, and the write lock is never held
        # for long (an answer made meanwhile waits at most one slice, well within busy_timeout).
        start = 0
        while True:
            stop = min(start + PARSE_LINES, len(chunk.lines))
            begin_write(session)
            con = lanes.raw(session)
            con.execute("INSERT OR IGNORE INTO device (id, name, local, backfilled, exported_seq, exported_offset, "
                        "scheduler, clock) VALUES (?, '', 0, 0, 0, 0, '', 0)", (file.device,))
            receiver.begin(session)
            with _bulk(con, len(chunk.lines)):
                events, refused, used = _parse(chunk, file, start, stop)
                receiver.apply(store(con, events))
            mark = chunk.mark_after(min(stop, used))
            _remember(con, file, mark, refused, receiver.now)
            session.commit()
            report.refused += refused
            start = stop
            if stop >= len(chunk.lines):
                break
        if not chunk.more:
            return


@contextmanager
def _bulk(con: Any, lines: int) -> Iterator[None]:
    """A big batch (a first sync) applied with a bigger page cache and without the cyclic garbage
    collector. Its rows land all over the review table's time indexes: with SQLite's default 2 MiB
    cache each insert read and spilled pages again. Its events are many small objects that live
    until the slice is applied (no cycles): the collector would sweep them again and again."""
    if lines < PARSE_LINES:
        yield
        return
    previous = con.execute("PRAGMA cache_size").fetchone()[0]
    con.execute(f"PRAGMA cache_size = {-(BULK_CACHE_BYTES >> 10)}")
    try:
        with collector_paused():
            yield
    finally:
        con.execute(f"PRAGMA cache_size = {int(previous)}")


def _parse(chunk: Chunk, file: JournalFile, start: int, stop: int) -> tuple[list[Event], list[str], int]:
    """The valid events of the chunk's lines from `start` to `stop`, their refused lines as
    "file:line: why", and how many lines of the chunk are used: a last line that is not JSON may be
    still arriving, and is read again next time."""
    events, refused = [], []
    used = len(chunk.lines)
    oversized = set(chunk.oversized)
    for i, parsed in enumerate(parse_lines(chunk.lines[start:stop], device=file.device), start=start):
        where = f"{file.name}:{chunk.line_number(i)}"
        if i in oversized:
            refused.append(f"{where}: line longer than {journal.MAX_LINE_BYTES >> 10} KiB")
            continue
        try:
            if isinstance(parsed, Refused):
                raise parsed
            events.append(checked(parsed))
        except Refused as exc:
            if i == len(chunk.lines) - 1 and not chunk.more and str(exc) == "not valid JSON":
                used -= 1
                break
            refused.append(f"{where}: {exc}")
    return events, refused, used


def _remember(con: Any, file: JournalFile, mark: Mark, refused: list[str], now: datetime) -> None:
    row = con.execute("SELECT refused, problems FROM journal_file WHERE name = ?", (file.name,)).fetchone()
    total, problems = (row[0], json.loads(row[1])) if row else (0, [])
    problems = (problems + refused)[-MAX_PROBLEMS:]
    from certdrill.storage.timefmt import to_db_time

    con.execute(
        'INSERT OR REPLACE INTO journal_file (name, device, "offset", lines, head_hash, tail_hash, refused, problems, '
        "read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (file.name, file.device, mark.offset, mark.lines, mark.head, mark.tail, total + len(refused),
         json.dumps(problems), to_db_time(now)))


SCHEDULER_SETTINGS = ("desired_retention", "fsrs_parameters")
"""The settings a state computed again depends on (core.sync.replay)."""


def _scheduler(con: Any) -> str:
    rows = con.execute(f"SELECT key, value FROM setting WHERE key IN ({', '.join('?' * len(SCHEDULER_SETTINGS))}) "
                       "ORDER BY key", SCHEDULER_SETTINGS).fetchall()
    return json.dumps(rows)


def _replay_if_scheduler_changed(session: Session, receiver: Receiver, device: str) -> None:
    """States fsrs computed again depend on the scheduler settings: when those changed (here or on
    another device), replay again every card whose answers came from more than one device."""
    con = lanes.raw(session)
    current = _scheduler(con)
    if current == con.execute("SELECT scheduler FROM device WHERE id = ?", (device,)).fetchone()[0]:
        return
    from certdrill.core.sync.events import key_digest

    cards = [Card(pk, deck, qid, key_digest(key)) for deck, qid, pk, key in con.execute(
        "SELECT q.deck_id, q.qid, q.pk, q.answer_key FROM review AS r JOIN question AS q ON q.pk = r.card_id "
        "WHERE r.mode = 'review' AND r.device IS NOT NULL GROUP BY r.card_id HAVING count(DISTINCT r.device) > 1")]
    receiver.writer_for(session).replay_all(cards)
    con.execute("UPDATE device SET scheduler = ? WHERE id = ?", (current, device))


def _names(session: Session) -> dict[str, str]:
    return {d: label(d, n) for d, n in lanes.raw(session).execute("SELECT id, name FROM device")}
