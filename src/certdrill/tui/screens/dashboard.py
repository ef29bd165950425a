"""The dashboard: every deck with its due work, the selected deck's exam readiness, and a heatmap."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Sparkline, Static
from textual.worker import get_current_worker

from certdrill.core.text import counted, terminal_safe
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.layout import NARROW
from certdrill.tui.messages import (
    OpenBrowser,
    OpenExamSetup,
    OpenImport,
    OpenPractice,
    OpenSettings,
    OpenStats,
    StartReview,
    SyncNow,
)
from certdrill.tui.text import literal
from certdrill.tui.widgets.bars import Bar, Bars
from certdrill.tui.widgets.heatmap import Heatmap

DeckRow = tuple[str, bool, int, int, int, int]
"""A row of the deck list: id, retired, due now, new today, done today, streak."""

# Only for type hints: the dashboard must draw before SQLAlchemy and the readiness model load.
if TYPE_CHECKING:
    from certdrill.core.exam_readiness import Readiness
    from certdrill.storage.overview import DeckOverview
    from certdrill.study.desk import StudyDesk
    from certdrill.study.progress import DomainProgress
    from certdrill.study.reports import DeckSummary

    LoadedDecks = tuple[list[DeckSummary], dict[str, int]]


def exam_line(deck: DeckSummary, today: date) -> Text:
    """The deck's exam, its status (retired with successor), and the learner's date."""
    exam = deck.exam
    text = Text()
    if exam is None:
        text.append("Topic deck (no exam)", style="dim")
        return text
    text.append(terminal_safe(exam.code), style="bold")
    if exam.status == "retired":
        text.append("  RETIRED", style="bold red")
        if exam.retired_on:
            text.append(f" on {terminal_safe(str(exam.retired_on))}", style="red")
        if exam.successor:
            text.append(f" · successor: {terminal_safe(exam.successor)}", style="yellow")
    elif exam.status == "beta":
        text.append("  beta", style="yellow")
    if exam.questions and exam.minutes:
        text.append(f" · {exam.questions} questions in {exam.minutes} min", style="dim")
    if deck.exam_date:
        when = date.fromisoformat(deck.exam_date)
        days = (when - today).days
        left = f"{counted(days, 'day')} left" if days > 0 else ("today" if days == 0 else "passed")
        text.append(f"\nExam date {when:%a %d %b %Y} · {left}", style="bold cyan")
    else:
        text.append("\nNo exam date set (settings: ,)", style="dim")
    return text


@reports_user_errors
class DashboardScreen(Screen[None]):
    """Plain `certdrill` opens here."""

    # Short descriptions, so that every shown key fits an 80-column footer; the tooltip is the full
    # name the help screen and the command palette use. `a` is left out of the footer for room.
    BINDINGS = [
        Binding("r", "review", "Review", tooltip="Review the deck the panel shows", id="dashboard.review"),
        Binding("a", "review_all", "Review all", tooltip="Review all decks", show=False, id="dashboard.review_all"),
        Binding("p", "practice", "Practice", tooltip="Practice a slice of the deck", id="dashboard.practice"),
        Binding("e", "exam", "Exam", tooltip="Mock exam", id="dashboard.exam"),
        Binding("b", "browse", "Browse", id="dashboard.browse"),
        Binding("s", "stats", "Stats", id="dashboard.stats"),
        Binding("i", "import", "Import", tooltip="Import a deck", id="dashboard.import"),
        Binding("comma", "settings", "Settings", id="dashboard.settings"),
        # In help and the palette, as review-all: the 80-column footer has no room left (tests/test_day_screens.py).
        Binding("y", "sync", "Sync", tooltip="Sync with your other machines", show=False, id="dashboard.sync"),
    ]

    def __init__(self, desk: StudyDesk | None, *, overview: list[DeckOverview] | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.overview = overview or []
        self.summaries: list[DeckSummary] = []
        self.rows: list[DeckRow] = []  # what the deck list shows
        self.details_for: str | None = None  # the deck whose panel details were last asked for

    def compose(self) -> ComposeResult:
        # The layout class is set before anything is styled: adding it later restyles every widget
        # of the screen (30 ms of the start-up in an 80-column terminal).
        self.set_class(self.app.size.width < NARROW, "narrow", update=False)
        yield Header()
        with Horizontal(id="dashboard-body"):
            yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="deck-panel"):
                yield Static(id="deck-title")
                yield Static(id="deck-exam")
                yield Static(id="readiness-title", classes="section")
                yield Bars(id="domain-bars", width=20)
                yield Static(id="readiness-score")
                yield Static(id="readiness-actions")
                yield Static("Readiness trend (predicted score, last 60 days)", id="trend-title", classes="section")
                yield Sparkline([], id="trend")
                yield Static("Reviews per day", classes="section")
                yield Heatmap(id="heatmap")
        yield Footer(compact=True, show_command_palette=False)  # ctrl+p still opens it; ? says so

    def on_resize(self, event: events.Resize) -> None:
        # Below 100 columns the deck list goes above the deck's panel, so neither is squeezed.
        self.set_class(event.size.width < NARROW, "narrow")

    def on_mount(self) -> None:
        table = self.query_one("#decks", DataTable)
        table.add_column("Deck", key="deck")
        table.add_column("Due", key="due")
        table.add_column("New", key="new")
        table.add_column("Today", key="today")
        table.add_column("Streak", key="streak")
        table.border_title = "Decks"
        if self.desk is None:
            self.show_overview()
        else:
            self.refresh_decks()

    def show_overview(self) -> None:
        """The counts read at start-up, shown while the collection opens in the background."""
        self.show_rows([(d.id, d.retired, d.due_now, d.new_available, d.reviews_today, d.streak) for d in self.overview])
        self.sub_title = f"{sum(d.due_now for d in self.overview)} due"
        self.query_one("#deck-title", Static).update(Text("Opening your collection…", style="dim"))
        self.name_panel()

    def show_rows(self, rows: list[DeckRow]) -> None:
        """The deck list; left as it is when nothing changed (the overview already showed these counts)."""
        if rows == self.rows:
            return
        self.rows = rows
        table = self.query_one("#decks", DataTable)
        table.clear()
        for deck_id, retired, due, new, today, streak in rows:
            name = literal(deck_id)
            if retired:
                name.append(" retired", style="red")
            table.add_row(name, str(due), str(new), str(today), f"{streak}d" if streak else "—", key=deck_id)

    def set_desk(self, desk: StudyDesk) -> None:
        """The collection is open: review works from now on. The selected deck's panel and the deck
        list (whole-collection counts) are read off the UI thread, side by side."""
        self.desk = desk
        deck_id = self.selected_deck_id()
        if deck_id is not None:
            self.details_for = deck_id
            self.load_details(deck_id)
        self.load_decks()

    @work(exclusive=True, thread=True, group="deck-list", exit_on_error=False)
    def load_decks(self) -> None:
        from certdrill.errors import CertdrillError

        assert self.desk is not None
        try:
            decks = self.read_decks(self.desk)
        except CertdrillError as exc:  # the database is busy, damaged, gone: say so
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.show_decks, decks, False)

    def on_screen_resume(self) -> None:
        if self.desk is not None:
            self.refresh_decks()

    def on_screen_suspend(self) -> None:
        # Another screen covers the panel (a review, say): its remaining work would only slow that one down.
        self.workers.cancel_group(self, "deck-details")
        self.workers.cancel_group(self, "deck-list")
        self.details_for = None

    def refresh_decks(self) -> None:
        assert self.desk is not None
        self.show_decks(self.read_decks(self.desk))

    @staticmethod
    def read_decks(desk: StudyDesk) -> LoadedDecks:
        """Every deck's summary and its study streak (from any thread)."""
        summaries = desk.decks()
        return summaries, {d.id: desk.streak(d.id) for d in summaries}

    def show_decks(self, decks: LoadedDecks, reload: bool = True) -> None:
        """The deck list, and the selected deck's panel (read again with `reload`: after a review)."""
        if not self.is_attached or self.desk is None:
            return
        selected = self.selected_deck_id()
        self.summaries, streaks = decks
        if reload:
            self.details_for = None
        self.show_rows([(d.id, bool(d.exam and d.exam.status == "retired"), d.due_now, d.new_available,
                         d.reviews_today, streaks.get(d.id, 0)) for d in self.summaries])
        if selected:
            ids = [d.id for d in self.summaries]
            if selected in ids:
                self.query_one("#decks", DataTable).move_cursor(row=ids.index(selected))
        self.sub_title = f"{sum(d.due_now for d in self.summaries)} due · {self.desk.today():%a %d %b}"
        self.show_deck()

    def selected_deck_id(self) -> str | None:
        table = self.query_one("#decks", DataTable)
        if self.desk is None or not self.summaries:  # the list still shows the start-up overview
            ids = [d.id for d in self.overview]
            row = table.cursor_row
            return ids[row] if row is not None and 0 <= row < len(ids) else None
        if not self.summaries or table.cursor_row is None or table.cursor_row >= len(self.summaries):
            return None
        return self.summaries[table.cursor_row].id

    def selected_deck(self) -> DeckSummary | None:
        deck_id = self.selected_deck_id()
        return next((d for d in self.summaries if d.id == deck_id), None)

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show_deck()

    def name_panel(self) -> None:
        """The panel's border names the deck it shows: the deck `r`, `p`, `e` and `b` act on, wherever the
        focus is. Its foot says what the keys do there."""
        panel = self.query_one("#deck-panel")
        deck_id = self.selected_deck_id()
        panel.border_title = deck_id or ""
        if deck_id is None:
            panel.border_subtitle = ""
        elif panel.has_focus:
            panel.border_subtitle = "↑↓ scroll · tab: decks · r reviews this deck"
        else:
            panel.border_subtitle = "r reviews this deck"

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self.name_panel()

    def show_deck(self) -> None:
        if self.desk is None:
            return
        self.name_panel()
        deck = self.selected_deck()
        if deck is None:
            self.query_one("#deck-title", Static).update(Text("No decks yet: press i to import one.", style="bold"))
            return
        title = literal(deck.title, "bold")
        title.append(f"  v{terminal_safe(deck.version)}", style="dim")
        title.append(f"\n{deck.questions} questions · {deck.due_now} due now · {deck.new_available} new today"
                     f" · {deck.reviews_today} done today")
        if deck.suspended or deck.flagged:
            title.append(f" · {deck.suspended} suspended · {deck.flagged} flagged", style="dim")
        self.query_one("#deck-title", Static).update(title)
        self.query_one("#deck-exam", Static).update(exam_line(deck, self.desk.today()))
        if self.details_for != deck.id:  # the same deck highlighted again: its panel is already coming
            self.details_for = deck.id
            self.load_details(deck.id)

    @work(exclusive=True, thread=True, group="deck-details", exit_on_error=False)
    def load_details(self, deck_id: str) -> None:
        """The slow parts of the panel (history scans, the readiness model) off the UI thread.
        Only the panel depends on it: a failure is a notice, never the end of the app."""
        from certdrill.errors import CertdrillError

        assert self.desk is not None
        worker = get_current_worker()  # cancelled when the learner leaves the dashboard: stop working for it
        try:
            progress = self.desk.domain_progress(deck_id)
            counts = self.desk.daily_counts(140, deck_id)
            self.app.call_from_thread(self.show_details, deck_id, progress, counts)
            if not worker.is_cancelled:
                report = self.desk.readiness(deck_id)
                self.app.call_from_thread(self.show_readiness, deck_id, report)
                if not worker.is_cancelled:  # the trend replays the history: it comes last
                    trend = self.desk.readiness_trend(deck_id, stop=lambda: worker.is_cancelled)
                    if not worker.is_cancelled:
                        self.app.call_from_thread(self.show_trend, deck_id, [p.raw for p in trend])
        except CertdrillError as exc:  # the database is busy, damaged, gone: say so
            self.app.call_from_thread(self.notify, str(exc), severity="error")

    def show_details(self, deck_id: str, progress: list[DomainProgress], counts: dict[str, int]) -> None:
        if not self.is_attached or self.selected_deck_id() != deck_id or self.desk is None:
            return  # the app is quitting, or the learner has moved to another deck
        self.show_progress(progress)
        self.query_one("#heatmap", Heatmap).show(counts, today=self.desk.today())

    def show_progress(self, progress: list[DomainProgress]) -> None:
        """Until the readiness model answers: how much of each domain was seen, labelled as such
        (a count of what was done, not readiness)."""
        self.query_one("#readiness-title", Static).update(Text.assemble(
            ("Per domain: questions seen so far", "bold"), ("\nnot readiness; the readiness model is working…", "dim")))
        self.query_one("#domain-bars", Bars).set_bars([
            Bar(p.name, p.coverage, note=f"{p.seen}/{p.questions} seen", style="cyan") for p in progress
        ])
        for wid in ("#readiness-score", "#readiness-actions", "#trend-title", "#trend"):
            self.query_one(wid).display = False

    def show_readiness(self, deck_id: str, report: Readiness) -> None:
        """The readiness model's figures: the same report `certdrill readiness` prints."""
        if not self.is_attached or self.selected_deck_id() != deck_id:
            return
        from certdrill.core.readiness import MEANING, TOO_LITTLE

        when = f"on {report.exam_at:%d %b %Y}" if report.exam_at and report.exam_at > report.now \
            else "if the exam were today"
        self.query_one("#readiness-title", Static).update(
            Text.assemble((f"Readiness {when}", "bold"), (f"\n{MEANING} (│ marks)", "dim")))
        bars = []
        for d in report.domains:
            note = f"{d.low:.0%}–{d.high:.0%} · {d.seen}/{d.questions} seen · weight {d.weight:.0%}"
            if d.too_little_evidence:
                note = f"too little evidence · {note}"
            style = "green" if d.estimate >= 0.72 else "yellow" if d.estimate >= 0.55 else "red"
            bars.append(Bar(d.name, None if d.too_little_evidence else d.estimate, d.low, d.high, note, style=style))
        self.query_one("#domain-bars", Bars).set_bars(bars)
        score = report.score
        text = Text()
        scale = score.scale
        if report.too_little_evidence:
            text.append(f"Predicted score and P(pass): {TOO_LITTLE}", style="bold")
        elif scale is not None:
            low, high = scale.convert(score.raw_low), scale.convert(score.raw_high)
            text.append(f"Predicted score {scale.convert(score.raw):.0f} ({low:.0f}–{high:.0f})", style="bold")
            text.append(f" · pass {scale.pass_score:g}")
            if score.p_pass is not None:
                style = "bold green" if score.p_pass >= 0.8 else "bold yellow" if score.p_pass >= 0.5 else "bold red"
                text.append(" · P(pass) ")
                text.append(f"{score.p_pass:.0%}", style=style)
            if scale.estimated:
                text.append("\n" + scale.describe(), style="dim italic")
        else:
            text.append(f"Predicted share right {score.raw:.0%} ({score.raw_low:.0%}–{score.raw_high:.0%})")
        score_widget = self.query_one("#readiness-score", Static)
        score_widget.display = True
        score_widget.update(text)
        actions = Text()
        if report.actions:
            actions.append("What would raise it most:", style="bold")
            for action in report.actions:
                actions.append(f"\n  • {terminal_safe(action.text)}")
        widget = self.query_one("#readiness-actions", Static)
        widget.display = bool(report.actions)
        widget.update(actions)

    def show_trend(self, deck_id: str, trend: list[float]) -> None:
        if not self.is_attached or self.selected_deck_id() != deck_id:
            return
        spark = self.query_one("#trend", Sparkline)
        self.query_one("#trend-title").display = spark.display = len(trend) > 1
        spark.data = trend

    # -- actions ---------------------------------------------------------------
    # The selected deck's id is known from the start-up overview on: these keys act before the
    # deck list has been read again.
    def action_review(self) -> None:
        deck_id = self.selected_deck_id()
        if deck_id is not None:
            self.post_message(StartReview([deck_id]))

    def action_review_all(self) -> None:
        self.post_message(StartReview([d.id for d in self.summaries] or [d.id for d in self.overview]))

    def action_practice(self) -> None:
        deck_id = self.selected_deck_id()
        if deck_id is not None:
            self.post_message(OpenPractice(deck_id))

    def action_exam(self) -> None:
        deck_id = self.selected_deck_id()
        if deck_id is not None:
            self.post_message(OpenExamSetup(deck_id))

    def action_browse(self) -> None:
        self.post_message(OpenBrowser(self.selected_deck_id()))

    def action_stats(self) -> None:
        self.post_message(OpenStats())

    def action_import(self) -> None:
        self.post_message(OpenImport())

    def action_settings(self) -> None:
        self.post_message(OpenSettings())

    def action_sync(self) -> None:
        self.post_message(SyncNow())
