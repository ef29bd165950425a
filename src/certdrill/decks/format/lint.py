"""Content lint for `certdrill check`: giveaways and facts not verified in the last 12 months."""

from __future__ import annotations

from datetime import date

from certdrill.core.model import Deck
from certdrill.decks.format.giveaways import flagged
from certdrill.decks.format.schema import Problem

STALE_MONTHS = 12
"""A question whose facts were last checked longer ago than this is due for a re-check."""


def months_between(earlier: str, today: date) -> int:
    """Whole months from a 'YYYY-MM' month to today's month."""
    year, month = (int(part) for part in earlier.split("-"))
    return (today.year - year) * 12 + today.month - month


def lint(deck: Deck, locations: dict[str, tuple[str, int]], *, today: date) -> list[Problem]:
    """Warnings for the deck's questions, each at its file and line."""
    problems = []
    found = flagged(deck.questions)
    for q in deck.questions:
        path, line = locations.get(q.id, ("", 0))
        for g in found.get(q.id, ()):
            problems.append(Problem(path, line, q.id, f"possible giveaway ({g.rule}): {g.detail}", "warning"))
        if q.verified is None:
            problems.append(Problem(path, line, q.id, "no 'verified: YYYY-MM' (when were its facts last checked?)",
                                    "warning"))
        elif months_between(q.verified, today) > STALE_MONTHS:
            problems.append(Problem(path, line, q.id, f"verified {q.verified}, over {STALE_MONTHS} months ago: "
                                                      "re-check its facts against the docs", "warning"))
        elif months_between(q.verified, today) < 0:
            problems.append(Problem(path, line, q.id, f"verified {q.verified} is in the future", "warning"))
    return problems
