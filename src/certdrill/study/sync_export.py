"""Sending: this device's events appended to its own journal, and the history from before sync
existed given events first (answers, exam attempts, flags, settings, exam dates, decks)."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session

from certdrill.core.memory import NEW
from certdrill.core.sync import clock
from certdrill.core.sync.check import Refused, parse_line
from certdrill.core.sync.events import data_text, key_digest, line_text, stored_state_data
from certdrill.errors import CertdrillError
from certdrill.storage import journal, lanes
from certdrill.storage.event_log import local_device, seen
from certdrill.storage.journal import Mark
from certdrill.storage.timefmt import from_db_time
from certdrill.study.settings import LOCAL, Settings

OLDEST = clock.pack(0, 1)
"""The clock of the state found at the first sync (flags, settings, dates): older than any change
made since; between two devices' states from before sync, the device id decides."""
APPEND_LINES = 20_000


@dataclass
class Sent:
    """What one sync wrote to this device's journal."""

    events: Counter[str] = field(default_factory=Counter)  # by event type
    decks: int = 0  # deck contents written to decks/


class _Numbering:
    """Hands out this device's next event numbers while a backfill inserts many at once."""

    def __init__(self, con: sqlite3.Connection, device: str) -> None:
        self.device = device
        last = con.execute("SELECT seq, hlc FROM event WHERE device = ? ORDER BY seq DESC LIMIT 1", (device,)).fetchone()
        # The clock of this device's last change: events numbered after it here may be older.
        self.seq: int = last[0] if last else 0
        self.last_hlc: int = last[1] if last else 0
        self.rows: list[tuple[Any, ...]] = []
        self.made = 0

    def add(self, type: str, hlc: int, data: dict[str, Any], deck: str | None = None, item: str | None = None) -> int:
        self.seq += 1
        self.made += 1
        self.rows.append((self.device, self.seq, hlc, type, deck, item, data_text(data), data.get("import")))
        return self.seq

    def flush(self, con: sqlite3.Connection) -> None:
        con.executemany("INSERT INTO event (device, seq, hlc, type, deck, item, data, applied, imported) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)", self.rows)
        if self.rows:  # the next change must come after all of these and after the last one made
            seen(con, max(self.last_hlc, *(row[2] for row in self.rows)))
        self.rows.clear()


def backfill(session: Session, *, device: str) -> int:
    """At the first sync, give events to what this database holds from before sync existed (inside
    the caller's write transaction): answers, exam attempts, and the state of cards, settings, exam
    dates and decks. Returns the number of events made."""
    con = lanes.raw(session)
    numbers = _Numbering(con, device)
    _answers(con, numbers)
    _exam_attempts(con, numbers)
    _state(session, con, numbers)
    numbers.flush(con)
    return numbers.made


def link_history(session: Session, *, imported_from: int) -> None:
    """Give events to answers just added without one (`import --with-history`: the review rows from
    id `imported_from` on), in the transaction that adds them. Their events say they were imported,
    so that two devices importing the same file keep one copy of each review (study.sync_cards).
    Answers from before sync existed without an event yet get theirs now too, as a first sync would."""
    con = lanes.raw(session)
    numbers = _Numbering(con, local_device(con)[0])
    _answers(con, numbers, imported_from=imported_from)
    numbers.flush(con)


def _answers(con: sqlite3.Connection, numbers: _Numbering, *, imported_from: int | None = None) -> None:
    """Events for the answers without one, a few thousand cards at a time (each part's events
    inserted before the next is read: a million answers are never all in memory)."""
    ids = [card_id for (card_id,) in con.execute(
        "SELECT DISTINCT card_id FROM review WHERE device IS NULL AND mode != 'exam' ORDER BY card_id")]
    if not ids:
        return
    cards = set(ids)
    # What follows a card's last answer without an event: its next answer with one, or its own state.
    following: dict[int, str | None] = {}
    for card_id, before in con.execute(
        "SELECT card_id, state_before FROM review WHERE device IS NOT NULL AND mode = 'review' "
        "ORDER BY card_id, hlc DESC, device DESC, seq DESC"
    ):
        if card_id in cards:
            following[card_id] = before
    current = {  # in event form: the database's times are the events' text already
        row[0]: list(row[1:]) for row in con.execute(
            "SELECT id, state, step, stability, difficulty, due, last_review, reps, lapses FROM card")
        if row[0] in cards
    }
    first_evented = dict(con.execute("SELECT card_id, min(hlc) FROM review WHERE device IS NOT NULL GROUP BY card_id"))
    for start in range(0, len(ids), _CARDS_AT_ONCE):
        part = ids[start: start + _CARDS_AT_ONCE]
        rows = con.execute(
            "SELECT r.id, r.card_id, r.deck_id, q.qid, q.answer_key, r.reviewed_at, r.rating, r.correct, r.chosen, "
            "r.duration_ms, r.mode, r.state_before FROM review AS r JOIN question AS q ON q.pk = r.card_id "
            "WHERE r.card_id BETWEEN ? AND ? AND r.device IS NULL AND r.mode != 'exam' ORDER BY r.card_id, r.id",
            (part[0], part[-1])).fetchall()
        _card_answers(con, numbers, rows, following, current, first_evented, imported_from)
        numbers.flush(con)


