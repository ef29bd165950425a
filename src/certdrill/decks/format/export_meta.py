"""What certdrill writes into its own .apkg exports beside Anki's collection (member `certdrill.json`)
and reads back: the deck's id, title and domains, each note's question id and, on request, each card's
schedule. A re-import then updates the same deck and questions instead of making new ones.

The member comes from a file like any other package: it is checked as untrusted input.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from certdrill.core.memory import RELEARNING, CardState
from certdrill.decks.format.schema import DECK_ID, QUESTION_ID
from certdrill.errors import CertdrillError

MEMBER = "certdrill.json"
FORMAT = "certdrill-export/1"


@dataclass(frozen=True, slots=True)
class ExportedDomain:
    id: str
    name: str
    weight: float
    subdeck: str  # the Anki deck its questions are in ("Title::Domain name")


@dataclass(frozen=True, slots=True)
class ExportMeta:
    deck_id: str
    title: str
    domains: tuple[ExportedDomain, ...]
    questions: dict[str, str]  # note guid -> question id
    cards: dict[str, CardState] = field(default_factory=dict)  # question id -> schedule (with history only)

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT, "deck": self.deck_id, "title": self.title,
            "domains": [{"id": d.id, "name": d.name, "weight": d.weight, "subdeck": d.subdeck} for d in self.domains],
            "questions": self.questions,
            "cards": {qid: state.to_json() for qid, state in self.cards.items()},
        }, ensure_ascii=False, indent=1)


def read_export_meta(data: bytes, package: str) -> ExportMeta:
    """The metadata of a certdrill export; a member that is not well-formed refuses the package."""
    where = f"{package}: {MEMBER}"
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise CertdrillError(f"{where}: not valid JSON") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise CertdrillError(f"{where}: not a {FORMAT} file")
    deck_id, title = raw.get("deck"), raw.get("title")
    if not isinstance(deck_id, str) or not DECK_ID.match(deck_id) or not isinstance(title, str):
        raise CertdrillError(f"{where}: the deck id or title is missing or malformed")
    domains = []
    for d in _list(raw.get("domains"), where, "domains"):
        values: list[Any] = [d.get(k) if isinstance(d, dict) else None for k in ("id", "name", "weight", "subdeck")]
        if not (all(isinstance(v, str) and v for v in (values[0], values[1], values[3]))
                and _number(values[2]) and values[2] > 0):
            raise CertdrillError(f"{where}: a domain needs an id, a name, a positive weight and a subdeck")
        domains.append(ExportedDomain(values[0], values[1], float(values[2]), values[3]))
    questions = _mapping(raw.get("questions"), where, "questions")
    for guid, qid in questions.items():
        if not isinstance(qid, str) or not QUESTION_ID.match(qid):
            raise CertdrillError(f"{where}: note {guid[:40]!r} has a malformed question id")
    cards = {}
    for qid, state in _mapping(raw.get("cards", {}), where, "cards").items():
        cards[qid] = _card_state(state, f"{where}: card {qid[:40]!r}")
    return ExportMeta(deck_id, title, tuple(domains), dict(questions), cards)


def _list(value: Any, where: str, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise CertdrillError(f"{where}: '{what}' is not a list")
    return value


def _mapping(value: Any, where: str, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CertdrillError(f"{where}: '{what}' is not a mapping")
    return value


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _card_state(value: Any, where: str) -> CardState:
    if not isinstance(value, dict):
        raise CertdrillError(f"{where}: not a mapping")
    state: Any = value.get("state")
    step: Any = value.get("step")
    reps: Any = value.get("reps")
    lapses: Any = value.get("lapses")
    ints_ok = all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 1 << 31 for v in (state, reps, lapses))
    if not ints_ok or not 0 <= state <= RELEARNING or not (step is None or (isinstance(step, int) and 0 <= step < 100)):
        raise CertdrillError(f"{where}: state, step, reps or lapses malformed")
    numbers = {}
    for key in ("stability", "difficulty"):
        v = value.get(key)
        if v is not None and not (_number(v) and v > 0):
            raise CertdrillError(f"{where}: {key} malformed")
        numbers[key] = None if v is None else float(v)
    moments: dict[str, datetime | None] = {}
    for key in ("due", "last_review"):
        v = value.get(key)
        try:
            moments[key] = None if v is None else datetime.fromisoformat(v)
        except (TypeError, ValueError):
            raise CertdrillError(f"{where}: {key} is not a date and time") from None
        if moments[key] is not None and moments[key].tzinfo is None:  # type: ignore[union-attr]
            raise CertdrillError(f"{where}: {key} has no timezone")
    return CardState(state=state, step=step, stability=numbers["stability"], difficulty=numbers["difficulty"],
                     due=moments["due"], last_review=moments["last_review"], reps=reps, lapses=lapses)
