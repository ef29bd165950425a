"""The learner's day on the dashboard, settings, import, practice picker and command palette (Pilot)."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

from textual.widgets import Input

from certdrill.study.desk import StudyDesk
from certdrill.study.workspace import Workspace
from certdrill.tui.app import CertdrillApp, make_app
from certdrill.tui.screens.settings import SettingsScreen
from helpers import settle

SIZE = (100, 30)


def screen_text(app: CertdrillApp) -> str:
    """What the terminal shows, as plain text."""
    svg = app.export_screenshot()
    return unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def test_settings_shows_the_values_saved_before(workspace: Workspace) -> None:
    desk = StudyDesk(workspace)
    desk.set_exam_date("sample", date(2026, 12, 1), minutes_per_day=45)
    desk.save_setting("rollover_hour", 2)
    desk.save_setting("new_per_day", 7)
    app = make_app(workspace, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        values = {i.id: i.value for i in app.screen.query(Input)}
    assert values == {"new_per_day": "7", "desired_retention": "0.9", "rollover_hour": "2",
                      "exam-sample": "2026-12-01", "minutes-sample": "45"}


async def test_the_rollover_hour_saved_in_settings_moves_today(workspace: Workspace) -> None:
    app = make_app(workspace, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await settle(pilot)
        field = app.screen.query_one("#rollover_hour", Input)
        field.focus()
        field.value = "10"  # the test clock reads 09:00 UTC: with the day starting at 10, it is still yesterday
        await pilot.press("enter")
        await settle(pilot)
    assert workspace.settings().rollover_hour == 10
    assert StudyDesk(workspace).today() == date(2026, 11, 1)
