"""Deck text for the screen: literal (never markup), with control characters shown escaped; links as Markdown."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from certdrill.core.text import clean_text, terminal_safe


def literal(text: str, style: str = "") -> Text:
    """Text from a deck or a package (a title, a domain name, an id) as a label shows it: markup
    stays literal, and escapes or bidi overrides are shown as `\\x1b`, `\\u202e`."""
    return Text(terminal_safe(text), style=style)


def references_markdown(urls: Iterable[str]) -> str:
    """A Markdown list of links; only http(s) URLs, which the deck check already requires."""
    lines = []
    for url in urls:
        url = clean_text(url).strip()
        if url.startswith(("https://", "http://")) and not any(c in url for c in "<> \n"):
            lines.append(f"- <{url}>")
    return "\n".join(lines)
