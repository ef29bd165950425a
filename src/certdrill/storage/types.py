"""Column types: timezone-aware UTC datetimes stored as ISO text."""
# to_db_time and from_db_time live in timefmt (no SQLAlchemy), re-exported here for old imports.

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.types import String, TypeDecorator

from certdrill.storage.timefmt import from_db_time, to_db_time


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


__all__ = ["UTCDateTime", "from_db_time", "to_db_time"]
