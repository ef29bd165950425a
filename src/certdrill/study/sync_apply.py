"""Receiving: other devices' events checked, stored once, and applied to this database.

Applying is idempotent: an event already in the event table is skipped, so reading a journal
twice, or a conflict copy holding the same events, changes nothing. An event naming a deck,
question or exam this device does not have yet waits (`applied` = 0) and is applied when it comes.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from certdrill.core.sync.check import Refused, parse_line
from certdrill.core.sync.events import CARD_TYPES, Event, data_text, key_digest, parse_time
from certdrill.core.sync.merge import in_order
from certdrill.errors import CertdrillError
from certdrill.storage import journal, lanes
from certdrill.storage.event_log import NOT_ANSWER, seen
from certdrill.storage.tables import ExamAttemptRow
from certdrill.study.settings import LOCAL, check_setting
from certdrill.study.sync_cards import Card, CardEvents, CardWriter, replay_scheduler

_NEWEST_FIRST = "ORDER BY hlc DESC, device DESC, seq DESC"


def parse(raw: bytes, *, device: str) -> Event:
    """A journal line as an event, checked as core does, and setting values as the settings do."""
    return checked(parse_line(raw, device=device))


def checked(event: Event) -> Event:
    """The event, if a setting in it is one that travels, with a value the settings accept."""
    if event.type == "setting":
        key, value = event.data["key"], event.data["value"]
        if key in LOCAL:
            raise Refused(f"setting {key} belongs to each device; it does not travel")
        try:
            check_setting(key, value)
        except CertdrillError as exc:
            raise Refused(f"setting: {exc}") from None
    return event


@dataclass
class Applied:
    """What applying events did, for the report."""

    received: Counter[tuple[str, str]] = field(default_factory=Counter)  # (device, type) -> events
    waiting: int = 0  # events waiting for a deck, question or exam
    notes: list[str] = field(default_factory=list)


def store(con: sqlite3.Connection, events: Sequence[Event]) -> list[Event]:
    """Insert the events not stored yet (by device and seq); returns those, in event order."""
    fresh: dict[tuple[str, int], Event] = {}
    by_device: dict[str, list[int]] = {}
    for e in events:
        by_device.setdefault(e.device, []).append(e.seq)
    have: set[tuple[str, int]] = set()
    for device, seqs in by_device.items():
        have.update((device, s) for (s,) in con.execute(
            "SELECT seq FROM event WHERE device = ? AND seq BETWEEN ? AND ?", (device, min(seqs), max(seqs))))
    for e in events:
        key = (e.device, e.seq)
        if key not in have and key not in fresh:
            fresh[key] = e
    # Inserted in primary-key order, (device, seq): a journal's order, so each row lands next to
    # the one before it (in clock order, a first sync's rows would land all over the table's B-tree).
    con.executemany(
        "INSERT INTO event (device, seq, hlc, type, deck, item, data, applied, imported) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
        [(e.device, e.seq, e.hlc, e.type, *e.subject(), data_text(e.data), e.data.get("import"))
         for _id, e in sorted(fresh.items())])
    new = in_order(fresh.values())
    if new:
        seen(con, new[-1].hlc)
    return new


class Receiver:
    """Applies stored events to the tables, in the write transaction it was last given (`begin`)."""

    def __init__(self, *, folder: Path, now: datetime) -> None:
        self.folder = folder
        self.now = now
        self.cards: dict[tuple[str, str], Card | None] = {}  # (deck, qid) -> its card, None if none here
        self.applied = Applied()

    def begin(self, session: Session) -> None:
        """Work in `session`'s current write transaction from now on."""
        session.expire_all()  # rows read through the session before may have changed under it
        self.session = session
        self.con = lanes.raw(session)
        self.writer = CardWriter(self.con, replay_scheduler(session))

    def writer_for(self, session: Session) -> CardWriter:
        self.begin(session)
        return self.writer

    def card(self, deck: str, qid: str) -> Card | None:
        if (deck, qid) not in self.cards:
            self.look_up([(deck, qid)])
        return self.cards[(deck, qid)]

    def look_up(self, wanted: Iterable[tuple[str, str]]) -> None:
        """Find the cards of these (deck, qid) not looked up yet: only those, by the (deck, qid) index."""
        by_deck: dict[str, set[str]] = {}
        for deck, qid in wanted:
            if (deck, qid) not in self.cards:
                by_deck.setdefault(deck, set()).add(qid)
        for deck, qids in by_deck.items():
            ordered = sorted(qids)
            for start in range(0, len(ordered), 500):
                part = ordered[start: start + 500]
                self.cards.update(dict.fromkeys(((deck, q) for q in part), None))
                self.cards.update({(deck, qid): Card(pk, deck, qid, key_digest(key)) for qid, pk, key in self.con.execute(
                    f"SELECT qid, pk, answer_key FROM question WHERE deck_id = ? AND qid IN ({', '.join('?' * len(part))})",
                    (deck, *part))})

    def forget_decks(self) -> None:
        """Decks were imported or upgraded: look their questions up again."""
        self.cards.clear()

    def apply(self, events: Sequence[Event], *, count: bool = True) -> list[Event]:
        """Apply events already stored, given in event order (core.sync.merge.in_order); returns those
        that must wait."""
        waiting: list[Event] = []
        batch: dict[int, CardEvents] = {}
        self.look_up((e.data["deck"], e.data["q"]) for e in events if e.type in CARD_TYPES)
        received: Counter[tuple[str, str]] = Counter()
        cards = self.cards
        for e in events:
            if e.type in CARD_TYPES:
                card = cards.get((e.data["deck"], e.data["q"]))
                if card is None:
                    waiting.append(e)
                elif (found := batch.get(card.id)) is None:
                    batch[card.id] = CardEvents(card, [e])
                else:
                    found.events.append(e)
            elif not getattr(self, f"_{e.type}")(e):
                waiting.append(e)
            received[(e.device, e.type)] += 1
        if count:
            self.applied.received.update(received)
        self.writer.apply(list(batch.values()))
        self.con.executemany("UPDATE event SET applied = ? WHERE device = ? AND seq = ?",
                             [(0, *e.id) for e in waiting])
        return waiting

    def retry_waiting(self) -> int:
        """Apply the events that were waiting, now that more has arrived; returns how many still wait."""
        rows = self.con.execute(
            "SELECT device, seq, hlc, type, data FROM event WHERE applied = 0 ORDER BY hlc, device, seq").fetchall()
        if not rows:
            return 0
        events = [Event(d, s, h, t, json.loads(x)) for d, s, h, t, x in rows]
        self.con.executemany("UPDATE event SET applied = 1 WHERE device = ? AND seq = ?", [e.id for e in events])
        return len(self.apply(events, count=False))

    # -- one method per event type (cards are CardWriter's) ------------------------------------------
    def _newest(self, type: str, deck: str | None, item: str | None) -> dict[str, Any]:
        row = self.con.execute(
            f"SELECT data FROM event WHERE deck IS ? AND item IS ? AND type = ? AND applied AND {NOT_ANSWER} "
        f"{_NEWEST_FIRST} LIMIT 1",
            (deck, item, type)).fetchone()
        return json.loads(row[0])  # type: ignore[no-any-return]

    def _deck_exists(self, deck: str) -> bool:
        return self.con.execute("SELECT 1 FROM deck WHERE id = ?", (deck,)).fetchone() is not None

    def _device(self, e: Event) -> bool:
        name = json.loads(self.con.execute(
            f"SELECT data FROM event WHERE deck IS NULL AND item IS NULL AND +device = ? AND type = 'device' AND "
            f"{NOT_ANSWER} {_NEWEST_FIRST} LIMIT 1", (e.device,)
        ).fetchone()[0])["name"]
        self.con.execute("UPDATE device SET name = ? WHERE id = ? AND NOT local", (name, e.device))
        return True

    def _setting(self, e: Event) -> bool:
        key = e.data["key"]
        value = self._newest("setting", None, key)["value"]
        self.con.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (key, json.dumps(value)))
        return True

    def _exam_date(self, e: Event) -> bool:
        deck = e.data["deck"]
        if not self._deck_exists(deck):
            return False
        newest = self._newest("exam_date", deck, None)
        self.con.execute("UPDATE deck SET exam_date = ? WHERE id = ?", (newest["date"], deck))
        key = f"exam_minutes_per_day:{deck}"
        if newest["minutes"] is None:
            self.con.execute("DELETE FROM setting WHERE key = ?", (key,))
        else:
            self.con.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (key, json.dumps(newest["minutes"])))
        return True

    def _new_limit(self, e: Event) -> bool:
        deck = e.data["deck"]
        if not self._deck_exists(deck):
            return False
        self.con.execute("UPDATE deck SET new_per_day = ? WHERE id = ?", (self._newest("new_limit", deck, None)["limit"], deck))
        return True

    def _attempt(self, ref: list[Any]) -> tuple[int, bool] | None:
        row = self.con.execute("SELECT id, finished_at IS NOT NULL FROM exam_attempt WHERE device = ? AND seq = ?",
                               (ref[0], ref[1])).fetchone()
        return None if row is None else (row[0], bool(row[1]))

    def _exam_start(self, e: Event) -> bool:
        d = e.data
        cards = [self.card(d["deck"], qid) for qid in d["questions"]]
        if not self._deck_exists(d["deck"]) or any(c is None for c in cards):
            return False
        attempt = ExamAttemptRow(deck_id=d["deck"], started_at=parse_time(d["at"]), minutes=d["minutes"],
                                 size=len(cards), seed=d["seed"], device=e.device, seq=e.seq)
        self.session.add(attempt)
        self.session.flush()
        self.con.executemany(
            "INSERT INTO exam_answer (attempt_id, position, card_id, chosen, correct, flagged, duration_ms) "
            "VALUES (?, ?, ?, '[]', NULL, 0, 0)", [(attempt.id, i, c.id) for i, c in enumerate(cards) if c])
        return True

    def _exam_answer(self, e: Event) -> bool:
        found = self._attempt(e.data["exam"])
        if found is None:
            return False
        attempt_id, finished = found
        if not finished:
            self.con.execute(
                "UPDATE exam_answer SET chosen = ?, flagged = ?, duration_ms = duration_ms + ? "
                "WHERE attempt_id = ? AND position = ?",
                (json.dumps(e.data["chosen"]), e.data["flagged"], e.data["ms"], attempt_id, e.data["position"]))
        return True

    def _exam_submit(self, e: Event) -> bool:
        from certdrill.study.exam import finish

        found = self._attempt(e.data["exam"])
        if found is None:
            return False
        if not found[1]:
            attempt = self.session.get(ExamAttemptRow, found[0])
            assert attempt is not None
            finish(self.session, attempt, now=parse_time(e.data["at"]), hlc=e.hlc)
            self.session.flush()
        return True

    def _deck_import(self, e: Event) -> bool:
        return False  # imported in a transaction of its own, after the batch (`import_decks`)

    def _bundled(self, e: Event) -> bool:
        d = e.data
        row = self.con.execute("SELECT version, source FROM deck WHERE id = ?", (d["deck"],)).fetchone()
        if row is not None and row[1] == "bundled" and row[0] != d["version"]:
            note = (f"another device has bundled deck {d['deck']} version {d['version']}, this one {row[0]}: "
                    "use the same certdrill version on both")
            if note not in self.applied.notes:
                self.applied.notes.append(note)
        return True


