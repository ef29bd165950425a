"""Learner settings stored in the database, with their defaults."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from certdrill.core.clock import ROLLOVER_HOUR
from certdrill.core.daily_new import DEFAULT_NEW_PER_DAY
from certdrill.storage import lanes, queue
from certdrill.study import changes

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True, slots=True)
class Settings:
    new_per_day: int = DEFAULT_NEW_PER_DAY
    """New questions per deck per day, unless the deck sets its own."""
    desired_retention: float = 0.9
    """The recall probability FSRS schedules reviews for."""
    rollover_hour: int = ROLLOVER_HOUR
    """The hour (local time, 0-23) at which one study day ends and the next begins."""
    theme: str = "textual-dark"
    """The TUI colour theme."""
    fsrs_parameters: list[float] | None = None
    """FSRS parameters fitted by `certdrill optimize --apply`; None uses the package defaults."""
    sync_folder: str | None = None
    """The folder this device syncs through (`certdrill sync DIR` sets it); None: no sync."""


DEFAULTS = Settings()
LOCAL = frozenset({"theme", "sync_folder"})
"""Settings of this device only: the others travel to the learner's other devices (sync)."""
LIMITS = {"new_per_day": (0, 9999), "desired_retention": (0.7, 0.99), "rollover_hour": (0, 23)}


def load_settings(con: sqlite3.Connection) -> Settings:
    """The learner's settings, read with plain sqlite3 (start-up and the CLI do not wait for the ORM)."""
    stored = {name: queue.stored_setting(con, name) for name in Settings.__dataclass_fields__}
    return Settings(**{name: value for name, value in stored.items() if value is not None})


def check_setting(name: str, value: Any) -> None:
    """Refuse an unknown setting or a value out of its range (`CertdrillError`)."""
    from certdrill.errors import CertdrillError

    if name not in Settings.__dataclass_fields__:
        raise CertdrillError(f"unknown setting '{name}'")
    if name in LIMITS:
        lo, hi = LIMITS[name]
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise CertdrillError(f"{name} must be between {lo} and {hi}, not {value}")
        if isinstance(lo, int) and not isinstance(value, int):  # a count or an hour (a synced value may be 2.5)
            raise CertdrillError(f"{name} must be a whole number, not {value}")


def save_setting(session: Session, *, name: str, value: Any, now: datetime | None = None) -> None:
    check_setting(name, value)
    from certdrill.storage.engine import begin_write
    from certdrill.storage.tables import SettingRow

    begin_write(session)
    session.merge(SettingRow(key=name, value=value))
    if name not in LOCAL:
        changes.setting_saved(lanes.raw(session), key=name, value=value, now=now or datetime.now(UTC))
    session.commit()


def set_deck_new_limit(session: Session, *, deck_id: str, limit: int | None, now: datetime | None = None) -> None:
    """The deck's own daily new limit; None returns it to the learner's `new_per_day`."""
    from certdrill.errors import CertdrillError
    from certdrill.storage.engine import begin_write
    from certdrill.storage.tables import DeckRow

    if limit is not None:
        lo, hi = LIMITS["new_per_day"]
        if not lo <= limit <= hi:
            raise CertdrillError(f"a deck's new questions a day must be between {lo} and {hi}, not {limit}")
    begin_write(session)
    deck = session.get(DeckRow, deck_id)
    if deck is None:
        session.rollback()
        raise CertdrillError(f"no deck '{deck_id}' (see `certdrill decks`)")
    deck.new_per_day = limit
    session.add(deck)
    changes.deck_changed(lanes.raw(session), "new_limit", deck_id=deck_id, now=now or datetime.now(UTC), limit=limit)
    session.commit()
