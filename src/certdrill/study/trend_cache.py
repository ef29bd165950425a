"""Past days of the readiness trend kept in a small file beside the database, each under a fingerprint of
what its figure is computed from, so that a trend computes again only the days whose inputs changed.

The file is a cache, never a record: it is not in the database, so backups, restores and sync never
carry it, and a file that is missing, damaged, too big, of another format or from another collection
is ignored (and written anew). A day's fingerprint (`day_keys`) covers the code that computes a point,
the fsrs version, the deck (domains, weights, exam; each question's domain and guess rate, those retired left out),
the scheduler settings, the exam date, the day's end, the mock papers started by then, and the count and
id sum of the deck's answers up to then: an answer added or taken back up to that day, by this device or
by a sync, changes it. It does not read the stored answers' contents (that would cost a scan of the whole
history at every start): an answer re-rated in place on a past day, or a stored state rewritten in place,
leaves the past points as they were (today's point is always computed afresh).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import os
import re
import sqlite3
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from importlib import import_module, metadata
from pathlib import Path
from typing import Any

from certdrill.core.model import Deck
from certdrill.core.scheduling import SchedulerSettings
from certdrill.storage.timefmt import to_db_time
from certdrill.study.readiness import ReadinessPoint

FILE_NAME = "readiness-trend-cache.json"  # beside the database
FORMAT = "certdrill-readiness-trend/2"
MAX_BYTES = 4 << 20  # a year of days for a dozen decks is well under 1 MiB
_MODULES = ("certdrill.core.readiness", "certdrill.core.readiness_model", "certdrill.core.exam_readiness",
            "certdrill.core.exam_score", "certdrill.core.scheduling", "certdrill.core.memory",
            "certdrill.study.readiness", "certdrill.study.readiness_trend", "certdrill.study.trend_cache")
"""The code a point depends on: a change to any of it (a new model) makes every cached point stale."""
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_KEY = re.compile(r"[0-9a-f]{64}")


@cache
def code_digest() -> str:
    """A digest of the source of the modules that compute a point (their installed version when the
    source cannot be read)."""
    h = hashlib.sha256()
    for name in _MODULES:
        path = getattr(import_module(name), "__file__", None)
        try:
            h.update(Path(path).read_bytes() if path else b"")
        except OSError:
            try:
                h.update(metadata.version("certdrill").encode())
            except metadata.PackageNotFoundError:  # neither: then no cached day is ever taken as current
                h.update(os.urandom(16))
        h.update(b"\0")
    h.update(metadata.version("fsrs").encode())  # a pinned dependency: its recall is part of every point
    return h.hexdigest()


def day_keys(
    con: sqlite3.Connection, *, deck: Deck, questions: str, days: Sequence[tuple[str, datetime]],
    exam_at: datetime | None, settings: SchedulerSettings,
) -> dict[str, str]:
    """The fingerprint of each of `days` ((study date, end moment) in time order); `questions` is the digest
    of what the figures read of the deck's questions."""
    if not days:
        return {}
    base = hashlib.sha256()
    base.update(f"{FORMAT}\0{code_digest()}\0{deck!r}\0{exam_at!r}\0".encode())
    base.update(f"{settings.desired_retention!r}\0{settings.maximum_interval!r}\0{settings.parameters!r}\0".encode())
    base.update(questions.encode())
    ends = [to_db_time(end) for _, end in days]
    answers = _answers_by_day(con, deck.id, ends)
    papers = con.execute(
        "SELECT x.started_at, x.id, x.finished_at, count(ea.card_id), total(ea.card_id), total(ea.correct) "
        "FROM exam_attempt x LEFT JOIN exam_answer ea ON ea.attempt_id = x.id WHERE x.deck_id = ? "
        "GROUP BY x.id ORDER BY x.started_at, x.id", (deck.id,)).fetchall()
    out = {}
    for (label, _), end, counted in zip(days, ends, answers, strict=True):
        h = base.copy()
        shown = [p for p in papers if p[0] <= end]
        h.update(f"{label}\0{end}\0{counted!r}\0{shown!r}".encode())
        out[label] = h.hexdigest()
    return out


