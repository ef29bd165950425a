"""A file that is not a deck (a log, a text file, a table of mostly non-questions) is refused as a
whole, with the format that was expected; the rule: fewer than half of the items usable."""

from __future__ import annotations

from pathlib import Path

import pytest

from certdrill.cli import main
from certdrill.study.workspace import Workspace
from helpers import sql_dump

PIP_LOG = """\
Using pip 24.0 from /usr/lib/python3/dist-packages/pip (python 3.11)
Collecting textual
  Obtaining dependency information for textual from https://files.example/textual-0.47.1-py3-none-any.whl.metadata
  Downloading textual-0.47.1-py3-none-any.whl.metadata (8.9 kB)
Collecting markdown-it-py[linkify,plugins]>=2.1.0 (from textual)
  Using cached markdown_it_py-3.0.0-py3-none-any.whl (87 kB)
Requirement already satisfied: rich>=13.3.3 in ./.venv/lib/python3.11/site-packages (from textual) (13.7.0)
Requirement already satisfied: typing-extensions<5.0.0,>=4.4.0 in ./.venv (from textual) (4.9.0)
Collecting linkify-it-py<3,>=1 (from markdown-it-py[linkify,plugins]>=2.1.0->textual)
Installing collected packages: mdit-py-plugins, linkify-it-py, textual
Successfully installed linkify-it-py-2.0.2 mdit-py-plugins-0.4.0 textual-0.47.1
"""


@pytest.mark.parametrize(("name", "content"), [
    ("pip.log", PIP_LOG),
    ("notes.txt", "Some thoughts in no order\nAnother line\nA third line, with a comma\nThe end\n"),
    ("mostly-not.csv", "question,answer\nWhat is 2+2?,4\n,orphan answer\n,another\nno answer here,\n"),
])
def test_a_file_that_is_not_a_deck_is_refused_whole_and_says_what_was_expected(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    name: str, content: str,
) -> None:
    monkeypatch.setattr("certdrill.cli.importing.open_workspace", lambda _args: workspace)
    source = tmp_path / name
    source.write_text(content)
    data = str(workspace.db_path.parent)
    before = sql_dump(workspace)
    for dry_run in (["--dry-run"], []):
        assert main(["--data-dir", data, "import", str(source), *dry_run]) == 1
        err = capsys.readouterr().err
        assert f"{name}: not a deck: only" in err and "Expected a CSV/TSV deck" in err, err
    assert sql_dump(workspace) == before


def test_a_table_with_half_its_rows_usable_is_imported_and_the_rest_listed(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "half.csv"
    source.write_text("question,answer\nWhat is 2+2?,4\nWhat is 3+3?,6\nno answer,\n,no question\n")
    assert main(["--data-dir", str(workspace.db_path.parent), "import", str(source)]) == 0
    out = capsys.readouterr().out
    assert "2 added" in out and "2 refused" in out


def test_an_anki_package_of_mostly_unusable_notes_is_refused(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    from anki_packages import mcq, write_package

    broken = [mcq(f"Q{n}?", ["a", "b"], "Z", guid=f"bad{n}") for n in range(3)]  # no such answer
    path = write_package(tmp_path / "mostly-broken.apkg", {"Deck": [*broken, mcq("Ok?", ["a", "b"], "A", guid="ok")]})
    assert main(["--data-dir", str(workspace.db_path.parent), "import", str(path), "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert "not a deck: only 1 of 4 notes are questions" in err and "Expected Anki notes" in err


async def test_the_import_screen_refuses_a_file_that_is_not_a_deck(workspace: Workspace, tmp_path: Path) -> None:
    from textual.widgets import Input

    from certdrill.tui.app import make_app
    from helpers import settle
    from test_day_screens import screen_text

    source = tmp_path / "pip.log"
    source.write_text(PIP_LOG)
    app = make_app(workspace, seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#source", Input).value = str(source)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        await pilot.press("ctrl+s")  # nothing previewed: nothing to import
        await settle(pilot)
    assert "Refused: pip.log: not a deck" in text
    assert "dry run" not in text.lower()
