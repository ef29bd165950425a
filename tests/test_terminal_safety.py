"""No name from a deck, a package or a file reaches the terminal as escapes or markup: CLI and TUI."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from html import unescape
from pathlib import Path

import pytest
from textual.widgets import Input

from anki_packages import package_with_collection, zip_with
from certdrill.core.text import clean_text, terminal_safe
from certdrill.study.workspace import Workspace
from certdrill.tui.app import CertdrillApp, make_app
from helpers import Cli, settle

TITLE_SET = "\x1b]0;pwned\x07"  # OSC 0: sets the window title
CLEAR = "\x1b[2J"  # CSI 2J: clears the screen
RLO = "\u202e"  # right-to-left override
MARKUP = "[bold red]x[/]"
HOSTILE = f"{TITLE_SET}{CLEAR}{RLO}{MARKUP}"
SHOWN = "\\x1b]0;pwned\\x07\\x1b[2J\\u202e[bold red]x[/]"  # how HOSTILE reads on screen


def assert_safe(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and RLO not in text and "\x9b" not in text


# --- the sanitiser -------------------------------------------------------------

def test_escapes_bidi_controls_and_markup_are_shown_as_text() -> None:
    assert terminal_safe(HOSTILE) == SHOWN
    assert terminal_safe("a\u2066b\u200fc\x9b1m\x7f") == "a\\u2066b\\u200fc\\u009b1m\\u007f"


def test_newlines_and_tabs_stay_unless_the_text_must_be_one_line() -> None:
    assert terminal_safe("a\n\tb\rc") == "a\n\tb\\rc"
    assert terminal_safe("a\nb", one_line=True) == "a\\nb"


def test_an_undecodable_file_name_is_shown_not_a_crash() -> None:
    name = b"deck\xff.csv".decode("utf-8", "surrogateescape")
    assert terminal_safe(name) == "deck\\udcff.csv"
    terminal_safe(name).encode("utf-8")  # would raise with the lone surrogate left in


def test_json_with_escaped_characters_reads_back_the_same() -> None:
    data = {"title": "a\x85b\u202ec\x7f"}
    assert json.loads(terminal_safe(json.dumps(data, ensure_ascii=False))) == data


def test_stored_text_loses_bidi_overrides_and_isolates_but_keeps_marks() -> None:
    assert clean_text(f"a{RLO}b\u2067c\u2069d\u200fe") == "abcd\u200fe"


# --- the command line ----------------------------------------------------------

def refused_in_one_line(cli: Cli, *args: str) -> str:
    cli("decks")  # the database exists before the refusal
    before = cli.dump()
    code, out, err = cli(*args)
    assert (code, out) == (1, "")
    assert err.startswith("certdrill: ") and err.count("\n") == 1 and "Traceback" not in err
    assert_safe(err)
    assert cli.dump() == before
    return err


def test_a_zip_member_name_is_shown_escaped(cli: Cli, tmp_path: Path) -> None:
    package = zip_with(tmp_path / "slip.apkg", {"collection.anki2": b"x", f"../{HOSTILE}\n2nd line": b"boom"})
    err = refused_in_one_line(cli, "import", str(package))
    assert f"../{SHOWN}\\n2nd line" in err and "outside the package folder" in err


@pytest.mark.parametrize("kind", ["view", "trigger"])
def test_a_view_or_trigger_name_is_shown_escaped(cli: Cli, tmp_path: Path, kind: str) -> None:
    body = "AS SELECT 1" if kind == "view" else "AFTER INSERT ON notes BEGIN DELETE FROM cards; END"
    package = package_with_collection(tmp_path, f'CREATE {kind.upper()} "{HOSTILE}" {body};')
    assert f"contains a {kind} ('{SHOWN}')" in refused_in_one_line(cli, "import", str(package))


HOSTILE_DECK = f"""\
format: certdrill/1
id: hostile
title: {json.dumps("Title " + HOSTILE)}
version: {json.dumps("1" + HOSTILE)}
domains:
  - {{id: d, name: {json.dumps("Domain " + HOSTILE)}, weight: 1}}
questions:
  - {{id: h-1, domain: d, kind: flashcard, prompt: "Q?", answer: "A."}}
