"""Command line: plain `certdrill` opens the TUI; subcommands serve scripts."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from certdrill import __version__
from certdrill.errors import CertdrillError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="certdrill",
        description="Drill ML certification questions with spaced repetition. "
        "Without a command, opens the terminal app.",
    )
    parser.add_argument("--version", action="version", version=f"certdrill {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="keep the database in DIR (default: $CERTDRILL_HOME or the user data folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("decks", help="list decks with questions per domain, due and new counts")
    p.add_argument("--json", action="store_true", help="print JSON (shape in the README)")

    p = sub.add_parser("check", help="validate deck files and report every problem as file:line")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a deck file or folder")
    p.add_argument("--stats", action="store_true", help="also print the quality figures of each deck")

    p = sub.add_parser("import", help="add a deck, or update one imported before (all or nothing)")
    p.add_argument("source", type=Path, metavar="SOURCE", help="a YAML deck file or folder")
    p.add_argument("--dry-run", action="store_true", help="report what would change and write nothing")

    p = sub.add_parser("stats", help="answers, streak, accuracy and due forecast")
    p.add_argument("--json", action="store_true", help="print JSON (shape in the README)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command is None:
            return _run_tui(args)
        return int(COMMANDS[args.command](args) or 0)
    except CertdrillError as exc:
        print(f"certdrill: {exc}", file=sys.stderr)
        return 1
    except sqlite3.OperationalError as exc:
        return _database_error(exc)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # SQLAlchemy wraps sqlite3 errors
        orig = getattr(exc, "orig", None)
        if isinstance(orig, sqlite3.OperationalError):
            return _database_error(orig)
        raise


def _database_error(exc: sqlite3.OperationalError) -> int:
    text = str(exc)
    if "locked" in text or "busy" in text:
        msg = "the database is busy in another certdrill window; nothing was saved by this command, try again"
    elif "readonly" in text or "read-only" in text:
        msg = "the database is read-only; nothing could be saved (check the permissions of the data folder)"
    elif "disk" in text and ("full" in text or "I/O" in text):
        msg = "the disk is full; nothing was saved by this command (earlier answers are safe)"
    else:
        msg = f"database error: {text}"
    print(f"certdrill: {msg}", file=sys.stderr)
    return 1


def _workspace(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from certdrill.study.workspace import Workspace

    ws = Workspace.open(args.data_dir)
    for warning in ws.warnings:
        print(f"certdrill: warning: {warning}", file=sys.stderr)
    return ws


def _run_tui(args: argparse.Namespace) -> int:
    ws = _workspace(args)
    from certdrill.tui.app import make_app

    make_app(ws).run()
    return 0


def cmd_decks(args: argparse.Namespace) -> int:
    from certdrill.study.reports import deck_summaries

    ws = _workspace(args)
    settings = ws.settings()
    with ws.session() as session:
        decks = deck_summaries(session, now=ws.now(), tz=ws.tz, new_per_day=settings.new_per_day)
    if args.json:
        print(json.dumps({"decks": [d.to_json() for d in decks]}, indent=2))
        return 0
    if not decks:
        print("No decks yet. Import one with: certdrill import PATH")
    for d in decks:
        exam = ""
        if d.exam:
            exam = f"  [{d.exam.code}, {d.exam.status}"
            if d.exam.status == "retired":
                exam += f" {d.exam.retired_on}" if d.exam.retired_on else ""
                exam += f"; successor {d.exam.successor}" if d.exam.successor else ""
            exam += "]"
        print(f"{d.id}  {d.title}  v{d.version}{exam}")
        print(f"  {d.questions} questions · {d.due_now} due now · {d.new_available} new available today"
              + (f" · {d.retired} retired" if d.retired else ""))
        width = max((len(x.name) for x in d.domains), default=0)
        for dom in d.domains:
            print(f"    {dom.name:<{width}}  {dom.weight:>5g}%  {dom.questions:>4} questions")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from certdrill.decks.loader import load_deck

    failed = False
    for path in args.paths:
        targets = _deck_targets(path)
        for target in targets:
            try:
                result = load_deck(target)
            except CertdrillError as exc:
                print(exc)
                failed = True
                continue
            for problem in result.problems:
                print(problem)
            deck = result.deck
            count = len(deck.questions) if deck else 0
            errors, warnings = len(result.errors), len(result.warnings)
            print(f"{target}: {count} questions, {errors} error{'s' * (errors != 1)}, "
                  f"{warnings} warning{'s' * (warnings != 1)}")
            if args.stats and deck is not None:
                from certdrill.decks.quality import quality_report

                print(quality_report(deck).render())
            failed = failed or bool(errors)
    return 1 if failed else 0


def _deck_targets(path: Path) -> list[Path]:
    """A deck file or folder; or a folder of deck folders (like the repository's decks/)."""
    if path.is_dir() and not (path / "deck.yaml").is_file():
        found = sorted(p for p in path.iterdir() if (p / "deck.yaml").is_file())
        if not found:
            raise CertdrillError(f"{path}: no deck.yaml here or in its subfolders")
        return found
    return [path]


def cmd_import(args: argparse.Namespace) -> int:
    from certdrill.decks.loader import load_valid_deck
    from certdrill.study.library import import_deck

    deck = load_valid_deck(args.source)
    ws = _workspace(args)
    with ws.session() as session:
        report = import_deck(session, deck=deck, source=str(args.source.resolve()), now=ws.now(), dry_run=args.dry_run)
    print(("dry run, nothing written: " if args.dry_run else "imported ") + report.summary())
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from certdrill.study.reports import stats

    ws = _workspace(args)
    with ws.session() as session:
        s = stats(session, now=ws.now(), tz=ws.tz)
    if args.json:
        print(json.dumps(s.to_json(), indent=2))
        return 0
    acc = f"{s.accuracy_30d:.0%}" if s.accuracy_30d is not None else "no answers yet"
    print(f"answers: {s.reviews_total} in all, {s.reviews_today} today · streak: {s.streak_days} days · accuracy (30 days): {acc}")
    print("cards: " + ", ".join(f"{n} {name}" for name, n in s.cards_by_state.items()))
    print("due in the next 7 days: " + " ".join(str(n) for n in s.due_forecast[:7]))
    return 0


COMMANDS = {"decks": cmd_decks, "check": cmd_check, "import": cmd_import, "stats": cmd_stats}
