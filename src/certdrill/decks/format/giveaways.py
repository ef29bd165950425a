"""Giveaway heuristics: answer keys that a test-wise learner can find without knowing the subject.

Four rules, each a warning in `certdrill check` and a rate in `check --stats`. They are heuristics,
measured against questions labelled by hand (docs/decks.md gives the figures); a question that a
rule flags wrongly is marked in the deck with `accepted: {rule: reason}`.

- `stem-echo`: the correct option repeats the stem's distinctive words (rare in the deck, weighted
  by inverse document frequency) far more than any distractor does: "the only option that says
  routing" when the stem asks for routing. For multiple response: the correct options, on average,
  echo the stem far more than the distractors (each restating one clause of the stem).
- `longest`: the correct option is the longest by a clear margin (30% and 15 characters over the
  longest distractor).
- `absolute-words`: two or more distractors say "always", "never", "only", "guaranteed", ... and no
  correct option does, so they can be struck out as too absolute.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from certdrill.core.model import Question

RULES = ("stem-echo", "longest", "absolute-words")

ECHO_MARGIN = 3.5
"""Single answer: the correct option's echo score exceeds the best distractor's by this much..."""
ECHO_RATIO = 1.6
"""...and by this factor (a score is a sum of inverse document frequencies, about 1-6 a word)."""
MULTI_MARGIN, MULTI_RATIO, MULTI_FLOOR = 4.0, 2.5, 3.0
"""Multiple response: mean over the correct options against the mean over the distractors, and each
correct option echoing at least MULTI_FLOOR."""
LONGEST_RATIO, LONGEST_CHARS = 1.3, 15

ABSOLUTES = frozenset(
    ["always", "never", "only", "guarantee", "guarantees", "guaranteed", "completely", "entirely", "impossible"]
)
_STOP = frozenset(["a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "without", "by", "from", "at", "as", "is", "are", "be", "been", "being", "was", "were", "it", "its", "this", "that", "these", "those", "which", "what", "when", "where", "who", "how", "why", "than", "then", "so", "such", "not", "no", "can", "could", "should", "would", "will", "may", "might", "must", "do", "does", "did", "done", "has", "have", "had", "having", "into", "onto", "over", "under", "up", "down", "out", "about", "after", "before", "while", "each", "per", "any", "some", "more", "most", "less", "least", "many", "much", "few", "other", "another", "same", "different", "own", "both", "either", "neither", "also", "just", "very", "too", "only", "their", "them", "they", "our", "your", "you", "we", "one", "two", "three"])
_WORD = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    """A crude stem (a suffix off, then six letters) so that 'routing' meets 'route' and 'nested' 'nesting'."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:6]


def terms(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1)


@dataclass(frozen=True, slots=True)
class Giveaway:
    """One rule that flags a question, and what it saw."""

    rule: str
    detail: str


class Vocabulary:
    """Document frequencies of a deck's terms: a word in every question says nothing about the key."""

    def __init__(self, questions: Iterable[Question]) -> None:
        self.df: Counter[str] = Counter()
        self.n = 0
        for q in questions:
            self.n += 1
            self.df.update(terms(q.prompt + " " + " ".join(c.text for c in q.choices)))

    def weight(self, term: str) -> float:
        return math.log(max(self.n, 1) / self.df[term]) if self.df[term] else math.log(max(self.n, 2))


def _echo(q: Question, vocabulary: Vocabulary) -> Giveaway | None:
    stem = terms(q.prompt)
    shared = [sorted(terms(c.text) & stem) for c in q.choices]
    score = [sum(vocabulary.weight(t) for t in s) for s in shared]
    right = [i for i, c in enumerate(q.choices) if c.correct]
    wrong = [i for i, c in enumerate(q.choices) if not c.correct]
    if not right or not wrong:
        return None
    if len(right) == 1:
        best_right, best_wrong = score[right[0]], max(score[i] for i in wrong)
        hit = best_right - best_wrong >= ECHO_MARGIN and best_right >= ECHO_RATIO * best_wrong
    else:
        mean_right = sum(score[i] for i in right) / len(right)
        mean_wrong = sum(score[i] for i in wrong) / len(wrong)
        hit = (min(score[i] for i in right) >= MULTI_FLOOR and mean_right - mean_wrong >= MULTI_MARGIN
               and mean_right >= MULTI_RATIO * mean_wrong)
    if not hit:
        return None
    echoed = {w for i in right for w in shared[i]} - {w for i in wrong for w in shared[i]}
    said = [w for i in right for w in _WORD.findall(q.choices[i].text.lower())]
    shown = list(dict.fromkeys(w for w in said if _stem(w) in echoed))  # the option's own words, in order
    words = ", ".join(f"'{w}'" for w in shown[:4]) or "the stem's words"
    return Giveaway("stem-echo", f"only the correct option{'s' if len(right) > 1 else ''} repeat{'' if len(right) > 1 else 's'} "
                                 f"{words} from the stem")


def _longest(q: Question) -> Giveaway | None:
    right = [len(c.text) for c in q.choices if c.correct]
    wrong = [len(c.text) for c in q.choices if not c.correct]
    if not right or not wrong:
        return None
    shortest_right, longest_wrong = min(right), max(wrong)
    if shortest_right >= LONGEST_RATIO * longest_wrong and shortest_right - longest_wrong >= LONGEST_CHARS:
        return Giveaway("longest", f"the correct option is the longest by far ({shortest_right} characters, "
                                   f"the longest distractor {longest_wrong})")
    return None


def has_absolute(text: str) -> bool:
    return not ABSOLUTES.isdisjoint(_WORD.findall(text.lower()))


def _absolutes(q: Question) -> Giveaway | None:
    said = [sorted(set(_WORD.findall(c.text.lower())) & ABSOLUTES) for c in q.choices]
    right = [i for i, c in enumerate(q.choices) if c.correct]
    wrong = [i for i, c in enumerate(q.choices) if not c.correct]
    strong = [i for i in wrong if said[i]]
    if len(strong) >= 2 and not any(said[i] for i in right):
        words = sorted({w for i in strong for w in said[i]})
        return Giveaway("absolute-words", f"{len(strong)} distractors say {', '.join(repr(w) for w in words)}; "
                                          "no correct option does")
    return None


def giveaways(q: Question, vocabulary: Vocabulary) -> list[Giveaway]:
    """Every rule that flags the question (accepted ones included: the caller filters them)."""
    if not q.choices:
        return []
    found = (_echo(q, vocabulary), _longest(q), _absolutes(q))
    return [g for g in found if g is not None]


def flagged(questions: Sequence[Question]) -> dict[str, list[Giveaway]]:
    """Question id -> the giveaways not accepted in the deck, for the questions with any."""
    vocabulary = Vocabulary(questions)
    out: dict[str, list[Giveaway]] = {}
    for q in questions:
        accepted = {rule for rule, _ in q.accepted}
        found = [g for g in giveaways(q, vocabulary) if g.rule not in accepted]
        if found:
            out[q.id] = found
    return out
