"""Measurable quality figures of a deck: coverage against weights, answer positions,
longest-choice rate, references, near-duplicate prompts."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from certdrill.core.model import Deck, Question
from certdrill.decks.format.giveaways import flagged, has_absolute

NEAR_DUPLICATE = 0.6  # Jaccard similarity of word trigrams above which two prompts look alike
LONGEST_LIMIT = 0.35
POSITION_BAND = (0.20, 0.30)


@dataclass
class QualityReport:
    deck_id: str
    total: int
    kinds: Counter[str]
    per_domain: list[tuple[str, float, int, float]]  # id, weight %, count, share %
    per_task: list[tuple[str, str, int]]  # domain, task, count
    positions: Counter[str]  # correct-answer letter over 4-choice singles
    singles4: int
    longest: int  # questions whose correct choice is the strictly longest
    with_choices: int
    missing_references: list[str] = field(default_factory=list)
    near_duplicates: list[tuple[str, str, float]] = field(default_factory=list)
    giveaways: dict[str, list[str]] = field(default_factory=dict)  # question id -> rules flagged, not accepted
    accepted: int = 0  # questions with a lint finding marked accepted in the deck
    verified: Counter[str] = field(default_factory=Counter)  # 'YYYY-MM' or 'never' -> questions
    absolutes: tuple[int, int, int, int] = (0, 0, 0, 0)  # (correct options with, correct options, distractors with, distractors)

    @property
    def giveaway_rate(self) -> float:
        return len(self.giveaways) / self.total if self.total else 0.0

    @property
    def longest_rate(self) -> float:
        return self.longest / self.with_choices if self.with_choices else 0.0

    def position_share(self, letter: str) -> float:
        return self.positions[letter] / self.singles4 if self.singles4 else 0.0

    def render(self) -> str:
        lines = [f"quality of {self.deck_id}: {self.total} questions ("
                 + ", ".join(f"{n} {k}" for k, n in sorted(self.kinds.items())) + ")"]
        lines.append("  domain                              weight  questions  share")
        for did, weight, count, share in self.per_domain:
            lines.append(f"  {did:<36}{weight:>5.1f}%  {count:>9}  {share:>4.1f}%")
        tasks = ", ".join(f"{t}:{n}" for _d, t, n in self.per_task)
        lines.append(f"  per task: {tasks}")
        if self.singles4:
            spread = "  ".join(f"{k} {self.position_share(k):.0%}" for k in "ABCD")
            lo, hi = POSITION_BAND
            ok = all(lo <= self.position_share(k) <= hi for k in "ABCD")
            lines.append(f"  correct position (4-choice single, n={self.singles4}): {spread}  [{'ok' if ok else 'OUT OF 20-30%'}]")
        if self.with_choices:
            ok = self.longest_rate <= LONGEST_LIMIT
            lines.append(f"  correct choice is the longest: {self.longest_rate:.0%} of {self.with_choices}  "
                         f"[{'ok' if ok else 'OVER 35%'}]")
        lines.append(f"  missing references: {len(self.missing_references)}"
                     + (f" ({', '.join(self.missing_references[:10])})" if self.missing_references else ""))
        by_rule = Counter(rule for rules in self.giveaways.values() for rule in rules)
        rules = ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items()))
        lines.append(f"  possible giveaways: {len(self.giveaways)} of {self.total} ({self.giveaway_rate:.1%})"
                     + (f": {rules}" if rules else "") + f"; accepted after review: {self.accepted}")
        right_with, rights, wrong_with, wrongs = self.absolutes
        if rights and wrongs:
            lines.append(f"  absolute words (always, never, only, ...): in {right_with / rights:.0%} of correct options, "
                         f"{wrong_with / wrongs:.0%} of distractors")
        months = ", ".join(f"{m} {n}" for m, n in sorted(self.verified.items(), reverse=True))
        lines.append(f"  verified (month the facts were last checked): {months}")
        lines.append(f"  near-duplicate prompts: {len(self.near_duplicates)}")
        for a, b, sim in self.near_duplicates[:20]:
            lines.append(f"    {a} ~ {b} ({sim:.0%} alike)")
        return "\n".join(lines)


def _longest_is_correct(q: Question) -> bool:
    lengths = [len(c.text) for c in q.choices]
    top = max(lengths)
    winners = [i for i, n in enumerate(lengths) if n == top]
    return len(winners) == 1 and q.choices[winners[0]].correct


_WORD = re.compile(r"[a-z0-9]+")


def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return frozenset(zip(words, words[1:], words[2:], strict=False))


def near_duplicates(questions: tuple[Question, ...], threshold: float = NEAR_DUPLICATE) -> list[tuple[str, str, float]]:
    """Pairs of questions whose prompts (plus correct answers) share most word trigrams."""
    sigs = [(q.id, _shingles(q.prompt + " " + " ".join(c.text for c in q.choices if c.correct) + q.answer))
            for q in questions]
    found = []
    for (a, sa), (b, sb) in combinations(sigs, 2):
        if not sa or not sb:
            continue
        small, large = sorted((len(sa), len(sb)))
        if small / large < threshold:  # Jaccard can't reach the threshold: skip the set work
            continue
        sim = len(sa & sb) / len(sa | sb)
        if sim >= threshold:
            found.append((a, b, sim))
    return sorted(found, key=lambda t: -t[2])


def quality_report(deck: Deck) -> QualityReport:
    qs = deck.questions
    total_weight = sum(d.weight for d in deck.domains) or 1.0
    counts = Counter(q.domain for q in qs)
    task_counts = Counter((q.domain, q.task) for q in qs)
    per_domain = [(d.id, 100 * d.weight / total_weight, counts[d.id], 100 * counts[d.id] / max(1, len(qs)))
                  for d in deck.domains]
    per_task = [(d.id, t.id, task_counts[(d.id, t.id)]) for d in deck.domains for t in d.tasks]
    positions: Counter[str] = Counter()
    singles4 = 0
    longest = 0
    with_choices = 0
    for q in qs:
        if q.kind == "single" and len(q.choices) == 4:
            singles4 += 1
            positions["ABCD"[q.correct_indices[0]]] += 1
        if q.choices:
            with_choices += 1
            longest += _longest_is_correct(q)
    return QualityReport(
        deck_id=deck.id, total=len(qs), kinds=Counter(q.kind for q in qs), per_domain=per_domain,
        per_task=per_task, positions=positions, singles4=singles4, longest=longest,
        with_choices=with_choices, missing_references=[q.id for q in qs if not q.references],
        near_duplicates=near_duplicates(qs),
        giveaways={qid: [g.rule for g in found] for qid, found in flagged(qs).items()},
        accepted=sum(bool(q.accepted) for q in qs), verified=Counter(q.verified or "never" for q in qs),
        absolutes=_absolute_spread(qs),
    )


def _absolute_spread(questions: tuple[Question, ...]) -> tuple[int, int, int, int]:
    """Absolute words across the deck: a bank whose distractors say "always" far more often than its keys
    teaches test-wise elimination, even when no single question is flagged."""
    counts = [0, 0, 0, 0]
    for q in questions:
        for c in q.choices:
            slot = 0 if c.correct else 2
            counts[slot] += has_absolute(c.text)
            counts[slot + 1] += 1
    return counts[0], counts[1], counts[2], counts[3]


def cross_deck_duplicates(decks: list[Deck], threshold: float = NEAR_DUPLICATE) -> list[tuple[str, str, float]]:
    """Near-duplicate prompts between different decks (named deck/question): the same fact asked
    twice in two banks teaches nothing new."""
    import dataclasses

    everything = tuple(dataclasses.replace(q, id=f"{d.id}/{q.id}") for d in decks for q in d.questions)
    return [(a, b, sim) for a, b, sim in near_duplicates(everything, threshold)
            if a.split("/", 1)[0] != b.split("/", 1)[0]]
