"""Write a Deck as an Anki package (legacy collection.anki2 layout, genanki's schema), with certdrill's own
identity beside it (decks/format/export_meta.py) and, on request, the schedule and review history."""

from __future__ import annotations

import hashlib
import html
import json
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from certdrill.core.memory import LEARNING, NEW, RELEARNING, REVIEW, CardState
from certdrill.core.model import Deck, Question
from certdrill.decks.format.export_meta import MEMBER, ExportedDomain, ExportMeta

LETTERS = "ABCDEFGHIJ"
_SCHEMA = """
CREATE TABLE col (id integer primary key, crt integer not null, mod integer not null, scm integer not null,
  ver integer not null, dty integer not null, usn integer not null, ls integer not null, conf text not null,
  models text not null, decks text not null, dconf text not null, tags text not null);
CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null, mod integer not null,
  usn integer not null, tags text not null, flds text not null, sfld integer not null, csum integer not null,
  flags integer not null, data text not null);
CREATE TABLE cards (id integer primary key, nid integer not null, did integer not null, ord integer not null,
  mod integer not null, usn integer not null, type integer not null, queue integer not null, due integer not null,
  ivl integer not null, factor integer not null, reps integer not null, lapses integer not null,
  left integer not null, odue integer not null, odid integer not null, flags integer not null, data text not null);
CREATE TABLE revlog (id integer primary key, cid integer not null, usn integer not null, ease integer not null,
  ivl integer not null, lastIvl integer not null, factor integer not null, time integer not null,
  type integer not null);
CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
CREATE INDEX ix_notes_usn on notes (usn);
CREATE INDEX ix_cards_usn on cards (usn);
CREATE INDEX ix_revlog_usn on revlog (usn);
CREATE INDEX ix_cards_nid on cards (nid);
CREATE INDEX ix_cards_sched on cards (did, queue, due);
CREATE INDEX ix_revlog_cid on revlog (cid);
CREATE INDEX ix_notes_csum on notes (csum);
"""
_DCONF = {"1": {
    "autoplay": True, "id": 1, "maxTaken": 60, "mod": 0, "name": "Default", "replayq": True, "timer": 0, "usn": 0,
    "lapse": {"delays": [10], "leechAction": 0, "leechFails": 8, "minInt": 1, "mult": 0},
    "new": {"bury": True, "delays": [1, 10], "initialFactor": 2500, "ints": [1, 4, 7], "order": 1,
            "perDay": 20, "separate": True},
    "rev": {"bury": True, "ease4": 1.3, "fuzz": 0.05, "ivlFct": 1, "maxIvl": 36500, "minSpace": 1, "perDay": 100},
}}
_CONF = {"activeDecks": [1], "addToCur": True, "collapseTime": 1200, "curDeck": 1, "dueCounts": True,
         "estTimes": True, "newBury": True, "newSpread": 0, "nextPos": 1, "sortBackwards": False,
         "sortType": "noteFld", "timeLim": 0}
_CSS = ".card { font-family: sans-serif; font-size: 20px; text-align: left; color: black; background: white; }\n" \
       "ol.choices li { margin: .3em 0; }\n.answer { font-weight: bold; }\n"
_ENCODED_GUID = re.compile(r"^h(?:[0-9a-f]{2})+$")


@dataclass(frozen=True, slots=True)
class PastAnswer:
    """One review answer, as Anki's revlog keeps it."""

    qid: str
    at: datetime
    rating: int
    duration_ms: int
    state_before: int


@dataclass(frozen=True, slots=True)
class DeckHistory:
    """A deck's schedule and review answers (practice and mock-exam answers are not reviews)."""

    cards: dict[str, CardState]
    suspended: frozenset[str]
    answers: tuple[PastAnswer, ...]


def _id(*parts: str) -> int:
    """A stable 48-bit id (Anki ids are epoch milliseconds; this keeps them in that range)."""
    return int.from_bytes(hashlib.blake2b("\x1f".join(parts).encode(), digest_size=6).digest(), "big") | 1 << 40


