"""When two records of a past answer are one review: the rule import --with-history and sync share."""

from __future__ import annotations

from datetime import datetime

SAME_REVIEW_MS = 1000
"""A review read back from an export is the stored review of its card and rating up to this much
earlier: certdrill stores microseconds, a revlog milliseconds, and answers given in the same millisecond
are moved a millisecond apart on export (a revlog id is unique)."""


def ms(at: datetime) -> int:
    """A moment to the millisecond, as Anki's revlog keeps it: how a stored review is recognised."""
    return round(at.timestamp() * 1000)


def same_review(a_ms: int, b_ms: int) -> bool:
    """Two answers of one card with one rating, at these times, are the same review read back."""
    return abs(a_ms - b_ms) < SAME_REVIEW_MS
