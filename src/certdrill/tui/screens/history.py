"""A card's history: every answer, when, in which mode, what was chosen, the verdict, the rating,
the time taken and the interval it left; opened from the review and from the browser."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from certdrill.core.durations import format_duration
from certdrill.core.grading import RATING_NAMES
from certdrill.core.memory import STATE_NAMES
from certdrill.core.scheduling import format_interval
from certdrill.core.text import counted, terminal_safe
from certdrill.study.history import CardHistory, HistoryEntry
from certdrill.tui.widgets.choices import LETTERS


def answer_cell(entry: HistoryEntry) -> Text:
    if entry.correct is None:
        return Text("recalled" if entry.rating > 1 else "forgot", style="dim")
    picked = ",".join(LETTERS[i] for i in entry.chosen if i < len(LETTERS)) or "—"
    return Text(f"{picked} {'✔' if entry.correct else '✘'}", style="green" if entry.correct else "red")


def history_heading(history: CardHistory, local: Callable[[datetime], datetime]) -> Text:
    state = history.state
    text = Text(terminal_safe(history.question.id), style="bold")
    text.append(f" · {terminal_safe(history.deck_id)} · {counted(len(history.entries), 'answer')} · now {STATE_NAMES.get(state.state, '?')}")
    if state.due is not None:
        text.append(f", due {local(state.due):%d %b %Y %H:%M}")
    if history.suspended:
        text.append(" · suspended", style="yellow")
    if history.flagged:
        text.append(" · ⚑ flagged", style="yellow")
    text.append("\n" + " ".join(terminal_safe(history.question.prompt).split()), style="dim")
    return text


class HistoryScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,q,l", "dismiss", "Close", id="history.close")]

    def __init__(self, history: CardHistory, local: Callable[[datetime], datetime]) -> None:
        super().__init__()
        self.history, self.local = history, local

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="history-box"):
            heading = history_heading(self.history, self.local)
            heading.overflow = "ellipsis"
            yield Static(heading, id="history-heading")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static(Text("Next in: the interval the answer gave (practice and mock exams leave the "
                              "schedule alone). esc: close", style="dim"))

    def on_mount(self) -> None:
        table = self.query_one("#history-table", DataTable)
        for label in ("When", "Mode", "Answer", "Rating", "Took", "Next in"):
            table.add_column(label)
        for entry in reversed(self.history.entries):  # newest first
            interval = "—" if entry.interval is None else format_interval(entry.interval)
            table.add_row(f"{self.local(entry.at):%d %b %Y %H:%M}", entry.mode, answer_cell(entry),
                          RATING_NAMES.get(entry.rating, str(entry.rating)), format_duration(entry.seconds), interval)
        if not self.history.entries:
            table.display = False
            self.query_one("#history-heading", Static).update(
                history_heading(self.history, self.local).append("\n\nNot answered yet.", style="bold"))
        table.focus()
