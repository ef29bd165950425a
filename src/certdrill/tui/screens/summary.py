"""The end of a review or practice session: accuracy, by domain, time, and what comes tomorrow."""

from __future__ import annotations

from collections import Counter

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from certdrill.study.desk import StudyDesk
from certdrill.study.session import Answered
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.text import literal


def summary_table(heading: str, answers: list[Answered], names: dict[str, str], due_tomorrow: int) -> Table:
    """Answered and right per domain and in all, the time taken, and tomorrow's load."""
    graded = [a for a in answers if a.correct is not None]
    right = sum(1 for a in graded if a.correct)
    seconds = sum(a.seconds for a in answers)
    table = Table(title=literal(f"{heading}: session summary"), show_header=True, expand=True, box=None)
    table.add_column("Domain")
    table.add_column("Answered", justify="right")
    table.add_column("Right", justify="right")
    per: Counter[str] = Counter(a.domain for a in graded)
    ok: Counter[str] = Counter(a.domain for a in graded if a.correct)
    for domain, n in per.most_common():
        table.add_row(literal(names.get(domain, domain)), str(n), f"{ok[domain] / n:.0%}")
    accuracy = f"{right / len(graded):.0%}" if graded else "—"
    table.add_section()
    table.add_row(Text("All", style="bold"), str(len(answers)), accuracy)
    minutes, secs = divmod(int(seconds), 60)
    table.caption = (
        f"{len(answers)} answered in {minutes}m {secs:02d}s · "
        f"{(seconds / len(answers)) if answers else 0:.0f}s each · "
        f"due tomorrow: {due_tomorrow}"
    )
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