def _html(text: str) -> str:
    """Deck text (a Markdown subset) as Anki HTML: soft-wrapped lines joined, lists and code kept."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.split("\n")
        if block.startswith("```"):
            blocks.append("<pre>" + html.escape("\n".join(lines[1:-1] if lines[-1].startswith("```") else lines[1:])) + "</pre>")
        elif any(re.match(r"\s*(?:[-*]|\d+[.)])\s", line) for line in lines):
            blocks.append("<br>".join(html.escape(line) for line in lines))
        else:
            blocks.append(html.escape(" ".join(line.strip() for line in lines)))
    return "<br><br>".join(blocks)


def _guid(deck: Deck, q: Question) -> str:
    # Questions that came from Anki keep their note's guid, so Anki updates instead of duplicating.
    if q.id.startswith("anki-") and not re.search(r"-\d+$", q.id):
        base = q.id[5:]
        if _ENCODED_GUID.match(base):
            try:
                return bytes.fromhex(base[1:]).decode()
            except UnicodeDecodeError:
                pass
        return base
    return hashlib.blake2b(f"{deck.id}\x1f{q.id}".encode(), digest_size=8).hexdigest()


def _field(name: str, ord_: int) -> dict[str, Any]:
    return {"name": name, "ord": ord_, "font": "Liberation Sans", "media": [], "rtl": False, "size": 20, "sticky": False}


def _model(mid: int, name: str, fields: list[str], qfmt: str, afmt: str, now: int, did: int) -> dict[str, Any]:
    return {
        "id": str(mid), "name": name, "type": 0, "mod": now, "usn": -1, "sortf": 0, "did": did, "tags": [], "vers": [],
        "flds": [_field(f, i) for i, f in enumerate(fields)], "css": _CSS, "latexsvg": False,
        "latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage{amssymb,amsmath}\n"
                    "\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
        "latexPost": "\\end{document}",
        "tmpls": [{"name": "Card 1", "ord": 0, "qfmt": qfmt, "afmt": afmt, "bqfmt": "", "bafmt": "", "bfont": "",
                   "bsize": 0, "did": None}],
        "req": [[0, "any", [0]]],
    }


def _models(deck: Deck, width: int, now: int, did: int) -> tuple[dict[str, Any], dict[str, Any]]:
    options = [f"Option {LETTERS[i]}" for i in range(width)]
    items = "".join(f"{{{{#{o}}}}}<li>{{{{{o}}}}}</li>{{{{/{o}}}}}" for o in options)
    extras = ("{{#Explanation}}<div class=explanation>{{Explanation}}</div>{{/Explanation}}"
              "{{#References}}<div class=references>{{References}}</div>{{/References}}")
    basic = _model(_id(deck.id, "basic"), "certdrill Basic", ["Front", "Back", "Explanation", "References"],
                   "{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}" + extras, now, did)
    choice = _model(
        _id(deck.id, "choice"), "certdrill Multiple Choice",
        ["Question", *options, "Answer", "Explanation", "Choice notes", "References"],
        f"{{{{Question}}}}<ol type=A class=choices>{items}</ol>",
        "{{FrontSide}}<hr id=answer><div class=answer>Answer: {{Answer}}</div>"
        "{{#Choice notes}}<div class=why>{{Choice notes}}</div>{{/Choice notes}}" + extras, now, did,
    )
    return basic, choice


def _note_fields(q: Question, width: int) -> list[str]:
    refs = "<br>".join(f'<a href="{html.escape(r)}">{html.escape(r)}</a>' for r in q.references)
    if q.kind == "flashcard":
        return [_html(q.prompt), _html(q.answer), _html(q.explanation), refs]
    options = [_html(c.text) for c in q.choices] + [""] * (width - len(q.choices))
    answer = ", ".join(LETTERS[i] for i in q.correct_indices)
    # One line per choice ("A: ..."): the importer reads them back as the choices' whys.
    why = "<br>".join(f"{LETTERS[i]}: {_html(' '.join(c.why.split()))}" for i, c in enumerate(q.choices) if c.why)
    return [_html(q.prompt), *options, answer, _html(q.explanation), why, refs]


def _sort_text(html_text: str) -> str:
    return re.sub(r"<[^>]*>", "", html_text)


def write_apkg(deck: Deck, path: Path, *, now: datetime, history: DeckHistory | None = None) -> None:
    """An .apkg the Anki program imports: one note per question, subdecks per domain. With `history`,
    each card carries its schedule (Anki's fields and certdrill's own) and the revlog the review answers."""
    stamp = int(now.timestamp())
    # Anki counts a review card's due day from the collection's creation: the day of the first answer.
    first = min([a.at for a in history.answers] if history else [], default=now)
    crt = datetime.combine(first.astimezone(UTC).date(), time(), tzinfo=UTC)
    width = min(max([2, *(len(q.choices) for q in deck.questions)]), len(LETTERS))
    top = _id(deck.id, "deck")
    decks: dict[str, Any] = {"1": _deck(1, "Default", stamp)}
    domain_did = {}
    for d in deck.domains:
        did = _id(deck.id, "domain", d.id)
        domain_did[d.id] = did
        decks[str(did)] = _deck(did, f"{deck.title}::{d.name}", stamp)
    decks[str(top)] = _deck(top, deck.title, stamp, deck.description)
    basic, choice = _models(deck, width, stamp, top)
    meta = ExportMeta(deck.id, deck.title,
                      tuple(ExportedDomain(d.id, d.name, d.weight, f"{deck.title}::{d.name}") for d in deck.domains),
                      {_guid(deck, q): q.id for q in deck.questions}, dict(history.cards) if history else {})
    with tempfile.TemporaryDirectory(prefix="certdrill-export-") as tmp:
        db = Path(tmp) / "collection.anki2"
        con = sqlite3.connect(db)
        try:
            con.executescript(_SCHEMA)
            con.execute(
                "INSERT INTO col VALUES (null, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')",
                (int(crt.timestamp()), stamp * 1000, stamp * 1000, json.dumps(_CONF),
                 json.dumps({basic["id"]: basic, choice["id"]: choice}), json.dumps(decks), json.dumps(_DCONF)),
            )
            for position, q in enumerate(deck.questions):
                model = basic if q.kind == "flashcard" else choice
                fields = _note_fields(q, width)
                sort_field = _sort_text(fields[0])
                csum = int(hashlib.sha1(sort_field.encode()).hexdigest()[:8], 16)
                nid = _id(deck.id, "note", q.id)
                tags = " ".join(t.replace(" ", "_") for t in q.tags)
                con.execute("INSERT INTO notes VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')",
                            (nid, _guid(deck, q), int(model["id"]), stamp, f" {tags} " if tags else "",
                             "\x1f".join(fields), sort_field, csum))
                state = history.cards.get(q.id, CardState()) if history else CardState()
                suspended = history is not None and q.id in history.suspended
                con.execute("INSERT INTO cards VALUES (?, ?, ?, 0, ?, -1, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, '')",
                            (_id(deck.id, "card", q.id), nid, domain_did.get(q.domain, top), stamp,
                             *_anki_schedule(state, position + 1, crt, suspended)))
            if history:
                _write_revlog(con, deck, history)
            con.commit()
        finally:
            con.close()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(db, "collection.anki2")
            zf.writestr("media", "{}")
            zf.writestr(MEMBER, meta.to_json())


def _anki_schedule(state: CardState, position: int, crt: datetime, suspended: bool) -> tuple[int, ...]:
    """Anki's type, queue, due, ivl, factor, reps and lapses for a certdrill schedule."""
    if state.state == NEW or state.due is None:
        kind, queue, due, ivl = 0, 0, position, 0
    elif state.state == REVIEW:
        last = state.last_review or state.due
        kind, queue, due, ivl = 2, 2, (state.due - crt).days, max(1, (state.due - last).days)
    else:  # learning and relearning steps are due at a moment, in seconds
        kind, queue, due, ivl = (1 if state.state == LEARNING else 3), 1, int(state.due.timestamp()), 0
    return kind, -1 if suspended else queue, due, ivl, 0 if kind == 0 else 2500, state.reps, state.lapses


_REVLOG_TYPE = {NEW: 0, LEARNING: 0, REVIEW: 1, RELEARNING: 2}  # learn, review, relearn


def _write_revlog(con: sqlite3.Connection, deck: Deck, history: DeckHistory) -> None:
    used: set[int] = set()
    for answer in sorted(history.answers, key=lambda a: a.at):
        rid = round(answer.at.timestamp() * 1000)  # the answer's time in ms, as Anki keys its revlog (and import matches it)
        while rid in used:
            rid += 1
        used.add(rid)
        con.execute("INSERT INTO revlog VALUES (?, ?, -1, ?, 0, 0, 0, ?, ?)",
                    (rid, _id(deck.id, "card", answer.qid), answer.rating, max(0, answer.duration_ms),
                     _REVLOG_TYPE.get(answer.state_before, 1)))


def _deck(did: int, name: str, stamp: int, description: str = "") -> dict[str, Any]:
    return {
        "id": did, "name": name, "desc": description, "collapsed": False, "conf": 1, "dyn": 0, "extendNew": 10,
        "extendRev": 50, "mod": stamp, "usn": -1, "lrnToday": [0, 0], "newToday": [0, 0], "revToday": [0, 0],
        "timeToday": [0, 0],
    }
