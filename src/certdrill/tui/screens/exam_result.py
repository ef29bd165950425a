"""The result of a mock exam: score, per-domain score against weight, pass/fail, the trend of the
deck's mock scores, then every question with its verdict, the time spent on it and its explanation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from certdrill.core.durations import format_duration
from certdrill.core.text import terminal_safe
from certdrill.study.desk import StudyDesk
from certdrill.study.exam import ExamResult, ResultItem, TrendPoint
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.text import literal, references_markdown
from certdrill.tui.widgets.choices import ChoiceList
from certdrill.tui.widgets.markdown_view import MarkdownView

VERDICTS = {"right": ("✔", "right", "green"), "wrong": ("✘", "wrong", "red"),
            "unanswered": ("–", "unanswered", "red"), "incomplete": ("◐", "incomplete", "yellow")}


def result_table(result: ExamResult) -> Table:
    table = Table(box=None, expand=True)
    table.add_column("Domain")
    table.add_column("Weight", justify="right")
    table.add_column("Asked", justify="right")
    table.add_column("Right", justify="right")
    table.add_column("Score", justify="right")
    table.add_column("", min_width=12)
    for d in result.domains:
        filled = round(d.share * 12) if d.total else 0
        bar = Text("█" * filled, style="green" if d.share >= 0.72 else "yellow" if d.share >= 0.55 else "red")
        bar.append("░" * (12 - filled), style="dim")
        table.add_row(literal(d.name), f"{d.weight:.0f}%", str(d.total), str(d.correct),
                      f"{d.share:.0%}" if d.total else "—", bar)
    return table


def headline(result: ExamResult) -> Text:
    text = Text(f"{result.correct} of {result.total} right ({result.raw:.0%})", style="bold")
    if result.score is not None and result.score_unit == "scaled":
        text.append(f" · scaled score ≈ {result.score:.0f} (pass {result.pass_score:g})")
    elif result.score is not None:
        text.append(f" · pass mark {result.pass_score:g}%")
    if result.passed is not None:
        text.append("   PASS " if result.passed else "   FAIL ", style="bold black on green" if result.passed
                    else "bold white on red")
    if result.estimated:
        text.append(f"\nEstimate: {result.conversion}.", style="dim italic")
    used = result.seconds_used
    if used is not None:
        text.append(f"\nTime used: {format_duration(used)} of {format_duration(result.minutes * 60)}", style="dim")
    return text


def trend_text(points: list[TrendPoint], attempt_id: int, local: Callable[[datetime], datetime]) -> Text:
    """'Mock exams on this deck: 02 Nov 45% → 05 Nov 60% → 09 Nov 72% (this one) ▲ 12 points'."""
    text = Text("Mock exams on this deck: ", style="bold")
    if len(points) < 2:
        text.append("this is the first; a trend shows from the second.", style="dim")
        return text
    shown = points[-6:]
    for i, point in enumerate(shown):
        if i:
            text.append(" → ", style="dim")
        text.append(f"{local(point.started_at):%d %b} ", style="dim")
        style = "bold" if point.attempt_id == attempt_id else ""
        text.append(f"{point.share:.0%}", style=style)
        if point.attempt_id == attempt_id:
            text.append(" (this one)", style="dim")
    change = round(100 * (shown[-1].share - shown[-2].share))
    if change:
        text.append(f"  {'▲' if change > 0 else '▼'} {abs(change)} points", style="green" if change > 0 else "red")
    return text


def item_label(entry: ResultItem) -> Text:
    """'  3. ✘ wrong       1 min 05 s ⚑ Which are …' (the list cuts it at its edge)."""
    glyph, word, style = VERDICTS[entry.verdict]
    item = entry.item
    label = Text(f"{item.position + 1:>3}. ")
    label.append(f"{glyph} {word:<10}", style=style)
    label.append(f"{format_duration(item.seconds):>11} ", style="dim")  # up to "59 min 59 s"
    label.append("⚑ " if item.flagged else "  ", style="bold yellow")
    label.append(terminal_safe(" ".join(item.question.prompt.split())))
    return label


@reports_user_errors
class ExamResultScreen(Screen[None]):
    BINDINGS = [
        Binding("w", "toggle_filter", "Misses/all", id="exam_result.filter"),
        Binding("o", "open_reference", "Doc", id="exam_result.open"),
        Binding("escape,q", "dismiss", "Back", id="exam_result.back"),
    ]

    def __init__(self, desk: StudyDesk, result: ExamResult) -> None:
        super().__init__()
        self.desk, self.result = desk, result
        self.trend = desk.mock_trend(result.deck_id)
        self.only_misses = False
        self.entries: list[ResultItem] = list(result.items)
        self.shown: ResultItem | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(" Mock exam result ", style="bold reverse"), id="result-title", classes="bar")
        yield Static(headline(self.result), id="result-headline")
        yield Static(result_table(self.result), id="result-domains")
        yield Static(trend_text(self.trend, self.result.attempt_id, self.desk.local), id="result-trend")
        yield Static(id="result-review-title")
        with Horizontal(id="result-review"):
            yield OptionList(id="missed")
            with VerticalScroll(id="missed-detail"):
                yield Static(id="missed-meta", classes="meta")
                yield MarkdownView(id="missed-prompt", classes="flush")
                yield ChoiceList(id="missed-choices")
                yield MarkdownView(id="missed-explanation")
        yield Footer(compact=True, show_command_palette=False)  # 80 columns: keys first

    def on_mount(self) -> None:
        self.fill()

    def fill(self) -> None:
        """The list: every question, or only those to look at again (wrong, unanswered, flagged)."""
        result = self.result
        self.entries = result.to_review if self.only_misses else list(result.items)
        title = Text(f"Every question ({len(result.items)}) · w: only the {len(result.to_review)} wrong, "
                     "unanswered or flagged", style="bold")
        if self.only_misses:
            title = Text(f"{len(self.entries)} wrong, unanswered or flagged (w shows all {len(result.items)})",
                         style="bold")
        self.query_one("#result-review-title", Static).update(title)
        missed = self.query_one("#missed", OptionList)
        missed.clear_options()
        missed.add_options([Option(item_label(e), id=str(i)) for i, e in enumerate(self.entries)])
        if self.entries:
            missed.highlighted = 0
            self.show(0)
        detail = self.query_one("#missed-detail", VerticalScroll)
        detail.display = bool(self.entries)

    def action_toggle_filter(self) -> None:
        self.only_misses = not self.only_misses
        self.fill()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.show(int(event.option.id))

    def action_open_reference(self) -> None:
        from certdrill.tui.screens.link import open_reference

        if self.shown is not None and self.shown.item.question.references:
            open_reference(self, self.shown.item.question.references[0])

    def show(self, index: int) -> None:
        entry = self.shown = self.entries[index]
        item = entry.item
        q = item.question
        glyph, word, style = VERDICTS[entry.verdict]
        meta = Text(f"Question {item.position + 1} · ", style="bold")
        meta.append(f"{glyph} {word}", style=style)
        meta.append(f" · {format_duration(item.seconds)} on it")
        if item.flagged:
            meta.append(" · ⚑ flagged", style="yellow")
        self.query_one("#missed-meta", Static).update(meta)
        self.query_one("#missed-prompt", MarkdownView).show(q.prompt)
        self.query_one("#missed-choices", ChoiceList).verdict(q, item.chosen)
        refs = references_markdown(q.references)
        self.query_one("#missed-explanation", MarkdownView).show(
            q.explanation + ("\n\n**Read more** (o opens the first link)\n\n" + refs if refs else ""))
        self.query_one("#missed-detail", VerticalScroll).scroll_home(animate=False)