def _answers_by_day(con: sqlite3.Connection, deck_id: str, ends: Sequence[str]) -> list[tuple[int, int]]:
    """(count, id sum) of the deck's answers up to each end, read from the index on (deck, time) alone."""
    # Grouped by the hour (the minute where a day does not end on the hour: a zone at half an hour from UTC),
    # which never straddles a day's end (the last microsecond of an hour).
    width = 13 if all(e[14:] == "59:59.999999Z" for e in ends) else 16
    total = list(con.execute("SELECT count(*), total(id) FROM review WHERE deck_id = ? AND reviewed_at <= ?",
                             (deck_id, ends[0])).fetchone())
    per_day = [[0, 0] for _ in ends]
    for hour, n, ids in con.execute(
            f"SELECT substr(reviewed_at, 1, {width}), count(*), total(id) FROM review WHERE deck_id = ? "
            "AND reviewed_at > ? AND reviewed_at <= ? GROUP BY 1", (deck_id, ends[0], ends[-1])):
        day = bisect.bisect_left(ends, hour)
        per_day[day][0] += n
        per_day[day][1] += int(ids)
    out = []
    count, ids = int(total[0]), int(total[1])
    for n, s in per_day:
        count, ids = count + n, ids + s
        out.append((count, ids))
    return out


Made = dict[str, tuple[int, int, float]]
"""A day's review answers that count as recent answers, per domain id: (answers, right, summed P(right))."""


def load(path: Path, deck_id: str) -> dict[str, tuple[str, ReadinessPoint, Made]]:
    """The cached days of this deck: study date -> (fingerprint, point, recent answers made that day).
    Anything unexpected: none."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return {}
        data = json.loads(path.read_bytes())
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}
        decks = data.get("decks")
        days = decks.get(deck_id) if isinstance(decks, dict) else None
        if not isinstance(days, dict):
            return {}
        out = {}
        for label, entry in days.items():
            point = _point(label, entry)
            made = _made(entry[6]) if point is not None else None
            if point is not None and made is not None:
                out[label] = (entry[0], point, made)
        return out
    except (OSError, ValueError, RecursionError):
        return {}


def _point(label: object, entry: object) -> ReadinessPoint | None:
    """A cached point, if it is one: a fingerprint and figures that are shares (0-1)."""
    if not (isinstance(label, str) and _DAY.fullmatch(label) and isinstance(entry, list) and len(entry) == 7):
        return None
    key, raw, low, high, p_pass, domains, _ = entry
    if not (isinstance(key, str) and _KEY.fullmatch(key) and isinstance(domains, dict)):
        return None
    shares = [raw, low, high, *domains.values()] + ([] if p_pass is None else [p_pass])
    if not all(_share(v) for v in shares) or not all(isinstance(k, str) for k in domains):
        return None
    return ReadinessPoint(label, raw, low, high, p_pass, dict(domains))


def _made(value: object) -> Made | None:
    if not isinstance(value, dict):
        return None
    out = {}
    for domain, counts in value.items():
        if not (isinstance(domain, str) and isinstance(counts, list) and len(counts) == 3):
            return None
        answers, right, predicted = counts
        if not (_count(answers) and _count(right) and right <= answers and isinstance(predicted, float | int)
                and math.isfinite(predicted) and 0 <= predicted <= answers):
            return None
        out[domain] = (answers, right, float(predicted))
    return out


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _share(value: object) -> bool:
    return isinstance(value, float | int) and not isinstance(value, bool) and math.isfinite(value) and 0 <= value <= 1


def save(path: Path, deck_id: str, points: Mapping[str, tuple[str, ReadinessPoint, Made]]) -> None:
    """Keep these days of this deck (replacing its earlier ones; other decks' stay). Best effort: a
    folder that cannot be written only means the days are computed again next time."""
    data: dict[str, Any] = {"format": FORMAT, "decks": {}}
    try:
        if path.stat().st_size <= MAX_BYTES:
            old = json.loads(path.read_bytes())
            if isinstance(old, dict) and old.get("format") == FORMAT and isinstance(old.get("decks"), dict):
                data["decks"] = {k: v for k, v in old["decks"].items() if isinstance(k, str) and isinstance(v, dict)}
    except (OSError, ValueError, RecursionError):
        pass
    data["decks"][deck_id] = {label: [key, p.raw, p.low, p.high, p.p_pass, p.domains, {d: list(v) for d, v in made.items()}]
                              for label, (key, p, made) in sorted(points.items())}
    try:  # a file of its own, then renamed over: a reader (another window, thread) never sees half of one
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w") as out:
            out.write(json.dumps(data, separators=(",", ":")))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