_CARDS_AT_ONCE = 2000


def _card_answers(con: sqlite3.Connection, numbers: _Numbering, rows: list[tuple[Any, ...]],
                  following: dict[int, str | None], current: dict[int, list[Any]], first_evented: dict[int, int],
                  imported_from: int | None) -> None:
    """Events for these answers without one (rows of the query in `_answers`, in card order)."""
    linked: list[tuple[str, int, int, int]] = []
    by_card: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_card.setdefault(row[1], []).append(row)
    for card_id, answers in by_card.items():
        reviewed = [r for r in answers if r[10] == "review"]
        befores = [stored_state_data(r[11]) for r in reviewed]
        nxt = following.get(card_id)
        afters = [*befores[1:], stored_state_data(nxt) if nxt is not None else current.get(card_id)]
        after_of = {r[0]: a for r, a in zip(reviewed, afters[: len(reviewed)], strict=True)}
        before_of = {r[0]: b for r, b in zip(reviewed, befores, strict=True)}  # each state is read once
        resets_before: set[int] = set()
        for i, r in enumerate(reviewed):
            if _is_reset(after_of[r[0]]):
                # The card was reset (or its answer key changed) after this answer: a reset event
                # follows it, and fsrs recomputes the answer itself on replay.
                after_of[r[0]] = None
                resets_before.add(reviewed[i + 1][0] if i + 1 < len(reviewed) else -1)
        moments = [clock.at_time(from_db_time(r[5])) for r in answers]  # type: ignore[arg-type]
        trailing = -1 in resets_before
        clocks = _clocks([*moments, moments[-1] + 1] if trailing else moments, first_evented.get(card_id))
        for r, hlc in zip(answers, clocks, strict=False):
            review_id, _card, deck_id, qid, key, at, rating, correct, chosen, ms, mode, _before = r
            if review_id in resets_before:
                numbers.add("reset", hlc, {"deck": deck_id, "q": qid}, deck_id, qid)
            scheduled = mode == "review"
            data = {
                "deck": deck_id, "q": qid, "mode": mode, "at": at, "rating": rating,
                "correct": None if correct is None else bool(correct), "chosen": _choices(chosen), "ms": ms,
                "key": key_digest(key), "before": before_of[review_id] if scheduled else None,
                "after": after_of.get(review_id) if scheduled else None, "exam": None,
            }
            if imported_from is not None and review_id >= imported_from:
                data["import"] = True
            seq = numbers.add("answer", hlc, data, deck_id, qid)
            linked.append((numbers.device, seq, hlc, review_id))
        if trailing:
            last = answers[-1]
            numbers.add("reset", clocks[-1], {"deck": last[2], "q": last[3]}, last[2], last[3])
    con.executemany("UPDATE review SET device = ?, seq = ?, hlc = ? WHERE id = ?", linked)


def _choices(text: str) -> list[int]:
    """The chosen choices a review row stores, as a new list (answers share a few texts: parsed once each)."""
    found = _CHOICES.get(text)
    if found is None:
        found = json.loads(text)
        if len(_CHOICES) < 4096:
            _CHOICES[text] = found
    return list(found)


_CHOICES: dict[str, list[int]] = {}


def _clocks(moments: list[int], below: int | None) -> list[int]:
    """Clocks for a card's answers from before sync, from their times: in their commit order, each
    after the one before, and all before the card's first answer with an event (made since), so
    that replaying them in clock order gives the card the state its answers gave it here."""
    out: list[int] = []
    for h in moments:
        out.append(h if not out or h > out[-1] else out[-1] + 1)
    if below is not None and out and out[-1] >= below:
        out = [min(h, below - (len(out) - i)) for i, h in enumerate(out)]
    return out


