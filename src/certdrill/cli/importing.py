"""Command `import`: add or update a deck from YAML, an Anki package, CSV/TSV or a URL."""

from __future__ import annotations

import argparse
from typing import Any

from certdrill.cli import open_workspace, path_arg

SHOWN_REFUSALS = 20


def register(sub: Any) -> None:
    p = sub.add_parser(
        "import", help="add a deck, or update one imported before (all or nothing)",
        description="Import a deck from a YAML file or folder, an Anki package (.apkg/.colpkg), "
        "a CSV/TSV file, or an http(s) URL to one of these. Importing again updates by stable id.",
    )
    p.add_argument("source", metavar="SOURCE", help="a YAML deck, .apkg/.colpkg, .csv/.tsv/.txt, or an http(s) URL")
    p.add_argument("--deck-id", metavar="ID", help="store the deck under this id (a-z, 0-9, '-')")
    p.add_argument("--title", metavar="T", help="the deck's title (default: the Anki deck or file name)")
    p.add_argument("--domain-map", type=path_arg, metavar="FILE",
                   help="YAML mapping of Anki subdecks (or CSV domains) to domains: 'Deck::Sub': domain-name")
    p.add_argument("--with-history", action="store_true",
                   help="also bring in the review history (and, from a certdrill export, the schedule)")
    p.add_argument("--dry-run", action="store_true", help="report what would change and write nothing")
    p.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    from certdrill.study.importing import ImportOptions, import_source

    options = ImportOptions(deck_id=args.deck_id, title=args.title, domain_map=args.domain_map,
                            dry_run=args.dry_run, with_history=args.with_history)
    ws = open_workspace(args)
    with ws.session() as session:
        report = import_source(session, source=args.source, options=options, now=ws.now())
    print(("dry run, nothing written: " if args.dry_run else "imported ") + report.summary())
    for line in report.refused[:SHOWN_REFUSALS]:
        print(f"  refused {line}")
    if len(report.refused) > SHOWN_REFUSALS:
        print(f"  ... and {len(report.refused) - SHOWN_REFUSALS} more refused")
    return 0
