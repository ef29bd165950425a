"""The stored text form of times: fixed-width UTC ISO text ending in Z (sorts as time does)."""

from __future__ import annotations

from datetime import UTC, datetime


def to_db_time(value: datetime) -> str:
    """The stored text form of a datetime, for hand-written SQL: fixed-width UTC, ending in Z."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: certdrill stores UTC-aware times only")
    # isoformat is several times faster than strftime and gives the same fixed-width text; a UTC
    # time (most are) ends in "+00:00", which becomes "Z" without converting anything.
    if value.tzinfo is UTC:
        return value.isoformat(timespec="microseconds")[:-6] + "Z"
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def from_db_time(value: str | None) -> datetime | None:
    """Parse the stored text form back into an aware UTC datetime."""
    if value is None:
        return None
    # fromisoformat is several times faster than strptime; the stored form is always UTC ("Z").
    return datetime.fromisoformat(value)
