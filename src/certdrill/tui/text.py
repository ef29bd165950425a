"""Links from deck references as Markdown (MarkdownView strips control characters from all text)."""

from __future__ import annotations

from collections.abc import Iterable

from certdrill.core.text import clean_text


def references_markdown(urls: Iterable[str]) -> str:
    """A Markdown list of links; only http(s) URLs, which the deck check already requires."""
    lines = []
    for url in urls:
        url = clean_text(url).strip()
        if url.startswith(("https://", "http://")) and not any(c in url for c in "<> \n"):
            lines.append(f"- <{url}>")
    return "\n".join(lines)
