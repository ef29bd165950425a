"""The review screen with Pilot: undo takes back the last action whatever it was, and the rating
buttons keep the intervals they showed (issue #17)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import timedelta

from certdrill.core.scheduling import REVIEW
from certdrill.storage.tables import CardRow
from certdrill.study.workspace import Workspace
from certdrill.tui.app import make_app
from certdrill.tui.screens.review import ReviewScreen
from helpers import Clock, settle

SIZE = (100, 30)


def card_row(ws: Workspace, card_id: int) -> CardRow:
    with ws.session() as s:
        row = s.get(CardRow, card_id)
        assert row is not None
        return row


async def test_undo_after_suspend_or_bury_brings_that_question_back(workspace: Workspace) -> None:
    app = make_app(workspace, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r", "exclamation_mark")  # suspend s-1
        assert card_row(workspace, 1).suspended
        await pilot.press("u")
        assert not card_row(workspace, 1).suspended
        assert "Which number is even?" in screen_text(app)  # s-1 is back on show
        await pilot.press("minus")  # bury it, and take that back too
        assert card_row(workspace, 1).buried_until is not None
        await pilot.press("u")
        assert card_row(workspace, 1).buried_until is None and "Which number is even?" in screen_text(app)
        assert isinstance(app.screen, ReviewScreen)


def screen_text(app: object) -> str:
    from html import unescape

    svg = app.export_screenshot()  # type: ignore[attr-defined]
    return unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def rating_line(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    return str(screen.query_one("#rating").render())


async def test_the_rating_buttons_keep_their_intervals_while_the_rating_changes(
    make_workspace: Callable[..., Workspace], clock: Clock,
) -> None:
    random.seed(11)
    ws = make_workspace(fuzz=True)
    with ws.session() as s:  # a card in review with three days of stability, due now: its intervals are fuzzed
        row = s.get(CardRow, 1)
        assert row is not None
        row.state, row.step, row.stability, row.difficulty = REVIEW, None, 3.0, 5.0
        row.last_review, row.due = clock.now - timedelta(days=3), clock.now
        s.add(row)
        s.commit()
    app = make_app(ws, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r", "b", "enter")
        shown = re.sub(r"\s+", " ", rating_line(app).split("\n")[0])
        days = {int(r): int(d) for r, d in re.findall(r"(\d) \w+ (\d+)d", shown)}
        assert set(days) == {2, 3, 4}, shown
        for key in "4234":
            await pilot.press(key)
            assert re.sub(r"\s+", " ", rating_line(app).split("\n")[0]) == shown
            due = card_row(ws, 1).due
            assert due is not None and round((due - clock.now) / timedelta(days=1)) == days.get(int(key), -1)


async def test_a_notice_leaves_the_verdict_and_the_ratings_in_view(workspace: Workspace) -> None:
    from textual.widgets._toast import Toast

    app = make_app(workspace, seed=1)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("r", "b", "enter", "f")  # answered, then flagged: "Flagged." shows
        await settle(pilot)
        await pilot.pause(0.3)
        toasts = list(app.screen.query(Toast))
        assert toasts, "no notice shown"
        outcome = app.screen.query_one("#outcome").region
        assert all(not toast.region.overlaps(outcome) for toast in toasts)
