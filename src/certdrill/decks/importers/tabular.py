"""Read CSV/TSV decks: Anki's plain-text export (front, back, tags) and a headed question table."""

from __future__ import annotations

import csv
import hashlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from certdrill.core.text import clean_text
from certdrill.decks.importers.anki_notes import question_id
from certdrill.decks.importers.community import Budget, Candidate, ConversionLimits, candidate_size
from certdrill.decks.importers.html_text import html_to_text, looks_like_html
from certdrill.decks.importers.notes import OPTION_FIELD, cloze_card, cloze_ordinals, flashcard, multiple_choice
from certdrill.errors import CertdrillError

MAX_TABLE_BYTES = 32 * 1024 * 1024
SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|", "colon": ":"}
_HEADER_LINE = re.compile(r"^#([a-z ]+):(.*)$")
_CHOICE_SPLIT = re.compile(r"\n| \| ")
_TAG_SPLIT = re.compile(r"[,\s]+")
HEADED_COLUMNS = ("id", "question", "answer", "explanation", "domain", "tags", "references", "choices")


def row_id(question: str) -> str:
    """Stable id of a CSV row without an id column: a hash of its question text."""
    norm = " ".join(question.split()).casefold()
    return "csv-" + hashlib.blake2b(norm.encode(), digest_size=8).hexdigest()


def read_table(path: Path, budget: Budget | None = None) -> list[Candidate]:
    """Every row of a CSV/TSV file as a candidate question (refusals included), within `budget`."""
    budget = budget or Budget(ConversionLimits(), str(path))
    try:
        size = path.stat().st_size
        if size > MAX_TABLE_BYTES:
            raise CertdrillError(f"{path}: file is {size / 1048576:.1f} MiB, over the {MAX_TABLE_BYTES // 1048576} MiB limit")
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CertdrillError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise CertdrillError(f"{path}: cannot read: {exc.strerror or exc}") from None
    # One copy of the text at a time: the header lines are found in place and the rows are read
    # from it line by line, each turned into questions as it comes (a 27 MiB table held as text,
    # lines, body and rows at once took 370 MiB).
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    header: dict[str, str] = {}
    start = skipped = 0
    while start < len(text) and (m := _HEADER_LINE.match(_line_at(text, start))):
        header[m.group(1).strip()] = m.group(2).strip()
        end = text.find("\n", start)
        start = len(text) if end < 0 else end + 1
        skipped += 1
    sep = _separator(header.get("separator"), path, _line_at(text, start))
    html = header["html"].lower() == "true" if "html" in header else looks_like_html(text, start)
    to_text: Callable[[str], str] = html_to_text if html else (lambda s: clean_text(s).strip())
    reader = csv.reader(_lines(text, start), delimiter=sep)

    def rows() -> Iterator[tuple[int, list[str]]]:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num + skipped, row

    candidates = []
    try:
        stream = rows()
        first = next(stream, None)
        made: Iterator[Candidate] = iter(())
        if first is not None and "question" in {c.strip().casefold() for c in first[1]}:
            made = _headed(first[1], stream, to_text)
        elif first is not None and "columns" not in header and (named := _field_names(first[1])):
            made = _anki_text(stream, {**header, **named}, to_text)  # a "Front,Back" line names the fields
        elif first is not None:
            made = _anki_text(itertools.chain([first], stream), header, to_text)
        for candidate in made:  # charged one by one: one cloze row may make many
            budget.charge(candidate_size(candidate))
            candidates.append(candidate)
    except csv.Error as exc:
        raise CertdrillError(f"{path}:{reader.line_num + skipped}: {exc}") from None
    return candidates


_FIELD_NAMES = frozenset({"front", "back", "tags", "extra", "back extra"})
"""Column names a hand-made flashcard table puts on its first line (Anki's own field names)."""


def _field_names(row: list[str]) -> dict[str, str]:
    """Header lines for a first row that names the fields ("Front,Back,Tags"), else {}: a header row,
    not a card whose front reads "Front"."""
    names = [c.strip() for c in row]
    keys = [n.casefold() for n in names]
    if not {"front", "back"} <= set(keys) or not set(keys) <= _FIELD_NAMES or len(set(keys)) < len(keys):
        return {}
    named = {"columns": "\t".join(names)}
    if "tags" in keys:
        named["tags column"] = str(keys.index("tags") + 1)
    return named


def _line_at(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[start:] if end < 0 else text[start:end]


def _lines(text: str, start: int) -> Iterator[str]:
    """The lines of `text` from `start`, each with its newline, as csv.reader reads a file."""
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end + 1]
        start = end + 1


def _separator(named: str | None, path: Path, first: str) -> str:
    if named:
        sep = SEPARATORS.get(named.lower(), named)
        if len(sep) != 1:
            raise CertdrillError(f"{path}: unknown #separator '{named[:20]}'")
        return sep
    if path.suffix.lower() in (".tsv", ".tab") or "\t" in first:
        return "\t"
    if path.suffix.lower() != ".csv" and ";" in first and "," not in first:
        return ";"
    return ","


