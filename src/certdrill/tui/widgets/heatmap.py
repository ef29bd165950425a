"""A review heatmap: one cell per study day, weeks as columns, darker for more answers; as many weeks
as the width it is drawn at holds (it never wraps)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from rich.console import Console, ConsoleOptions
from rich.text import Text
from textual.widgets import Static

from certdrill.core.text import counted

SHADES = ["grey23", "dark_green", "green4", "green3", "bright_green"]
CELL = "■"
DAY_NAMES = 4  # the column of weekday names


def weeks_that_fit(columns: int, weeks: int) -> int:
    """At most `weeks`, and no more than `columns` hold (two columns a week after the day names)."""
    return max(1, min(weeks, (columns - DAY_NAMES) // 2))


def heatmap_text(counts: dict[str, int], *, today: date, weeks: int) -> Text:
    """Rows Monday..Sunday, columns oldest..newest week; with a legend and the total."""
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    top = max(counts.values(), default=0)
    text = Text()
    # Month names sit above the week they start in; a name may run over the next cells.
    row = [" "] * (4 + 2 * weeks + 3)
    last_month = None
    for w in range(weeks):
        day = start + timedelta(weeks=w)
        if day.month != last_month:
            last_month = day.month
            label = day.strftime("%b")
            at = 4 + 2 * w
            if all(c == " " for c in row[max(0, at - 1): at + len(label)]):
                row[at: at + len(label)] = list(label)
    months = Text("".join(row[: DAY_NAMES + 2 * weeks]).rstrip(), style="dim")  # a name never widens it
    text.append_text(months)
    for weekday, name in enumerate(["Mon", "", "Wed", "", "Fri", "", "Sun"]):
        text.append("\n" + name.ljust(4), style="dim")
        for w in range(weeks):
            day = start + timedelta(weeks=w, days=weekday)
            if day > today:
                text.append("  ")
                continue
            n = counts.get(day.isoformat(), 0)
            level = 0 if n == 0 else min(4, 1 + int(4 * (n - 1) / top))
            text.append(CELL + " ", style=SHADES[level])
    total = sum(n for d, n in counts.items() if d >= start.isoformat())
    days = sum(1 for d, n in counts.items() if n and d >= start.isoformat())
    text.append(f"\n    {counted(total, 'review')} on {counted(days, 'day')} · less ", style="dim")
    for colour in SHADES:
        text.append(CELL, style=colour)
    text.append(" more", style="dim")
    return text


@dataclass(frozen=True, slots=True)
class HeatmapChart:
    """The heatmap as drawn: the latest weeks that fit the width."""

    counts: dict[str, int]
    today: date
    weeks: int

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        yield heatmap_text(self.counts, today=self.today, weeks=weeks_that_fit(options.max_width, self.weeks))


class Heatmap(Static):
    DEFAULT_CSS = """
    Heatmap { height: auto; }
    """

    def show(self, counts: dict[str, int], *, today: date, weeks: int = 20) -> None:
        self.update(HeatmapChart(counts, today, weeks))
