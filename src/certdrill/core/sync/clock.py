"""The hybrid logical clock that orders events across devices: (wall ms, counter) packed in one integer.

A device's clock ticks on every local change to more than both its wall clock and every event it
has seen, so its own events never reorder, a change made after seeing another wins against it,
and a wall clock hours off decides only between changes made without seeing each other.
"""

from __future__ import annotations

from datetime import UTC, datetime

COUNTER_BITS = 16
MAX_WALL_MS = (1 << 47) - 1  # year 6429: far beyond any clock, well inside a signed 64-bit integer
MAX_HLC = (MAX_WALL_MS << COUNTER_BITS) | ((1 << COUNTER_BITS) - 1)


def pack(wall_ms: int, counter: int = 0) -> int:
    """One integer that sorts as (wall ms, counter) does."""
    return (wall_ms << COUNTER_BITS) | counter


def unpack(hlc: int) -> tuple[int, int]:
    """(wall ms, counter), as a journal line writes it."""
    return hlc >> COUNTER_BITS, hlc & ((1 << COUNTER_BITS) - 1)


def wall_ms(moment: datetime) -> int:
    """Milliseconds since the epoch of an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware time")
    return int(moment.timestamp() * 1000)


def at_time(moment: datetime) -> int:
    """The clock reading of a wall time with counter 0 (for history made before sync existed)."""
    return pack(wall_ms(moment))


def tick(last_seen: int, now: datetime) -> int:
    """The clock of a new local event: after the wall time and after every event seen so far."""
    return max(at_time(now), last_seen + 1)


def wall_time(hlc: int) -> datetime:
    """The wall-clock part as a UTC datetime (when a device last changed something, roughly)."""
    return datetime.fromtimestamp((hlc >> COUNTER_BITS) / 1000, UTC)
