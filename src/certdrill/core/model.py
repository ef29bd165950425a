"""Domain objects of a deck: Deck, Domain, Task, Question, Choice, exam facts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from json.encoder import encode_basestring
from typing import Literal, NamedTuple

from certdrill.core.jsontext import json_choices, json_text, json_texts

PAYLOAD_JSON = json_text(ensure_ascii=False, separators=(",", ":"))
_PAYLOAD_TEXT = encode_basestring  # json's own string escaping at these options (its C version)
_PAYLOAD_CHOICES = json_choices(ensure_ascii=False, separators=(",", ":"))
_PAYLOAD_TEXTS = json_texts(ensure_ascii=False, separators=(",", ":"))

Kind = Literal["single", "multiple", "flashcard"]
KINDS: tuple[Kind, ...] = ("single", "multiple", "flashcard")


class Choice(NamedTuple):
    """One option of a question (a named tuple: JSON writes it as `[text, correct, why]`)."""

    text: str
    correct: bool = False
    why: str = ""


class _HashSlot:
    """Room for a question's content hash, worked out once (a question never changes)."""

    __slots__ = ("_content_hash",)
    _content_hash: str


@dataclass(frozen=True, slots=True)
class Question(_HashSlot):
    id: str
    domain: str
    kind: Kind
    prompt: str
    task: str | None = None
    choices: tuple[Choice, ...] = ()
    pick: int | None = None
    answer: str = ""
    explanation: str = ""
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    verified: str | None = None
    """The month ("YYYY-MM") its facts were last checked against the official docs; not part of
    the content hash, so re-verifying a question never looks like an edit."""
    accepted: tuple[tuple[str, str], ...] = ()
    """Quality-lint rules (e.g. "stem-echo") a reviewer judged wrong for this question, with the reason."""

    @property
    def correct_indices(self) -> tuple[int, ...]:
        return tuple(i for i, c in enumerate(self.choices) if c.correct)

    def answer_key(self) -> str:
        """What decides right and wrong; when it changes, earlier memory of the card is void."""
        if self.kind == "flashcard":
            return "flashcard:" + " ".join(self.answer.split()).casefold()
        return f"{self.kind}:{len(self.choices)}:" + ",".join([str(i) for i, c in enumerate(self.choices) if c.correct])

    def content_hash(self) -> str:
        """A stable digest of everything shown to the learner, to spot edits on re-import."""
        try:
            return self._content_hash
        except AttributeError:
            pass
        digest = hashlib.blake2b(_payload(self).encode(), digest_size=16).hexdigest()
        object.__setattr__(self, "_content_hash", digest)
        return digest


def _payload(q: Question) -> str:
    """The JSON text the content hash is taken of; its bytes must never change, or every stored
    question would look edited: `json.dumps(..., ensure_ascii=False, separators=(",", ":"))` of
    the list below (choices as `[text, correct, why]`). Put together piece by piece when every
    value has its usual type (the encoder's set-up cost more than the encoding; the same text,
    tests/test_content_hash.py), else by the encoder."""
    text, task, pick = _PAYLOAD_TEXT, q.task, q.pick
    if (task is None or type(task) is str) and (pick is None or type(pick) is int):
        try:
            return (f"[{text(q.domain)},{'null' if task is None else text(task)},{text(q.kind)},{text(q.prompt)},"
                    f"{_PAYLOAD_CHOICES(q.choices)},{'null' if pick is None else str(pick)},"
                    f"{text(q.answer)},{text(q.explanation)},{_PAYLOAD_TEXTS(q.references)},{_PAYLOAD_TEXTS(q.tags)}]")
        except TypeError:  # a value that is not text
            pass
    return PAYLOAD_JSON([
        q.domain, q.task, q.kind, q.prompt, q.choices, q.pick, q.answer, q.explanation, q.references, q.tags,
    ])


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Domain:
    id: str
    name: str
    weight: float
    tasks: tuple[Task, ...] = ()


@dataclass(frozen=True, slots=True)
class PassMark:
    """The exam's pass mark: a scaled score (AWS) or a raw fraction (often an estimate)."""

    scaled: int | None = None
    min: int | None = None
    max: int | None = None
    raw: float | None = None
    estimated: bool = False


@dataclass(frozen=True, slots=True)
class ExamInfo:
    code: str
    status: Literal["active", "beta", "retired"] = "active"
    guide: str | None = None
    retired_on: date | None = None
    successor: str | None = None
    questions: int | None = None
    scored: int | None = None
    minutes: int | None = None
    pass_mark: PassMark | None = None


@dataclass(frozen=True, slots=True)
class Deck:
    id: str
    title: str
    version: str
    domains: tuple[Domain, ...]
    questions: tuple[Question, ...] = ()
    license: str | None = None
    description: str = ""
    exam: ExamInfo | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def domain(self, domain_id: str) -> Domain | None:
        return next((d for d in self.domains if d.id == domain_id), None)
