"""The learner's study day: it rolls over at an hour of their choosing (04:00 local time by default,
as in Anki). Every "today" (queue counts, new per day, streaks, heatmap, bury) comes from here."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, tzinfo

ROLLOVER_HOUR = 4
"""The default hour (local time) at which a study day ends and the next begins."""


class StudyZone(tzinfo):
    """The learner's timezone together with the hour their study day starts.

    It is a timezone like any other for display (`moment.astimezone(zone)`); the functions below
    read its rollover hour. Passing it wherever a `tz` goes keeps the hour in one place instead of
    a second parameter beside every timezone.
    """

    zone: tzinfo
    rollover_hour: int

    def __init__(self, zone: tzinfo, rollover_hour: int = ROLLOVER_HOUR) -> None:
        super().__init__()
        if isinstance(zone, StudyZone):
            zone = zone.zone
        if not 0 <= rollover_hour <= 23:
            raise ValueError(f"rollover hour must be 0..23, not {rollover_hour}")
        self.zone = zone
        self.rollover_hour = rollover_hour

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return self.zone.utcoffset(dt)

    def dst(self, dt: datetime | None) -> timedelta | None:
        return self.zone.dst(dt)

    def tzname(self, dt: datetime | None) -> str | None:
        return self.zone.tzname(dt)

    def fromutc(self, dt: datetime) -> datetime:
        return self.zone.fromutc(dt.replace(tzinfo=self.zone)).replace(tzinfo=self)

    def __repr__(self) -> str:
        return f"StudyZone({self.zone!r}, rollover_hour={self.rollover_hour})"


def rollover_hour(tz: tzinfo) -> int:
    """The hour the study day starts in `tz` (a plain timezone: the default hour)."""
    return tz.rollover_hour if isinstance(tz, StudyZone) else ROLLOVER_HOUR


def day_start(now: datetime, tz: tzinfo) -> datetime:
    """Start (in UTC) of the study day that contains `now`, in the learner's timezone `tz`."""
    local = now.astimezone(tz)
    start = datetime.combine(local.date(), time(rollover_hour(tz)), tzinfo=tz)
    if local < start:
        start -= timedelta(days=1)
    return start.astimezone(UTC)


def study_date(moment: datetime, tz: tzinfo) -> str:
    """The ISO date of the study day `moment` falls in."""
    local = moment.astimezone(tz) - timedelta(hours=rollover_hour(tz))
    return local.date().isoformat()


def next_day_start(now: datetime, tz: tzinfo) -> datetime:
    return (day_start(now, tz).astimezone(tz) + timedelta(days=1)).astimezone(UTC)
