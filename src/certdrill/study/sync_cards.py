"""Cards after received events: each one's answers stored, its memory state replayed from its
events (core.sync.replay) with its answers' states-before and ratings, and its flag, suspension
and burial set to their last writer's values."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import fsrs
from sqlmodel import Session

from certdrill.core import scheduling
from certdrill.core.memory import NEW, CardState
from certdrill.core.past_review import ms, same_review
from certdrill.core.sync.events import Event, key_digest, parse_time, state_data, state_from, state_json
from certdrill.core.sync.replay import Answer, History, Replayed, Rerate, Reset, follow_recorded, replay
from certdrill.storage import lanes
from certdrill.storage.event_log import NOT_ANSWER, has_synced
from certdrill.storage.timefmt import from_db_time, to_db_time
from certdrill.study.settings import load_settings

HISTORY_TYPES = ("answer", "rerate", "undo", "reset")
_NEWEST_FIRST = "ORDER BY hlc DESC, device DESC, seq DESC"


@dataclass(frozen=True, slots=True)
class Card:
    """A card as events name it, with what this device knows of it."""

    id: int
    deck: str
    qid: str
    key: str  # digest of its question's current answer key


@dataclass
class CardEvents:
    """The new events of one card in a batch, in event order."""

    card: Card
    events: list[Event] = field(default_factory=list)


def replay_scheduler(session: Session) -> fsrs.Scheduler:
    """The learner's scheduler without fuzz: a state computed again is the same on every device."""
    s = load_settings(lanes.raw(session))
    parameters = tuple(s.fsrs_parameters) if s.fsrs_parameters else None
    return scheduling.make_scheduler(scheduling.SchedulerSettings(desired_retention=s.desired_retention, fuzz=False,
                                                                  parameters=parameters))


def replay_questions(session: Session, *, deck_id: str, qids: Iterable[str]) -> None:
    """Replay these questions' cards after their answer keys changed (a deck import or upgrade, in
    its transaction): answers made under the new key may have come from another device already.
    Until the first sync exported this device's older answers, the import's reset stands alone."""
    con = lanes.raw(session)
    if not has_synced(con):
        return
    wanted = set(qids)
    cards = [Card(pk, deck_id, qid, key_digest(key)) for qid, pk, key in con.execute(
        "SELECT qid, pk, answer_key FROM question WHERE deck_id = ?", (deck_id,)) if qid in wanted]
    CardWriter(con, replay_scheduler(session)).replay_all(cards)


def answer_of(event: Event, card: Card) -> Answer:
    d = event.data
    return Answer(event.id, event.hlc, parse_time(d["at"]), d["rating"], state_from(d["before"]),
                  state_from(d["after"]), counts=d["key"] == card.key,
                  exam_at=parse_time(d["exam"]) if d["exam"] else None)


def _history(con: sqlite3.Connection, card: Card) -> History:
    """Everything that decides the card's memory: its review-mode answers (found through their
    review rows), the re-ratings and undos that name them, and its resets."""
    history = History()
    for device, seq, hlc, data in con.execute(
        "SELECT e.device, e.seq, e.hlc, e.data FROM review AS r JOIN event AS e ON e.device = r.device "
        "AND e.seq = r.seq WHERE r.card_id = ? AND r.mode = 'review'", (card.id,),
    ):
        history.answers.append(answer_of(Event(device, seq, hlc, "answer", json.loads(data)), card))
    for device, seq, hlc, type, data in con.execute(
        f"SELECT device, seq, hlc, type, data FROM event WHERE deck = ? AND item = ? AND type IN "
        f"('rerate', 'undo', 'reset') AND applied AND {NOT_ANSWER}", (card.deck, card.qid),
    ):
        d = json.loads(data)
        if type == "rerate":
            history.rerates.append(Rerate((device, seq), hlc, (d["answer"][0], d["answer"][1]), d["rating"],
                                          state_from(d["before"]), state_from(d["after"])))
        elif type == "undo":
            history.undone.add((d["answer"][0], d["answer"][1]))
        else:
            history.resets.append(Reset((device, seq), hlc))
    return history


