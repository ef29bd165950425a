"""Read a deck in format v1 from one file or a folder (deck.yaml + questions/*.yaml)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from certdrill.core.model import Deck, Question
from certdrill.decks.format.safe_yaml import Located, read_yaml
from certdrill.decks.format.schema import (
    QUESTION_FILE_KEYS,
    Findings,
    Problem,
    check_keys,
    read_deck_header,
    read_question,
)
from certdrill.errors import CertdrillError

DECK_FILE = "deck.yaml"


@dataclass(frozen=True, slots=True)
class LoadResult:
    """A deck as read (None when its header is unusable) and everything wrong with it."""

    deck: Deck | None
    problems: tuple[Problem, ...]
    locations: dict[str, tuple[str, int]] = field(default_factory=dict)  # question id -> (file, line)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def deck_files(path: Path) -> tuple[Path, list[Path]]:
    """The header file and the question files of a deck at `path` (file or folder)."""
    if path.is_dir():
        header = path / DECK_FILE
        if not header.is_file():
            raise CertdrillError(f"{path}: not a deck folder (no {DECK_FILE} inside)")
        qdir = path / "questions"
        extra = sorted(p for p in qdir.glob("*.y*ml") if p.suffix in (".yaml", ".yml")) if qdir.is_dir() else []
        return header, extra
    if path.is_file():
        return path, []
    raise CertdrillError(f"{path}: no such file or folder")


def read_header(path: Path) -> Deck:
    """Only the deck-level facts (id, version, domains): cheap, for version checks."""
    header, _ = deck_files(path)
    f = Findings()
    data = read_yaml(header)
    if isinstance(data, Located):
        data = _without_questions(data)
    deck = read_deck_header(data, f, str(header))
    if deck is None or f.errors:
        raise CertdrillError(str(f.errors[0]) if f.errors else f"{header}: not a deck")
    return deck


def _without_questions(data: Located) -> Located:
    copy = Located(data.line)
    copy.key_lines = data.key_lines
    copy.duplicate_keys = data.duplicate_keys
    copy.update((k, v) for k, v in data.items() if k != "questions")
    return copy


def load_deck(path: Path) -> LoadResult:
    """Read and check a whole deck; YAML-level failures raise CertdrillError."""
    header, question_files = deck_files(path)
    f = Findings()
    data = read_yaml(header)
    deck = read_deck_header(data, f, str(header))
    if deck is None:
        return LoadResult(None, tuple(f.problems))
    questions: list[Question] = []
    seen: dict[str, str] = {}
    locations: dict[str, tuple[str, int]] = {}
    sources: list[tuple[str, Located, list[object]]] = []
    assert isinstance(data, Located)
    if "questions" in data:
        items = data["questions"]
        if not isinstance(items, list):
            f.error(str(header), data.line_of("questions"), deck.id, "'questions' must be a list")
        else:
            sources.append((str(header), data, items))
    for qfile in question_files:
        qdata = read_yaml(qfile)
        if qdata is None:
            f.warn(str(qfile), 1, deck.id, "file has no questions")
            continue
        if not isinstance(qdata, Located) or not isinstance(qdata.get("questions"), list):
            f.error(str(qfile), _first_line(qdata), deck.id, "a question file must be a mapping with a 'questions' list")
            continue
        check_keys(qdata, QUESTION_FILE_KEYS, f, str(qfile), deck.id)
        sources.append((str(qfile), qdata, qdata["questions"]))
    for name, container, items in sources:
        fallback = container.line_of("questions")
        for item in items:
            q = read_question(item, deck, f, name, fallback)
            if isinstance(item, Located):
                qid = item.get("id")
                if isinstance(qid, str) and qid:
                    where = f"{name}:{item.line}"
                    if qid in seen:
                        f.error(name, item.line, qid, f"question id used twice (first at {seen[qid]})")
                        continue
                    seen[qid] = where
                    locations[qid] = (name, item.line)
            if q is not None:
                questions.append(q)
    if not questions and not f.errors:
        f.warn(str(header), 1, deck.id, "deck has no questions")
    return LoadResult(dataclasses.replace(deck, questions=tuple(questions)), tuple(f.problems), locations)


def _first_line(data: object) -> int:
    return data.line if isinstance(data, Located) else 1


def load_valid_deck(path: Path) -> Deck:
    """Load a deck for import: any error refuses the whole deck with the first problem named."""
    result = load_deck(path)
    if result.errors or result.deck is None:
        errors = result.errors
        more = f" (and {len(errors) - 1} more; run 'certdrill check {path}')" if len(errors) > 1 else ""
        first = str(errors[0]) if errors else f"{path}: not a deck"
        raise CertdrillError(f"{first}{more}")
    return result.deck
