"""Write a Deck as a format-v1 YAML file that loads back to the very same Deck."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from certdrill.core.jsontext import json_text
from certdrill.core.model import Deck, ExamInfo, Question
from certdrill.decks.format.schema import FORMAT

try:
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]


class _Dumper(_BaseDumper):  # type: ignore[misc,valid-type]
    pass


def _text(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    # Block style reads best for prompts; PyYAML falls back to quoting when a block would not
    # keep the text exactly (trailing spaces, leading blank lines), so the round trip holds.
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def _exam(exam: ExamInfo) -> dict[str, Any]:
    out: dict[str, Any] = {"code": exam.code, "status": exam.status}
    for key in ("guide", "retired_on", "successor", "questions", "scored", "minutes"):
        value = getattr(exam, key)
        if value is not None:
            out[key] = value
    pm = exam.pass_mark
    if pm is not None:
        out["pass"] = {k: getattr(pm, k) for k in ("scaled", "min", "max", "raw") if getattr(pm, k) is not None}
        if pm.estimated:
            out["pass"]["estimated"] = True
    return out


def _question(q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {"id": q.id, "domain": q.domain}
    if q.task is not None:
        out["task"] = q.task
    out["kind"] = q.kind
    out["prompt"] = q.prompt
    if q.kind != "flashcard":
        out["choices"] = [
            {"text": c.text, **({"correct": True} if c.correct else {}), **({"why": c.why} if c.why else {})}
            for c in q.choices
        ]
    if q.kind == "multiple":
        out["pick"] = q.pick
    if q.kind == "flashcard" or q.answer:
        out["answer"] = q.answer
    for key in ("explanation",):
        if getattr(q, key):
            out[key] = getattr(q, key)
    if q.references:
        out["references"] = list(q.references)
    if q.tags:
        out["tags"] = list(q.tags)
    return out


def deck_document(deck: Deck) -> dict[str, Any]:
    """The deck as the plain data of a v1 file."""
    doc: dict[str, Any] = {"format": FORMAT, "id": deck.id, "title": deck.title, "version": deck.version}
    if deck.license:
        doc["license"] = deck.license
    if deck.description:
        doc["description"] = deck.description
    if deck.exam is not None:
        doc["exam"] = _exam(deck.exam)
    doc["domains"] = [
        {"id": d.id, "name": d.name, "weight": d.weight,
         **({"tasks": [{"id": t.id, "name": t.name} for t in d.tasks]} if d.tasks else {})}
        for d in deck.domains
    ]
    doc["questions"] = [_question(q) for q in deck.questions]
    return doc


def deck_yaml(deck: Deck) -> str:
    text: str = yaml.dump(deck_document(deck), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return text


_JSON = json_text(ensure_ascii=False)
# What JSON leaves raw in a string that YAML would not read back as it is: its own line breaks
# (NEL, LS, PS) fold the string, and characters YAML counts unprintable (DEL, C1 controls,
# non-characters) are refused. Outside strings a JSON text is ASCII.
_YAML_RAW = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def deck_flow_yaml(deck: Deck) -> str:
    """The document of `deck_yaml`, with its questions in YAML's flow style, one a line: JSON,
    which YAML reads as the same values. Fifty times cheaper to write than block style (PyYAML's
    representer is Python), for machines (sync keeps each imported deck's content as this);
    the very same YAML loader reads it, with all its limits."""
    doc = deck_document(deck)
    questions = doc.pop("questions")
    head: str = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    if not questions:
        return head + "questions: []\n"
    body = ",\n ".join([_JSON(q) for q in questions])
    return f"{head}questions: [\n {_YAML_RAW.sub(_escaped, body)}\n]\n"


def question_file_yaml(questions: list[Question]) -> str:
    """A question file of a folder deck (`questions/*.yaml`): a mapping with a `questions` list."""
    text: str = yaml.dump({"questions": [_question(q) for q in questions]}, Dumper=_Dumper, sort_keys=False,
                          allow_unicode=True, width=100)
    return text


def write_yaml(deck: Deck, path: Path) -> None:
    """Write atomically, so an interrupted export never leaves half a deck behind."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(deck_yaml(deck))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
