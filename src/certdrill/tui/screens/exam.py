"""A timed mock exam: countdown, flags, struck-out options, a navigator grid, no feedback until
submit: the screen of an `ExamSession`, which holds the rules."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from certdrill.core.durations import format_duration
from certdrill.core.text import terminal_safe
from certdrill.study.desk import StudyDesk
from certdrill.study.exam import ExamPaper, PaperItem
from certdrill.study.exam_session import CLOCK_RUNS_ON, ExamSession, picks_note
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.layout import NARROW
from certdrill.tui.results import ExamClosed, GoToQuestion, SubmitExam
from certdrill.tui.screens.confirm import ConfirmScreen
from certdrill.tui.widgets.choices import ChoiceList, choice_keys
from certdrill.tui.widgets.markdown_view import MarkdownView

FLAG, INCOMPLETE = "⚑", "◐"


def navigator_text(items: list[PaperItem], current: int, columns: int = 10) -> Text:
    """Numbered cells: answered, incomplete (◐), flagged (⚑), the current one highlighted."""
    text = Text()
    for i, item in enumerate(items):
        if i and i % columns == 0:
            text.append("\n")
        status = item.status
        mark = FLAG if item.flagged else INCOMPLETE if status == "incomplete" else " "
        style = {"answered": "green", "incomplete": "yellow", "unanswered": "dim"}[status]
        if item.flagged:
            style = "bold yellow"
        text.append(f"{i + 1:>3}{mark}", style="bold reverse" if i == current else style)
    answered = sum(1 for it in items if it.status == "answered")
    incomplete = sum(1 for it in items if it.status == "incomplete")
    flagged = sum(1 for it in items if it.flagged)
    text.append(f"\n\n{answered}/{len(items)} answered", style="dim")
    if incomplete:
        text.append(f"\n{incomplete} incomplete {INCOMPLETE}", style="yellow")
    text.append(f"\n{flagged} flagged {FLAG}", style="dim")
    return text


def clock_text(seconds: int, title: str) -> Text:
    """The countdown first: on a narrow terminal the end of this one line is cut off."""
    text = Text(f" ⏱ {format_duration(seconds)} left ", style="bold white on red" if seconds < 300 else "bold reverse")
    text.append(f"  Mock exam · {terminal_safe(title)}", style="bold")
    text.append("   ctrl+s: check and submit", style="dim")
    return text


@reports_user_errors
class ExamScreen(Screen[ExamClosed]):
    """Closes submitted (by the learner or when time runs out) or paused."""

    BINDINGS = [
        Binding("right,n", "move(1)", "Next", id="exam.next"),
        Binding("left,p", "move(-1)", "Prev", id="exam.previous"),
        Binding("space", "space", "Toggle", show=False),
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("f", "flag", "Flag", id="exam.flag"),
        Binding("x", "strike", "Strike", id="exam.strike"),
        Binding("g", "goto_flagged", "Next open", id="exam.goto_flagged"),
        Binding("ctrl+s", "submit", "Submit", id="exam.submit"),
        Binding("escape", "leave", "Pause", id="exam.leave"),
        Binding("q", "quit_app", "Quit", id="exam.quit"),
    ]

    def __init__(self, desk: StudyDesk, paper: ExamPaper) -> None:
        super().__init__()
        self.session = ExamSession(desk, paper)
        self.paper = paper
        self.timer: Timer | None = None
        self.nav_columns = 10  # question numbers per navigator row; 5 on a narrow terminal
        self.closing = False

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW
        self.set_class(narrow, "narrow")
        columns = 5 if narrow else 10
        if columns != self.nav_columns:
            self.nav_columns = columns
            if self.is_mounted:
                self.draw_status()

    def compose(self) -> ComposeResult:
        narrow = self.app.size.width < NARROW  # before anything is styled (see the dashboard)
        self.set_class(narrow, "narrow", update=False)
        self.nav_columns = 5 if narrow else 10
        yield Static(id="exam-clock", classes="bar")
        with Horizontal():
            with VerticalScroll(id="exam-card", classes="card"):
                yield Static(id="exam-meta", classes="meta")
                yield MarkdownView(id="exam-prompt", classes="flush")
                yield ChoiceList(id="exam-choices")
            with Vertical(id="navigator-box"):
                yield Static(Text("Questions", style="bold"))
                yield Static(id="navigator")
        yield Footer(compact=True, show_command_palette=False)  # 80 columns: keys first

    def on_mount(self) -> None:
        self.show_item()
        self.tick()
        self.timer = self.set_interval(1, self.tick)

    def tick(self) -> None:
        seconds = self.session.seconds_left()
        self.query_one("#exam-clock", Static).update(clock_text(seconds, self.paper.title))
        if seconds <= 0 and not self.closing:
            while self.app.screen is not self:  # a dialog over the exam (the check before submitting)
                self.app.pop_screen()
            self.notify("Time is up: the exam was submitted.", severity="warning")
            self.finish()

    # -- drawing -------------------------------------------------------------------
    def show_item(self) -> None:
        """Put the question on show, its choices taking the keys."""
        item = self.session.item
        self.query_one("#exam-prompt", MarkdownView).show(item.question.prompt)
        choices = self.query_one("#exam-choices", ChoiceList)
        choices.ask(item.question, item.chosen, self.session.struck_out())
        choices.focus(scroll_visible=False)
        self.draw_status()
        self.query_one("#exam-card", VerticalScroll).scroll_home(animate=False)

    def draw_status(self, striking: bool = False) -> None:
        """The question's number, what it asks and lacks, and the navigator."""
        item = self.session.item
        q = item.question
        meta = Text(f"Question {self.session.current + 1} of {len(self.paper.items)}", style="bold")
        if item.flagged:
            meta.append(f"  {FLAG} flagged for review", style="yellow")
        meta.append("\n" + ("Choose one." if q.kind == "single" else f"Choose {q.pick}."), style="italic")
        if item.status == "incomplete":
            meta.append(f"  {INCOMPLETE} {picks_note(item)}: incomplete, counts as wrong", style="bold yellow")
        if striking:
            meta.append(f"\nStrike out: {choice_keys(len(q.choices))} (x: under the cursor · esc: cancel)",
                        style="bold")
        else:
            meta.append("\nx then a letter: strike an option out", style="dim")
        self.query_one("#exam-meta", Static).update(meta)
        self.query_one("#navigator", Static).update(navigator_text(self.paper.items, self.session.current,
                                                                   self.nav_columns))

    def redraw_choices(self) -> None:
        self.query_one("#exam-choices", ChoiceList).set_choices(self.session.item.chosen, self.session.struck_out())
        self.draw_status()

    # -- keys ----------------------------------------------------------------------
    def on_choice_list_changed(self, event: ChoiceList.Changed) -> None:
        # The question the choices belong to (the learner may have moved on since the key).
        index = self.session.index_of(event.choice_list.question)
        self.session.select(event.selected, index)
        if index == self.session.current:
            self.redraw_choices()

    def on_choice_list_strike_out(self, event: ChoiceList.StrikeOut) -> None:
        if event.index is not None and self.session.index_of(event.choice_list.question) == self.session.current:
            self.session.strike(event.index)
            self.redraw_choices()
        else:
            self.draw_status()

    def action_space(self) -> None:
        self.query_one("#exam-choices", ChoiceList).toggle()  # the choices take this key themselves when focused

    def action_cursor(self, step: int) -> None:
        self.query_one("#exam-choices", ChoiceList).move(step)

    def action_strike(self) -> None:
        choices = self.query_one("#exam-choices", ChoiceList)
        choices.focus(scroll_visible=False)
        choices.arm_strike()
        self.draw_status(striking=True)

    def action_move(self, step: int) -> None:
        self.go_to(self.session.current + step)

    def go_to(self, index: int) -> None:
        warning = self.session.go_to(index)
        if warning:
            self.notify(warning, severity="warning")
        self.show_item()

    def action_flag(self) -> None:
        self.session.flag()
        self.draw_status()

    def action_goto_flagged(self) -> None:
        index = self.session.next_needing_attention()
        if index is None:
            self.notify("Every question is answered and none is flagged.")
            return
        self.go_to(index)

    def action_submit(self) -> None:
        from certdrill.tui.screens.exam_check import ExamCheckScreen

        def done(choice: SubmitExam | GoToQuestion | None) -> None:
            if isinstance(choice, SubmitExam):
                self.finish()
            elif isinstance(choice, GoToQuestion):
                self.go_to(choice.index)

        self.app.push_screen(ExamCheckScreen(self.session), done)

    def finish(self) -> None:
        self.closing = True
        if self.timer is not None:
            self.timer.stop()
        self.session.submit()
        self.dismiss(ExamClosed(self.paper.attempt_id, submitted=True))

    def action_leave(self) -> None:
        self.notify(f"Exam paused. {CLOCK_RUNS_ON}")
        self.pause()
        self.dismiss(ExamClosed(self.paper.attempt_id, submitted=False))

    def pause(self) -> None:
        self.closing = True
        if self.timer is not None:
            self.timer.stop()
        self.session.pause()

    def action_quit_app(self) -> None:
        def done(yes: bool | None) -> None:
            if yes:
                self.pause()
                self.app.exit()

        self.app.push_screen(ConfirmScreen(f"Quit certdrill? {CLOCK_RUNS_ON}", yes="Quit"), done)

    def on_click(self, event: events.Click) -> None:  # the navigator grid is clickable too
        widget = event.widget
        if widget is not None and widget.id == "navigator":
            row, col = event.y, event.x // 4
            index = row * self.nav_columns + col
            if col < self.nav_columns and 0 <= index < len(self.paper.items):
                self.go_to(index)
