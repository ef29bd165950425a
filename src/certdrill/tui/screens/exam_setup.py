"""Before a mock exam: the real exam's size and time, or a shorter custom paper; past attempts."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from certdrill.core.durations import format_duration, seconds_left
from certdrill.core.exam_score import ScoreScale, score_scale
from certdrill.core.text import counted
from certdrill.study.desk import StudyDesk
from certdrill.study.exam import exam_shape
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.results import ExamChoice, NewExam, OpenAttempt
from certdrill.tui.text import literal


def score_text(score: float | None, scale: ScoreScale | None) -> str:
    """An attempt's stored score as the exam states it: scaled, percent, or (no pass mark) right."""
    if score is None:
        return "no score"
    if scale is None:
        return f"{score:.0%} right"  # stored as the raw fraction
    return f"scaled {score:.0f}" if scale.unit == "scaled" else f"{score:.0f}%"


def unseen_note(left: int) -> str:
    """How many full mocks of unseen questions remain (the one number a learner needs before a mock)."""
    if left == 0:
        return "No full mock of unseen questions remains: questions will be reused, least recently seen first."
    return f"{counted(left, 'full mock')} of unseen questions {'remains' if left == 1 else 'remain'}."


def time_left(left: timedelta) -> str:
    """A paused attempt's time left, as the exam's clock shows it: '1 h 40 min 59 s', '5 min'."""
    return format_duration(seconds_left(left.total_seconds()))


@reports_user_errors
class ExamSetupScreen(ModalScreen[ExamChoice | None]):
    """Returns a new exam to start, a past attempt to open, or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="exam_setup.cancel")]

    def __init__(self, desk: StudyDesk, deck_id: str) -> None:
        super().__init__()
        self.desk, self.deck_id = desk, deck_id
        deck = next(d for d in desk.decks() if d.id == deck_id)
        self.deck = deck
        self.full = exam_shape(deck.exam, None, None)

    def compose(self) -> ComposeResult:
        n, minutes = self.full
        with Vertical(classes="dialog"):
            yield Static(literal(f"Mock exam · {self.deck.title}", "bold"))
            note = "the real exam's size and time" if self.deck.exam and self.deck.exam.questions else "a default paper"
            yield Static(Text(f"Questions drawn by domain weight, unseen ones first. Full paper: {n} questions in "
                              f"{minutes} min ({note}). No feedback until you submit.", style="dim"))
            yield Static(Text(unseen_note(self.desk.unseen_mocks_left(self.deck_id)), style="dim"), id="unseen-mocks")
            options = [Option(f"Full exam: {n} questions, {minutes} min", id="full")]
            for size in (10, 20, 30):
                if size < n:
                    s, m = exam_shape(self.deck.exam, size, None)
                    options.append(Option(f"Short: {s} questions, {m} min", id=f"size-{s}"))
            scale = score_scale(self.deck.exam.pass_mark if self.deck.exam else None)
            now = self.desk.now()
            for attempt in self.desk.exam_attempts(self.deck_id)[:8]:
                started = f"{self.desk.local(attempt.started_at):%d %b %H:%M}"
                if attempt.finished:
                    verdict = "" if attempt.passed is None else (" · pass" if attempt.passed else " · fail")
                    options.append(Option(f"Result of {started}: {counted(attempt.size, 'question')}, "
                                          f"{score_text(attempt.score, scale)}{verdict}",
                                          id=f"attempt-{attempt.attempt_id}"))
                else:
                    left = attempt.started_at + timedelta(minutes=attempt.minutes) - now
                    clock = f"{time_left(left)} left" if left.total_seconds() > 0 else "time is up (opens its result)"
                    options.append(Option(f"Resume the exam of {started}: {counted(attempt.size, 'question')}, "
                                          f"{clock}", id=f"attempt-{attempt.attempt_id}"))
            yield OptionList(*options, id="exam-options")
            yield Label("Or a custom size (questions), then enter:")
            yield Input(placeholder=str(n), id="custom-size", type="integer")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if option_id == "full":
            self.dismiss(NewExam(*self.full))
        elif option_id.startswith("size-"):
            self.dismiss(NewExam(*exam_shape(self.deck.exam, int(option_id[5:]), None)))
        elif option_id.startswith("attempt-"):
            self.dismiss(OpenAttempt(int(option_id[8:])))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            size = int(event.value)
        except ValueError:
            self.notify("Type a number of questions.", severity="warning")
            return
        if not 1 <= size <= self.full[0] * 2:
            self.notify(f"Choose between 1 and {self.full[0] * 2} questions.", severity="warning")
            return
        self.dismiss(NewExam(*exam_shape(self.deck.exam, size, None)))
