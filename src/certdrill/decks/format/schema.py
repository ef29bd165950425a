"""Deck format v1: check raw YAML data key by key and build the domain objects from it."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from certdrill.core.model import KINDS, Choice, Deck, Domain, ExamInfo, PassMark, Question, Task
from certdrill.core.text import clean_text
from certdrill.decks.format.giveaways import RULES
from certdrill.decks.format.safe_yaml import Located

FORMAT = "certdrill/1"
DECK_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
QUESTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
VERIFIED = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

DECK_KEYS = {"format", "id", "title", "version", "license", "description", "exam", "domains", "questions"}
EXAM_KEYS = {"code", "guide", "status", "retired_on", "successor", "questions", "scored", "minutes", "pass"}
PASS_KEYS = {"scaled", "min", "max", "raw", "estimated"}
DOMAIN_KEYS = {"id", "name", "weight", "tasks"}
TASK_KEYS = {"id", "name"}
QUESTION_KEYS = {
    "id", "domain", "task", "kind", "prompt", "choices", "pick", "answer",
    "explanation", "references", "tags", "verified", "accepted",
}
CHOICE_KEYS = {"text", "correct", "why"}
QUESTION_FILE_KEYS = {"questions"}


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of the deck check, printed as `file:line: subject: message`."""

    path: str
    line: int
    subject: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        tag = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {self.subject}: {tag}{self.message}"


