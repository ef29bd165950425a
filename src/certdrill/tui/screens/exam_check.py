"""Before submitting a mock exam: every unanswered, incomplete or flagged question, each a key away."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from certdrill.core.durations import format_duration
from certdrill.core.text import terminal_safe
from certdrill.study.exam_session import Attention, ExamSession
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.results import GoToQuestion, SubmitExam


def attention_label(entry: Attention, prompt: str) -> Text:
    """' 3  incomplete: 1 of 2 picked  ⚑ flagged  Which are primes? …' (the list cuts it at its edge)."""
    label = Text(f"{entry.index + 1:>3}  ", style="bold")
    if entry.status == "unanswered":
        label.append("unanswered", style="red")
    elif entry.status == "incomplete":
        label.append(f"incomplete: {entry.picked} of {entry.needed} picked", style="yellow")
    else:
        label.append("answered", style="green")
    if entry.flagged:
        label.append("  ⚑ flagged", style="bold yellow")
    label.append("  " + terminal_safe(" ".join(prompt.split())), style="dim")
    return label


@reports_user_errors
class ExamCheckScreen(ModalScreen[SubmitExam | GoToQuestion | None]):
    """Returns SubmitExam, the question to go back to, or None (back to the exam)."""

    BINDINGS = [
        Binding("ctrl+s,y", "submit", "Submit now", id="exam_check.submit"),
        Binding("escape", "dismiss(None)", "Back to the exam", id="exam_check.back"),
    ]

    def __init__(self, session: ExamSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        session = self.session
        t = session.tally()
        entries = session.attention()
        with Vertical(classes="dialog", id="exam-check"):
            yield Static(Text("Check before you submit", style="bold"))
            counts = Text(f"{t.answered} answered · {t.incomplete} incomplete · {t.unanswered} unanswered · "
                          f"{t.flagged} flagged · {format_duration(session.seconds_left())} left")
            yield Static(counts)
            yield Static(Text(session.submit_note(), style="bold yellow" if entries else "bold green"))
            if entries:
                items = session.paper.items
                yield OptionList(*[Option(attention_label(e, items[e.index].question.prompt), id=str(e.index))
                                   for e in entries], id="exam-check-list")
            keys = "enter: go to that question · " if entries else ""
            yield Static(Text(f"{keys}ctrl+s or y: submit now · esc: back to the exam", style="dim"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(GoToQuestion(int(event.option.id)))

    def action_submit(self) -> None:
        self.dismiss(SubmitExam())
