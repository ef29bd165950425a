"""New questions a study day offers: the default daily limit, the deck's own or paced one, and what is left."""

from __future__ import annotations

DEFAULT_NEW_PER_DAY = 20
"""New questions per deck per study day, unless the learner or the deck sets another number."""


def daily_limit(*, deck_limit: int | None, default: int, paced: int = 0) -> int:
    """The deck's limit (or the learner's default), raised to the exam-date pace when there is one."""
    return max(default if deck_limit is None else deck_limit, paced)


def room_left(*, limit: int, started: int) -> int:
    """How many more new questions today's limit lets review start."""
    return max(0, limit - started)


def new_left_today(*, limit: int, started: int, waiting: int) -> int:
    """New questions review will still serve today: the room left, if that many are waiting."""
    return min(waiting, room_left(limit=limit, started=started))
