"""Horizontal bars for per-domain figures: a value, an optional interval, and a label."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from certdrill.core.text import terminal_safe

FULL, EMPTY = "█", "░"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None  # 0..1; None when there is too little evidence to show a number
    low: float | None = None
    high: float | None = None
    note: str = ""
    style: str = "green"


def render_bar(bar: Bar, *, label_width: int, width: int) -> Text:
    """One bar as literal text (labels come from decks: never parsed as markup)."""
    label = terminal_safe(bar.label, one_line=True)
    label = label if len(label) <= label_width else bar.label[: label_width - 1].rstrip() + "…"
    line = Text(label.ljust(label_width) + " ", style="bold")
    if bar.value is None:
        line.append(EMPTY * width, style="dim")
        line.append("   ?  ", style="dim")
    else:
        filled = round(max(0.0, min(1.0, bar.value)) * width)
        cells = [FULL] * filled + [EMPTY] * (width - filled)
        if bar.low is not None and bar.high is not None:
            # Mark the interval ends so the spread is visible at a glance.
            for end in (bar.low, bar.high):
                i = min(width - 1, max(0, round(end * width) - (1 if end * width >= 1 else 0)))
                cells[i] = "│"
        line.append("".join(cells[:filled]), style=bar.style)
        line.append("".join(cells[filled:]), style="dim")
        line.append(f" {bar.value:4.0%} ")
    if bar.note:
        line.append(" " + terminal_safe(bar.note), style="dim")
    return line


class Bars(Static):
    """A stack of labelled bars."""

    DEFAULT_CSS = """
    Bars { height: auto; }
    """

    def __init__(self, bars: list[Bar] | None = None, *, width: int = 24, id: str | None = None) -> None:
        super().__init__(id=id)
        self.bar_width = width
        self.set_bars(bars or [])

    def set_bars(self, bars: list[Bar]) -> None:
        label_width = min(34, max((len(terminal_safe(b.label, one_line=True)) for b in bars), default=10))
        text = Text()
        for i, bar in enumerate(bars):
            if i:
                text.append("\n")
            text.append_text(render_bar(bar, label_width=label_width, width=self.bar_width))
        self.update(text)
