"""Column types: timezone-aware UTC datetimes stored as ISO text."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.types import String, TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; naive values are refused, never guessed."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        # Fixed width keeps text order equal to time order, so indexes on it work.
        return to_db_time(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return from_db_time(value)


def to_db_time(value: datetime) -> str:
    """The stored text form of a datetime, for hand-written SQL: fixed-width UTC, ending in Z."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: certdrill stores UTC-aware times only")
    # isoformat is several times faster than strftime and gives the same fixed-width text.
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def from_db_time(value: str | None) -> datetime | None:
    """Parse the stored text form back into an aware UTC datetime."""
    if value is None:
        return None
    # fromisoformat is several times faster than strptime; the stored form is always UTC ("Z").
    return datetime.fromisoformat(value)
