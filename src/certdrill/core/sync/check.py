"""The check every journal line passes: a line comes from a shared folder, so it is untrusted input
and is checked as the deck importers check a file (the shape and type of every field, lengths,
ids, ranges, text free of control characters and terminal escapes); anything else is refused
with the reason, for the learner.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from certdrill.core.sync.clock import MAX_WALL_MS, pack
from certdrill.core.sync.events import VERSION, Event
from certdrill.core.text import clean_text

MAX_LINE_BYTES = 256 * 1024
DEVICE_ID = re.compile(r"^[0-9a-f]{8}$")
MAX_SEQ = (1 << 53) - 1
_DECK_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,199}$")  # deck format v1's ids, with a length cap
_QUESTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")
_SETTING_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
_KEY_DIGEST = re.compile(r"^[0-9a-f]{16}$")
MAX_CHOICES = 64
MAX_EXAM_QUESTIONS = 2000
MAX_DURATION_MS = 24 * 3600 * 1000


class Refused(ValueError):
    """A journal line that is not a valid event; `str()` says why, for the learner."""


Check = Callable[[Any], Any]
_valid_times: dict[str, bool] = {}  # a time text seen before need not be parsed again (answers share them)


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
    if type(v) is str and v in _valid_times:
        return v
    if type(v) is not str or not _TIME.match(v):
        raise _fail("not a UTC time (YYYY-MM-DDTHH:MM:SS.ffffffZ)")
    try:
        datetime.fromisoformat(v)
    except ValueError:
        raise _fail("not a real date and time") from None
    if len(_valid_times) > 100_000:
        _valid_times.clear()
    _valid_times[v] = True
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
    """[state 0-3, step, stability, difficulty, due, last review, reps, lapses]: one expression, as a
    first sync checks two a line (a float range also keeps out the infinity JSON lets through)."""
    if type(v) is not list or len(v) != 8:
        raise _fail("not a memory state (a list of 8 values)")
    state, step, stability, difficulty, due, last_review, reps, lapses = v
    if not (type(state) is int and 0 <= state <= 3
            and (step is None or (type(step) is int and 0 <= step <= 1000))
            and (stability is None or (type(stability) in (float, int) and 0 <= stability <= 1e9))
            and (difficulty is None or (type(difficulty) in (float, int) and 0 <= difficulty <= 1e3))
            and type(reps) is int and 0 <= reps <= 1_000_000 and type(lapses) is int and 0 <= lapses <= 1_000_000):
        raise _fail("not a memory state (state, step, stability, difficulty, due, last review, reps, lapses)")
    if due is not None:
        _time(due)
    if last_review is not None:
        _time(last_review)
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
               "key": _pattern(_KEY_DIGEST, "answer-key digest"),
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
"""Each event type's data: its fields and the check of each (docs/sync.md lists them)."""
TYPES = frozenset(SCHEMAS)
_ENVELOPE = {"v", "device", "seq", "hlc", "type", "data"}
_ANSWER = SCHEMAS["answer"]
_ANSWER_FIELDS = _ANSWER.keys()


def check_data(type: str, data: Any) -> dict[str, Any]:
    """The event's data if every field is present and valid (no others); else `Refused`."""
    schema = SCHEMAS.get(type)
    if schema is None:
        raise _fail(f"unknown event type {type!r:.40}")
    if type == "answer" and isinstance(data, dict) and "import" in data:
        # An answer from an import's review history says so (and only then): sync keeps one copy
        # of a review two devices imported.
        if data["import"] is not True:
            raise _fail("answer field import: not true")
        data = {k: v for k, v in data.items() if k != "import"}
        return {**check_data(type, data), "import": True}
    if not isinstance(data, dict) or data.keys() != schema.keys():
        raise _fail(f"a {type} event needs exactly the fields {', '.join(sorted(schema))}")
    if type == "answer" and _plain_answer(data):
        return data
    for name, check in schema.items():
        try:
            check(data[name])
        except Refused as exc:
            raise _fail(f"{type} field {name}: {exc}") from None
    return data


