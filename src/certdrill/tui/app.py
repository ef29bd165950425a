"""The certdrill Textual app and its factory, shared by main() and the tests."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from certdrill.core.text import terminal_safe
from certdrill.tui import messages
from certdrill.tui.errors import guarded, reports_user_errors
from certdrill.tui.screens.dashboard import DashboardScreen

# Everything else is imported where it is first needed: start-up draws the dashboard before
# SQLAlchemy, the readiness model or the other screens are loaded.
if TYPE_CHECKING:
    from certdrill.storage.overview import DeckOverview
    from certdrill.study.desk import StudyDesk
    from certdrill.study.practice import Slice
    from certdrill.study.workspace import Workspace
    from certdrill.tui.results import ExamChoice, ExamClosed, SessionEnded
    from certdrill.tui.screens.review import ReviewScreen


ORM_AFTER = 2.0
"""Seconds after the collection opens (the dashboard and its panel have had their turn) before
SQLAlchemy loads in the background."""


@reports_user_errors
class CertdrillApp(App[None]):
    """Thin: it routes requests from screens to screens; the screens do the work."""

    TITLE = "certdrill"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Keys", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, desk: StudyDesk | None, *, seed: int | None = None,
                 opener: Callable[[], Workspace] | None = None, overview: list[DeckOverview] | None = None,
                 start: Message | None = None) -> None:
        super().__init__()
        self.start = start  # a request to act on once the dashboard is up (`certdrill review`)
        self.desk = desk
        self.opener = opener
        self.overview = overview
        self.rng = random.Random(seed)
        self.quitting = False
        if desk is not None:
            self.apply_settings(desk)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every toast (screens' too: theirs call this one) is literal text: messages carry deck
        ids, titles and file names, so markup is never parsed and escapes are shown, not sent."""
        super().notify(terminal_safe(message), title=terminal_safe(title), severity=severity, timeout=timeout,
                       markup=False)

    def format_title(self, title: str, sub_title: str) -> Content:
        return super().format_title(terminal_safe(title, one_line=True), terminal_safe(sub_title, one_line=True))

    def apply_settings(self, desk: StudyDesk) -> None:
        settings = desk.settings()
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        for warning in desk.ws.warnings:
            self.notify(warning, severity="warning", timeout=10)

    def on_mount(self) -> None:
        self.push_screen(DashboardScreen(self.desk, overview=self.overview))
        if self.start is not None:
            self.post_message(self.start)
        if self.desk is None:
            # After the first frame: the worker's imports would otherwise hold up the drawing.
            self.call_after_refresh(self.open_workspace)
        else:
            self.call_after_refresh(self.sync_at_start)

    @work(thread=True, exit_on_error=False)
    def open_workspace(self) -> None:
        """Open the full workspace off the UI thread while the overview is on screen."""
        from certdrill.errors import CertdrillError
        from certdrill.study.desk import StudyDesk

        assert self.opener is not None
        try:
            desk = StudyDesk(self.opener())
            desk.settings()  # read here, not on the UI thread
        except CertdrillError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", timeout=30)
            return
        self.call_from_thread(self.desk_ready, desk)

    def desk_ready(self, desk: StudyDesk) -> None:
        self.desk = desk
        self.apply_settings(desk)
        for screen in self.screen_stack:
            if isinstance(screen, DashboardScreen):
                screen.set_desk(desk)
        self.sync_at_start()
        self.set_timer(ORM_AFTER, self.load_orm)

    # -- sync with the learner's other machines ----------------------------------
    def sync_at_start(self) -> None:
        """With a sync folder set: sync in the background once the collection is open."""
        if self.desk is not None and self.desk.sync_folder():
            self.sync_in_background(announce=False)

    def on_sync_now(self) -> None:
        if (desk := self.ready_desk()) is not None:
            if not desk.sync_folder():
                self.notify("No sync folder yet: set one in the settings (,)", severity="warning")
                return
            self.notify("Syncing…", timeout=2)
            self.sync_in_background(announce=True)

    async def action_quit(self) -> None:
        """With a sync folder set, send this session's changes before leaving."""
        if self.desk is not None and self.desk.sync_folder() and not self.quitting:
            self.quitting = True
            self.notify("Syncing before quitting…", timeout=10)
            self.sync_in_background(announce=False, then_exit=True)
            return
        self.exit()

    @work(thread=True, group="sync", exit_on_error=False)
    def sync_in_background(self, *, announce: bool, then_exit: bool = False) -> None:
        """Sync off the UI thread; say what it did in one line (always when asked, else only when
        something arrived or failed), and show what arrived."""
        from certdrill.errors import CertdrillError

        assert self.desk is not None
        try:
            report = self.desk.sync()
        except CertdrillError as exc:
            if not then_exit:
                self.call_from_thread(self.notify, f"Sync: {exc}", severity="error", timeout=10, markup=False)
        else:
            if announce or report.received or report.refused:
                # Device names come from other machines' journals: shown as text, never as markup.
                self.call_from_thread(self.notify, report.summary(), timeout=6, markup=False)
            self.call_from_thread(self.after_sync, received=bool(report.received))
        finally:
            if then_exit:
                self.call_from_thread(self.exit)

    def after_sync(self, *, received: bool) -> None:
        """Show what a sync changed: the dashboard's counts, and in the settings this device's name
        (its first sync gives it one)."""
        from certdrill.tui.screens.settings import SettingsScreen

        if isinstance(self.screen, DashboardScreen) and received:
            self.screen.refresh_decks()
        elif isinstance(self.screen, SettingsScreen):
            self.screen.show_device_name()

    @work(thread=True, exit_on_error=False, group="orm")
    def load_orm(self) -> None:
        """SQLAlchemy, for the use cases that need it (re-rating, undo, flags, browser, mock exams),
        loaded in the background once start-up is over rather than on the first of them."""
        from certdrill.errors import CertdrillError

        # A failure here is said by the use case that needs the engine, when the learner asks for it.
        if self.desk is not None:
            with contextlib.suppress(CertdrillError):
                self.desk.ws.engine  # noqa: B018  (imports SQLAlchemy and makes the engine)

    def ready_desk(self) -> StudyDesk | None:
        """The desk, or None with a notice while the collection is still opening."""
        if self.desk is None:
            self.notify("Still opening your collection…")
        return self.desk

    # -- routing -----------------------------------------------------------------
    def on_start_review(self, message: messages.StartReview) -> None:
        from certdrill.tui.screens.review import ReviewScreen

        if isinstance(self.screen, ReviewScreen):
            return  # a second request while the first one's screen is opening
        desk = self.ready_desk()
        if desk is None:
            return
        heading = "Review · all decks" if len(message.deck_ids) != 1 else f"Review · {message.deck_ids[0]}"
        self.run_session(ReviewScreen(desk, deck_ids=message.deck_ids, title=heading), message.deck_ids, heading)

    def run_session(self, screen: ReviewScreen, deck_ids: list[str], heading: str) -> None:
        from certdrill.tui.screens.summary import SummaryScreen

        def finished(ended: SessionEnded | None) -> None:
            if ended is None:
                return
            if ended.answers and self.desk is not None:
                self.push_screen(SummaryScreen(self.desk, ended.answers, deck_ids=deck_ids, heading=heading))
            elif ended.exhausted:
                self.notify("Nothing due right now. Well done! Practice (p) or a mock exam (e) still work.")

        self.push_screen(screen, guarded(self, finished))

    def on_open_practice(self, message: messages.OpenPractice) -> None:
        from certdrill.tui.screens.practice_setup import PracticeSetupScreen
        from certdrill.tui.screens.review import ReviewScreen

        desk = self.ready_desk()
        if desk is None:
            return

        def chosen(slice: Slice | None) -> None:
            if slice is None:
                return
            cards = desk.practice_cards(slice, seed=self.rng.randrange(1 << 30))
            if not cards:
                self.notify("No questions in that selection.", severity="warning")
                return
            heading = f"Practice · {slice.describe()}"
            self.run_session(ReviewScreen(desk, deck_ids=[slice.deck_id], mode="practice", card_ids=cards,
                                          title=heading), [slice.deck_id], heading)

        self.push_screen(PracticeSetupScreen(desk, message.deck_id), guarded(self, chosen))

    def on_open_exam_setup(self, message: messages.OpenExamSetup) -> None:
        from certdrill.tui.results import OpenAttempt
        from certdrill.tui.screens.exam import ExamScreen
        from certdrill.tui.screens.exam_result import ExamResultScreen
        from certdrill.tui.screens.exam_setup import ExamSetupScreen

        desk = self.ready_desk()
        if desk is None:
            return

        def chosen(choice: ExamChoice | None) -> None:
            if choice is None:
                return
            if isinstance(choice, OpenAttempt):
                paper = desk.exam_paper(choice.attempt_id)
                if paper.finished:
                    self.push_screen(ExamResultScreen(desk, desk.exam_result(choice.attempt_id)))
                    return
            else:
                paper = desk.start_exam(message.deck_id, seed=self.rng.randrange(1 << 30), size=choice.size,
                                        minutes=choice.minutes)
                if paper.reused:
                    self.notify(f"Not enough unseen questions: {paper.reused} of {len(paper.items)} reused, least recently seen first.")
            self.push_screen(ExamScreen(desk, paper), guarded(self, self.exam_finished))

        self.push_screen(ExamSetupScreen(desk, message.deck_id), guarded(self, chosen))

    def exam_finished(self, closed: ExamClosed | None) -> None:
        from certdrill.tui.screens.exam_result import ExamResultScreen

        if closed is not None and closed.submitted and self.desk is not None:
            self.push_screen(ExamResultScreen(self.desk, self.desk.exam_result(closed.attempt_id)))

    def on_open_browser(self, message: messages.OpenBrowser) -> None:
        from certdrill.tui.screens.browser import BrowserScreen

        if (desk := self.ready_desk()) is not None:
            self.push_screen(BrowserScreen(desk, message.deck_id))

    def on_open_stats(self) -> None:
        from certdrill.tui.screens.stats import StatsScreen

        if (desk := self.ready_desk()) is not None:
            self.push_screen(StatsScreen(desk))

    def on_open_import(self) -> None:
        from certdrill.tui.screens.importing import ImportScreen

        if (desk := self.ready_desk()) is not None:
            self.push_screen(ImportScreen(desk))

    def on_open_settings(self) -> None:
        from certdrill.tui.screens.settings import SettingsScreen

        if (desk := self.ready_desk()) is not None:
            self.push_screen(SettingsScreen(desk))

    def action_help(self) -> None:
        from certdrill.tui.screens.browser import BrowserScreen
        from certdrill.tui.screens.exam import ExamScreen
        from certdrill.tui.screens.help import HelpScreen
        from certdrill.tui.screens.importing import ImportScreen
        from certdrill.tui.screens.review import ReviewScreen

        self.push_screen(HelpScreen([
            ("Everywhere", list(self.BINDINGS)), ("Dashboard", list(DashboardScreen.BINDINGS)),
            ("Review and practice", list(ReviewScreen.BINDINGS)), ("Mock exam", list(ExamScreen.BINDINGS)),
            ("Browser", list(BrowserScreen.BINDINGS)), ("Import", list(ImportScreen.BINDINGS)),
        ]))

    # -- command palette: every action, by name ---------------------------------
    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from certdrill.tui.keys import action_name, key_label

        # Textual's own "Keys" (its key panel) would sit beside ours, which lists every screen's keys.
        yield from (c for c in super().get_system_commands(screen) if c.title != "Keys")
        yield SystemCommand("Keys", "Show every key of every screen (?)", lambda: self.run_action("help"))
        where = "Dashboard" if isinstance(screen, DashboardScreen) else "This screen"
        for binding in getattr(screen, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.description:
                yield SystemCommand(action_name(binding), f"{where}: {action_name(binding)} ({key_label(self, binding)})",
                                    lambda action=binding.action: self.run_action(action, screen))


def make_app(workspace: Workspace, *, seed: int | None = None) -> CertdrillApp:
    """The app over an open workspace; tests pass a workspace with a fixed clock and a seed."""
    from certdrill.study.desk import StudyDesk

    return CertdrillApp(StudyDesk(workspace), seed=seed)


def make_opening_app(opener: Callable[[], Workspace], overview: list[DeckOverview]) -> CertdrillApp:
    """The app that shows `overview` at once and opens the workspace in the background."""
    return CertdrillApp(None, opener=opener, overview=overview)
