"""Stats: heatmap, due forecast, retention and answers over time, per-domain accuracy."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from certdrill.core.text import counted
from certdrill.study.desk import StudyDesk
from certdrill.study.progress import DomainTrend, WeekRetention
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.widgets.bars import Bar, Bars
from certdrill.tui.widgets.heatmap import Heatmap

BLOCKS = " ▁▂▃▄▅▆▇█"


def column_chart(values: Sequence[float], labels: list[str], *, height: int = 6) -> Text:
    """Vertical bars of block characters, with the peak value and the first/last labels."""
    if not any(values):
        return Text("Nothing yet.", style="dim")
    top = max(values)
    text = Text()
    for level in range(height, 0, -1):
        row = Text("     " if level != height else f"{top:>4g} ")
        for v in values:
            fill = v / top * height - (level - 1)
            row.append(BLOCKS[max(0, min(8, round(fill * 8)))] * 2, style="cyan")
        text.append_text(row)
        text.append("\n")
    text.append("     " + (labels[0] if labels else ""), style="dim")
    if len(labels) > 1:
        text.append(labels[-1].rjust(max(0, len(values) * 2 - len(labels[0]))), style="dim")
    return text


def retention_text(weeks: Sequence[WeekRetention]) -> Text:
    """One bar per week with answers: the share right, on a track as long as 100%."""
    if not any(week.answers for week in weeks):
        return Text("No review answers yet.", style="dim")
    text = Text()
    for week, n, right in weeks:
        if n:
            text.append(f"{week:%d %b}  ", style="dim")
            filled = round(right / n * 30)
            text.append("█" * filled, style="green")
            text.append("░" * (30 - filled), style="dim")  # the whole track: 33% reads as a third
            text.append(f" {right / n:.0%} of {n}\n")
    return text


def trend_bars(trends: Sequence[DomainTrend]) -> list[Bar]:
    """Each domain answered lately: its accuracy now, and which way it moved from the 4 weeks before."""
    bars = []
    for deck_id, _domain, name, recent, before in trends:
        if recent is None:
            continue
        change = "" if before is None else f"{'▲' if recent >= before else '▼'} from {before:.0%}"
        bars.append(Bar(f"{deck_id}: {name}", recent, note=change))
    return bars or [Bar("No answers in the last 4 weeks", None)]


@reports_user_errors
class StatsScreen(Screen[None]):
    BINDINGS = [Binding("escape,q", "dismiss", "Back", id="stats.back")]

    def __init__(self, desk: StudyDesk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="stats-headline")
            yield Static(Text("Reviews per day, last 26 weeks", style="bold"), classes="section")
            yield Heatmap(id="stats-heatmap")
            yield Static(Text("Due in the next 30 days", style="bold"), classes="section")
            yield Static(id="forecast")
            yield Static(Text("Reviews per day, last 30 days", style="bold"), classes="section")
            yield Static(id="per-day")
            yield Static(Text("Retention: share of review answers right, per week", style="bold"), classes="section")
            yield Static(id="retention")
            yield Static(Text("Accuracy per domain, last 4 weeks against the 4 weeks before", style="bold"),
                         classes="section")
            yield Bars(id="domain-trend", width=20)
        yield Footer()

    def on_mount(self) -> None:
        s = self.desk.stats()
        today = self.desk.today()
        acc = f"{s.accuracy_30d:.0%}" if s.accuracy_30d is not None else "—"
        head = Text(f"{counted(s.reviews_total, 'review')} in all · {s.reviews_today} today · "
                    f"streak {counted(s.streak_days, 'day')} · "
                    f"30-day accuracy {acc}\n", style="bold")
        head.append("Cards: " + " · ".join(f"{n} {name}" for name, n in s.cards_by_state.items()), style="dim")
        self.query_one("#stats-headline", Static).update(head)
        self.query_one("#stats-heatmap", Heatmap).show(s.daily, today=today, weeks=26)
        labels = [f"{today:%d %b}", f"{today + timedelta(days=29):%d %b}"]
        self.query_one("#forecast", Static).update(column_chart(s.due_forecast, labels))
        days = [today - timedelta(days=29 - i) for i in range(30)]
        self.query_one("#per-day", Static).update(
            column_chart([s.daily.get(d.isoformat(), 0) for d in days], [f"{days[0]:%d %b}", f"{days[-1]:%d %b}"]))
        self.query_one("#retention", Static).update(retention_text(self.desk.weekly_retention(12)))
        self.query_one("#domain-trend", Bars).set_bars(trend_bars(self.desk.domain_accuracy_trend()))
