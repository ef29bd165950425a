"""Choices render inline Markdown (`code`, *em*, **strong**) as styles, and deck text never becomes
markup (issue #17: backticks were shown raw in 654 of 4,366 bundled choices)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from certdrill.study.workspace import Workspace
from certdrill.tui.app import make_app
from helpers import settle
from test_tui import screen_text


def spans(text: str) -> list[tuple[str, str]]:
    from certdrill.tui.text import inline_markdown

    rendered = inline_markdown(text)
    return [(rendered.plain[s.start:s.end], str(s.style)) for s in rendered.spans]


def test_code_emphasis_and_strong_become_styles() -> None:
    from certdrill.tui.text import CODE_STYLE, inline_markdown

    assert inline_markdown("Call `boto3.client('s3')` with **care**, *not* haste").plain == \
        "Call boto3.client('s3') with care, not haste"
    assert spans("`x` **y** *z*") == [("x", CODE_STYLE), ("y", "bold"), ("z", "italic")]
    assert spans("**a *b* c**") == [("a ", "bold"), ("b", "bold italic"), (" c", "bold")]
    assert inline_markdown("``a `tick` here``").plain == "a `tick` here"


def test_what_is_not_markdown_stays_as_written() -> None:
    from certdrill.tui.text import inline_markdown

    for text in ("2 * 3 * 4", "snake_case_name", "a lone ` tick", "**unclosed", r"\*literal\*"):
        assert inline_markdown(text).plain == text.replace("\\", ""), text
    assert inline_markdown(r"\*literal\*").spans == []


def test_deck_text_never_becomes_markup() -> None:
    from certdrill.tui.text import CODE_STYLE, inline_markdown

    rendered = inline_markdown("[bold red]x[/] `[link=https://evil.example]y[/link]` \x1b[31mz")
    assert rendered.plain == "[bold red]x[/] [link=https://evil.example]y[/link] \\x1b[31mz"  # the escape shown, not sent
    assert spans("[bold red]x[/] `[b]`") == [("[b]", CODE_STYLE)]


DECK = """\
format: certdrill/1
id: inline
title: Inline
version: "1"
domains: [{id: d, name: D, weight: 1}]
questions:
  - id: i-1
    domain: d
    kind: single
    prompt: Which call lists buckets?
    choices:
      - {text: "`s3.list_buckets()` on a **client**", correct: true, why: "It is `ListBuckets`."}
      - {text: "[b]not markup[/b] `x`", why: "*No.*"}
"""


async def test_choices_show_no_raw_backticks(make_workspace: Callable[..., Workspace], sample_root: Path) -> None:
    (sample_root / "inline").mkdir()
    (sample_root / "inline" / "deck.yaml").write_text(DECK)
    app = make_app(make_workspace(), seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")  # "inline" is the first deck
        text = screen_text(app)
        assert "s3.list_buckets() on a client" in text and "`" not in text
        assert "[b]not markup[/b] x" in text
        await pilot.press("a", "enter")
        text = screen_text(app)
        assert "It is ListBuckets." in text and "`" not in text


async def test_the_new_screens_show_deck_markup_literally(
    make_workspace: Callable[..., Workspace], sample_root: Path,
) -> None:
    from test_tui import MARKUP_DECK

    (sample_root / "hostile").mkdir()
    (sample_root / "hostile" / "deck.yaml").write_text(MARKUP_DECK)
    app = make_app(make_workspace(), seed=1)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r", "a", "enter", "l")  # the history of h-1
        await settle(pilot)
        assert "Is [bold red]x[/] shown literally" in screen_text(app)
        await pilot.press("escape", "escape", "escape")
        await settle(pilot)
        await pilot.press("e", "enter", "ctrl+s")  # the check before submitting lists h-1
        await settle(pilot)
        text = screen_text(app)
        assert "unanswered" in text and "Is [bold red]x[/] shown literally" in text and "\x1b" not in text