class CardWriter:
    """Applies the card events of a batch on one connection, inside the caller's transaction."""

    def __init__(self, con: sqlite3.Connection, scheduler: fsrs.Scheduler) -> None:
        self.con = con
        self.scheduler = scheduler
        # Cards with re-ratings, undos or resets take the whole replay: they are few (a partial index).
        self.special = {(deck, item) for deck, item in con.execute(
            "SELECT deck, item FROM event WHERE type IN ('rerate', 'undo', 'reset')")}
        # Cards with answers from an import's review history (few): their answers are matched first.
        self.imported = {(deck, item) for deck, item in con.execute("SELECT deck, item FROM event WHERE imported")}

    def apply(self, batch: Sequence[CardEvents]) -> None:
        cards = [b for b in batch if any(e.type in HISTORY_TYPES for e in b.events)]
        for b in cards:
            if any(e.type in ("rerate", "undo", "reset") for e in b.events):
                self.special.add((b.card.deck, b.card.qid))
        known = self._known([b.card.id for b in cards])
        rows: list[tuple[Any, ...]] = []
        states: list[tuple[Any, ...]] = []
        for b in cards:
            start, newest, last_at = known.get(b.card.id, (_NEW, None, None))
            answers = [e for e in b.events if e.type == "answer"]
            matched = False
            if (b.card.deck, b.card.qid) in self.imported or any("import" in e.data for e in answers):
                self.imported.add((b.card.deck, b.card.qid))
                matched = self._one_copy(b.card, answers)
            scheduled = [e for e in answers if e.data["mode"] == "review"]
            # Answers that come after all the card's earlier ones continue its replay from its state;
            # anything else (an answer from the past, a re-rating, an undo, a reset, one review
            # imported twice) replays it whole.
            if matched or (b.card.deck, b.card.qid) in self.special or (scheduled and newest is not None
                                                                          and scheduled[0].hlc <= newest):
                self._insert_new(b, answers)
                states.append(_card_row(self._replay(b.card), b.card.id))
                continue
            final, chain = follow_recorded(start, [
                (e.data["before"], e.data["after"], e.data["at"], e.data["key"] == b.card.key) for e in scheduled], last_at)
            befores = {e.id: (state_json(before), before[0] == NEW) for e, before in zip(scheduled, chain, strict=False)}
            rest = scheduled[len(chain):]
            if rest:  # from where the recorded chain broke, fsrs decides
                followed = scheduled[len(chain) - 1].data["at"] if chain else last_at
                result = replay(History(answers=[answer_of(e, b.card) for e in rest]), self.scheduler,
                                start=state_from(final), last_at=from_db_time(followed))
                befores |= {s.answer: (json.dumps(s.before.to_json()), s.before.state == NEW) for s in result.steps}
                final = state_data(result.state) or []
            rows += [_review_row(b.card, e, *befores.get(e.id, (None, False)), e.data["rating"]) for e in answers]
            if scheduled:
                states.append((*final, b.card.id))
        self.con.executemany(_INSERT_REVIEW, rows)
        self.con.executemany(_UPDATE_CARD, states)
        self._fields(batch)

    def _one_copy(self, card: Card, answers: list[Event]) -> bool:
        """Keep one copy of a review imported on two devices (or imported on one and answered on the
        other): an answer from an import's history and another of the card with the same rating at
        the same time (core.past_review) are one review, and the first in event order stands
        everywhere. Drops the other copies from `answers` and from the card's reviews; True if any."""
        # (order, at ms, rating, imported, review row id or the new event)
        copies: list[tuple[tuple[int, str, int], int, int, bool, int | Event]] = [
            ((hlc, device, seq), ms(parse_time(at)), rating, bool(imported), review_id)
            for review_id, at, rating, hlc, device, seq, imported in self.con.execute(
                "SELECT r.id, r.reviewed_at, r.rating, r.hlc, r.device, r.seq, e.imported FROM review AS r "
                "JOIN event AS e ON e.device = r.device AND e.seq = r.seq WHERE r.card_id = ? AND r.mode = 'review'",
                (card.id,))
        ]
        dropped: set[tuple[str, int]] = set()
        changed = False
        for e in answers:
            if e.data["mode"] != "review":
                continue
            new = ((e.hlc, e.device, e.seq), ms(parse_time(e.data["at"])), e.data["rating"], "import" in e.data, e)
            twin = next((c for c in copies if c[2] == new[2] and (c[3] or new[3]) and same_review(c[1], new[1])), None)
            if twin is None:
                copies.append(new)
                continue
            changed = True
            if twin[0] < new[0]:
                dropped.add(e.id)
                continue
            copies.remove(twin)
            copies.append(new)
            if isinstance(twin[4], Event):
                dropped.add(twin[4].id)
            else:
                self.con.execute("DELETE FROM review WHERE id = ?", (twin[4],))
        answers[:] = [e for e in answers if e.id not in dropped]
        return changed

    def _known(self, ids: list[int]) -> dict[int, tuple[list[Any], int | None, str | None]]:
        """Per card: its state (event form), the clock of its newest review-mode answer, and the
        latest time among them."""
        found: dict[int, tuple[list[Any], int | None, str | None]] = {}
        for start in range(0, len(ids), 500):
            part = ids[start: start + 500]
            marks = ", ".join("?" * len(part))
            latest = {card_id: (hlc, at) for card_id, hlc, at in self.con.execute(
                f"SELECT card_id, max(hlc), max(reviewed_at) FROM review WHERE card_id IN ({marks}) "
                "AND mode = 'review' GROUP BY card_id", part)}
            for row in self.con.execute(
                f"SELECT id, state, step, stability, difficulty, due, last_review, reps, lapses FROM card "
                f"WHERE id IN ({marks})", part,
            ):
                hlc, at = latest.get(row[0], (None, None))
                found[row[0]] = (list(row[1:]), hlc, at)
        return found

    def _insert_new(self, b: CardEvents, answers: Iterable[Event]) -> None:
        """Rows for new answers not undone, with their standing rating; the replay sets their states."""
        rows = []
        for e in answers:
            if self.con.execute(f"SELECT 1 FROM event WHERE deck = ? AND item = ? AND type = 'undo' AND {NOT_ANSWER} "
                                "AND json_extract(data, '$.answer') = json_array(?, ?)",
                                (b.card.deck, b.card.qid, *e.id)).fetchone():
                continue
            rerate = self.con.execute(
                f"SELECT data FROM event WHERE deck = ? AND item = ? AND type = 'rerate' AND {NOT_ANSWER} AND "
                f"json_extract(data, '$.answer') = json_array(?, ?) {_NEWEST_FIRST} LIMIT 1",
                (b.card.deck, b.card.qid, *e.id)).fetchone()
            rating = json.loads(rerate[0])["rating"] if rerate else e.data["rating"]
            rows.append(_review_row(b.card, e, None, False, rating))
        self.con.executemany(_INSERT_REVIEW, rows)
        for e in b.events:
            if e.type == "undo":
                self.con.execute("DELETE FROM review WHERE card_id = ? AND device = ? AND seq = ?",
                                 (b.card.id, *e.data["answer"]))
            elif e.type == "rerate":
                newest = self.con.execute(
                    f"SELECT data FROM event WHERE deck = ? AND item = ? AND type = 'rerate' AND {NOT_ANSWER} AND "
                    f"json_extract(data, '$.answer') = json_array(?, ?) {_NEWEST_FIRST} LIMIT 1",
                    (b.card.deck, b.card.qid, *e.data["answer"])).fetchone()
                self.con.execute("UPDATE review SET rating = ? WHERE card_id = ? AND device = ? AND seq = ?",
                                 (json.loads(newest[0])["rating"], b.card.id, *e.data["answer"]))

    def _replay(self, card: Card) -> CardState:
        history = _history(self.con, card)
        result: Replayed = replay(history, self.scheduler)
        self.con.executemany(
            "UPDATE review SET state_before = ?, rating = ?, was_new = ? WHERE card_id = ? AND device = ? AND seq = ?",
            [(json.dumps(s.before.to_json()), s.rating, s.before.state == NEW, card.id, *s.answer) for s in result.steps])
        return result.state

    def replay_all(self, cards: Iterable[Card]) -> None:
        """Replay these cards from their whole history (the scheduler settings changed)."""
        self.con.executemany(_UPDATE_CARD, [_card_row(self._replay(card), card.id) for card in cards])

    def _fields(self, batch: Sequence[CardEvents]) -> None:
        """Flag, suspension and burial: the newest event of each wins (a review answer unburies)."""
        for b in batch:
            types = {e.type for e in b.events}
            subject = (b.card.deck, b.card.qid)
            if "flag" in types:
                self.con.execute("UPDATE card SET flagged = ? WHERE id = ?", (self._newest(subject, "flag"), b.card.id))
            if "suspend" in types:
                self.con.execute("UPDATE card SET suspended = ? WHERE id = ?",
                                 (self._newest(subject, "suspend"), b.card.id))
            reviewed = any(e.type == "answer" and e.data["mode"] == "review" for e in b.events)
            if "bury" in types or "undo" in types or (reviewed and self._buried(b.card.id)):
                self.con.execute("UPDATE card SET buried_until = ? WHERE id = ?",
                                 (burial(self.con, card_id=b.card.id, deck=b.card.deck, qid=b.card.qid), b.card.id))

    def _newest(self, subject: tuple[str, str], type: str) -> bool:
        row = self.con.execute(f"SELECT data FROM event WHERE deck = ? AND item = ? AND type = ? AND {NOT_ANSWER} "
                               f"{_NEWEST_FIRST} LIMIT 1", (*subject, type)).fetchone()
        return bool(json.loads(row[0])["value"])

    def _buried(self, card_id: int) -> bool:
        row = self.con.execute("SELECT buried_until IS NOT NULL FROM card WHERE id = ?", (card_id,)).fetchone()
        return bool(row[0])

