"""Merging events: one total order for all devices, and last-writer-wins for a field's value."""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

from certdrill.core.sync.events import Event


def in_order(events: Iterable[Event]) -> list[Event]:
    """Events in the order every device applies them: clock, then device id, then sequence."""
    return sorted(events, key=_ORDER)


_ORDER = attrgetter("hlc", "device", "seq")  # Event.order, without a call per event


def last_writer(events: Iterable[Event]) -> Event | None:
    """The event whose value stands for its field: the latest by clock (device id breaks a tie)."""
    return max(events, key=lambda e: e.order, default=None)


def union(*batches: Iterable[Event]) -> dict[tuple[str, int], Event]:
    """All events by (device, seq): an event seen twice (a conflict copy, a re-read) is one event."""
    merged: dict[tuple[str, int], Event] = {}
    for batch in batches:
        for event in batch:
            merged.setdefault(event.id, event)
    return merged
