"""Map Anki notes to certdrill questions: basic/reversed and cloze to flashcards, MCQ notes to choices."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from certdrill.decks.importers.anki import AnkiNote, NoteType
from certdrill.decks.importers.community import Candidate
from certdrill.decks.importers.html_text import html_to_text
from certdrill.decks.importers.notes import (
    EXPLANATION_FIELD,
    REFERENCE_FIELD,
    URL,
    FieldRoles,
    choice_question,
    cloze_card,
    cloze_ordinals,
    field_roles,
    flashcard,
)

_SAFE_GUID = re.compile(r"^[A-Za-z0-9._:-]+$")
_FIELD_REF = re.compile(r"\{\{([^#/^!{}][^{}]*)\}\}")
_CLOZE_REF = re.compile(r"\{\{(?:[^{}]*:)?cloze:([^{}]+)\}\}")
_SPECIAL = {"FrontSide", "Tags", "Deck", "Subdeck", "Card", "Type", "CardFlag", "CardID"}
# Named tuples made per note with tuple.__new__ (every field given): their own __new__ is a Python
# function, and calling it cost more than the rest of making one.
_new = tuple.__new__


def question_id(guid: str, ord_: int) -> str:
    """Stable id of the card `ord_` of a note; Anki guids may hold characters ids may not."""
    base = guid if _SAFE_GUID.match(guid) else "h" + guid.encode().hex()
    return f"anki-{base}" if ord_ == 0 else f"anki-{base}-{ord_ + 1}"


def _referenced(fmt: str, names: tuple[str, ...]) -> list[int]:
    found: list[int] = []
    for ref in _FIELD_REF.findall(fmt):
        name = ref.split(":")[-1].strip()
        if name in _SPECIAL or name not in names:
            continue
        index = names.index(name)
        if index not in found:
            found.append(index)
    return found


@dataclass(frozen=True, slots=True)
class _Layout:
    """What a note type's field names and templates say, worked out once per note type."""

    roles: FieldRoles
    references: tuple[int, ...]  # fields holding reference links
    cloze: int  # the field with the cloze deletions (cloze note types)
    sides: dict[int, tuple[list[int], list[int], list[int]]]  # card ord -> front, back, other fields


@lru_cache(maxsize=64)
def _layout(nt: NoteType) -> _Layout:
    references = tuple(i for i, name in enumerate(nt.fields) if REFERENCE_FIELD.match(name.strip()))
    refs = [m for t in nt.templates for m in _CLOZE_REF.findall(t[0])]
    cloze = nt.fields.index(refs[0].strip()) if refs and refs[0].strip() in nt.fields else 0
    return _Layout(field_roles(nt.fields), references, cloze, {})


def _sides(nt: NoteType, layout: _Layout, ord_: int) -> tuple[list[int], list[int], list[int]]:
    if ord_ not in layout.sides:
        qfmt, afmt = nt.templates[ord_] if ord_ < len(nt.templates) else ("", "")
        count = len(nt.fields)
        front = _referenced(qfmt, nt.fields) or ([0] if count else [])  # a note type may have no fields
        back = [i for i in _referenced(afmt, nt.fields) if i not in front and not EXPLANATION_FIELD.match(nt.fields[i])]
        back = back or ([1] if count > 1 and front == [0] else [])
        rest = [i for i in range(count) if i not in front and i not in back]
        layout.sides[ord_] = (front, back, rest)
    return layout.sides[ord_]


def note_size(note: AnkiNote) -> int:
    """Characters that any one question made from `note` holds at most: its fields, the names of
    its note type's fields (an explanation labels values with them) and its tags. Cheaper than
    measuring each question, and as good a bound on the memory they take."""
    names = _names_size(note.notetype) if note.notetype is not None else 0
    return sum(map(len, note.fields)) + names + sum(map(len, note.tags))


@lru_cache(maxsize=64)
def _names_size(nt: NoteType) -> int:
    return sum(map(len, nt.fields))


def note_candidates(note: AnkiNote) -> Iterator[Candidate]:
    """The questions one note makes (one per card it has), or one refusal."""
    origin, nt = f"note {note.id}", note.notetype
    if nt is None:
        yield Candidate(question_id(note.guid, 0), origin, note.deck, problem="its note type is missing from the package")
        return
    layout = _layout(nt)
    count = len(nt.fields)
    raw = note.fields if len(note.fields) == count else note.fields[:count] + ("",) * (count - len(note.fields))
    texts = [html_to_text(v) for v in raw]
    tags = note.tags
    references: tuple[str, ...] = ()
    if layout.references:
        found: list[str] = []
        for i in layout.references:
            found += URL.findall(texts[i])
            texts[i] = URL.sub("", texts[i]).strip()
        references = tuple(found)
    if nt.cloze:
        index = layout.cloze
        ordinals = cloze_ordinals(raw[index]) if raw else []
        if not ordinals:
            yield Candidate(question_id(note.guid, 0), origin, note.deck, problem="a cloze note without any {{c1::...}} deletion")
            return
        extras = [(name, texts[i]) for i, name in enumerate(nt.fields) if i != index]
        for n in ordinals:
            prompt, answer = cloze_card(raw[index], n, html_to_text)
            yield _new(Candidate, (question_id(note.guid, n - 1), origin, note.deck,
                                   flashcard(prompt, answer, extras, tags, references), ""))
        return
    mc = choice_question(layout.roles, texts, tags, references)
    if isinstance(mc, str):
        yield Candidate(question_id(note.guid, 0), origin, note.deck, problem=mc)
        return
    if mc is not None:
        yield _new(Candidate, (question_id(note.guid, 0), origin, note.deck, mc, ""))
        return
    for ord_ in note.card_ords:
        front, back, rest = _sides(nt, layout, ord_)
        yield _new(Candidate, (question_id(note.guid, ord_), origin, note.deck, flashcard(
            "\n\n".join([texts[i] for i in front if texts[i]]), "\n\n".join([texts[i] for i in back if texts[i]]),
            [(nt.fields[i], texts[i]) for i in rest], tags, references,
        ), ""))