def burial(con: sqlite3.Connection, *, card_id: int, deck: str, qid: str) -> str | None:
    """Until when the card is buried: its newest burial, unless a review-mode answer came after it
    (answering unburies; an undone answer no longer does)."""
    bury = con.execute(
        f"SELECT hlc, device, seq, data FROM event WHERE deck = ? AND item = ? AND type = 'bury' AND {NOT_ANSWER} "
        f"{_NEWEST_FIRST} LIMIT 1", (deck, qid)).fetchone()
    if bury is None:
        return None
    answered = con.execute(
        "SELECT hlc, device, seq FROM review WHERE card_id = ? AND mode = 'review' AND hlc IS NOT NULL "
        f"{_NEWEST_FIRST} LIMIT 1", (card_id,)).fetchone()
    if answered is not None and tuple(answered) > tuple(bury[:3]):
        return None
    return json.loads(bury[3])["until"]  # type: ignore[no-any-return]


_NEW = [0, None, None, None, None, None, 0, 0]  # a card never answered, in event form
_INSERT_REVIEW = (
    "INSERT INTO review (card_id, deck_id, reviewed_at, rating, correct, chosen, duration_ms, mode, was_new, "
    "state_before, device, seq, hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_CARD = ("UPDATE card SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, last_review = ?, "
                "reps = ?, lapses = ? WHERE id = ?")


def _review_row(card: Card, e: Event, before: str | None, was_new: bool, rating: int) -> tuple[Any, ...]:
    """A received answer's row; `before` is its state-before as stored (state_json), if replayed."""
    d = e.data
    return (card.id, card.deck, d["at"], rating, d["correct"], _chosen(d["chosen"]), d["ms"], d["mode"], was_new,
            before, e.device, e.seq, e.hlc)


def _chosen(chosen: list[int]) -> str:
    """As json.dumps writes the chosen choices (the local answer path does): checked whole numbers."""
    return f"[{', '.join(map(str, chosen))}]"


def _card_row(state: CardState, card_id: int) -> tuple[Any, ...]:
    return (state.state, state.step, state.stability, state.difficulty, to_db_time(state.due) if state.due else None,
            to_db_time(state.last_review) if state.last_review else None, state.reps, state.lapses, card_id)
