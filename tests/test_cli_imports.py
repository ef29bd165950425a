"""Commands that only read stay light: none imports Textual, and once the database exists (and its
bundled decks are current) none imports SQLAlchemy or SQLModel either."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("textual", "rich", "sqlalchemy", "sqlmodel")
CHILD = (
    "import contextlib, io, json, sys\n"
    "from certdrill.cli import main\n"
    "out = io.StringIO()\n"
    "with contextlib.redirect_stdout(out):\n"
    "    try:\n"
    "        code = main(sys.argv[1:])\n"
    "    except SystemExit as exc:\n"
    "        code = exc.code\n"
    f"loaded = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
    "print(json.dumps({'code': code, 'loaded': loaded, 'out': out.getvalue()}))\n"
)


def run_cli(home: Path, *args: str) -> dict[str, object]:
    """`certdrill ARGS` in a fresh interpreter: its exit code, output and which heavy packages it loaded."""
    env = dict(os.environ, CERTDRILL_HOME=str(home))
    done = subprocess.run([sys.executable, "-c", CHILD, *args],
                          env=env, capture_output=True, text=True, timeout=300, check=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("home")
    first = run_cli(folder, "decks", "--json")  # the first start creates the database and loads the bundled decks
    assert first["code"] == 0 and "textual" not in first["loaded"]  # type: ignore[operator]
    return folder


@pytest.mark.parametrize("args", [["decks", "--json"], ["stats", "--json"], ["readiness", "--json"]])
def test_read_only_commands_load_neither_textual_nor_the_orm(home: Path, args: list[str]) -> None:
    result = run_cli(home, *args)
    assert result["code"] == 0
    assert json.loads(str(result["out"]))  # the answer is there
    assert result["loaded"] == []


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_version_and_help_load_nothing_heavy(home: Path, args: list[str]) -> None:
    result = run_cli(home, *args)
    assert result["code"] == 0 and "certdrill" in str(result["out"])
    assert result["loaded"] == []


def test_decks_lists_the_bundled_decks_without_the_orm(home: Path) -> None:
    decks = json.loads(str(run_cli(home, "decks", "--json")["out"]))["decks"]
    expected = {p.name for p in (Path(__file__).resolve().parents[1] / "decks").iterdir() if (p / "deck.yaml").is_file()}
    assert {d["id"] for d in decks} == expected
    assert all(d["questions"] > 0 and d["new_available"] > 0 for d in decks)


def test_version_answers_before_the_parser_is_built(home: Path) -> None:
    """Scripts probe for certdrill with --version: it prints what argparse's version action prints,
    without loading argparse or any command module."""
    from certdrill import __version__

    env = dict(os.environ, CERTDRILL_HOME=str(home))
    probe = ("import sys\nfrom certdrill.cli import main\ncode = main(['--version'])\n"
             "print(sorted(m for m in sys.modules if m == 'argparse' or m.startswith('certdrill.cli.')), code)\n")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.splitlines() == [f"certdrill {__version__}", "['certdrill.cli.terminal'] 0"]
    shell = subprocess.run([sys.executable, "-m", "certdrill", "--version", "--data-dir", str(home)], env=env,
                           capture_output=True, text=True, timeout=300)
    assert (shell.returncode, shell.stdout) == (0, f"certdrill {__version__}\n")  # the parser's own path, same text
