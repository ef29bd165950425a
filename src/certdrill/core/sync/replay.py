"""A card's memory state rebuilt from its answers in clock order, with `fsrs` where the chain broke.

Each answer carries the state its device saw before it and the state it stored after it. Replaying
walks the card's answers in event order; where an answer's recorded state-before is the state the
replay has reached, its recorded state-after stands (the answering device computed it with fsrs,
fuzz and exam-date placement included), so a card answered on one device at a time comes out
exactly as that device has it. Where the chain broke (an answer from another device came in
between, a re-rating, an undo of an earlier answer, a reset), fsrs computes the state again from
the answer's rating and time, without fuzz, so that every device computes the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import fsrs

from certdrill.core import planner, scheduling
from certdrill.core.memory import CardState
from certdrill.core.sync.events import EventId


@dataclass(frozen=True, slots=True)
class Answer:
    """One review-mode answer as recorded by the device that made it."""

    id: EventId
    hlc: int
    at: datetime
    rating: int
    before: CardState | None
    after: CardState | None
    counts: bool = True  # made under the question's current answer key
    exam_at: datetime | None = None  # the exam its device was placing reviews for, if any

    @property
    def order(self) -> tuple[int, str, int]:
        return (self.hlc, self.id[0], self.id[1])


@dataclass(frozen=True, slots=True)
class Rerate:
    """A change of an answer's rating, with the states its device computed for it."""

    id: EventId
    hlc: int
    answer: EventId
    rating: int
    before: CardState | None
    after: CardState | None

    @property
    def order(self) -> tuple[int, str, int]:
        return (self.hlc, self.id[0], self.id[1])


@dataclass(frozen=True, slots=True)
class Reset:
    """The learner forgot the card's schedule: answers before it no longer count for it."""

    id: EventId
    hlc: int

    @property
    def order(self) -> tuple[int, str, int]:
        return (self.hlc, self.id[0], self.id[1])


@dataclass
class History:
    """Everything that decides one card's memory state."""

    answers: list[Answer] = field(default_factory=list)
    rerates: list[Rerate] = field(default_factory=list)
    undone: set[EventId] = field(default_factory=set)
    resets: list[Reset] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Step:
    """One answer as replayed: the state before it and the rating that stands."""

    answer: EventId
    before: CardState
    rating: int


@dataclass(frozen=True, slots=True)
class Replayed:
    state: CardState
    steps: list[Step]  # in replay order; undone answers are not among them
    recomputed: int  # answers whose state fsrs computed again


def standing(answer: Answer, rerates: Iterable[Rerate]) -> Answer:
    """The answer with its latest re-rating (last writer wins), if any."""
    latest = max((r for r in rerates if r.answer == answer.id), key=lambda r: r.order, default=None)
    if latest is None:
        return answer
    return replace(answer, rating=latest.rating, before=latest.before, after=latest.after)


def replay(history: History, scheduler: fsrs.Scheduler, *, start: CardState | None = None,
           last_at: datetime | None = None) -> Replayed:
    """The card's state after its answers and resets, in event order (see the module's docstring).

    `scheduler` must not fuzz: a recomputed state is the same on every device. `start` and
    `last_at` continue a replay: the state its earlier answers left, and the latest time among them.
    """
    by_answer: dict[EventId, list[Rerate]] = {}
    for r in history.rerates:
        by_answer.setdefault(r.answer, []).append(r)
    answers = [standing(a, by_answer.get(a.id, ())) for a in history.answers if a.id not in history.undone]
    items: list[Answer | Reset] = [*answers, *history.resets]
    items.sort(key=lambda item: item.order)
    state, steps, recomputed = start or CardState(), [], 0
    for item in items:
        if isinstance(item, Reset):
            state = scheduling.reset(state)
            continue
        at = item.at if last_at is None or item.at >= last_at else last_at  # fsrs needs time order
        steps.append(Step(item.id, state, item.rating))
        if not item.counts:
            # An answer to an earlier answer key: counted, but no longer part of the memory.
            lapse = 0
            if item.before is not None and item.after is not None:
                lapse = max(0, item.after.lapses - item.before.lapses)
            state = replace(state, reps=state.reps + 1, lapses=state.lapses + lapse)
        elif item.before == state and item.after is not None and item.after.last_review == at:
            state = item.after
        else:
            recomputed += 1
            state = _recompute(state, item, at, scheduler)
        last_at = at
    return Replayed(state, steps, recomputed)


def _recompute(state: CardState, answer: Answer, at: datetime, scheduler: fsrs.Scheduler) -> CardState:
    after = scheduling.review(state, answer.rating, at, scheduler)
    if answer.exam_at is not None and after.due is not None:
        # As a local answer would place it, without the day loads (they differ between devices).
        due = planner.exam_due(after, now=at, exam_at=answer.exam_at, scheduler=scheduler)
        if due is not None and due != after.due:
            after = replace(after, due=due)
    return after


Recorded = tuple[Any, Any, str, bool]
"""An answer as its event carries it: (state before, state after, time, made under the current key),
states in event form (core.sync.events.state_data)."""


def follow_recorded(start: list[Any], answers: Sequence[Recorded], last_at: str | None) -> tuple[
        list[Any], list[list[Any]]]:
    """`replay` for answers that continue a card's chain, in event form and without fsrs: the state
    before each answer as long as each continues it (its recorded state-before is the state reached,
    it is in time order, it counts), and the state after the last of those. The answers after the
    first that does not continue it are for `replay`, from there. Lets a first sync apply a million
    answers without making a datetime."""
    state, befores = start, []
    for before, after, at, counts in answers:
        if not counts or after is None or before != state or (last_at is not None and at < last_at) or after[5] != at:
            break
        befores.append(state)
        state, last_at = after, at
    return state, befores
