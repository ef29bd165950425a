"""How each screen looks at 100x30, with a fixed clock and seed (pytest-textual-snapshot)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from certdrill.study.desk import StudyDesk
from certdrill.study.workspace import Workspace
from certdrill.tui.app import make_app
from helpers import Clock, settle

SIZE = (100, 30)


def studied(workspace: Workspace, clock: Clock) -> Workspace:
    """A little history, so charts and bars have something to show."""
    desk = StudyDesk(workspace)
    start = clock.now
    for day in range(6):
        for card_id, chosen in ((1, [1]), (2, [0, 2]), (4, [day % 2])):
            desk.answer(card_id, chosen)
            clock.advance(minutes=15)
        clock.advance(days=1)
    clock.now = start.replace(day=start.day + 7)
    return workspace


async def steady(pilot: Any) -> None:
    """Toasts fade after seconds and a text cursor blinks: both would make the picture depend on how fast
    the machine is. What toasts say is tested in the Pilot tests."""
    pilot.app.clear_notifications()
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False
    await pilot.pause()


def pressing(keys: list[str]) -> Callable[[Any], Any]:
    """What to do before the picture: let the app settle, press the keys one by one, then hold it still."""
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await steady(pilot)
    return run_before


@pytest.fixture
def app_with_history(workspace: Workspace, clock: Clock) -> Callable[[], Any]:
    return lambda: make_app(studied(workspace, clock), seed=7)


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("dashboard", []),
        ("review_question", ["r"]),
        ("review_answered", ["r", "b", "enter"]),
        ("exam", ["e", "enter"]),
        ("exam_result", ["e", "enter", "a", "n", "ctrl+s", "y"]),
        ("browser", ["b"]),
        ("stats", ["s"]),
        ("settings", ["comma"]),
        ("help", ["question_mark"]),
    ],
)
def test_screen_looks_right(snap_compare: Any, app_with_history: Callable[[], Any], name: str, keys: list[str]) -> None:
    run_before = pressing(keys)

    assert snap_compare(app_with_history(), terminal_size=SIZE, run_before=run_before)


# The screens of the learner's day (issue #17), at the smallest size supported and a large one.
DAY_SCREENS = [
    ("review_question", ["r"]),
    ("review_answered", ["r", "b", "enter"]),
    ("history", ["r", "b", "enter", "l"]),
    ("link", ["r", "b", "enter", "o"]),
    ("summary", ["r", "b", "enter", "escape"]),
    ("exam", ["e", "enter"]),
    ("exam_incomplete_struck", ["e", "enter", "a", "x", "b"]),
    ("exam_check", ["e", "enter", "a", "f", "ctrl+s"]),
    ("exam_quit", ["e", "enter", "q"]),
    ("exam_setup_paused", ["e", "enter", "a", "escape", "e"]),
    ("exam_result", ["e", "enter", "a", "n", "ctrl+s", "y"]),
    ("browser", ["b"]),
]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize(("name", "keys"), DAY_SCREENS, ids=[name for name, _ in DAY_SCREENS])
def test_day_screen_looks_right(snap_compare: Any, app_with_history: Callable[[], Any], monkeypatch: pytest.MonkeyPatch,
                                name: str, keys: list[str], size: tuple[int, int]) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 5000 10.0.0.1 22")  # `o` shows the link, opens nothing
    for variable in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(variable, raising=False)

    run_before = pressing(keys)

    assert snap_compare(app_with_history(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("dashboard", []),
        ("dashboard_panel_focused", ["tab", "down"]),
        ("settings", ["comma"]),
        ("import", ["i"]),
        ("practice", ["p"]),
        ("help", ["question_mark"]),
        ("palette", ["ctrl+p", "k", "e", "y"]),
        ("stats", ["s"]),
    ],
)
def test_a_learners_day_at_80x24_and_120x40(snap_compare: Any, app_with_history: Callable[[], Any], name: str,
                                            keys: list[str], size: tuple[int, int]) -> None:
    run_before = pressing(keys)

    assert snap_compare(app_with_history(), terminal_size=size, run_before=run_before)
