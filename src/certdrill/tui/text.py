"""Deck text for the screen: literal (never markup), with control characters shown escaped; inline
Markdown in short texts (choices) as styles; links as Markdown."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.text import Text

from certdrill.core.text import clean_text, terminal_safe


def literal(text: str, style: str = "") -> Text:
    """Text from a deck or a package (a title, a domain name, an id) as a label shows it: markup
    stays literal, and escapes or bidi overrides are shown as `\\x1b`, `\\u202e`."""
    return Text(terminal_safe(text), style=style)

CODE_STYLE = "bold cyan"

# `code` (any run of backticks, closed by the same run), **strong**, *em*, and backslash escapes.
# Emphasis needs text right inside its stars, as in CommonMark: "2 * 3 * 4" stays as it is.
_INLINE = re.compile(
    r"(?P<ticks>`+)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)"
    r"|\*\*(?P<strong>[^\s*](?:.*?[^\s*])?)\*\*"
    r"|\*(?P<em>[^\s*](?:.*?[^\s*])?)\*"
    r"|\\(?P<escaped>[\\`*_])",
    re.DOTALL,
)


def inline_markdown(text: str, style: str = "") -> Text:
    """`code`, *em* and **strong** of a short deck text as styles; everything else literal.

    The text is never parsed as Rich or Textual markup: it is appended as plain strings, so
    `[bold]` in a deck stays `[bold]`. Unmatched backticks or stars are shown as they are.
    """
    out = Text(style=style)
    _append(out, terminal_safe(text), "")
    return out


def _append(out: Text, text: str, style: str) -> None:
    at = 0
    for match in _INLINE.finditer(text):
        out.append(text[at:match.start()], style=style or None)
        at = match.end()
        if match["code"] is not None:
            code = match["code"]
            if code.startswith(" ") and code.endswith(" ") and code.strip():
                code = code[1:-1]  # CommonMark: one space each side lets a code span start with a backtick
            out.append(code, style=f"{style} {CODE_STYLE}".strip())
        elif match["strong"] is not None:
            _append(out, match["strong"], f"{style} bold".strip())
        elif match["em"] is not None:
            _append(out, match["em"], f"{style} italic".strip())
        else:
            out.append(match["escaped"], style=style or None)
    out.append(text[at:], style=style or None)


def references_markdown(urls: Iterable[str]) -> str:
    """A Markdown list of links; only http(s) URLs, which the deck check already requires."""
    lines = []
    for url in urls:
        url = clean_text(url).strip()
        if url.startswith(("https://", "http://")) and not any(c in url for c in "<> \n"):
            lines.append(f"- <{url}>")
    return "\n".join(lines)
