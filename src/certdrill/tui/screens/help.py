"""Every key of every screen, gathered from the screens' own bindings."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from certdrill.tui.keys import action_name, key_label


def key_table(app: App[Any], title: str, bindings: list[BindingType]) -> Table:
    table = Table(title=title, title_justify="left", box=None, show_header=False, padding=(0, 2))
    table.add_column(style="bold cyan", min_width=14)
    table.add_column()
    for b in bindings:
        if isinstance(b, Binding) and b.description:
            table.add_row(key_label(app, b), action_name(b))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, sections: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(Text("certdrill keys", style="bold"))
            for title, bindings in self.sections:
                yield Static(key_table(self.app, title, bindings))
            yield Static(Text("In review and exams: a, b, c… or 1, 2, 3… choose an answer. "
                              "ctrl+p opens the command palette with every action.", style="dim"))