def _headed(head: list[str], rows: Iterable[tuple[int, list[str]]], to_text: Callable[[str], str]) -> Iterator[Candidate]:
    names = [c.strip() for c in head]
    keys = [n.casefold() for n in names]
    for line, row in rows:
        cells = {keys[i]: to_text(v) for i, v in enumerate(row) if i < len(keys)}
        question = cells.get("question", "")
        qid = cells.get("id") or row_id(question)
        origin, group = f"line {line}", cells.get("domain", "")
        if len(row) > len(keys):
            yield Candidate(qid, origin, group, problem=f"{len(row)} cells but only {len(keys)} columns")
            continue
        fields = [(names[i], cells.get(k, "")) for i, k in enumerate(keys) if k not in ("id", "domain", "tags", "references", "choices")]
        options = [f for f in fields if OPTION_FIELD.match(f[0])]
        for n, choice in enumerate(c for c in _CHOICE_SPLIT.split(cells.get("choices", "")) if c.strip()):
            options.append((f"Option {chr(ord('A') + n)}" if n < 10 else str(n), choice.strip()))
        tags = tuple([t for t in _TAG_SPLIT.split(cells.get("tags", "")) if t])
        references = tuple(cells.get("references", "").split())
        mc = multiple_choice([f for f in fields if not OPTION_FIELD.match(f[0])] + options, tags, references)
        if isinstance(mc, str):
            yield Candidate(qid, origin, group, problem=mc)
            continue
        yield Candidate(qid, origin, group, mc or flashcard(
            question, cells.get("answer", ""), [("", cells.get("explanation", ""))], tags, references))


def _column(header: dict[str, str], key: str) -> int | None:
    value = header.get(key, "").strip()
    return int(value) - 1 if re.fullmatch(r"[0-9]{1,6}", value) and int(value) > 0 else None


def _anki_text(rows: Iterable[tuple[int, list[str]]], header: dict[str, str], to_text: Callable[[str], str]) -> Iterator[Candidate]:
    guid_col, type_col = _column(header, "guid column"), _column(header, "notetype column")
    deck_col, tags_col = _column(header, "deck column"), _column(header, "tags column")
    specials = {c for c in (guid_col, type_col, deck_col, tags_col) if c is not None}
    named = [c.strip() for c in re.split(r"[\t,;|]", header["columns"])] if "columns" in header else None
    for line, row in rows:
        if tags_col is None and named is None and len(row) == 3:
            tags_col = 2  # the plain "front, back, tags" shape
            specials.add(2)

        def cell(i: int | None, row: list[str] = row) -> str:
            return row[i] if i is not None and i < len(row) else ""

        raw = [v for i, v in enumerate(row) if i not in specials]
        names = [n for i, n in enumerate(named) if i not in specials] if named else []
        # A row shorter than its #columns: header has its last fields empty, as Anki reads it.
        raw += [""] * (len(names) - len(raw))
        names += [""] * (len(raw) - len(names))
        guid, group = cell(guid_col).strip(), clean_text(cell(deck_col)).strip()
        tags = tuple(clean_text(cell(tags_col)).split())
        origin = f"line {line}"
        first = raw[0] if raw else ""
        if "cloze" in cell(type_col).casefold() or cloze_ordinals(first):
            ordinals = cloze_ordinals(first)
            extras = [(names[i], to_text(v)) for i, v in enumerate(raw[1:], start=1)]
            if not ordinals:
                yield Candidate(question_id(guid, 0) if guid else row_id(first), origin, group, problem="a cloze without any {{c1::...}} deletion")
            for n in ordinals:
                prompt, answer = cloze_card(first, n, to_text)
                qid = question_id(guid, n - 1) if guid else row_id(first) + (f"-{n}" if n > 1 else "")
                yield Candidate(qid, origin, group, flashcard(prompt, answer, extras, tags))
            continue
        texts = [to_text(v) for v in raw]
        qid = question_id(guid, 0) if guid else row_id(texts[0] if texts else "")
        mc = multiple_choice(list(zip(names, texts, strict=True)), tags) if named else None
        if isinstance(mc, str):
            yield Candidate(qid, origin, group, problem=mc)
            continue
        yield Candidate(qid, origin, group, mc or flashcard(
            texts[0] if texts else "", texts[1] if len(texts) > 1 else "",
            list(zip(names[2:], texts[2:], strict=True)), tags))


def table_header(path: Path) -> dict[str, str]:
    """The Anki-style header lines (`#name:value`) at the top of a table file (read after `read_table`
    has checked the file's size and encoding)."""
    header: dict[str, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        for line in f:
            m = _HEADER_LINE.match(line.rstrip("\r\n"))
            if m is None:
                break
            header[m.group(1).strip()] = m.group(2).strip()
    return header
