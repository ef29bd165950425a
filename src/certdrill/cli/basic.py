"""Commands `decks`, `check` and `stats`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from certdrill.cli import open_workspace, path_arg
from certdrill.core.text import counted
from certdrill.errors import CertdrillError

if TYPE_CHECKING:
    from pathlib import Path

    from certdrill.core.model import Deck


def register(sub: Any) -> None:
    p = sub.add_parser("decks", help="list decks with questions per domain, due and new counts")
    p.add_argument("--json", action="store_true", help="print JSON (shape in the README)")
    p.set_defaults(func=cmd_decks)

    p = sub.add_parser("check", help="validate deck files and report every problem as file:line")
    p.add_argument("paths", nargs="+", type=path_arg, metavar="PATH", help="a deck file or folder, or a folder of decks")
    p.add_argument("--stats", action="store_true", help="also print the quality figures of each deck")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("stats", help="answers, streak, accuracy and due forecast")
    p.add_argument("--json", action="store_true", help="print JSON (shape in the README)")
    p.set_defaults(func=cmd_stats)


def cmd_decks(args: argparse.Namespace) -> int:
    import json

    from certdrill.study.reports import deck_summaries

    ws = open_workspace(args)
    settings = ws.settings()
    with ws.reading() as con:
        decks = deck_summaries(con, now=ws.now(), tz=ws.tz, new_per_day=settings.new_per_day)
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
              f" · {d.unseen} never seen" + (f" · {d.retired} retired" if d.retired else ""))
        width = max((len(x.name) for x in d.domains), default=0)
        for dom in d.domains:
            print(f"    {dom.name:<{width}}  {dom.weight:>5g}%  {dom.questions:>4} questions")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from datetime import date

    from certdrill.decks.format.lint import lint
    from certdrill.decks.format.loader import load_deck

    today = date.today()  # the learner's own calendar: a month is stale by their date
    failed = False
    checked: list[Deck] = []
    for path in args.paths:
        targets = _deck_targets(path)
        for target in targets:
            try:
                result = load_deck(target)
            except CertdrillError as exc:
                print(exc)
                failed = True
                continue
            deck = result.deck
            problems = list(result.problems)
            if deck is not None:
                problems += lint(deck, result.locations, today=today)
            for problem in problems:
                print(problem)
            count = len(deck.questions) if deck else 0
            errors = len(result.errors)
            warnings = len(problems) - errors
            # With errors, the questions counted are those that pass (the others are why it fails).
            counted_questions = counted(count, "question") + (" without errors" if errors else "")
            print(f"{target}: {counted_questions}, {counted(errors, 'error')}, {counted(warnings, 'warning')}")
            if args.stats and deck is not None:
                from certdrill.decks.format.quality import quality_report

                print(quality_report(deck).render())
                checked.append(deck)
            failed = failed or bool(errors)
    if len(checked) > 1:
        from certdrill.decks.format.quality import cross_deck_duplicates

        pairs = cross_deck_duplicates(checked)
        print(f"near-duplicate prompts across decks: {len(pairs)}")
        for a, b, sim in pairs[:20]:
            print(f"  {a} ~ {b} ({sim:.0%} alike)")
    return 1 if failed else 0


def _deck_targets(path: Path) -> list[Path]:
    """A deck file or folder; or a folder of deck folders (like the repository's decks/)."""
    if path.is_dir() and not (path / "deck.yaml").is_file():
        found = sorted(p for p in path.iterdir() if (p / "deck.yaml").is_file())
        if not found:
            raise CertdrillError(f"{path}: no deck.yaml here or in its subfolders")
        return found
    return [path]


def cmd_stats(args: argparse.Namespace) -> int:
    import json

    from certdrill.study.reports import stats

    ws = open_workspace(args)
    with ws.reading() as con:
        s = stats(con, now=ws.now(), tz=ws.tz)
    if args.json:
        print(json.dumps(s.to_json(), indent=2))
        return 0
    acc = f"{s.accuracy_30d:.0%}" if s.accuracy_30d is not None else "no answers yet"
    print(f"reviews: {s.reviews_total} in all, {s.reviews_today} today · streak: {counted(s.streak_days, 'day')} · "
          f"accuracy (30 days): {acc}")
    print("cards: " + ", ".join(f"{n} {name}" for name, n in s.cards_by_state.items()))
    print("due in the next 7 days: " + " ".join(str(n) for n in s.due_forecast[:7]))
    return 0

