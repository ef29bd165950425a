"""The learner's study day: it rolls over at 04:00 local time, as in Anki."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, tzinfo

ROLLOVER_HOUR = 4


def day_start(now: datetime, tz: tzinfo) -> datetime:
    """Start (in UTC) of the study day that contains `now`, in the learner's timezone `tz`."""
    local = now.astimezone(tz)
    start = datetime.combine(local.date(), time(ROLLOVER_HOUR), tzinfo=tz)
    if local < start:
        start -= timedelta(days=1)
    return start.astimezone(UTC)


def study_date(moment: datetime, tz: tzinfo) -> str:
    """The ISO date of the study day `moment` falls in."""
    local = moment.astimezone(tz) - timedelta(hours=ROLLOVER_HOUR)
    return local.date().isoformat()


def next_day_start(now: datetime, tz: tzinfo) -> datetime:
    return (day_start(now, tz).astimezone(tz) + timedelta(days=1)).astimezone(UTC)
