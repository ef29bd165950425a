"""Recognise a deck source (YAML, Anki package, CSV/TSV) by its content and read it as a Deck."""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from certdrill.core.gcpause import collector_paused
from certdrill.core.memory import CardState
from certdrill.core.model import Deck
from certdrill.core.text import clean_text
from certdrill.decks.format.export_meta import MEMBER, ExportMeta, read_export_meta
from certdrill.decks.format.loader import load_valid_deck
from certdrill.decks.format.schema import DECK_ID
from certdrill.decks.importers.anki import AnkiNote, read_anki_package
from certdrill.decks.importers.anki_notes import note_candidates, note_size, question_id
from certdrill.decks.importers.community import (
    Budget,
    Candidate,
    ConversionLimits,
    DomainRule,
    assemble_deck,
    common_root,
    slug,
)
from certdrill.decks.importers.package_zip import Limits, open_package
from certdrill.decks.importers.tabular import read_table, table_header
from certdrill.errors import CertdrillError

YAML_SUFFIXES = {".yaml", ".yml"}
PACKAGE_SUFFIXES = {".apkg", ".colpkg", ".zip"}


@dataclass(frozen=True, slots=True)
class PastReview:
    """A review from the source's own history (Anki's revlog), for --with-history."""

    qid: str
    at: datetime
    rating: int
    duration_ms: int


@dataclass
class SourceDeck:
    """A deck read from any source, the items refused on the way, and its past reviews."""

    deck: Deck
    kind: str  # yaml | anki | table
    refused: list[str] = field(default_factory=list)
    history: list[PastReview] = field(default_factory=list)
    media: int = 0
    states: dict[str, CardState] = field(default_factory=dict)  # a certdrill export's schedule, by question id


@dataclass(frozen=True, slots=True)
class ReadOptions:
    deck_id: str | None = None
    title: str | None = None
    rules: dict[str, DomainRule] = field(default_factory=dict)
    with_history: bool = False
    limits: Limits = field(default_factory=Limits)
    conversion: ConversionLimits = field(default_factory=ConversionLimits)


