"""Horizontal bars for per-domain figures: a value, an optional interval, and a label."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions
from rich.text import Text
from textual.widgets import Static

from certdrill.core.text import terminal_safe

FULL, EMPTY, END = "█", "░", "│"
@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None  # 0..1; None when there is too little evidence to show a number
    low: float | None = None
    high: float | None = None
    note: str = ""
    style: str = "green"


def _track(bar: Bar, width: int, *, note: bool = True) -> Text:
    """The bar itself, its value (or ?) and its note; interval ends marked with │ even without a value."""
    cells = [EMPTY] * width
    filled = 0 if bar.value is None else round(max(0.0, min(1.0, bar.value)) * width)
    cells[:filled] = [FULL] * filled
    if bar.low is not None and bar.high is not None:
        # Mark the interval ends so the spread is visible at a glance.
        for end in (bar.low, bar.high):
            i = min(width - 1, max(0, round(end * width) - (1 if end * width >= 1 else 0)))
            cells[i] = END
    line = Text()
    line.append("".join(cells[:filled]), style=bar.style)
    line.append("".join(cells[filled:]), style="dim")
    line.append("   ?  " if bar.value is None else f" {bar.value:4.0%} ", style="dim" if bar.value is None else "")
    if bar.note and note:
        line.append(" " + terminal_safe(bar.note), style="dim")
    return line


def _label(bar: Bar, label_width: int) -> str:
    """The label as literal one-line text (labels come from decks), cut to the width."""
    label = terminal_safe(bar.label, one_line=True)
    return label if len(label) <= label_width else label[: label_width - 1].rstrip() + "…"


def render_bar(bar: Bar, *, label_width: int, width: int) -> Text:
    """One bar as literal text (labels come from decks: never parsed as markup)."""
    line = Text(_label(bar, label_width).ljust(label_width) + " ", style="bold")
    line.append_text(_track(bar, width))
    return line


@dataclass(frozen=True, slots=True)
class BarChart:
    """A stack of bars laid out for the width it is drawn at: label, bar and note on one line where they
    fit, else the label and note on one line and the bar under them (nothing cut, little wrapped)."""

    bars: tuple[Bar, ...]
    width: int

    def text(self, columns: int) -> Text:
        label_width = min(34, max((len(terminal_safe(b.label, one_line=True)) for b in self.bars), default=10))
        longest_note = max((len(terminal_safe(b.note)) for b in self.bars), default=0)
        beside = label_width + 1 + self.width + 6 + 1 + longest_note <= columns
        text = Text()
        for i, bar in enumerate(self.bars):
            if i:
                text.append("\n")
            if beside:
                text.append_text(render_bar(bar, label_width=label_width, width=self.width))
                continue
            text.append(_label(bar, max(columns, 2)), style="bold")
            if bar.note:
                text.append("  " + terminal_safe(bar.note), style="dim")
            text.append("\n  ")
            text.append_text(_track(bar, self.width, note=False))
        return text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        yield self.text(options.max_width)


class Bars(Static):
    """A stack of labelled bars."""

    DEFAULT_CSS = """
    Bars { height: auto; }
    """

    def __init__(self, bars: list[Bar] | None = None, *, width: int = 24, id: str | None = None) -> None:
        super().__init__(id=id)
        self.bar_width = width
        self.chart = BarChart((), width)
        self.set_bars(bars or [])

    def set_bars(self, bars: list[Bar]) -> None:
        self.chart = BarChart(tuple(bars), self.bar_width)
        self.update(self.chart)
