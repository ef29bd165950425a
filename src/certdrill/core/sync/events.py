"""Sync events: what each learner change travels as, one JSON line each (checked by core.sync.check).

A line: {"v":1,"device":"3f2a9c01","seq":17,"hlc":[wall ms,counter],"type":"answer","data":{...}};
what each type's data holds is in core.sync.check.SCHEMAS and docs/sync.md.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from certdrill.core.jsontext import json_text
from certdrill.core.memory import CardState
from certdrill.core.sync.clock import unpack

VERSION = 1
"""The line format version; a line of a newer version is refused with a note to upgrade."""
CARD_TYPES = frozenset({"answer", "rerate", "undo", "flag", "suspend", "bury", "reset"})

EventId = tuple[str, int]
"""(device, seq): what names an event everywhere."""


@dataclass(frozen=True, slots=True)
class Event:
    """One learner change: made on `device`, its `seq`-th there, at clock `hlc`."""

    device: str
    seq: int
    hlc: int
    type: str
    data: dict[str, Any]

    @property
    def id(self) -> EventId:
        return (self.device, self.seq)

    @property
    def order(self) -> tuple[int, str, int]:
        """The one total order of events: clock, then device id, then sequence."""
        return (self.hlc, self.device, self.seq)

    def subject(self) -> tuple[str | None, str | None]:
        return subject(self.type, self.data)


def subject(type: str, data: dict[str, Any]) -> tuple[str | None, str | None]:
    """(deck, item) an event changes: a deck, and a card's question id or a setting's key; for lookups."""
    if type == "setting":
        return None, data["key"]
    return data.get("deck"), data.get("q")


_dumps = json_text(ensure_ascii=False, separators=(",", ":"))


def data_text(data: dict[str, Any]) -> str:
    """The event data as stored and as written in the journal (compact JSON)."""
    return _dumps(data)


def line_text(device: str, seq: int, hlc: int, type: str, data: str) -> str:
    """A journal line (without its newline) from stored parts; `data` is `data_text(...)`."""
    wall, counter = unpack(hlc)
    return f'{{"v":{VERSION},"device":"{device}","seq":{seq},"hlc":[{wall},{counter}],"type":"{type}","data":{data}}}'


def to_line(event: Event) -> str:
    return line_text(event.device, event.seq, event.hlc, event.type, data_text(event.data))


def time_text(moment: datetime) -> str:
    """A moment as events write it: fixed-width UTC ending in Z (the database's text form)."""
    if moment.tzinfo is UTC:  # the common case, on the answer path: three times as fast
        return moment.isoformat(timespec="microseconds")[:26] + "Z"
    if moment.tzinfo is None:
        raise ValueError("naive datetime: events hold UTC-aware times only")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def state_data(state: CardState | None) -> list[Any] | None:
    """A memory state as events carry it: [state, step, stability, difficulty, due, last_review, reps, lapses]."""
    if state is None:
        return None
    return [state.state, state.step, state.stability, state.difficulty,
            time_text(state.due) if state.due else None,
            time_text(state.last_review) if state.last_review else None, state.reps, state.lapses]


def state_from(data: list[Any] | None) -> CardState | None:
    if data is None:
        return None
    state, step, stability, difficulty, due, last_review, reps, lapses = data
    return CardState(state, step, None if stability is None else float(stability),
                     None if difficulty is None else float(difficulty), parse_time(due) if due else None,
                     parse_time(last_review) if last_review else None, reps, lapses)


def state_json(data: list[Any] | None) -> str | None:
    """`json.dumps(state_from(data).to_json())`, as a review row stores the state before an answer,
    without making the datetimes (a first sync writes a million of these). Formatted directly: the
    values are checked numbers and times (core.sync.check), which json.dumps writes as `repr` does."""
    if data is None:
        return None
    state, step, stability, difficulty, due, last_review, reps, lapses = data
    return (f'{{"state": {state}, "step": {_number(step)}, '
            f'"stability": {"null" if stability is None else repr(float(stability))}, '
            f'"difficulty": {"null" if difficulty is None else repr(float(difficulty))}, '
            f'"due": {_quoted(_iso(due))}, "last_review": {_quoted(_iso(last_review))}, '
            f'"reps": {reps}, "lapses": {lapses}}}')


def _number(value: int | None) -> str:
    return "null" if value is None else str(value)


def _quoted(text: str | None) -> str:
    return "null" if text is None else f'"{text}"'


def stored_state_data(text: str | None) -> list[Any] | None:
    """The event form of a state a review row stores (the inverse of `state_json`), without making
    the datetimes (a first sync sends a million of these)."""
    if text is None:
        return None
    d = json.loads(text)
    return [d["state"], d["step"], d["stability"], d["difficulty"], _event_time(d["due"]), _event_time(d["last_review"]),
            d["reps"], d["lapses"]]


def _event_time(iso: str | None) -> str | None:
    if iso is None:
        return None
    if iso.endswith("+00:00") and len(iso) in (25, 32):
        return iso[:-6] + (".000000Z" if len(iso) == 25 else "Z")
    return time_text(datetime.fromisoformat(iso))


def _iso(text: str | None) -> str | None:
    """datetime.isoformat() of an event time: microseconds only when there are some, +00:00 for Z."""
    if text is None:
        return None
    return text[:19] + ("" if text[20:26] == "000000" else text[19:26]) + "+00:00"


@functools.lru_cache(maxsize=4096)
def key_digest(answer_key: str) -> str:
    """A short digest of a question's answer key: an answer counts only under the key it was made with."""
    return hashlib.blake2b(answer_key.encode(), digest_size=8).hexdigest()


