"""App-wide requests that screens send up to the app (attributes down, messages up)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class StartReview(Message):
    deck_ids: list[str]


@dataclass
class OpenPractice(Message):
    deck_id: str


@dataclass
class OpenExamSetup(Message):
    deck_id: str


@dataclass
class OpenBrowser(Message):
    deck_id: str | None


class OpenStats(Message):
    pass


class OpenImport(Message):
    pass


class OpenSettings(Message):
    pass


class SyncNow(Message):
    """Sync with the learner's other machines now, and say what it did in one line."""
