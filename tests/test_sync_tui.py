"""Sync in the TUI: the folder in the settings, a sync in the background at start, a key on the
dashboard with a one-line toast, and a sync when quitting."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input

from certdrill.storage import lanes
from certdrill.storage.event_log import local_device
from certdrill.study.desk import StudyDesk
from certdrill.study.workspace import Workspace
from certdrill.tui.app import make_app
from helpers import notices, settle
from sync_devices import Device

SIZE = (100, 30)


def journal_lines(folder: Path, ws: Workspace) -> list[dict[str, object]]:
    """This device's journal in the sync folder, parsed."""
    with ws.session() as s:
        own = local_device(lanes.raw(s))[0]
    path = folder / f"{own}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


async def test_the_sync_key_says_in_one_line_what_it_did(workspace: Workspace, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    StudyDesk(workspace).save_setting("sync_folder", str(shared))
    laptop = Device(tmp_path, "laptop", shared, bundled=Path(__file__).parent / "data" / "decks")
    laptop.desk.answer(laptop.card_id("s-1"), [1])
    laptop.sync()
    shown: list[tuple[str, str]] = []
    app = make_app(workspace, seed=1)
    async with app.run_test(size=SIZE, message_hook=notices(shown)) as pilot:
        await settle(pilot)  # the sync at start ran in the background
        assert [t for t, _ in shown if t.startswith("received")] == [f"received 1 answer from {laptop.label()}"]
        await pilot.press("y")
        await settle(pilot)
        assert shown[-1] == ("nothing to sync: up to date with " + laptop.label(), "information")
    laptop.close()


async def test_without_a_sync_folder_the_key_says_where_to_set_one(workspace: Workspace) -> None:
    shown: list[tuple[str, str]] = []
    async with make_app(workspace, seed=1).run_test(size=SIZE, message_hook=notices(shown)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert shown == [("No sync folder yet: set one in the settings (,)", "warning")]


async def test_the_sync_folder_is_set_in_the_settings_and_syncs_at_once(workspace: Workspace, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shown: list[tuple[str, str]] = []
    async with make_app(workspace, seed=1).run_test(size=SIZE, message_hook=notices(shown)) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        app = pilot.app
        field = app.screen.query_one("#sync_folder")
        field.focus()
        await pilot.press(*str(shared), "enter")
        await settle(pilot)
        assert StudyDesk(workspace).sync_folder() == str(shared)
        assert shown[-1][0].startswith("nothing to sync: up to date")
        # The first sync named this device after its host: the field shows it, not its placeholder.
        name = app.screen.query_one("#device_name", Input).value
        assert name and name == StudyDesk(workspace).device_name()
        field.value = str(tmp_path / "nowhere")  # type: ignore[attr-defined]
        field.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert shown[-1] == (f"the sync folder {tmp_path / 'nowhere'} does not exist or is not a folder", "error")
    assert journal_lines(shared, workspace)  # this device's journal is in the folder


async def test_quitting_sends_the_answers_of_the_session(workspace: Workspace, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    StudyDesk(workspace).save_setting("sync_folder", str(shared))
    app = make_app(workspace, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r", "b", "enter", "escape")
        await settle(pilot)
        await pilot.press("escape", "q")
        await settle(pilot)
    assert [line["type"] for line in journal_lines(shared, workspace)].count("answer") == 1
