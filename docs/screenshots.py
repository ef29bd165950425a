"""Regenerate the README screenshots: `python docs/screenshots.py` (bundled decks, a fixed clock,
two weeks of simulated study; writes docs/screenshots/*.svg)."""

from __future__ import annotations

import asyncio
import random
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from certdrill.study.desk import StudyDesk
from certdrill.study.workspace import Workspace
from certdrill.tui.app import make_app

OUT = Path(__file__).parent / "screenshots"
SIZE = (110, 34)
DECK = "aws-mla-c02"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 12, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def study(desk: StudyDesk, clock: Clock, rng: random.Random) -> None:
    """Two weeks of mornings: due cards first, then new ones, right about three times in four."""
    for _day in range(14):
        for _ in range(18):
            card = desk.next_card([DECK])
            if card is None:
                break
            q = card.question
            right = rng.random() < 0.75
            chosen = list(q.correct_indices) if right else [(q.correct_indices[0] + 1) % len(q.choices)]
            desk.answer(card.card_id, chosen, duration_ms=rng.randint(20_000, 90_000))
            clock.now += timedelta(seconds=rng.randint(30, 90))
        clock.now = clock.now.replace(hour=8, minute=0) + timedelta(days=1)


async def shoot(ws: Workspace, name: str, keys: list[str], *, answer_wrongly: bool = False,
                pace: Clock | None = None) -> None:
    from certdrill.tui.screens.review import ReviewScreen

    app = make_app(ws, seed=3)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        rng = random.Random(11)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            if pace is not None and key == "n":  # a mock exam takes time: about a minute a question
                pace.now += timedelta(seconds=rng.randint(35, 110))
        screen = app.screen
        if answer_wrongly and isinstance(screen, ReviewScreen) and screen.session.card is not None:
            # A wrong pick shows the most: the learner's choice, the right one, every reason.
            q = screen.session.card.question
            right = list(q.correct_indices)
            wrong = next(i for i in range(len(q.choices)) if i not in right)
            for i in [*right[1:], wrong]:
                await pilot.press("abcde"[i])
            await pilot.press("enter")
            await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        (OUT / f"{name}.svg").write_text(app.export_screenshot(title=f"certdrill — {name}"))


def main() -> None:
    OUT.mkdir(exist_ok=True)
    clock = Clock()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(Path(tmp), clock=clock, tz=UTC, fuzz=False)
        desk = StudyDesk(ws)
        desk.set_exam_date(DECK, date(2026, 12, 14), 30)
        study(desk, clock, random.Random(7))
        row = [d.id for d in desk.decks()].index(DECK)
        down = ["down"] * row
        asyncio.run(shoot(ws, "dashboard", down))
        asyncio.run(shoot(ws, "review", [*down, "r"], answer_wrongly=True))
        asyncio.run(shoot(ws, "exam-result", [*down, "e", "down", "enter",
                                             *[k for _ in range(10) for k in ("b", "n")], "ctrl+s", "y"], pace=clock))
        ws.close()


if __name__ == "__main__":
    main()
