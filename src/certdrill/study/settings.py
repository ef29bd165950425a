"""Learner settings stored in the database, with their defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from certdrill.core.daily_new import DEFAULT_NEW_PER_DAY
from certdrill.storage.engine import begin_write
from certdrill.storage.tables import SettingRow


@dataclass(frozen=True, slots=True)
class Settings:
    new_per_day: int = DEFAULT_NEW_PER_DAY
    """New questions per deck per day, unless the deck sets its own."""
    desired_retention: float = 0.9
    """The recall probability FSRS schedules reviews for."""
    theme: str = "textual-dark"
    """The TUI colour theme."""
    fsrs_parameters: list[float] | None = None
    """FSRS parameters fitted by `certdrill optimize --apply`; None uses the package defaults."""


DEFAULTS = Settings()
LIMITS = {"new_per_day": (0, 9999), "desired_retention": (0.7, 0.99)}


def load_settings(session: Session) -> Settings:
    values: dict[str, Any] = {}
    for name in Settings.__dataclass_fields__:
        row = session.get(SettingRow, name)
        if row is not None:
            values[name] = row.value
    return Settings(**values)


def save_setting(session: Session, *, name: str, value: Any) -> None:
    from certdrill.errors import CertdrillError

    if name not in Settings.__dataclass_fields__:
        raise CertdrillError(f"unknown setting '{name}'")
    if name in LIMITS:
        lo, hi = LIMITS[name]
        if not lo <= value <= hi:
            raise CertdrillError(f"{name} must be between {lo} and {hi}, not {value}")
    begin_write(session)
    session.merge(SettingRow(key=name, value=value))
    session.commit()
