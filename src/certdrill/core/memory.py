"""A card's memory state as certdrill stores it (the `fsrs` package computes it; see scheduling)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

NEW = 0  # certdrill's own state for a card never reviewed; 1-3 are fsrs.State values
LEARNING, REVIEW, RELEARNING = 1, 2, 3
STATE_NAMES = {NEW: "new", LEARNING: "learning", REVIEW: "review", RELEARNING: "relearning"}


@dataclass(frozen=True, slots=True)
class CardState:
    """Everything that decides when a card comes back."""

    state: int = NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state, "step": self.step, "stability": self.stability, "difficulty": self.difficulty,
            "due": self.due.isoformat() if self.due else None,
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "reps": self.reps, "lapses": self.lapses,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CardState:
        values = dict(data)
        for key in ("due", "last_review"):
            if values.get(key):
                values[key] = datetime.fromisoformat(values[key])
        return cls(**values)