def json_value(stored: Any) -> Any:
    """A JSON column's value read with plain SQL: SQLite keeps a number written as JSON text as a number."""
    return json.loads(stored) if isinstance(stored, str) else stored


def _is_reset(state: list[Any] | None) -> bool:
    """A state (event form) the card was reset to: new, never reviewed since, with answers before."""
    return state is not None and state[0] == NEW and state[5] is None and state[6] > 0


def _exam_attempts(con: sqlite3.Connection, numbers: _Numbering) -> None:
    attempts = con.execute(
        "SELECT id, deck_id, started_at, finished_at, minutes, seed FROM exam_attempt WHERE device IS NULL ORDER BY id"
    ).fetchall()
    for attempt_id, deck_id, started, finished, minutes, seed in attempts:
        items = con.execute(
            "SELECT a.position, q.qid, a.chosen, a.flagged, a.duration_ms FROM exam_answer AS a "
            "JOIN question AS q ON q.pk = a.card_id WHERE a.attempt_id = ? ORDER BY a.position", (attempt_id,)
        ).fetchall()
        hlc = clock.at_time(from_db_time(started))  # type: ignore[arg-type]
        seq = numbers.add("exam_start", hlc, {"deck": deck_id, "at": started, "minutes": minutes, "seed": seed,
                                              "questions": [qid for _p, qid, *_ in items]}, deck_id)
        for position, _qid, chosen, flagged, ms in items:
            if json.loads(chosen) or flagged or ms:
                numbers.add("exam_answer", hlc + position + 1, {
                    "exam": [numbers.device, seq], "position": position, "chosen": json.loads(chosen),
                    "flagged": bool(flagged), "ms": ms})
        if finished is not None:
            numbers.add("exam_submit", clock.at_time(from_db_time(finished)),  # type: ignore[arg-type]
                        {"exam": [numbers.device, seq], "at": finished})
        con.execute("UPDATE exam_attempt SET device = ?, seq = ? WHERE id = ?", (numbers.device, seq, attempt_id))


def _state(session: Session, con: sqlite3.Connection, numbers: _Numbering) -> None:
    """Flags, suspensions, burials, settings, exam dates, deck limits and decks, as they are now."""
    from certdrill.study import changes
    from certdrill.study.exporting import stored_deck

    # Only what no event has set since schema 2: those events say it already, and later.
    journaled = set(con.execute("SELECT DISTINCT type, deck, item FROM event WHERE device = ? AND type IN "
                                "('flag', 'suspend', 'bury', 'setting', 'exam_date', 'new_limit', 'bundled', "
                                "'deck_import')", (numbers.device,)))

    def add(type: str, data: dict[str, Any], deck: str | None, item: str | None = None) -> None:
        if (type, deck, item) not in journaled:
            numbers.add(type, OLDEST, data, deck, item)

    for deck_id, qid, flagged, suspended, buried, answered in con.execute(
        "SELECT c.deck_id, q.qid, c.flagged, c.suspended, c.buried_until, (SELECT max(hlc) FROM review AS r WHERE "
        "r.card_id = c.id AND r.mode = 'review') FROM card AS c JOIN question AS q "
        "ON q.pk = c.id WHERE c.flagged OR c.suspended OR c.buried_until IS NOT NULL"
    ).fetchall():
        card = {"deck": deck_id, "q": qid}
        if flagged:
            add("flag", {**card, "value": True}, deck_id, qid)
        if suspended:
            add("suspend", {**card, "value": True}, deck_id, qid)
        if buried is not None and ("bury", deck_id, qid) not in journaled:
            # After the card's answers: answering unburies, so the burial came after the last one.
            numbers.add("bury", max(OLDEST, (answered or 0) + 1), {**card, "until": buried}, deck_id, qid)
    for key, value in con.execute("SELECT key, value FROM setting ORDER BY key").fetchall():
        if key in Settings.__dataclass_fields__ and key not in LOCAL:
            add("setting", {"key": key, "value": json_value(value)}, None, key)
    minutes = {k: json_value(v) for k, v in con.execute(
        "SELECT key, value FROM setting WHERE key LIKE 'exam_minutes_per_day:%'")}
    decks = con.execute("SELECT id, version, source, exam_date, new_per_day FROM deck ORDER BY id").fetchall()
    for deck_id, _version, _source, exam_date, new_per_day in decks:
        if exam_date is not None:
            add("exam_date", {"deck": deck_id, "date": exam_date,
                              "minutes": minutes.get(f"exam_minutes_per_day:{deck_id}")}, deck_id)
        if new_per_day is not None:
            add("new_limit", {"deck": deck_id, "limit": new_per_day}, deck_id)
    for deck_id, version, source, _date, _limit in decks:
        if source == "bundled":
            add("bundled", {"deck": deck_id, "version": changes.one_line(version, 64)}, deck_id)
        elif ("deck_import", deck_id, None) not in journaled:
            sha256 = changes.deck_content(con, stored_deck(session, deck_id=deck_id))
            add("deck_import", {"deck": deck_id, "sha256": sha256, "version": changes.one_line(version, 64),
                                "source": changes.one_line(source, 1024)}, deck_id)


