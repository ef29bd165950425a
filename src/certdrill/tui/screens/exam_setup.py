"""Before a mock exam: the real exam's size and time, or a shorter custom paper; past attempts."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from certdrill.study.desk import StudyDesk
from certdrill.study.exam import exam_shape
from certdrill.tui.errors import reports_user_errors


@reports_user_errors
class ExamSetupScreen(ModalScreen[tuple[int, int] | int | None]):
    """Returns (size, minutes) to start, an attempt id to view, or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="exam_setup.cancel")]

    def __init__(self, desk: StudyDesk, deck_id: str) -> None:
        super().__init__()
        self.desk, self.deck_id = desk, deck_id
        deck = next(d for d in desk.decks() if d.id == deck_id)
        self.deck = deck
        self.full = exam_shape(deck.exam, None, None)

    def compose(self) -> ComposeResult:
        n, minutes = self.full
        with Vertical(id="dialog"):
            yield Static(Text(f"Mock exam · {self.deck.title}", style="bold"))
            note = "the real exam's size and time" if self.deck.exam and self.deck.exam.questions else "a default paper"
            yield Static(Text(f"Questions drawn by domain weight, unseen ones first. Full paper: {n} questions in "
                              f"{minutes} min ({note}). No feedback until you submit.", style="dim"))
            options = [Option(f"Full exam: {n} questions, {minutes} min", id="full")]
            for size in (10, 20, 30):
                if size < n:
                    s, m = exam_shape(self.deck.exam, size, None)
                    options.append(Option(f"Short: {s} questions, {m} min", id=f"size-{s}"))
            for attempt in self.desk.exam_attempts(self.deck_id)[:8]:
                if attempt.finished:
                    verdict = "" if attempt.passed is None else (" · pass" if attempt.passed else " · fail")
                    score = f"{attempt.score:g}" if attempt.score is not None else "?"
                    options.append(Option(f"Result of {attempt.started_at:%d %b %H:%M}: {attempt.size} q, "
                                          f"score {score}{verdict}", id=f"attempt-{attempt.attempt_id}"))
                else:
                    options.append(Option(f"Resume the unfinished exam of {attempt.started_at:%d %b %H:%M}",
                                          id=f"attempt-{attempt.attempt_id}"))
            yield OptionList(*options, id="exam-options")
            yield Label("Or a custom size (questions), then enter:")
            yield Input(placeholder=str(n), id="custom-size", type="integer")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if option_id == "full":
            self.dismiss(self.full)
        elif option_id.startswith("size-"):
            self.dismiss(exam_shape(self.deck.exam, int(option_id[5:]), None))
        elif option_id.startswith("attempt-"):
            self.dismiss(int(option_id[8:]))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            size = int(event.value)
        except ValueError:
            self.notify("Type a number of questions.", severity="warning")
            return
        if not 1 <= size <= self.full[0] * 2:
            self.notify(f"Choose between 1 and {self.full[0] * 2} questions.", severity="warning")
            return
        self.dismiss(exam_shape(self.deck.exam, size, None))
