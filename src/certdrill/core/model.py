"""Domain objects of a deck: Deck, Domain, Task, Question, Choice, exam facts."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Kind = Literal["single", "multiple", "flashcard"]
KINDS: tuple[Kind, ...] = ("single", "multiple", "flashcard")


@dataclass(frozen=True, slots=True)
class Choice:
    text: str
    correct: bool = False
    why: str = ""


@dataclass(frozen=True, slots=True)
class Question:
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

    @property
    def correct_indices(self) -> tuple[int, ...]:
        return tuple(i for i, c in enumerate(self.choices) if c.correct)

    def answer_key(self) -> str:
        """What decides right and wrong; when it changes, earlier memory of the card is void."""
        if self.kind == "flashcard":
            return "flashcard:" + " ".join(self.answer.split()).casefold()
        return f"{self.kind}:{len(self.choices)}:" + ",".join(map(str, self.correct_indices))

    def content_hash(self) -> str:
        """A stable digest of everything shown to the learner, to spot edits on re-import."""
        payload = json.dumps(
            [
                self.domain,
                self.task,
                self.kind,
                self.prompt,
                [[c.text, c.correct, c.why] for c in self.choices],
                self.pick,
                self.answer,
                self.explanation,
                list(self.references),
                list(self.tags),
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


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