def _plain_answer(d: dict[str, Any]) -> bool:
    """The common answer, checked in one go (a first sync checks a million): True if it passes
    every check of SCHEMAS["answer"]; False sends it through them one by one (for the reason).
    Ids and digests seen valid before (a card's answers repeat them) are not matched again."""
    try:
        deck, q, key, chosen, ms, rating = d["deck"], d["q"], d["key"], d["chosen"], d["ms"], d["rating"]
        exam = d["exam"]
        return bool(
            (deck in _valid_decks or _remember(_valid_decks, deck, _DECK_ID))
            and (q in _valid_questions or _remember(_valid_questions, q, _QUESTION_ID))
            and (key in _valid_keys or _remember(_valid_keys, key, _KEY_DIGEST))
            and d["mode"] in _MODES
            and type(rating) is int and 1 <= rating <= 4 and type(d["correct"]) in _CORRECT
            and type(chosen) is list and len(chosen) <= MAX_CHOICES and len(set(chosen)) == len(chosen)
            and all(type(c) is int and 0 <= c < MAX_CHOICES for c in chosen)
            and type(ms) is int and 0 <= ms <= MAX_DURATION_MS
            and _time(d["at"]) and _plain_state(d["before"]) and _plain_state(d["after"])
            and (exam is None or _time(exam))
        )
    except (Refused, TypeError):
        return False


_MODES = frozenset(("review", "practice", "exam"))
_CORRECT = frozenset((bool, type(None)))
_valid_decks: set[str] = set()
_valid_questions: set[str] = set()
_valid_keys: set[str] = set()


def _remember(seen: set[str], v: Any, regex: re.Pattern[str]) -> bool:
    """True, and `v` kept in `seen`, if it is a text `regex` matches (a set kept below 100,000)."""
    if type(v) is not str or not regex.match(v):
        return False
    if len(seen) > 100_000:
        seen.clear()
    seen.add(v)
    return True


def _plain_state(v: Any) -> bool:
    """`_state` (or None) as a test, for `_plain_answer`; raises Refused for a time that is not one."""
    if v is None:
        return True
    if type(v) is not list or len(v) != 8:
        return False
    state, step, stability, difficulty, due, last_review, reps, lapses = v
    return bool(
        type(state) is int and 0 <= state <= 3
        and (step is None or (type(step) is int and 0 <= step <= 1000))
        and (stability is None or (type(stability) in _NUMBER and 0 <= stability <= 1e9))
        and (difficulty is None or (type(difficulty) in _NUMBER and 0 <= difficulty <= 1e3))
        and type(reps) is int and 0 <= reps <= 1_000_000 and type(lapses) is int and 0 <= lapses <= 1_000_000
        and (due is None or due in _valid_times or _time(due))
        and (last_review is None or last_review in _valid_times or _time(last_review))
    )


_NUMBER = frozenset((float, int))


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # json.loads would accept NaN and Infinity


def check_event(obj: Any, *, device: str) -> Event:
    """A parsed journal line as an event of `device`, or `Refused` with the reason."""
    if not isinstance(obj, dict):
        raise _fail("not a JSON object")
    if type(obj.get("v")) is int and obj["v"] > VERSION:
        raise _fail(f"made by a newer certdrill (event format {obj['v']}); upgrade certdrill on this device")
    if obj.keys() != _ENVELOPE or obj["v"] != VERSION or type(obj["v"]) is not int:
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


def parse_line(raw: bytes, *, device: str) -> Event:
    """One journal line of `device`'s journal as an event, or `Refused` with the reason."""
    if len(raw) > MAX_LINE_BYTES:
        raise _fail(f"line longer than {MAX_LINE_BYTES // 1024} KiB")
    try:
        obj = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError):
        raise _fail("not valid JSON") from None
    except RecursionError:  # the C decoder recurses once per level of nesting
        raise _fail("nested too deeply") from None
    return check_event(obj, device=device)


_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def parse_lines(raws: Sequence[bytes], *, device: str) -> list[Event | Refused]:
    """Many lines of one journal at once, exactly as `parse_line` gives them one by one. A line
    that is one JSON value and nothing else is decoded without `json.loads`'s own work around the
    decoder (a first sync reads a million lines); any other line goes through `parse_line`, which
    says why it is refused."""
    decode = _DECODER.raw_decode
    out: list[Event | Refused] = []
    for raw in raws:
        try:
            obj: Any = None
            if len(raw) <= MAX_LINE_BYTES:
                try:
                    text = raw.decode()
                    obj, end = decode(text)
                    if end != len(text):
                        obj = None  # whitespace around it, or more after it: parse_line decides
                except (ValueError, UnicodeDecodeError, RecursionError):
                    obj = None
            out.append(parse_line(raw, device=device) if obj is None else check_event(obj, device=device))
        except Refused as exc:
            out.append(exc)
    return out
