"""Lists in imported HTML become Markdown lists that render evenly: one item a line, what an item holds
kept inside it, and the text after a list not run into its last item."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from certdrill.decks.importers.html_text import html_to_text, parsed_text


def items(markdown: str) -> list[str]:
    """The text of each list item as a Markdown renderer sees it, and what follows the list."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    found, depth, current = [], 0, []
    for t in tokens:
        if t.type == "list_item_open":
            depth += 1
            current = []
        elif t.type == "list_item_close":
            depth -= 1
            found.append(" ".join(current))
        elif t.type == "inline" and depth:
            current.append(t.content.replace("\n", " "))
        elif t.type == "inline":
            found.append(f"after: {t.content}")
    return found


@pytest.mark.parametrize(("html", "expected"), [
    ("Intro<ul><li>one</li><li>two</li></ul>after", ["after: Intro", "one", "two", "after: after"]),
    ("<ul><li><div>a</div></li><li><div>b</div></li></ul>", ["a", "b"]),
    ("<ol><li><p>x</p></li><li><p>y</p></li></ol>", ["x", "y"]),
    ("Which?<br><ol><li>A thing</li><li>B thing<br>more</li></ol>", ["after: Which?", "A thing", "B thing more"]),
    ("<div><ul><li>a</li></ul></div><div>b</div>", ["a", "after: b"]),
])
def test_an_imported_list_renders_one_even_item_per_li(html: str, expected: list[str]) -> None:
    text = html_to_text(html)
    assert text == parsed_text(html)  # the quick reader and html.parser agree
    assert items(text) == expected, text


def test_items_of_a_list_sit_on_consecutive_lines_without_a_marker_alone_on_a_line() -> None:
    assert html_to_text("<ol><li><p>x</p></li><li><p>y</p></li></ol>") == "1. x\n2. y"
    assert html_to_text("<ul><li><div>a</div></li><li><div>b</div></li></ul>") == "- a\n- b"
    assert html_to_text("<ol><li>outer<ul><li>inner</li></ul>tail</li><li>next</li></ol>") == (
        "1. outer\n   - inner\n   tail\n2. next")
