"""The browser with Pilot: the highlight stays on its question through suspend, flag and reset, and
the search box hands the keys to the results instead of acting on a row (issue #17)."""

from __future__ import annotations

from textual.widgets import DataTable

from certdrill.storage.tables import CardRow
from certdrill.study.browse import BrowseFilter
from certdrill.study.desk import StudyDesk
from certdrill.study.workspace import Workspace
from certdrill.tui.app import CertdrillApp, make_app
from certdrill.tui.screens.browser import BrowserScreen
from helpers import notices, settle

SIZE = (120, 30)


def card_row(ws: Workspace, card_id: int) -> CardRow:
    with ws.session() as s:
        row = s.get(CardRow, card_id)
        assert row is not None
        return row


def highlighted(app: CertdrillApp) -> str:
    screen = app.screen
    assert isinstance(screen, BrowserScreen)
    table = screen.query_one("#questions", DataTable)
    return screen.rows[table.cursor_row].question_id


async def test_the_cursor_stays_on_the_question_a_key_acted_on(workspace: Workspace) -> None:
    app = make_app(workspace, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("down")  # s-2
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert highlighted(app) == "s-2"
        await pilot.press("ctrl+u")  # acts on s-2 again, not on row 1
        await settle(pilot)
        assert highlighted(app) == "s-2"
        await pilot.press("ctrl+r", "y")
        await settle(pilot)
        assert highlighted(app) == "s-2"
    assert card_row(workspace, 2).flagged and card_row(workspace, 2).suspended
    assert not card_row(workspace, 1).flagged and not card_row(workspace, 1).suspended


async def test_keys_in_the_search_box_move_to_the_results_and_change_nothing(workspace: Workspace) -> None:
    app = make_app(workspace, seed=1)
    shown: list[tuple[str, str]] = []
    async with app.run_test(size=SIZE, message_hook=notices(shown)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#questions", DataTable)
        await pilot.press("slash", *"prime")
        await settle(pilot)
        assert screen.focused is not None and screen.focused.id == "search"
        await pilot.press("ctrl+f")  # in the search box: on to the list, no flag set
        await settle(pilot)
        assert screen.focused is table and not card_row(workspace, 2).flagged
        assert any("press it again to flag or unflag s-2" in note for note, _ in shown)
        await pilot.press("ctrl+f")  # now in the list: it acts on the question found
        await settle(pilot)
        assert card_row(workspace, 2).flagged and not card_row(workspace, 1).flagged
        await pilot.press("slash", "ctrl+u")  # ctrl+u neither clears the search nor suspends
        await settle(pilot)
        assert screen.focused is table and not card_row(workspace, 2).suspended
        assert screen.query_one("#search").value == "prime"  # type: ignore[attr-defined]
        for key in ("enter", "down"):
            await pilot.press("slash", key)
            await settle(pilot)
            assert screen.focused is table, key


def test_a_question_leaving_the_filter_hands_the_highlight_to_its_neighbour(workspace: Workspace) -> None:
    from certdrill.study.question_browser import QuestionBrowser

    desk = StudyDesk(workspace)
    for card_id in (1, 2, 4):
        desk.set_flagged(card_id, True)
    browser = QuestionBrowser(desk, BrowseFilter(state="flagged"))
    browser.reload()
    browser.highlight(2)
    assert browser.toggle_flag() == "s-2: flag removed."
    assert [r.question_id for r in browser.rows] == ["s-1", "s-4"] and browser.current is not None
    assert browser.current.question_id == "s-4"  # the row that took its place
