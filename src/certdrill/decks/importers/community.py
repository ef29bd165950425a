"""Build a checked format-v1 Deck from questions converted out of Anki packages or CSV files."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from certdrill.core.model import Choice, Deck, Domain, Question
from certdrill.core.text import clean_text
from certdrill.decks.format.safe_yaml import Located
from certdrill.decks.format.schema import QUESTION_ID, Findings, read_question
from certdrill.decks.importers.notes import Draft
from certdrill.errors import CertdrillError

GENERAL = "General"


class Candidate(NamedTuple):
    """One would-be question: its stable id, where it came from, and its v1 fields."""

    qid: str
    origin: str  # "note 1234", "row 7": names it in refusals
    group: str  # Anki deck path ("Parent::Child") or the CSV domain column; "" when none
    draft: Draft | None = None
    problem: str = ""  # why it cannot be converted at all


@dataclass(frozen=True, slots=True)
class ConversionLimits:
    """What converting one Anki package or table may make. Its questions and their text stay in
    memory until the deck is written, so these bound the import's memory (measured by
    benchmarks/bench_import_memory.py); a zip's own caps do not, since one cloze note of many
    deletions, or a note with many cards, makes a question per deletion or card."""

    questions: int = 40_000
    text: int = 32 * 1024 * 1024  # characters behind each question made (or refused), summed


class Budget:
    """Counts what a conversion has made against its limits, and refuses the source past them."""

    def __init__(self, limits: ConversionLimits, origin: str) -> None:
        self.limits, self.origin = limits, origin
        self.questions = self.text = 0

    def charge(self, text: int) -> None:
        """One more question (or refusal), of `text` characters (`candidate_size`)."""
        self.questions += 1
        self.text += text
        if self.questions > self.limits.questions:
            raise CertdrillError(f"{self.origin}: refused: more than {self.limits.questions:,} questions "
                                 "(the limit of one import)")
        if self.text > self.limits.text:
            raise CertdrillError(f"{self.origin}: refused: its questions are made of more than "
                                 f"{self.limits.text / (1024 * 1024):g} MiB of text (the limit of one import)")


def candidate_size(candidate: Candidate) -> int:
    """The characters of text a candidate holds."""
    d = candidate.draft
    if d is None:
        return len(candidate.problem)
    return len(d.prompt) + len(d.answer) + len(d.explanation) + sum(len(c.text) + len(c.why) for c in d.choices)


@dataclass(frozen=True, slots=True)
class DomainRule:
    """Where --domain-map sends a group of questions."""

    id: str
    name: str
    weight: float | None = None


@dataclass
class Converted:
    """A deck converted from a community source, and the items refused on the way."""

    deck: Deck
    refused: list[str] = field(default_factory=list)
    media: int = 0  # media files in the package (not imported; prompts name them)


def slug(text: str, fallback: str = "deck") -> str:
    """An id in [a-z0-9-] from a human name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return out or fallback


def common_root(groups: Iterable[str]) -> str | None:
    """The top deck every group shares (`Root` of `Root::A`, `Root::B`), if any."""
    firsts = {clean_text(g.split("::")[0]).strip() for g in set(groups)}
    return firsts.pop() if len(firsts) == 1 else None


def _domain_of(group: str, root: str | None, rules: Mapping[str, DomainRule]) -> DomainRule:
    parts = [clean_text(p).strip() for p in group.split("::")]
    key = parts[1] if root is not None and len(parts) > 1 else parts[0]
    for candidate in (group, key):
        if candidate in rules:
            return rules[candidate]
    name = key or GENERAL
    return DomainRule(slug(name, "general"), name)


def _located(data: Mapping[str, Any]) -> Located:
    out = Located(0)
    for key, value in data.items():
        if isinstance(value, list):
            value = [_located(v) if isinstance(v, Mapping) else v for v in value]
        out[key] = value
    return out


def _as_data(draft: Draft) -> dict[str, Any]:
    """The draft as the question mapping of a v1 deck file (for the full check and its messages)."""
    data: dict[str, Any] = {"kind": draft.kind, "prompt": draft.prompt}
    if draft.kind == "flashcard" or draft.answer:
        data["answer"] = draft.answer
    if draft.kind != "flashcard" or draft.choices:
        data["choices"] = [{"text": c.text, "correct": c.correct, **({"why": c.why} if c.why else {})}
                           for c in draft.choices]
    if draft.pick is not None:
        data["pick"] = draft.pick
    data["explanation"] = draft.explanation
    data["references"], data["tags"] = list(draft.references), list(draft.tags)
    return data


