"""A review heatmap: one cell per study day, weeks as columns, darker for more answers."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.widgets import Static

from certdrill.core.text import counted

SHADES = ["grey23", "dark_green", "green4", "green3", "bright_green"]
CELL = "■"


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
    months = Text("".join(row).rstrip(), style="dim")
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


class Heatmap(Static):
    DEFAULT_CSS = """
    Heatmap { height: auto; }
    """

    def show(self, counts: dict[str, int], *, today: date, weeks: int = 20) -> None:
        self.update(heatmap_text(counts, today=today, weeks=weeks))
