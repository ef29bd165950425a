"""Grade an answer: all-or-nothing, as on the real exams."""

from __future__ import annotations

from collections.abc import Iterable

from certdrill.core.model import Question

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}


def is_correct(question: Question, chosen: Iterable[int]) -> bool:
    """True when exactly the correct choices were picked (no partial credit)."""
    return frozenset(chosen) == frozenset(question.correct_indices)


def default_rating(correct: bool) -> int:
    """Wrong answers are Again, right ones Good; the learner may override after the explanation."""
    return GOOD if correct else AGAIN
