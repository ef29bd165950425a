"""`o` opens a doc link, or says why it cannot and shows the whole link to copy (issue #17)."""

from __future__ import annotations

import pytest

from certdrill.study.workspace import Workspace
from certdrill.tui.app import make_app
from helpers import notices, settle
from test_tui import screen_text

LONG = "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-feature-attribution-drift-with-a-long-name.html"


def test_over_ssh_no_browser_is_tried() -> None:
    from certdrill.study.links import browser_reachable, open_link

    tried: list[str] = []

    def opener(url: str) -> bool:
        tried.append(url)
        return True

    ssh = {"SSH_CONNECTION": "10.0.0.2 5000 10.0.0.1 22"}
    for platform in ("linux", "darwin"):
        link = open_link(LONG, env=ssh, platform=platform, opener=opener)
        assert not link.opened and link.why == "this terminal is on another machine (SSH)"
    assert tried == []
    assert browser_reachable({}, "linux") == "there is no desktop to open it on"
    assert browser_reachable({**ssh, "DISPLAY": "localhost:10.0"}, "linux") is None  # X forwarding reaches one


def test_a_browser_that_does_not_start_is_reported() -> None:
    from certdrill.study.links import open_link

    assert open_link(LONG, env={"DISPLAY": ":0"}, platform="linux", opener=lambda _url: False).why == \
        "no browser was found"
    assert open_link(LONG, env={"DISPLAY": ":0"}, platform="linux", opener=lambda _url: True).opened


async def test_o_without_a_browser_shows_the_whole_link_to_copy(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from certdrill.tui.screens.link import LinkScreen

    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 5000 10.0.0.1 22")
    monkeypatch.setattr("sys.platform", "linux")
    app = make_app(workspace, seed=1)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r", "b", "enter", "o")
        await settle(pilot)
        assert isinstance(app.screen, LinkScreen)
        text = screen_text(app)
        assert "No browser opened: this terminal is on another machine (SSH)" in text
        url = "https://en.wikipedia.org/wiki/Parity_(mathematics)"
        assert url in text
        await pilot.press("c")
        assert copied == [url]
        await pilot.press("escape")
        assert not isinstance(app.screen, LinkScreen)


async def test_o_says_when_the_browser_opened(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    shown: list[tuple[str, str]] = []
    app = make_app(workspace, seed=1)
    async with app.run_test(size=(80, 24), message_hook=notices(shown)) as pilot:
        await settle(pilot)
        await pilot.press("r", "b", "enter", "o")
        await settle(pilot)
    assert opened == ["https://en.wikipedia.org/wiki/Parity_(mathematics)"]
    assert ("Opened in your browser: https://en.wikipedia.org/wiki/Parity_(mathematics)", "information") in shown


def test_a_long_link_is_folded_not_cut() -> None:
    from rich.console import Console

    from certdrill.tui.screens.link import link_text

    console = Console(width=40, file=None)
    with console.capture() as capture:
        console.print(link_text(LONG))
    lines = capture.get().splitlines()
    assert len(lines) == 3 and "".join(line.strip() for line in lines) == LONG