def import_decks(session: Session, *, folder: Path, now: datetime) -> tuple[int, list[str]]:
    """Import the decks other devices imported, each in a transaction of its own (its content read
    from decks/<sha256>.yaml through the normal YAML loader, with all its limits). Returns how many
    were imported and the problems found; an import whose file has not arrived yet waits."""
    from certdrill.decks.format.loader import load_valid_deck
    from certdrill.study.library import SYNCED, import_deck

    con = lanes.raw(session)
    rows = con.execute(
        f"SELECT device, seq, hlc, data FROM event WHERE type = 'deck_import' AND applied = 0 {_NEWEST_FIRST}"
    ).fetchall()
    newer = [con.execute(f"SELECT 1 FROM event WHERE deck = ? AND item IS NULL AND type = 'deck_import' AND {NOT_ANSWER} "
                         "AND (hlc, device, seq) > (?, ?, ?) LIMIT 1", (json.loads(data)["deck"], hlc, device, seq)
                         ).fetchone() is not None
             for device, seq, hlc, data in rows]
    session.rollback()
    done, problems = 0, []
    for (device, seq, _hlc, data), obsolete in zip(rows, newer, strict=True):
        d = json.loads(data)
        if obsolete:  # the deck was imported again since (here or elsewhere): the newer import stands
            _mark_applied(session, device, seq)
            continue
        try:
            raw = journal.read_deck(folder, d["sha256"])
        except CertdrillError as exc:  # a symlink, a file over the cap: never read
            problems.append(f"deck {d['deck']} from device {device}: not imported: {exc}")
            _mark_applied(session, device, seq)
            continue
        if raw is None:  # not there yet, or not complete: the import waits
            continue
        try:
            with tempfile.TemporaryDirectory(prefix="certdrill-sync-") as tmp:
                path = Path(tmp) / "deck.yaml"
                path.write_bytes(raw)
                deck = load_valid_deck(path)
            if deck.id != d["deck"]:
                raise CertdrillError(f"it holds deck {deck.id}, not {d['deck']}")

            def applied(s: Session, _report: object, device: str = device, seq: int = seq) -> None:
                lanes.raw(s).execute("UPDATE event SET applied = 1 WHERE device = ? AND seq = ?", (device, seq))

            import_deck(session, deck=deck, source=d["source"] + SYNCED, now=now, after=applied)  # type: ignore[arg-type]
            done += 1
        except CertdrillError as exc:
            problems.append(f"deck {d['deck']} from device {device}: not imported: {exc}")
            _mark_applied(session, device, seq)
    return done, problems


def _mark_applied(session: Session, device: str, seq: int) -> None:
    from certdrill.storage.engine import begin_write

    begin_write(session)
    lanes.raw(session).execute("UPDATE event SET applied = 1 WHERE device = ? AND seq = ?", (device, seq))
    session.commit()
