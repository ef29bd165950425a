"""Durations as the learner reads them, one way everywhere: '42 s', '2 min', '2 min 05 s', '1 h 02 min'."""

from __future__ import annotations

import math


def whole_seconds(seconds: float) -> int:
    """Rounded to the nearest second, halves up (2.5 s is 3 s), never below zero."""
    return max(0, math.floor(seconds + 0.5))


def format_duration(seconds: float) -> str:
    """A duration in hours, minutes and seconds, each named, rounded to the nearest second.

    Units below the largest one are two digits and trailing zero units are left out:
    '0 s', '42 s', '2 min', '2 min 05 s', '1 h', '1 h 02 min', '1 h 00 min 05 s'.
    """
    total = whole_seconds(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts: list[str] = []
    if hours:
        parts.append(f"{hours} h")
    if minutes or (hours and secs):
        parts.append(f"{minutes:02d} min" if hours else f"{minutes} min")
    if secs or not parts:
        parts.append(f"{secs:02d} s" if parts else f"{secs} s")
    return " ".join(parts)


def seconds_left(seconds: float) -> int:
    """A countdown's whole seconds: rounded up, so it shows 0 only once the time is really up."""
    return max(0, math.ceil(seconds))