def source_kind(path: Path) -> str:
    """yaml, anki or table: by the file's first bytes where they tell, else by its suffix."""
    if path.is_dir():
        return "yaml"
    try:
        with path.open("rb") as f:
            head = f.read(512)
    except OSError as exc:
        raise CertdrillError(f"{path}: cannot read: {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "anki"
    if suffix in PACKAGE_SUFFIXES:
        raise CertdrillError(f"{path}: not an Anki package (not a zip file)")
    if suffix in YAML_SUFFIXES or b"format: certdrill/" in head:
        return "yaml"
    return "table"  # .csv, .tsv, .txt, or anything else that is text


def read_source(path: Path, *, options: ReadOptions, name: str | None = None) -> SourceDeck:
    """Read the deck at `path`; `name` (a URL, say) stands for it in the deck's description."""
    try:
        return _read_source(path, options, name)
    except MemoryError:  # past the caps, but still more than this machine can hold
        raise CertdrillError(f"{name or path}: too large to read with the memory available") from None


def _read_source(path: Path, options: ReadOptions, name: str | None) -> SourceDeck:
    if options.deck_id is not None and not DECK_ID.match(options.deck_id):
        raise CertdrillError(f"--deck-id '{options.deck_id}' may use only a-z, 0-9 and '-'")
    kind = source_kind(path)
    if kind == "yaml":
        deck = load_valid_deck(path)
        if options.deck_id or options.title:
            title = clean_text(options.title).strip() if options.title else deck.title
            deck = dataclasses.replace(deck, id=options.deck_id or deck.id, title=title or deck.title)
        return SourceDeck(deck, kind)
    origin = name or path.name
    if kind == "table":
        candidates = read_table(path, Budget(options.conversion, origin))
        # certdrill's own CSV export names its deck (id and title): importing it again updates that deck.
        header = table_header(path)
        own_id = header.get("certdrill deck", "")
        if options.deck_id is None and DECK_ID.match(own_id):
            options = dataclasses.replace(options, deck_id=own_id)
        title = clean_text(header.get("deck", "")).strip() or Path(origin).stem or "deck"
        return _assembled(candidates, options, origin, title, None, kind)
    with collector_paused():
        # The notes and candidates are freed (by reference counting) when _read_package
        # returns, before the collector is back: it then only looks at what is kept.
        return _read_package(path, options, origin)


def _export_meta(path: Path, limits: Limits) -> ExportMeta | None:
    """What certdrill wrote beside the collection when it exported this package (None: not its export)."""
    with tempfile.TemporaryDirectory(prefix="certdrill-apkg-") as tmp, open_package(path, limits, Path(tmp)) as pkg:
        if MEMBER not in pkg.names:
            return None
        return read_export_meta(pkg.read(MEMBER), path.name)


def _as_exported(options: ReadOptions, meta: ExportMeta) -> ReadOptions:
    """The deck id, title and domains the export carries, unless the learner chose others."""
    rules = options.rules or {d.subdeck: DomainRule(d.id, d.name, d.weight) for d in meta.domains}
    return dataclasses.replace(options, deck_id=options.deck_id or meta.deck_id, title=options.title or meta.title,
                               rules=rules)


def _read_package(path: Path, options: ReadOptions, origin: str) -> SourceDeck:
    meta = _export_meta(path, options.limits)
    # The question ids a certdrill export carries stand in for ids made from note guids.
    own_ids = {question_id(guid, 0): qid for guid, qid in meta.questions.items()} if meta else {}
    if meta is not None:
        options = _as_exported(options, meta)
    candidates: list[Candidate] = []
    groups: dict[str, None] = {}
    guids: dict[int, str] = {}
    edited = -1
    budget = Budget(options.conversion, origin)

    def convert(note: AnkiNote) -> None:
        nonlocal edited
        size = note_size(note)
        for candidate in note_candidates(note):  # charged one by one: one note may make thousands
            budget.charge(size)
            if own_ids and candidate.qid in own_ids:
                candidate = candidate._replace(qid=own_ids[candidate.qid])
            candidates.append(candidate)
        groups[note.deck] = None
        if note.mod > edited:
            edited = note.mod
        if options.with_history:
            guids[note.id] = note.guid

    collection = read_anki_package(path, limits=options.limits, with_history=options.with_history, each_note=convert)
    root = common_root(groups) if groups else None
    when = datetime.fromtimestamp(edited, UTC) if edited >= 0 else None
    source = _assembled(candidates, options, origin, root or Path(origin).stem, when, "anki")
    source.media = len(collection.media)
    if meta is not None and options.with_history:
        source.states = meta.cards
    if options.with_history:
        known = {q.id for q in source.deck.questions}
        for r in collection.reviews:
            qid = question_id(guids.get(r.note_id, ""), r.ord)
            qid = own_ids.get(qid, qid)
            # ease 0 marks manual reschedules; types 4-5 are manual and bulk reschedules, not answers
            if qid in known and 1 <= r.ease <= 4 and r.kind <= 3:
                at = datetime.fromtimestamp(r.at_ms / 1000, UTC)
                source.history.append(PastReview(qid, at, r.ease, max(r.duration_ms, 0)))
    return source


def _assembled(candidates: list[Candidate], options: ReadOptions, origin: str, title: str,
               edited: datetime | None, kind: str) -> SourceDeck:
    title = options.title or title
    converted = assemble_deck(
        candidates, deck_id=options.deck_id or slug(title), title=title, origin=origin,
        rules=options.rules, edited=edited,
    )
    usable, refused = len(converted.deck.questions), len(converted.refused)
    if not enough_questions(usable, refused):
        first = f"; first refused: {converted.refused[0]}" if converted.refused else ""
        what = "notes" if kind == "anki" else "rows"
        raise CertdrillError(f"{origin}: not a deck: only {usable} of {usable + refused} {what} are questions{first}. "
                             f"Expected {EXPECTED[kind]} (see docs/importing.md)")
    return SourceDeck(converted.deck, kind, converted.refused)


EXPECTED = {
    "table": "a CSV/TSV deck: a headed table (question, A…E or choices, answer, explanation, domain, tags) or "
             "Anki's plain-text export (front, back, tags)",
    "anki": "Anki notes of a Basic, Cloze or multiple-choice note type (Question, Option A…, Answer)",
}


def enough_questions(usable: int, refused: int) -> bool:
    """A community source is a deck only if at least half of its items (rows, notes' cards) make
    questions: a log or a text file that happens to hold commas is refused as a whole, not imported
    as a few odd flashcards."""
    return usable > 0 and usable >= refused