@dataclass
class Findings:
    """Problems collected while reading one deck."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int, subject: str, message: str) -> None:
        self.problems.append(Problem(path, line, subject, message))

    def warn(self, path: str, line: int, subject: str, message: str) -> None:
        self.problems.append(Problem(path, line, subject, message, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def _line(data: Any, key: Any = None) -> int:
    if isinstance(data, Located):
        return data.line if key is None else data.line_of(key)
    return 0


def check_keys(data: Located, allowed: set[str], f: Findings, path: str, subject: str) -> None:
    for key, line in data.duplicate_keys:
        f.error(path, line, subject, f"key '{key}' appears twice")
    for key in data:
        if key not in allowed:
            hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else ""
            f.error(path, data.line_of(key), subject, f"unknown key '{key}'{extra}")


class _Reader:
    """Typed access to one mapping that records a problem for every wrong type."""

    def __init__(self, data: Located, f: Findings, path: str, subject: str) -> None:
        self.data, self.f, self.path, self.subject = data, f, path, subject

    def _bad(self, key: str, want: str, value: Any) -> None:
        got = type(value).__name__ if value is not None else "nothing"
        self.f.error(self.path, self.data.line_of(key), self.subject, f"'{key}' must be {want}, not {got}")

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.f.error(self.path, self.data.line, self.subject, f"missing '{key}'")
            return default
        if isinstance(value, str):
            return clean_text(value)
        if isinstance(value, bool):
            self._bad(key, "a string (YAML reads bare yes/no/on/off as true/false: quote it)", value)
        elif isinstance(value, (int, float, date)):
            self._bad(key, "a string (put it in quotes)", value)
        else:
            self._bad(key, "a string", value)
        return default

    def integer(self, key: str, *, minimum: int | None = None) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self._bad(key, "a whole number", value)
            return None
        if minimum is not None and value < minimum:
            self.f.error(self.path, self.data.line_of(key), self.subject, f"'{key}' must be at least {minimum}")
            return None
        return value

    def number(self, key: str) -> float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            self._bad(key, "a number", value)
            return None
        return float(value)

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self._bad(key, "true or false", value)
            return False
        return value

    def mapping(self, key: str) -> Located | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, Located):
            self._bad(key, "a mapping", value)
            return None
        return value

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self._bad(key, "a list", value)
            return []
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        out = []
        for item in self.items(key):
            if isinstance(item, str):
                out.append(clean_text(item))
            else:
                self.f.error(self.path, self.data.line_of(key), self.subject,
                             f"every item of '{key}' must be a string")
        return tuple(out)


def read_deck_header(data: Any, f: Findings, path: str) -> Deck | None:
    """Check the deck-level keys (everything but questions) and build the Deck shell."""
    if not isinstance(data, Located):
        f.error(path, 1, "deck", "a deck file must be a YAML mapping with format, id, title, version, domains")
        return None
    check_keys(data, DECK_KEYS, f, path, "deck")
    r = _Reader(data, f, path, "deck")
    fmt = data.get("format")
    if fmt != FORMAT:
        f.error(path, _line(data, "format"), "deck", f"'format' must be '{FORMAT}', not {fmt!r}")
    deck_id = r.text("id", required=True)
    if deck_id and not DECK_ID.match(deck_id):
        f.error(path, _line(data, "id"), "deck", f"id '{deck_id}' may use only a-z, 0-9 and '-'")
    subject = deck_id or "deck"
    r.subject = subject
    title = r.text("title", required=True)
    version = r.text("version", required=True)
    domains = _read_domains(r, f, path)
    exam = _read_exam(r, f, path, subject)
    return Deck(
        id=deck_id, title=title, version=version, domains=tuple(domains),
        license=r.text("license") or None, description=r.text("description"), exam=exam,
    )


def _read_domains(r: _Reader, f: Findings, path: str) -> list[Domain]:
    raw = r.items("domains")
    if not raw and "domains" not in r.data:
        f.error(path, r.data.line, r.subject, "missing 'domains' (at least one domain is needed)")
    domains: list[Domain] = []
    seen: set[str] = set()
    for item in raw:
        if not isinstance(item, Located):
            f.error(path, _line(r.data, "domains"), r.subject, "each domain must be a mapping with id, name, weight")
            continue
        dr = _Reader(item, f, path, "domain")
        check_keys(item, DOMAIN_KEYS, f, path, "domain")
        did = dr.text("id", required=True)
        dr.subject = f"domain {did}" if did else "domain"
        if did in seen:
            f.error(path, item.line, dr.subject, "domain id used twice")
        seen.add(did)
        name = dr.text("name", required=True)
        weight = dr.number("weight")
        if weight is None:
            if "weight" not in item:
                f.error(path, item.line, dr.subject, "missing 'weight'")
            weight = 0.0
        elif weight <= 0:
            f.error(path, item.line_of("weight"), dr.subject, f"weight must be positive, not {weight:g}")
        tasks: list[Task] = []
        task_ids: set[str] = set()
        for t in dr.items("tasks"):
            if not isinstance(t, Located):
                f.error(path, item.line_of("tasks"), dr.subject, "each task must be a mapping with id and name")
                continue
            check_keys(t, TASK_KEYS, f, path, dr.subject)
            tr = _Reader(t, f, path, dr.subject)
            tid = tr.text("id", required=True)
            if tid in task_ids:
                f.error(path, t.line, dr.subject, f"task id '{tid}' used twice")
            task_ids.add(tid)
            tasks.append(Task(tid, tr.text("name", required=True)))
        domains.append(Domain(did, name, weight, tuple(tasks)))
    return domains


def _read_exam(r: _Reader, f: Findings, path: str, subject: str) -> ExamInfo | None:
    data = r.mapping("exam")
    if data is None:
        return None
    check_keys(data, EXAM_KEYS, f, path, subject)
    er = _Reader(data, f, path, subject)
    status = er.text("status", default="active")
    if status not in ("active", "beta", "retired"):
        f.error(path, data.line_of("status"), subject, f"exam status must be active, beta or retired, not '{status}'")
        status = "active"
    retired_on = data.get("retired_on")
    if retired_on is not None and not isinstance(retired_on, date):
        f.error(path, data.line_of("retired_on"), subject, "'retired_on' must be a date like 2026-03-31")
        retired_on = None
    if status == "retired" and retired_on is None:
        f.warn(path, data.line, subject, "retired exam without 'retired_on'")
    pass_mark = None
    pm = er.mapping("pass")
    if pm is not None:
        check_keys(pm, PASS_KEYS, f, path, subject)
        pr = _Reader(pm, f, path, subject)
        raw = pr.number("raw")
        if raw is not None and not 0 < raw <= 1:
            f.error(path, pm.line_of("raw"), subject, "pass 'raw' must be a fraction between 0 and 1")
        scaled = pr.integer("scaled")
        if scaled is None and raw is None:
            f.error(path, pm.line, subject, "pass needs 'scaled' (with min and max) or 'raw'")
        lo, hi = pr.integer("min"), pr.integer("max")
        if scaled is not None and (lo is None or hi is None or not lo <= scaled <= hi):
            f.error(path, pm.line, subject, "a scaled pass mark needs min <= scaled <= max")
        pass_mark = PassMark(scaled=scaled, min=lo, max=hi, raw=raw, estimated=pr.flag("estimated"))
    return ExamInfo(
        code=er.text("code", required=True), status=status,  # type: ignore[arg-type]
        guide=er.text("guide") or None, retired_on=retired_on,
        successor=er.text("successor") or None, questions=er.integer("questions", minimum=1),
        scored=er.integer("scored", minimum=1), minutes=er.integer("minutes", minimum=1),
        pass_mark=pass_mark,
    )


def read_question(data: Any, deck: Deck, f: Findings, path: str, fallback_line: int) -> Question | None:
    """Check one question against the format and the deck's domains; None when unusable."""
    if not isinstance(data, Located):
        f.error(path, fallback_line, "question", "each question must be a mapping")
        return None
    raw_id = data.get("id")
    qid = clean_text(raw_id) if isinstance(raw_id, str) else (str(raw_id) if raw_id is not None else "")
    subject = qid or f"question at line {data.line}"
    errors_before = len(f.errors)
    check_keys(data, QUESTION_KEYS, f, path, subject)
    r = _Reader(data, f, path, subject)
    r.text("id", required=True)
    if qid and not QUESTION_ID.match(qid):
        f.error(path, data.line_of("id"), subject, "id may use only letters, digits and . _ : -")
    kind = r.text("kind", required=True)
    if kind and kind not in KINDS:
        f.error(path, data.line_of("kind"), subject, f"kind must be single, multiple or flashcard, not '{kind}'")
    domain_id = r.text("domain", required=True)
    domain = deck.domain(domain_id) if domain_id else None
    if domain_id and domain is None:
        known = ", ".join(d.id for d in deck.domains)
        f.error(path, data.line_of("domain"), subject, f"unknown domain '{domain_id}' (deck has: {known})")
    task = r.text("task") or None
    if task and domain is not None and domain.tasks and task not in {t.id for t in domain.tasks}:
        f.error(path, data.line_of("task"), subject, f"unknown task '{task}' in domain {domain_id}")
    prompt = r.text("prompt", required=True)
    if "prompt" in data and isinstance(data.get("prompt"), str) and not prompt.strip():
        f.error(path, data.line_of("prompt"), subject, "prompt is empty")
    choices = _read_choices(r, kind, f, path, subject)
    pick = r.integer("pick")
    answer = r.text("answer")
    n_correct = sum(c.correct for c in choices)
    if kind in ("single", "multiple"):
        if "answer" in data:
            f.error(path, data.line_of("answer"), subject, f"'answer' is for flashcards; a {kind} question marks its correct choices")
        if len(choices) < 2 and "choices" in data:
            f.error(path, data.line_of("choices"), subject, f"needs at least 2 choices, has {len(choices)}")
        elif "choices" not in data:
            f.error(path, data.line, subject, f"missing 'choices' for a {kind} question")
    if kind == "single":
        if choices and n_correct != 1:
            f.error(path, data.line_of("choices"), subject, f"a single-answer question needs exactly one correct choice, has {n_correct}")
        if "pick" in data:
            f.error(path, data.line_of("pick"), subject, "'pick' is only for multiple-response questions")
    elif kind == "multiple":
        if pick is None and "pick" not in data:
            f.error(path, data.line, subject, "a multiple-response question needs 'pick' (how many to choose)")
        elif pick is not None and pick < 2:
            f.error(path, data.line_of("pick"), subject, f"'pick' must be at least 2, not {pick}")
        elif pick is not None and choices and pick != n_correct:
            f.error(path, data.line_of("pick"), subject, f"pick is {pick} but {n_correct} choices are marked correct")
        if choices and pick is not None and pick >= len(choices):
            f.error(path, data.line_of("pick"), subject, f"pick {pick} leaves nothing to rule out among {len(choices)} choices")
    elif kind == "flashcard":
        if not answer.strip():
            f.error(path, data.line, subject, "a flashcard needs an 'answer'")
        for key in ("choices", "pick"):
            if key in data:
                f.error(path, data.line_of(key), subject, f"'{key}' is not used by flashcards")
    explanation = r.text("explanation")
    if not explanation.strip() and kind != "flashcard":
        f.warn(path, data.line, subject, "no explanation")
    references = r.strings("references")
    for ref in references:
        if not ref.startswith(("https://", "http://")):
            f.error(path, data.line_of("references"), subject, f"reference '{ref[:60]}' is not an http(s) URL")
    if not references:
        f.warn(path, data.line, subject, "no reference")
    tags = r.strings("tags")
    verified = _read_verified(r, f, path, subject)
    accepted = _read_accepted(r, f, path, subject)
    if len(f.errors) > errors_before:
        return None
    return Question(
        id=qid, domain=domain_id, kind=kind, prompt=prompt, task=task,  # type: ignore[arg-type]
        choices=tuple(choices), pick=pick if kind == "multiple" else None,
        answer=answer, explanation=explanation, references=references, tags=tags, verified=verified,
        accepted=accepted,
    )


