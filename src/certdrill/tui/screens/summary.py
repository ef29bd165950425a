"""The end of a review or practice session: accuracy, by domain, time, and what comes tomorrow."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from certdrill.core.text import counted
from certdrill.study.desk import StudyDesk
from certdrill.study.session import Answered
from certdrill.study.session_summary import SummaryRow, summarize
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.text import literal


def right_cell(row: SummaryRow) -> str:
    """'3/4 75%', or a dash where every answer was a self-rated flashcard."""
    return "—" if row.accuracy is None else f"{row.right}/{row.graded} {row.accuracy:.0%}"


def summary_table(heading: str, answers: list[Answered], names: dict[str, str], due_tomorrow: int) -> Table:
    """Answered and right per domain and in all (the rows add up), the time taken, and tomorrow's load."""
    summary = summarize(answers, names)
    table = Table(title=literal(f"{heading}: session summary"), show_header=True, expand=True, box=None)
    table.add_column("Domain")
    table.add_column("Answered", justify="right")
    table.add_column("Right", justify="right")
    for row in summary.rows:
        table.add_row(literal(row.name), str(row.answered), right_cell(row))
    table.add_section()
    table.add_row(Text("All", style="bold"), str(summary.total.answered), right_cell(summary.total))
    caption = f"{summary.time_line()} · due tomorrow: {due_tomorrow}"
    if summary.total.flashcards:
        caption += (f"\nRight counts the answers with a verdict; {counted(summary.total.flashcards, 'flashcard')} "
                    "you rated yourself.")
    table.caption = caption
    return table


@reports_user_errors
class SummaryScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,q", "dismiss", "Back to the dashboard", id="summary.close")]

    def __init__(self, desk: StudyDesk, log: list[Answered], *, deck_ids: list[str], heading: str) -> None:
        super().__init__()
        self.desk, self.answers, self.deck_ids, self.heading = desk, log, deck_ids, heading

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="summary-box", classes="dialog"):
            yield Static(summary_table(self.heading, self.answers, self.desk.domain_names(self.deck_ids),
                                       self.desk.due_tomorrow(self.deck_ids)), id="summary")
            yield Static(Text("enter or esc: back to the dashboard", style="dim"))
