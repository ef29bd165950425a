"""A timed mock exam: countdown, flag for review, a navigator grid, no feedback until submit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from certdrill.core.text import terminal_safe
from certdrill.study.desk import StudyDesk
from certdrill.study.exam import ExamPaper, PaperItem
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.layout import NARROW
from certdrill.tui.results import ExamClosed
from certdrill.tui.screens.confirm import ConfirmScreen
from certdrill.tui.widgets.choices import ChoiceList
from certdrill.tui.widgets.markdown_view import MarkdownView


def navigator_text(items: list[PaperItem], current: int, columns: int = 10) -> Text:
    """Numbered cells: answered, flagged (⚑), the current one highlighted."""
    text = Text()
    for i, item in enumerate(items):
        if i and i % columns == 0:
            text.append("\n")
        label = f"{i + 1:>3}{'⚑' if item.flagged else ' '}"
        style = "bold reverse" if i == current else ("green" if item.chosen else "dim")
        if item.flagged and i != current:
            style = "bold yellow"
        text.append(label, style=style)
    answered = sum(1 for it in items if it.chosen)
    flagged = sum(1 for it in items if it.flagged)
    text.append(f"\n\n{answered}/{len(items)} answered · {flagged} flagged", style="dim")
    return text


@reports_user_errors
class ExamScreen(Screen[ExamClosed]):
    """Closes submitted (by the learner or when time runs out) or paused."""

    BINDINGS = [
        Binding("right,n", "move(1)", "Next", id="exam.next"),
        Binding("left,p", "move(-1)", "Previous", id="exam.previous"),
        Binding("space", "space", "Toggle", show=False),
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("f", "flag", "Flag", id="exam.flag"),
        Binding("g", "goto_flagged", "Next flagged", id="exam.goto_flagged"),
        Binding("ctrl+s", "submit", "Submit", id="exam.submit"),
        Binding("escape", "leave", "Pause", id="exam.leave"),
    ]

    def __init__(self, desk: StudyDesk, paper: ExamPaper) -> None:
        super().__init__()
        self.desk, self.paper = desk, paper
        self.current = next((i for i, it in enumerate(paper.items) if not it.chosen), 0)
        self.shown_at = self.desk.now().timestamp()
        self.timer: Timer | None = None
        self.nav_columns = 10  # question numbers per navigator row; 5 on a narrow terminal

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
        yield Footer()

    def on_mount(self) -> None:
        self.show_item()
        self.tick()
        self.timer = self.set_interval(1, self.tick)

    def remaining(self) -> timedelta:
        return self.paper.ends_at - self.desk.now()

    def tick(self) -> None:
        left = self.remaining()
        seconds = max(0, int(left.total_seconds()))
        h, rem = divmod(seconds, 3600)
        m, s = divmod(rem, 60)
        # The clock first: on a narrow terminal the end of this one line is cut off.
        text = Text(f" ⏱ {h}:{m:02d}:{s:02d} left ", style="bold white on red" if seconds < 300 else "bold reverse")
        text.append(f"  Mock exam · {terminal_safe(self.paper.title)}", style="bold")
        text.append("   ctrl+s submits · unanswered questions count as wrong", style="dim")
        self.query_one("#exam-clock", Static).update(text)
        if seconds <= 0:
            if self.timer is not None:
                self.timer.stop()
            self.notify("Time is up: the exam was submitted.", severity="warning")
            self.finish()

    def item(self) -> PaperItem:
        return self.paper.items[self.current]

    def show_item(self) -> None:
        """Put the current question on show, its choices taking the keys."""
        item = self.item()
        self.query_one("#exam-prompt", MarkdownView).show(item.question.prompt)
        choices = self.query_one("#exam-choices", ChoiceList)
        choices.ask(item.question, item.chosen)
        choices.focus(scroll_visible=False)
        self.draw_status()
        self.query_one("#exam-card", VerticalScroll).scroll_home(animate=False)

    def draw_status(self) -> None:
        """The question's number and flag, and the navigator."""
        item = self.item()
        q = item.question
        meta = Text(f"Question {self.current + 1} of {len(self.paper.items)}", style="bold")
        if item.flagged:
            meta.append("  ⚑ flagged for review", style="yellow")
        meta.append("\n" + ("Choose one." if q.kind == "single" else f"Choose {q.pick}."), style="italic")
        self.query_one("#exam-meta", Static).update(meta)
        self.query_one("#navigator", Static).update(navigator_text(self.paper.items, self.current, self.nav_columns))

    def save(self, index: int, chosen: Iterable[int], flagged: bool) -> None:
        """Every change is stored at once, so a crash or a closed terminal loses nothing."""
        item = self.paper.items[index]
        spent = int((self.desk.now().timestamp() - self.shown_at) * 1000)
        self.shown_at = self.desk.now().timestamp()
        self.desk.save_exam_answer(self.paper.attempt_id, item.position, sorted(chosen), flagged, spent)
        self.paper.items[index] = PaperItem(item.position, item.card_id, item.question, tuple(sorted(chosen)), flagged)
        self.draw_status()
        self.query_one("#exam-card", VerticalScroll).scroll_home(animate=False)

    def on_choice_list_changed(self, event: ChoiceList.Changed) -> None:
        # The question the choices belong to (the learner may have moved on since the key).
        index = next(i for i, it in enumerate(self.paper.items) if it.question is event.choice_list.question)
        self.save(index, event.selected, self.paper.items[index].flagged)

    def action_space(self) -> None:
        self.query_one("#exam-choices", ChoiceList).toggle()  # the choices take this key themselves when focused

    def action_cursor(self, step: int) -> None:
        self.query_one("#exam-choices", ChoiceList).move(step)

    def action_move(self, step: int) -> None:
        self.current = (self.current + step) % len(self.paper.items)
        self.shown_at = self.desk.now().timestamp()
        self.show_item()

    def action_flag(self) -> None:
        item = self.item()
        self.save(self.current, item.chosen, not item.flagged)

    def action_goto_flagged(self) -> None:
        n = len(self.paper.items)
        for step in range(1, n + 1):
            i = (self.current + step) % n
            if self.paper.items[i].flagged or not self.paper.items[i].chosen:
                self.current = i
                self.show_item()
                return
        self.notify("Every question is answered and none is flagged.")

    def action_submit(self) -> None:
        unanswered = sum(1 for it in self.paper.items if not it.chosen)
        flagged = sum(1 for it in self.paper.items if it.flagged)
        warning = ""
        if unanswered:
            warning += f"{unanswered} unanswered (they count as wrong). "
        if flagged:
            warning += f"{flagged} flagged. "

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.finish()

        self.app.push_screen(ConfirmScreen(f"Submit the exam? {warning}".strip(), yes="Submit"), done)

    def finish(self) -> None:
        if self.timer is not None:
            self.timer.stop()
        self.desk.submit_exam(self.paper.attempt_id)
        self.dismiss(ExamClosed(self.paper.attempt_id, submitted=True))

    def action_leave(self) -> None:
        self.notify("Exam paused: the clock keeps running. Resume it from the mock-exam menu (e).")
        if self.timer is not None:
            self.timer.stop()
        self.dismiss(ExamClosed(self.paper.attempt_id, submitted=False))

    def on_click(self, event: events.Click) -> None:  # the navigator grid is clickable too
        widget = event.widget
        if widget is not None and widget.id == "navigator":
            row, col = event.y, event.x // 4
            index = row * self.nav_columns + col
            if col < self.nav_columns and 0 <= index < len(self.paper.items):
                self.current = index
                self.show_item()