def _well_formed(qid: str, domain: str, draft: Draft) -> Question | None:
    """The question a draft makes when it passes every check of format v1, else None.

    Converters hand over plain, typed values, so most questions need none of the line
    bookkeeping of `read_question`; anything unusual (or wrong) goes through it instead, which
    keeps its refusal messages the only ones. This must never accept what `read_question` refuses
    (tests/test_import_fast_paths.py).
    """
    kind, prompt, choices, pick, answer, explanation, references, tags = draft
    try:
        # One look at all the text at once: if clean_text changes none of it, it changes no part
        # of it (it only drops characters, and rewrites "\r\n", whose "\r" it would drop too).
        # Printable text it leaves alone without a look; text with line breaks is not printable.
        text = "".join([qid, domain, kind, prompt, answer, explanation, *references, *tags,
                        *[t for c in choices for t in (c.text, c.why)]])
    except TypeError:
        return None  # some value is not text
    if not text.isprintable() and clean_text(text) != text:
        qid, domain, prompt, answer, explanation = map(clean_text, (qid, domain, prompt, answer, explanation))
        references, tags = tuple([clean_text(r) for r in references]), tuple([clean_text(t) for t in tags])
        choices = tuple([Choice(clean_text(c.text), c.correct, clean_text(c.why)) for c in choices])
    if not qid or not QUESTION_ID.match(qid) or not domain or not prompt.strip():
        return None
    for ref in references:
        if not ref.startswith(("https://", "http://")):
            return None
    if kind == "flashcard":
        if not answer.strip() or choices or pick is not None:
            return None
    elif kind == "single" or kind == "multiple":
        if answer or len(choices) < 2:
            return None
        norms: set[str] = set()
        n_correct = 0
        for c in choices:
            norm = " ".join(c.text.split()).casefold()
            if norm in norms:
                return None  # two choices read the same
            if norm:
                norms.add(norm)
            if type(c.correct) is not bool:
                return None
            n_correct += c.correct
        if kind == "single" and (n_correct != 1 or pick is not None):
            return None
        if kind == "multiple" and not (type(pick) is int and 2 <= pick == n_correct < len(choices)):
            return None
    else:
        return None
    return Question(qid, domain, kind, prompt, None, choices, pick if kind == "multiple" else None, answer,
                    explanation, references, tags)


def assemble_deck(
    candidates: list[Candidate], *, deck_id: str, title: str, origin: str,
    rules: Mapping[str, DomainRule] | None = None, edited: datetime | None = None,
) -> Converted:
    """Check every candidate against format v1; keep the good ones, name the refused ones."""
    rules = rules or {}
    title = clean_text(title).strip() or deck_id
    root = common_root(c.group for c in candidates if c.draft is not None) if candidates else None
    # First-seen order (not a set): the domain order must not change with the hash seed.
    domain_rule = {g: _domain_of(g, root, rules) for g in dict.fromkeys(c.group for c in candidates)}
    rule_by_id: dict[str, DomainRule] = {}
    for rule in domain_rule.values():
        rule_by_id.setdefault(rule.id, rule)
    shell = Deck(
        id=deck_id, title=title, version="",
        domains=tuple(Domain(r.id, r.name, 1.0) for r in rule_by_id.values()),
    )
    refused: list[str] = []
    questions: list[Question] = []
    seen: dict[str, str] = {}
    for c in candidates:  # a refusal names the candidate as "note 12 (anki-x)"
        if c.draft is None:
            refused.append(f"{c.origin} ({c.qid}): {c.problem or 'cannot be converted'}")
            continue
        if c.qid in seen:
            refused.append(f"{c.origin} ({c.qid}): same id as {seen[c.qid]}")
            continue
        domain = domain_rule[c.group].id
        q = _well_formed(c.qid, domain, c.draft)
        if q is None:  # the full check names what is wrong (or accepts what the quick one would not)
            findings = Findings()
            q = read_question(_located({"id": c.qid, "domain": domain, **_as_data(c.draft)}), shell, findings, origin, 0)
        if q is None:
            refused.append(f"{c.origin} ({c.qid}): {findings.errors[0].message if findings.errors else 'not a valid question'}")
            continue
        seen[c.qid] = c.origin
        questions.append(q)
    counts = Counter([q.domain for q in questions])
    total = sum(counts.values()) or 1
    domains = tuple(
        Domain(r.id, r.name, r.weight if r.weight else max(round(100 * counts[r.id] / total, 1), 0.1))
        for r in rule_by_id.values() if counts[r.id]
    )
    digest = hashlib.blake2b("".join(q.content_hash() for q in questions).encode(), digest_size=4).hexdigest()
    version = f"{edited:%Y.%m.%d}-{digest}" if edited else digest
    deck = Deck(id=deck_id, title=title, version=version, domains=domains, questions=tuple(questions),
                description=f"Converted from {origin}")
    return Converted(deck, refused)


def read_domain_map(data: Any, name: str) -> dict[str, DomainRule]:
    """Rules from a --domain-map YAML mapping: `"Deck::Sub": domain-id` or `{id, name, weight}`."""
    if not isinstance(data, dict):
        raise CertdrillError(f"{name}: a domain map must be a mapping from deck or domain names to domains")
    rules: dict[str, DomainRule] = {}
    for key, value in data.items():
        if isinstance(value, str) and value.strip():
            rules[str(key)] = DomainRule(slug(value, "general"), value.strip())
        elif isinstance(value, dict) and isinstance(value.get("id") or value.get("name"), str):
            name_ = str(value.get("name") or value.get("id"))
            weight = value.get("weight")
            if weight is not None and (isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0):
                raise CertdrillError(f"{name}: '{key}': weight must be a positive number")
            rules[str(key)] = DomainRule(slug(str(value.get("id") or name_), "general"), name_, weight)
        else:
            raise CertdrillError(f"{name}: '{key}': map it to a domain name or to {{id, name, weight}}")
    return rules