# -- appending to the journal -----------------------------------------------------------------
def export(session: Session, *, folder: Path, device: str) -> Sent:
    """Append this device's events not yet in its journal; write the contents of decks it imported.

    Safe to repeat after a crash: lines appended but not recorded are recognised as this
    device's own, a torn end is cut, and a journal that was lost or shortened is written anew.
    """
    con = lanes.raw(session)
    sent = Sent()
    name = journal.journal_name(device)
    seq, offset = con.execute("SELECT exported_seq, exported_offset FROM device WHERE id = ?", (device,)).fetchone()
    size = journal.journal_size(folder, name)
    if size is None and seq == 0:
        size = 0
    lost = size is None or size < offset  # lost, or an older copy came back: written anew
    # Deck contents first: a device that reads the import event finds the deck there.
    for sha256, text in con.execute(
        "SELECT b.sha256, b.yaml FROM event AS e JOIN deck_blob AS b ON b.sha256 = json_extract(e.data, '$.sha256') "
        "WHERE e.device = ? AND e.seq > ? AND e.type = 'deck_import'", (device, 0 if lost else seq)
    ).fetchall():
        sent.decks += journal.write_deck(folder, sha256, text)
    if lost:
        offset = journal.rewrite(folder, name, _lines(con, device, 0))
        seq = _last_seq(con, device)
    elif size > offset:  # appended by a sync that did not get to record it
        seq, offset = _recover(con, folder, name, device, seq, offset)
    lines, last = [], seq
    for line_seq, type, line in _numbered_lines(con, device, seq):
        lines.append(line)
        sent.events[type] += 1
        last = line_seq
        if len(lines) >= APPEND_LINES:
            offset = journal.append(folder, name, lines, size=offset)
            lines.clear()
    if lines:
        offset = journal.append(folder, name, lines, size=offset)
    con.execute("UPDATE device SET exported_seq = ?, exported_offset = ? WHERE id = ?", (last, offset, device))
    return sent


def _last_seq(con: sqlite3.Connection, device: str) -> int:
    return int(con.execute("SELECT coalesce(max(seq), 0) FROM event WHERE device = ?", (device,)).fetchone()[0])


def _numbered_lines(con: sqlite3.Connection, device: str, after: int) -> Iterator[tuple[int, str, str]]:
    for seq, hlc, type, data in con.execute(
        "SELECT seq, hlc, type, data FROM event WHERE device = ? AND seq > ? ORDER BY seq", (device, after)
    ):
        yield seq, type, line_text(device, seq, hlc, type, data)


def _lines(con: sqlite3.Connection, device: str, after: int) -> Iterator[str]:
    for _seq, _type, line in _numbered_lines(con, device, after):
        yield line


def _recover(con: sqlite3.Connection, folder: Path, name: str, device: str, seq: int, offset: int) -> tuple[int, int]:
    """Lines beyond the recorded end of this device's journal: its own events (a crash between
    appending and recording), or another writer (this database was copied to another machine)."""
    mark = journal.mark_of(folder, name, offset, 0) if offset else Mark()
    while True:
        chunk = journal.read_from(folder, name, mark)
        for raw in chunk.lines:
            try:
                event = parse_line(raw, device=device)
            except Refused:
                event = None
            row = con.execute("SELECT hlc, type, data FROM event WHERE device = ? AND seq = ?",
                              (device, seq + 1)).fetchone()
            if event is None or row is None or event.seq != seq + 1 or raw.decode() != line_text(device, seq + 1, *row):
                raise CertdrillError(
                    f"{folder / name} has lines this device did not write: another certdrill writes as device "
                    f"{device} (was this data folder copied from another machine?); nothing was sent. Keep one of "
                    "the two, and start the other anew from the shared folder (a new data folder, then certdrill sync)")
            seq += 1
        mark = chunk.mark_after(len(chunk.lines))
        if not chunk.more:
            return seq, mark.offset
