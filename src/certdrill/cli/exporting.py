"""Command `export`: write a deck to YAML, an Anki package or CSV."""

from __future__ import annotations

import argparse
from typing import Any

from certdrill.cli import open_workspace, path_arg
from certdrill.core.text import counted


def register(sub: Any) -> None:
    p = sub.add_parser("export", help="write a deck to YAML, an Anki package (.apkg) or CSV")
    p.add_argument("deck", metavar="DECK", help="the deck id (see: certdrill decks)")
    p.add_argument("--to", type=path_arg, required=True, metavar="PATH", help="the file to write")
    p.add_argument("--format", choices=["yaml", "apkg", "csv"],
                   help="the file format (default: from the file name's suffix)")
    p.add_argument("--with-history", action="store_true",
                   help="(.apkg) also write each card's schedule and your review answers; "
                        "`certdrill import --with-history` reads them back")
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from certdrill.study.exporting import export_deck

    ws = open_workspace(args)
    with ws.session() as session:
        deck = export_deck(session, deck_id=args.deck, to=args.to, fmt=args.format, now=ws.now(),
                           with_history=args.with_history)
    print(f"exported {deck.id} {deck.version}: {counted(len(deck.questions), 'question')} to {args.to}")
    return 0
