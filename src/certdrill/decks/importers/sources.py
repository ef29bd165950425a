"""Recognise a deck source (YAML, Anki package, CSV/TSV) by its content and read it as a Deck."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from certdrill.core.gcpause import collector_paused
from certdrill.core.model import Deck
from certdrill.core.text import clean_text
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
from certdrill.decks.importers.package_zip import Limits
from certdrill.decks.importers.tabular import read_table
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
        stem = Path(origin).stem or "deck"
        return _assembled(candidates, options, origin, stem, None, kind)
    with collector_paused():
        # The notes and candidates are freed (by reference counting) when _read_package
        # returns, before the collector is back: it then only looks at what is kept.
        return _read_package(path, options, origin)


def _read_package(path: Path, options: ReadOptions, origin: str) -> SourceDeck:
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
    if options.with_history:
        known = {q.id for q in source.deck.questions}
        for r in collection.reviews:
            qid = question_id(guids.get(r.note_id, ""), r.ord)
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
    if not converted.deck.questions:
        first = f"; first: {converted.refused[0]}" if converted.refused else ""
        raise CertdrillError(f"{origin}: no question could be converted ({len(converted.refused)} refused{first})")
    return SourceDeck(converted.deck, kind, converted.refused)
