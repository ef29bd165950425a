"""What the tests share besides fixtures: the sample decks, a settable clock, a database dump,
a wait for the TUI's background work, and the notifications it shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from certdrill.study.workspace import Workspace

if TYPE_CHECKING:
    from textual.message import Message

DATA = Path(__file__).parent / "data"
SAMPLE_DECKS = DATA / "decks"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday morning, well after the 04:00 rollover


class Clock:
    """A settable clock for tests."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


def sql_dump(ws: Workspace) -> list[str]:
    """Every row of every table, as SQL text: equal dumps mean equal content."""
    import sqlite3

    con = sqlite3.connect(ws.db_path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


async def settle(pilot: Any) -> None:
    """Wait until background workers (readiness on the dashboard) are done and the screen is drawn."""
    from textual.worker import WorkerCancelled, WorkerFailed

    for _ in range(50):
        try:
            await pilot.app.workers.wait_for_complete()
        except (WorkerCancelled, WorkerFailed):
            continue  # a newer request replaced it; wait for that one
        if not any(w.is_running for w in pilot.app.workers):
            break
    await pilot.pause()


def notices(into: list[tuple[str, str]]) -> Callable[[Message], None]:
    """A `run_test(message_hook=...)` that keeps every notification the app shows: (text, severity)."""
    from textual.notifications import Notify

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            into.append((message.notification.message, message.notification.severity))

    return hook
