"""Sync events: what each learner change travels as, one JSON line each, and the check every line passes.

A journal line is untrusted input (it comes from a shared folder), so `parse_line` checks it as the
deck importers check a file: the shape and type of every field, lengths, ids, ranges, and text free
of control characters and terminal escapes. Anything else is refused with the reason.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from certdrill.core.jsontext import json_text
from certdrill.core.memory import CardState
from certdrill.core.sync.clock import MAX_WALL_MS, pack, unpack
from certdrill.core.text import clean_text

VERSION = 1
"""The line format version; a line of a newer version is refused with a note to upgrade."""
MAX_LINE_BYTES = 256 * 1024
DEVICE_ID = re.compile(r"^[0-9a-f]{8}$")
MAX_SEQ = (1 << 53) - 1
_DECK_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,199}$")  # deck format v1's ids, with a length cap
_QUESTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")
_SETTING_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_HEX = re.compile(r"^[0-9a-f]+$")
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
MAX_CHOICES = 64
MAX_EXAM_QUESTIONS = 2000
MAX_DURATION_MS = 24 * 3600 * 1000

EventId = tuple[str, int]
"""(device, seq): what names an event everywhere."""


class Refused(ValueError):
    """A journal line that is not a valid event; `str()` says why, for the learner."""


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


def key_digest(answer_key: str) -> str:
    """A short digest of a question's answer key: an answer counts only under the key it was made with."""
    return hashlib.blake2b(answer_key.encode(), digest_size=8).hexdigest()


# -- the check ------------------------------------------------------------------------------
Check = Callable[[Any], Any]


def _fail(reason: str) -> Refused:
    return Refused(reason)


def _int(lo: int, hi: int) -> Check:
    def check(v: Any) -> int:
        if type(v) is not int or not lo <= v <= hi:
            raise _fail(f"not a whole number from {lo} to {hi}")
        return v
    return check


def _bool(v: Any) -> bool:
    if type(v) is not bool:
        raise _fail("not true or false")
    return v


def _pattern(regex: re.Pattern[str], what: str) -> Check:
    def check(v: Any) -> str:
        if type(v) is not str or not regex.match(v):
            raise _fail(f"not a valid {what}")
        return v
    return check


def _text(max_len: int) -> Check:
    def check(v: Any) -> str:
        if type(v) is not str or len(v) > max_len:
            raise _fail(f"not a text of at most {max_len} characters")
        if clean_text(v) != v or "\n" in v or "\t" in v:
            raise _fail("text with control characters or terminal escapes")
        return v
    return check


def _time(v: Any) -> str:
    if type(v) is not str or not _TIME.match(v):
        raise _fail("not a UTC time (YYYY-MM-DDTHH:MM:SS.ffffffZ)")
    try:
        parse_time(v)
    except ValueError:
        raise _fail("not a real date and time") from None
    return v


def _date(v: Any) -> str:
    if type(v) is not str or len(v) != 10:
        raise _fail("not a date (YYYY-MM-DD)")
    try:
        date.fromisoformat(v)
    except ValueError:
        raise _fail("not a real date") from None
    return v


def _optional(check: Check) -> Check:
    def optional(v: Any) -> Any:
        return None if v is None else check(v)
    return optional


def _list(check: Check, max_items: int, *, unique: bool = False) -> Check:
    def checked(v: Any) -> list[Any]:
        if type(v) is not list or len(v) > max_items:
            raise _fail(f"not a list of at most {max_items} items")
        items = [check(x) for x in v]
        if unique and len(set(items)) != len(items):
            raise _fail("a list with repeated items")
        return items
    return checked


def _number(lo: float, hi: float) -> Check:
    def check(v: Any) -> float:
        if type(v) not in (int, float) or not math.isfinite(v) or not lo <= v <= hi:
            raise _fail(f"not a number from {lo:g} to {hi:g}")
        return v  # type: ignore[no-any-return]
    return check


_count = _int(0, 1_000_000)


def _state(v: Any) -> list[Any]:
    if type(v) is not list or len(v) != 8:
        raise _fail("not a memory state (a list of 8 values)")
    state, step, stability, difficulty, due, last_review, reps, lapses = v
    _int(0, 3)(state)
    _optional(_int(0, 1000))(step)
    _optional(_number(0, 1e9))(stability)
    _optional(_number(0, 1e3))(difficulty)
    _optional(_time)(due)
    _optional(_time)(last_review)
    _count(reps)
    _count(lapses)
    return v


def _event_ref(v: Any) -> list[Any]:
    if type(v) is not list or len(v) != 2:
        raise _fail("not an event reference [device, seq]")
    _pattern(DEVICE_ID, "device id")(v[0])
    _int(1, MAX_SEQ)(v[1])
    return v


def _setting_value(v: Any) -> Any:
    if v is None or type(v) in (bool, int):
        return v
    if type(v) is float:
        return _number(-1e12, 1e12)(v)
    if type(v) is str:
        return _text(256)(v)
    if type(v) is list:
        return _list(_number(-1e6, 1e6), 64)(v)
    raise _fail("not a setting value")


