"""Commands `review` and `exam`: open the terminal app straight into a review or a mock exam."""

from __future__ import annotations

import argparse
from typing import Any

from certdrill.cli import open_workspace


def register(sub: Any) -> None:
    p = sub.add_parser("review", help="open the app straight into today's review")
    p.add_argument("--deck", metavar="ID", action="append", help="only this deck (repeatable); default: all")
    p.set_defaults(func=cmd_review)
    p = sub.add_parser("exam", help="open the app straight into a timed mock exam of DECK")
    p.add_argument("deck", metavar="DECK", help="a deck id (see `certdrill decks`)")
    p.set_defaults(func=cmd_exam)


def _known_decks(args: argparse.Namespace, wanted: list[str]) -> Any:
    from certdrill.errors import CertdrillError
    from certdrill.study.desk import StudyDesk

    desk = StudyDesk(open_workspace(args))
    known = [d.id for d in desk.decks()]
    for deck_id in wanted:
        if deck_id not in known:
            raise CertdrillError(f"no deck '{deck_id}' (decks: {', '.join(known)})")
    return desk, known


def cmd_review(args: argparse.Namespace) -> int:
    from certdrill.tui.app import CertdrillApp
    from certdrill.tui.messages import StartReview

    desk, known = _known_decks(args, args.deck or [])
    CertdrillApp(desk, start=StartReview(args.deck or known)).run()
    return 0


def cmd_exam(args: argparse.Namespace) -> int:
    from certdrill.tui.app import CertdrillApp
    from certdrill.tui.messages import OpenExamSetup

    desk, _known = _known_decks(args, [args.deck])
    CertdrillApp(desk, start=OpenExamSetup(args.deck)).run()
    return 0
