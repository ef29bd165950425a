"""Memory state of a card and its next review, computed by the `fsrs` package (never by hand)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import fsrs

# The state itself lives in core.memory (no fsrs import), so start-up can read it cheaply.
from certdrill.core.memory import LEARNING, NEW, RELEARNING, REVIEW, STATE_NAMES, CardState

__all__ = [
    "LEARNING", "NEW", "RELEARNING", "REVIEW", "STATE_NAMES", "CardState", "SchedulerSettings",
    "format_interval", "make_scheduler", "preview", "reset", "retrievability", "review",
]


@dataclass(frozen=True, slots=True)
class SchedulerSettings:
    desired_retention: float = 0.9
    fuzz: bool = True
    maximum_interval: int = 36500
    parameters: tuple[float, ...] | None = None


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware time")


def make_scheduler(settings: SchedulerSettings) -> fsrs.Scheduler:
    kwargs: dict[str, Any] = {
        "desired_retention": settings.desired_retention,
        "enable_fuzzing": settings.fuzz,
        "maximum_interval": settings.maximum_interval,
    }
    if settings.parameters is not None:
        kwargs["parameters"] = settings.parameters
    return fsrs.Scheduler(**kwargs)


def _to_fsrs(card: CardState, now: datetime) -> fsrs.Card:
    if card.state == NEW:
        return fsrs.Card(card_id=0, due=now)
    return fsrs.Card(
        card_id=0, state=fsrs.State(card.state), step=card.step, stability=card.stability,
        difficulty=card.difficulty, due=card.due or now, last_review=card.last_review,
    )


def review(card: CardState, rating: int, now: datetime, scheduler: fsrs.Scheduler) -> CardState:
    """The card's state after an answer rated `rating` (1-4) at `now`."""
    _require_aware(now)
    updated, _log = scheduler.review_card(_to_fsrs(card, now), fsrs.Rating(rating), now)
    lapsed = card.state == REVIEW and rating == 1
    return CardState(
        state=int(updated.state), step=updated.step, stability=updated.stability,
        difficulty=updated.difficulty, due=updated.due.astimezone(UTC),
        last_review=now.astimezone(UTC), reps=card.reps + 1, lapses=card.lapses + int(lapsed),
    )


def preview(card: CardState, now: datetime, scheduler: fsrs.Scheduler) -> dict[int, timedelta]:
    """How long until the card comes back under each rating, for the rating buttons."""
    return {rating: review(card, rating, now, scheduler).due - now for rating in (1, 2, 3, 4)}  # type: ignore[operator]


def retrievability(card: CardState, at: datetime, scheduler: fsrs.Scheduler) -> float:
    """Predicted probability of recall at `at` (0 for a card never studied)."""
    _require_aware(at)
    if card.state == NEW or card.stability is None:
        return 0.0
    return float(scheduler.get_card_retrievability(_to_fsrs(card, at), at))


def reset(card: CardState) -> CardState:
    """Back to new, keeping the counts (used when a question's answer key changes)."""
    return replace(CardState(), reps=card.reps, lapses=card.lapses)


def format_interval(delta: timedelta) -> str:
    """Short human form of an interval: 10m, 3h, 4d, 2.5mo, 1.2y."""
    seconds = max(delta.total_seconds(), 0)
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"