_deck = _pattern(_DECK_ID, "deck id")
_question = _pattern(_QUESTION_ID, "question id")
_chosen = _list(_int(0, MAX_CHOICES - 1), MAX_CHOICES, unique=True)
_rating = _int(1, 4)
_duration = _int(0, MAX_DURATION_MS)
_card = {"deck": _deck, "q": _question}

SCHEMAS: dict[str, dict[str, Check]] = {
    "device": {"name": _text(64)},
    "answer": {**_card, "mode": _pattern(re.compile(r"^(review|practice|exam)$"), "mode"), "at": _time,
               "rating": _rating, "correct": _optional(_bool), "chosen": _chosen, "ms": _duration,
               "key": _pattern(re.compile(r"^[0-9a-f]{16}$"), "answer-key digest"),
               "before": _optional(_state), "after": _optional(_state), "exam": _optional(_time)},
    "rerate": {**_card, "answer": _event_ref, "rating": _rating, "before": _optional(_state),
               "after": _optional(_state)},
    "undo": {**_card, "answer": _event_ref},
    "flag": {**_card, "value": _bool},
    "suspend": {**_card, "value": _bool},
    "bury": {**_card, "until": _optional(_time)},
    "reset": dict(_card),
    "setting": {"key": _pattern(_SETTING_KEY, "setting name"), "value": _setting_value},
    "exam_date": {"deck": _deck, "date": _optional(_date), "minutes": _optional(_int(1, 1440))},
    "new_limit": {"deck": _deck, "limit": _optional(_int(0, 9999))},
    "exam_start": {"deck": _deck, "at": _time, "minutes": _int(1, 100_000), "seed": _int(0, MAX_SEQ),
                   "questions": _list(_question, MAX_EXAM_QUESTIONS, unique=True)},
    "exam_answer": {"exam": _event_ref, "position": _int(0, MAX_EXAM_QUESTIONS - 1), "chosen": _chosen,
                    "flagged": _bool, "ms": _duration},
    "exam_submit": {"exam": _event_ref, "at": _time},
    "deck_import": {"deck": _deck, "sha256": _pattern(re.compile(r"^[0-9a-f]{64}$"), "sha256 digest"),
                    "version": _text(64), "source": _text(1024)},
    "bundled": {"deck": _deck, "version": _text(64)},
}
TYPES = frozenset(SCHEMAS)
CARD_TYPES = frozenset({"answer", "rerate", "undo", "flag", "suspend", "bury", "reset"})
_ENVELOPE = {"v", "device", "seq", "hlc", "type", "data"}


def check_data(type: str, data: Any) -> dict[str, Any]:
    """The event's data if every field is present and valid (no others); else `Refused`."""
    schema = SCHEMAS.get(type)
    if schema is None:
        raise _fail(f"unknown event type {type!r:.40}")
    if not isinstance(data, dict) or set(data) != set(schema):
        raise _fail(f"a {type} event needs exactly the fields {', '.join(sorted(schema))}")
    for name, check in schema.items():
        try:
            check(data[name])
        except Refused as exc:
            raise _fail(f"{type} field {name}: {exc}") from None
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # json.loads would accept NaN and Infinity


def parse_line(raw: bytes, *, device: str) -> Event:
    """One journal line of `device`'s journal as an event, or `Refused` with the reason."""
    if len(raw) > MAX_LINE_BYTES:
        raise _fail(f"line longer than {MAX_LINE_BYTES // 1024} KiB")
    try:
        obj = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError):
        raise _fail("not valid JSON") from None
    if not isinstance(obj, dict):
        raise _fail("not a JSON object")
    if type(obj.get("v")) is int and obj["v"] > VERSION:
        raise _fail(f"made by a newer certdrill (event format {obj['v']}); upgrade certdrill on this device")
    if set(obj) != _ENVELOPE or obj["v"] != VERSION:
        raise _fail("not a certdrill event (fields v, device, seq, hlc, type, data)")
    if obj["device"] != device:
        raise _fail(f"an event of device {str(obj['device'])[:16]!r} in the journal of {device}")
    seq = obj["seq"]
    if type(seq) is not int or not 1 <= seq <= MAX_SEQ:
        raise _fail("seq is not a positive whole number")
    hlc = obj["hlc"]
    if (type(hlc) is not list or len(hlc) != 2 or type(hlc[0]) is not int or type(hlc[1]) is not int
            or not 0 <= hlc[0] <= MAX_WALL_MS or not 0 <= hlc[1] < 1 << 16):
        raise _fail("hlc is not [wall ms, counter]")
    kind = obj["type"]
    if type(kind) is not str:
        raise _fail("type is not a text")
    return Event(device, seq, pack(hlc[0], hlc[1]), kind, check_data(kind, obj["data"]))
