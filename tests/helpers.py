"""What the tests share besides fixtures: the sample decks, a settable clock, a database dump,
a wait for the TUI's background work, and the notifications it shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

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


def refused(ws: Workspace, source: Path | str, **options: object) -> str:
    """The one-line message of an import that is refused, after checking it changed nothing."""
    from certdrill.errors import CertdrillError
    from certdrill.study.importing import ImportOptions, import_source

    before = sql_dump(ws)
    with ws.session() as s, pytest.raises(CertdrillError) as caught:
        import_source(s, source=str(source), options=ImportOptions(**options), now=ws.now())  # type: ignore[arg-type]
    assert sql_dump(ws) == before
    message = str(caught.value)
    assert "\n" not in message
    return message


class Cli:
    """`certdrill ...` in this process, on one data folder whose bundled decks are the sample ones."""

    def __init__(self, data: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.data, self.capsys = data, capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        from certdrill.cli import main

        self.capsys.readouterr()
        code = main(["--data-dir", str(self.data), *args])
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def dump(self) -> list[str]:
        """Every row of the database (see sql_dump)."""
        import sqlite3

        con = sqlite3.connect(self.data / "certdrill.db")
        try:
            return list(con.iterdump())
        finally:
            con.close()
