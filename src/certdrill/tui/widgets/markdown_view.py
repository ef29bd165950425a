"""Deck Markdown shown in one widget: paragraphs, lists, `code`, highlighted fenced code.

Rich's Markdown renderer in a Static draws in about a millisecond and synchronously, where
Textual's Markdown widget mounts a widget per block; reviews need the next question in one
frame. Neither parses Rich markup, so deck text stays literal.
"""

from __future__ import annotations

from rich.markdown import Markdown
from textual.widgets import Static

from certdrill.core.text import clean_text


class MarkdownView(Static):
    DEFAULT_CSS = """
    MarkdownView { height: auto; }
    """

    def show(self, text: str) -> None:
        self.update(Markdown(clean_text(text), code_theme="monokai", hyperlinks=True))