def _read_accepted(r: _Reader, f: Findings, path: str, subject: str) -> tuple[tuple[str, str], ...]:
    """`accepted: {rule: reason}`: lint findings a reviewer judged wrong for this question."""
    data = r.mapping("accepted")
    if data is None:
        return ()
    out = []
    for rule, reason in data.items():
        line = data.line_of(rule)
        if rule not in RULES:
            hint = difflib.get_close_matches(str(rule), RULES, n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else f" (rules: {', '.join(RULES)})"
            f.error(path, line, subject, f"unknown lint rule '{rule}' in 'accepted'{extra}")
        elif not isinstance(reason, str) or not reason.strip():
            f.error(path, line, subject, f"accepted '{rule}' needs a reason (why the rule is wrong here)")
        else:
            out.append((str(rule), clean_text(reason)))
    return tuple(out)


def _read_verified(r: _Reader, f: Findings, path: str, subject: str) -> str | None:
    """`verified: YYYY-MM`, the month the question's facts were last checked (optional)."""
    value = r.data.get("verified")
    if value is None:
        return None
    if isinstance(value, date):  # YAML reads 2026-11-03 as a date
        f.error(path, r.data.line_of("verified"), subject, f"'verified' is a month like {value:%Y-%m}, not a day")
        return None
    text = str(value) if isinstance(value, str) else ""
    if not VERIFIED.match(text):
        f.error(path, r.data.line_of("verified"), subject, f"'verified' must be a month like 2026-12, not {value!r}")
        return None
    return text


def _read_choices(r: _Reader, kind: str, f: Findings, path: str, subject: str) -> list[Choice]:
    choices: list[Choice] = []
    seen: set[str] = set()
    for n, item in enumerate(r.items("choices")):
        label = chr(ord("A") + n) if n < 26 else str(n + 1)
        if isinstance(item, str):
            f.error(path, r.data.line_of("choices"), subject, f"choice {label} must be a mapping with text, correct, why")
            continue
        if not isinstance(item, Located):
            f.error(path, r.data.line_of("choices"), subject, f"choice {label} must be a mapping with text, correct, why")
            continue
        check_keys(item, CHOICE_KEYS, f, path, subject)
        cr = _Reader(item, f, path, subject)
        text = cr.text("text", required=True)
        norm = " ".join(text.split()).casefold()
        if norm and norm in seen:
            f.error(path, item.line, subject, f"choice {label} repeats the text of an earlier choice")
        seen.add(norm)
        why = cr.text("why")
        if not why.strip():
            f.warn(path, item.line, subject, f"choice {label} has no 'why'")
        choices.append(Choice(text=text, correct=cr.flag("correct"), why=why))
    return choices
