"""A doc link no browser could open: the whole URL, wrapped rather than cut, to select or copy."""

from __future__ import annotations

import os
import sys

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static

from certdrill.core.text import terminal_safe
from certdrill.study.links import LinkOpened, open_link
from certdrill.tui.text import references_markdown


def open_reference(node: Widget | Screen[object], url: str) -> None:
    """`o`: open a doc link in the learner's browser and say so, or show the whole link when no
    browser can be reached (over SSH, without a desktop)."""
    if not references_markdown([url]):
        node.notify("That reference is not an http(s) link.", severity="warning")
        return
    link = open_link(url, env=os.environ, platform=sys.platform)
    if link.opened:
        node.notify(f"Opened in your browser: {url}")
    else:
        node.app.push_screen(LinkScreen(link))


def link_text(url: str) -> Text:
    """The whole URL, folded at any character: it has no spaces to wrap at, and a cut one is useless."""
    return Text(terminal_safe(url, one_line=True), style="underline", overflow="fold")


class LinkScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("c", "copy", "Copy the link", id="link.copy"),
        Binding("escape,enter,q", "dismiss", "Close", id="link.close"),
    ]

    def __init__(self, link: LinkOpened) -> None:
        super().__init__()
        self.link = link

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="link-box"):
            yield Static(Text(f"No browser opened: {self.link.why}. The link:", style="bold"))
            yield Static(link_text(self.link.url), id="link-url")
            yield Static(Text("c: copy it to the clipboard (most terminals allow this, over SSH too); or select it "
                              "with the mouse (shift+drag in many terminals). enter or esc: close.", style="dim"))

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.link.url)
        self.notify("Link copied to the clipboard (if your terminal allows it).")
