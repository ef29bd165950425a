"""Read one note (named fields of plain text) as a question: multiple choice, cloze or flashcard."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from certdrill.core.model import Choice, Kind

QUESTION_FIELD = re.compile(r"^(?:question|front|prompt|stem|text)$", re.IGNORECASE)
OPTION_FIELD = re.compile(r"^(?:option|choice|answer|opt|q|alternative)?[\s_-]*([a-j]|[1-9])$", re.IGNORECASE)
ANSWER_FIELD = re.compile(r"^(?:answers?|correct(?:[\s_-]*(?:answers?|options?|choices?))?|key|solution)$", re.IGNORECASE)
EXPLANATION_FIELD = re.compile(r"^(?:explanation|extra|back[\s_-]*extra|rationale|notes?|why|comments?)$", re.IGNORECASE)
# Why each option is right or wrong, one line per option: "A: ...", "B: ..." (certdrill's own
# .apkg and CSV exports write a "Choice notes" field).
CHOICE_NOTES_FIELD = re.compile(r"^(?:choice|option|answer)s?[\s_-]*(?:notes?|explanations?|rationales?|whys?)$",
                                re.IGNORECASE)
_CHOICE_NOTE = re.compile(r"^\(?([A-J])\)?\s*[:.)\-–]\s*(.*\S)\s*$")

_BITS = re.compile(r"^[01](?:[\s,]+[01])+$")
_LETTERS = re.compile(r"^\(?[A-J]\)?(?:\s*(?:,|;|/|&|\band\b|\s)\s*\(?[A-J]\)?)*$", re.IGNORECASE)
_NUMBERS = re.compile(r"^[1-9](?:\s*(?:,|;|/|&|\band\b|\s)\s*[1-9])*$", re.IGNORECASE)
_LEADING_LETTER = re.compile(r"^(?:(?:correct\s+)?(?:answer|option)\s*:?\s*)?\(?([A-J])\)?\s*[.):\-–]\s*(.*)$", re.IGNORECASE | re.DOTALL)
REFERENCE_FIELD = re.compile(r"^(?:references?|sources?|links?)$", re.IGNORECASE)
URL = re.compile(r"https?://[^\s<>\"']+")
CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
BLANK = "[...]"
# Named tuples made per question with tuple.__new__ (every field given): their own __new__ is a
# Python function, and calling it cost more than the rest of making one.
_new = tuple.__new__
_ONE_LETTER = {c: i for i, c in enumerate("ABCDEFGHIJ")} | {c: i for i, c in enumerate("abcdefghij")}


class Draft(NamedTuple):
    """A question as a converter makes it: format v1 values, typed, before its id and domain."""

    kind: Kind
    prompt: str
    choices: tuple[Choice, ...] = ()
    pick: int | None = None
    answer: str = ""
    explanation: str = ""
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def resolve_answer(answer: str, options: Sequence[str]) -> tuple[list[int], str] | None:
    """Which options an answer names ('B', 'A, C', '2', '1 0 0 1' or an option's text),
    and any text after a leading letter ('B. because ...'); None when it names none."""
    text = answer.strip()
    n = len(options)
    if text[:1] in ("0", "1") and _BITS.match(text):
        bits = re.findall(r"[01]", text)
        if len(bits) == n:
            return [i for i, b in enumerate(bits) if b == "1"], ""
    letter = _ONE_LETTER.get(text)
    # The usual answer, a bare letter: read as the letters rule below reads it, unless an option's
    # text is that letter (an option's own text wins). Only a one-character option can be.
    if letter is not None and letter < n and 1 not in map(len, map(str.strip, options)):
        return [letter], ""
    wanted = _norm(text)
    exact = [i for i, o in enumerate(options) if _norm(o) == wanted]
    if len(exact) == 1:
        return exact, ""
    if letter is not None and letter < n:
        return [letter], ""
    if (_LETTERS.match(text) or re.fullmatch(r"[A-J]{2,10}", text)) and len(text) <= 3 * n + 8:
        letters = re.findall(r"[A-J]", re.sub(r"\band\b", " ", text, flags=re.IGNORECASE).upper())
        picked = sorted({ord(c) - ord("A") for c in letters})
        if picked and all(i < n for i in picked):
            return picked, ""
    if _NUMBERS.match(text):
        picked = sorted({int(d) - 1 for d in re.findall(r"[1-9]", text)})
        if all(i < n for i in picked):
            return picked, ""
    lead = _LEADING_LETTER.match(text)
    if lead and ord(lead.group(1).upper()) - ord("A") < n:
        return [ord(lead.group(1).upper()) - ord("A")], lead.group(2).strip()
    return None


@dataclass(frozen=True, slots=True)
class FieldRoles:
    """Which fields of a note type hold the question, the answer, the options, explanations."""

    question: int | None
    answer: int | None
    options: tuple[int, ...]
    explanations: tuple[int, ...]
    choice_notes: int | None = None  # "A: why ...", a line per option


@lru_cache(maxsize=256)
def field_roles(names: tuple[str, ...]) -> FieldRoles:
    """The roles of fields by their names; cached, since every note of a type has the same names."""
    keys = [n.strip() for n in names]
    return FieldRoles(
        question=next((i for i, k in enumerate(keys) if QUESTION_FIELD.match(k)), None),
        answer=next((i for i, k in enumerate(keys) if ANSWER_FIELD.match(k)), None),
        options=tuple(i for i, k in enumerate(keys) if OPTION_FIELD.match(k) and not ANSWER_FIELD.match(k)),
        explanations=tuple(i for i, k in enumerate(keys) if EXPLANATION_FIELD.match(k)),
        choice_notes=next((i for i, k in enumerate(keys) if CHOICE_NOTES_FIELD.match(k)), None),
    )


def choice_notes(text: str, count: int) -> dict[int, str] | None:
    """Option index -> its note, from lines like "A: why ..."; None unless every line is one
    (for an option that exists), so that a free-form note is kept whole instead."""
    notes: dict[int, str] = {}
    for line in filter(str.strip, text.splitlines()):
        m = _CHOICE_NOTE.match(line.strip())
        index = ord(m.group(1)) - ord("A") if m else count
        if m is None or index >= count or index in notes:
            return None
        notes[index] = m.group(2)
    return notes


def multiple_choice(fields: Sequence[tuple[str, str]], tags: tuple[str, ...] = (),
                    references: tuple[str, ...] = ()) -> Draft | str | None:
    """A single/multiple question from fields named like Question, Option A-E, Answer,
    Explanation; a refusal message when they look like one but do not add up; None otherwise."""
    return choice_question(field_roles(tuple(k for k, _ in fields)), [v for _, v in fields], tags, references)


def choice_question(roles: FieldRoles, values: Sequence[str], tags: tuple[str, ...] = (),
                    references: tuple[str, ...] = ()) -> Draft | str | None:
    """`multiple_choice` for field values whose roles are already known (one note type's notes)."""
    if roles.question is None or roles.answer is None:
        return None
    question, answer = values[roles.question], values[roles.answer]
    texts = [values[i].strip() for i in roles.options]
    kept = [i for i, t in enumerate(texts) if t]
    if len(kept) < 2:
        return None
    resolved = resolve_answer(answer, texts)
    if resolved is None:
        return f"the answer '{answer.strip()[:40]}' names none of the options"
    correct, rest = resolved
    for i in correct:
        if not texts[i]:
            return "the answer names an empty option"
    if not correct:
        return "no option is marked correct"
    notes_text = values[roles.choice_notes].strip() if roles.choice_notes is not None else ""
    whys = choice_notes(notes_text, len(texts)) if notes_text else None
    unread = ""
    if whys is None and notes_text:  # not a line per option: kept whole at the end of the explanation
        unread = notes_text
    parts = [values[i].strip() for i in roles.explanations]
    if rest or unread:
        parts = [rest, *parts, unread]
    explanation = "\n\n".join([part for part in parts if part])
    whys = whys or {}
    choices = tuple([_new(Choice, (texts[i], i in correct, whys.get(i, ""))) for i in kept])
    return _new(Draft, (
        "single" if len(correct) == 1 else "multiple", question.strip(), choices,
        len(correct) if len(correct) > 1 else None, "", explanation, references, tags,
    ))


def cloze_ordinals(text: str) -> list[int]:
    return sorted({int(m.group(1)) for m in CLOZE.finditer(text)})


def cloze_card(text: str, ordinal: int, to_text: Callable[[str], str]) -> tuple[str, str]:
    """(prompt, answer) of one cloze card: its deletions blanked, the others shown."""
    answers: list[str] = []

    def blank(m: re.Match[str]) -> str:
        if int(m.group(1)) != ordinal:
            return m.group(2)
        answers.append(to_text(m.group(2)))
        return f"[{m.group(3)}]" if m.group(3) else BLANK

    prompt = to_text(CLOZE.sub(blank, text))
    return prompt, "; ".join(a for a in answers if a)


def flashcard(prompt: str, answer: str, extras: Sequence[tuple[str, str]] = (), tags: tuple[str, ...] = (),
              references: tuple[str, ...] = ()) -> Draft:
    """A flashcard; fields shown on neither side become the explanation, labelled by name."""
    explanation = "\n\n".join([
        value if not name or EXPLANATION_FIELD.match(name.strip()) else f"{name}: {value}"
        for name, value in extras if value.strip()
    ])
    return _new(Draft, ("flashcard", prompt.strip(), (), None, answer.strip(), explanation, references, tags))
