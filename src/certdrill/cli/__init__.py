"""Command line: plain `certdrill` opens the TUI; subcommands serve scripts."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from certdrill import __version__
from certdrill.cli.terminal import safe_output, say_error
from certdrill.errors import CertdrillError

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from textual.app import App

    from certdrill.study.workspace import Workspace


def path_arg(text: str) -> Path:
    """An argument that names a file or folder (argparse `type=`; pathlib loads only when used)."""
    from pathlib import Path

    return Path(text)


# Each module adds its subcommands with `register(subparsers)` and sets `func` on them. They keep
# heavy imports inside the command functions, so `certdrill --help` stays fast.
COMMAND_MODULES = ["basic", "importing", "readiness", "exporting", "maintenance", "optimize", "open_at", "sync"]


def _parser() -> argparse.ArgumentParser:
    import argparse
    import importlib

    parser = argparse.ArgumentParser(
        prog="certdrill",
        description="Drill ML certification questions with spaced repetition. "
        "Without a command, opens the terminal app.",
    )
    parser.add_argument("--version", action="version", version=f"certdrill {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="keep the database in DIR (default: $CERTDRILL_HOME or the user data folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        importlib.import_module(f"certdrill.cli.{module}").register(sub)
    return parser


EXIT_BUG = 70  # EX_SOFTWARE: an error in certdrill itself, not in what it was given


def main(argv: Sequence[str] | None = None) -> int:
    if list(sys.argv[1:] if argv is None else argv) == ["--version"]:
        # What argparse would print, without building the parser: scripts probe for certdrill this way.
        print(f"certdrill {__version__}")
        return 0
    with safe_output():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command is None:
            return _run_tui(args)
        return int(args.func(args) or 0)
    except CertdrillError as exc:
        say_error(str(exc))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `certdrill decks | head`: the reader has what it wanted
        # Whatever is still buffered would fail again at exit: send it nowhere (Python's recipe).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # what a shell reports for SIGPIPE
    except Exception as exc:  # sqlite3 errors, raw or wrapped by SQLAlchemy: one line, no traceback
        import sqlite3

        if isinstance(exc, sqlite3.Error) or isinstance(getattr(exc, "orig", None), sqlite3.Error):
            return _database_error(exc)
        return _bug(exc)


def _database_error(exc: Exception) -> int:
    from certdrill.storage.engine import explain_database_error

    say_error(explain_database_error(exc) or str(exc))
    return 1


def _bug(exc: Exception) -> int:
    """Not the learner's input but certdrill's own code: the traceback, and a plea to report it."""
    import traceback

    traceback.print_exception(exc, file=sys.stderr)
    say_error(f"internal error ({type(exc).__name__}): a bug in certdrill {__version__}, not a problem with "
              "what you gave it. Please report it with the lines above.")
    return EXIT_BUG


def open_workspace(args: argparse.Namespace) -> Workspace:
    """The learner's workspace for a command, printing warnings about skipped bundled decks."""
    from certdrill.study.workspace import Workspace

    ws = Workspace.open(args.data_dir)
    for warning in ws.warnings:
        say_error(f"warning: {warning}")
    return ws


def _run_tui(args: argparse.Namespace) -> int:
    tui_app(args.data_dir).run()
    return 0


def tui_app(data_dir: str | None) -> App[None]:
    """The app `certdrill` runs. With a database already there, the dashboard shows counts read
    with plain sqlite3 at once, and the full workspace opens in the background."""
    from datetime import UTC, datetime

    from certdrill import paths
    from certdrill.storage.overview import read_overview

    tz = datetime.now().astimezone().tzinfo or UTC
    overview = read_overview(paths.database_path(data_dir), now=datetime.now(UTC), tz=tz)

    def opener() -> Workspace:
        from certdrill.study.workspace import Workspace

        return Workspace.open(data_dir)

    from certdrill.tui.app import make_app, make_opening_app

    if overview is None:  # first start, a schema upgrade, or a damaged file: the full way, with its messages
        return make_app(opener())
    return make_opening_app(opener, overview)
