"""The certdrill Textual app and its factory, shared by main() and the tests."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Markdown

from certdrill.study.desk import StudyDesk
from certdrill.study.practice import Slice
from certdrill.study.workspace import Workspace
from certdrill.tui import messages
from certdrill.tui.errors import guarded, reports_user_errors
from certdrill.tui.screens.browser import BrowserScreen
from certdrill.tui.screens.dashboard import DashboardScreen
from certdrill.tui.screens.exam import ExamScreen
from certdrill.tui.screens.exam_result import ExamResultScreen
from certdrill.tui.screens.exam_setup import ExamSetupScreen
from certdrill.tui.screens.help import HelpScreen
from certdrill.tui.screens.importing import ImportScreen
from certdrill.tui.screens.practice_setup import PracticeSetupScreen
from certdrill.tui.screens.review import Answered, ReviewScreen
from certdrill.tui.screens.settings import SettingsScreen
from certdrill.tui.screens.stats import StatsScreen
from certdrill.tui.screens.summary import SummaryScreen


@reports_user_errors
class CertdrillApp(App[None]):
    """Thin: it routes requests from screens to screens; the screens do the work."""

    TITLE = "certdrill"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Keys", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, desk: StudyDesk, *, seed: int | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.rng = random.Random(seed)
        settings = desk.settings()
        if settings.theme in self.available_themes:
            self.theme = settings.theme

    def on_mount(self) -> None:
        for warning in self.desk.ws.warnings:
            self.notify(warning, severity="warning", timeout=10)
        self.push_screen(DashboardScreen(self.desk))

    # -- routing -----------------------------------------------------------------
    def on_start_review(self, message: messages.StartReview) -> None:
        heading = "Review" if len(message.deck_ids) != 1 else f"Review · {message.deck_ids[0]}"
        self.run_session(ReviewScreen(self.desk, deck_ids=message.deck_ids, title=heading), message.deck_ids, heading)

    def run_session(self, screen: ReviewScreen, deck_ids: list[str], heading: str) -> None:
        def finished(log: list[Answered] | None) -> None:
            if log:
                self.push_screen(SummaryScreen(self.desk, log, deck_ids=deck_ids, heading=heading))
            elif screen.phase == "done":
                self.notify("Nothing due right now. Well done! Practice (p) or a mock exam (e) still work.")

        self.push_screen(screen, guarded(self, finished))

    def on_open_practice(self, message: messages.OpenPractice) -> None:
        def chosen(slice: Slice | None) -> None:
            if slice is None:
                return
            cards = self.desk.practice_cards(slice, seed=self.rng.randrange(1 << 30))
            if not cards:
                self.notify("No questions in that selection.", severity="warning")
                return
            heading = f"Practice · {slice.describe()}"
            self.run_session(ReviewScreen(self.desk, deck_ids=[slice.deck_id], mode="practice", card_ids=cards,
                                          title=heading), [slice.deck_id], heading)

        self.push_screen(PracticeSetupScreen(self.desk, message.deck_id), guarded(self, chosen))

    def on_open_exam_setup(self, message: messages.OpenExamSetup) -> None:
        def chosen(choice: tuple[int, int] | int | None) -> None:
            if choice is None:
                return
            if isinstance(choice, int):
                paper = self.desk.exam_paper(choice)
                if paper.finished:
                    self.push_screen(ExamResultScreen(self.desk.exam_result(choice)))
                    return
            else:
                size, minutes = choice
                paper = self.desk.start_exam(message.deck_id, seed=self.rng.randrange(1 << 30), size=size,
                                             minutes=minutes)
            self.push_screen(ExamScreen(self.desk, paper), guarded(self, self.exam_finished))

        self.push_screen(ExamSetupScreen(self.desk, message.deck_id), guarded(self, chosen))

    def exam_finished(self, attempt_id: int | None) -> None:
        if attempt_id is not None and attempt_id >= 0:
            self.push_screen(ExamResultScreen(self.desk.exam_result(attempt_id)))

    def on_open_browser(self, message: messages.OpenBrowser) -> None:
        self.push_screen(BrowserScreen(self.desk, message.deck_id))

    def on_open_stats(self) -> None:
        self.push_screen(StatsScreen(self.desk))

    def on_open_import(self) -> None:
        self.push_screen(ImportScreen(self.desk))

    def on_open_settings(self) -> None:
        self.push_screen(SettingsScreen(self.desk))

    def action_help(self) -> None:
        self.push_screen(HelpScreen([
            ("Everywhere", list(self.BINDINGS)), ("Dashboard", list(DashboardScreen.BINDINGS)),
            ("Review and practice", list(ReviewScreen.BINDINGS)), ("Mock exam", list(ExamScreen.BINDINGS)),
            ("Browser", list(BrowserScreen.BINDINGS)), ("Import", list(ImportScreen.BINDINGS)),
        ]))

    # -- command palette: every action, by name ---------------------------------
    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, DashboardScreen):
            for binding in DashboardScreen.BINDINGS:
                if isinstance(binding, Binding):
                    yield SystemCommand(binding.description, f"Dashboard: {binding.description} ({binding.key})",
                                        lambda action=binding.action: self.run_action(action, screen))
        for label, action in (("Keys", "help"),):
            yield SystemCommand(label, "Show every key of every screen", lambda a=action: self.run_action(a))
        if not isinstance(screen, DashboardScreen):
            for binding in getattr(screen, "BINDINGS", []):
                if isinstance(binding, Binding) and binding.description:
                    yield SystemCommand(binding.description, f"This screen: {binding.description} ({binding.key})",
                                        lambda action=binding.action: self.run_action(action, screen))

    # Links in deck text: only web pages are opened; anything else is ignored.
    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.prevent_default()
        if event.href.startswith(("https://", "http://")):
            self.open_url(event.href)
        else:
            self.notify("Only http(s) links are opened.", severity="warning")


def make_app(workspace: Workspace, *, seed: int | None = None) -> CertdrillApp:
    """The app over a workspace; tests pass a workspace with a fixed clock and a seed."""
    return CertdrillApp(StudyDesk(workspace), seed=seed)