"""


def test_a_yaml_deck_title_version_and_domain_are_listed_literally(cli: Cli, tmp_path: Path) -> None:
    deck = tmp_path / "hostile.yaml"
    deck.write_text(HOSTILE_DECK, encoding="utf-8")
    code, out, err = cli("import", str(deck))
    assert code == 0 and f"hostile 1{MARKUP}: 1 added" in out
    code, out, err = cli("decks")
    assert code == 0
    assert_safe(out + err)
    assert f"hostile  Title {MARKUP}  v1{MARKUP}" in out and f"Domain {MARKUP}" in out


def test_an_unknown_yaml_key_is_reported_escaped(cli: Cli, tmp_path: Path) -> None:
    deck = tmp_path / "deck.yaml"
    deck.write_text(HOSTILE_DECK.replace("version:", f"{json.dumps(HOSTILE)}: 1\nversion:"), encoding="utf-8")
    code, out, _err = cli("check", str(deck))
    assert code == 1
    assert_safe(out)
    assert f"unknown key '{SHOWN}'" in out


def test_a_csv_domain_column_is_listed_literally(cli: Cli, tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text(f'question,answer,domain\nQ?,A.,"{HOSTILE}"\n', encoding="utf-8")
    code, out, _ = cli("import", "--title", f"T {HOSTILE}", str(table))
    assert code == 0
    assert_safe(out)
    code, out, err = cli("decks")
    assert_safe(out + err)
    assert f"T {MARKUP}" in out and f"    {MARKUP}" in out


def test_a_title_stored_by_an_older_version_is_shown_escaped(cli: Cli) -> None:
    cli("decks")
    con = sqlite3.connect(cli.data / "certdrill.db")
    con.execute("UPDATE deck SET title = ? WHERE id = 'sample'", (HOSTILE,))
    con.execute("UPDATE domain SET name = ? WHERE id = 'alpha'", (RLO + "Alpha",))
    con.commit()
    con.close()
    code, out, err = cli("decks")
    assert code == 0 and f"sample  {SHOWN}  v1" in out and "\\u202eAlpha" in out
    assert_safe(out + err)
    code, out, _ = cli("decks", "--json")
    assert json.loads(out)["decks"][0]["title"] == HOSTILE  # scripts read the same JSON
    code, out, _ = cli("readiness", "sample", "--json")
    assert code == 0 and json.loads(out)["decks"][0]["title"] == HOSTILE


def test_argument_errors_are_escaped_too(cli: Cli) -> None:
    with pytest.raises(SystemExit):
        cli("export", "sample", "--to", "x", "--format", HOSTILE)
    err = cli.capsys.readouterr().err
    assert_safe(err)
    assert SHOWN in err


def test_a_bug_in_certdrill_says_so_and_asks_for_a_report(cli: Cli, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    from certdrill.decks.importers import sources

    def broken(*_args: object, **_kwargs: object) -> None:
        raise TypeError(f"our mistake {HOSTILE}")

    monkeypatch.setattr(sources, "read_table", broken)
    table = tmp_path / "t.csv"
    table.write_text("question,answer\nQ?,A.\n", encoding="utf-8")
    code, _out, err = cli("import", str(table))
    assert code == 70
    assert "Traceback" in err and "TypeError" in err and "bug in certdrill" in err and "report it" in err
    assert "not a usable" not in err and "invalid" not in err
    assert_safe(err)


# --- the terminal app ----------------------------------------------------------

SIZE = (160, 40)  # wide: the long escaped title on one line


def screen_text(app: CertdrillApp) -> str:
    """What the terminal shows, toasts included, as plain text; a line wrapped at a space is
    joined again (with its frame), so a long label reads as one."""
    svg = app.export_screenshot()
    text = unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")
    return re.sub(r" *[█│▎▊▌▐]* *\n *[█│▎▊▌▐]* *", " ", text)


def raw_screen(app: CertdrillApp) -> str:
    """The characters the app sends for its current screen (what an escape would travel in)."""
    return "".join(segment.text for strip in app.screen._compositor.render_strips() for segment in strip)


@pytest.fixture
def hostile_workspace(make_workspace: Callable[..., Workspace], sample_root: Path) -> Workspace:
    (sample_root / "hostile").mkdir()
    (sample_root / "hostile" / "deck.yaml").write_text(HOSTILE_DECK, encoding="utf-8")
    ws = make_workspace()
    con = sqlite3.connect(ws.db_path)  # as an older certdrill stored it, before titles were cleaned
    con.execute("UPDATE deck SET title = ? WHERE id = 'hostile'", (f"Old {HOSTILE}",))
    con.commit()
    con.close()
    return ws


async def test_the_dashboard_shows_a_deck_title_and_domain_names_literally(hostile_workspace: Workspace) -> None:
    app = make_app(hostile_workspace, seed=1)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)  # the first deck, "hostile", is selected
        text = screen_text(app)
        assert f"Old {SHOWN}" in text and f"v1{MARKUP}" in text
        assert f"Domain {MARKUP}" in text
        assert_safe(raw_screen(app))


async def test_a_toast_shows_deck_text_literally(hostile_workspace: Workspace) -> None:
    app = make_app(hostile_workspace, seed=1)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.screen.notify(f"about {HOSTILE}", title=HOSTILE)
        await pilot.pause()
        text = screen_text(app)
        assert f"about {SHOWN}" in text
        assert_safe(raw_screen(app))


async def test_importing_in_the_app_shows_refusals_and_results_literally(
    hostile_workspace: Workspace, tmp_path: Path,
) -> None:
    slip = zip_with(tmp_path / "slip.apkg", {"collection.anki2": b"x", f"../{HOSTILE}": b"boom"})
    deck = tmp_path / "second.yaml"
    deck.write_text(HOSTILE_DECK.replace("id: hostile", "id: second"), encoding="utf-8")
    app = make_app(hostile_workspace, seed=1)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.press(*str(slip), "enter")
        await pilot.pause()
        text = screen_text(app)  # the refusal, in the dialog
        assert f"../{SHOWN}" in text and "outside the package folder" in text
        assert_safe(raw_screen(app))
        app.screen.query_one("#source", Input).value = str(deck)
        await pilot.press("enter", "ctrl+s")
        await settle(pilot)
        text = screen_text(app)  # the result, in a toast
        assert f"Imported second 1{MARKUP}: 1 added" in text
        assert_safe(raw_screen(app))
