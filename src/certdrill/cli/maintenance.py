"""Commands `doctor`, `backup` and `restore`: keep the learner's history safe."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from certdrill.cli import path_arg
from certdrill.core.text import counted


def register(sub: Any) -> None:
    p = sub.add_parser("doctor", help="check the database: integrity, orphans, cards that disagree with their answers")
    p.add_argument("--fix", action="store_true", help="fix what is safe to fix, after a backup")
    p.add_argument("--json", action="store_true", help="print JSON (shape in docs/storage.md)")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("backup", help="copy the database consistently (safe while certdrill runs)")
    p.add_argument("path", nargs="?", type=path_arg, metavar="PATH",
                   help="a new file or a folder (default: backups/ next to the database)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="replace the database with a backup (the current one is backed up first)")
    p.add_argument("path", type=path_arg, metavar="PATH", help="a certdrill database file, e.g. from `certdrill backup`")
    p.set_defaults(func=cmd_restore)


def cmd_doctor(args: argparse.Namespace) -> int:
    import json

    from certdrill import paths
    from certdrill.study.maintenance import DoctorReport, backups, doctor, file_problems
    from certdrill.study.workspace import Workspace

    db_path = paths.database_path(args.data_dir)
    damage = file_problems(db_path)
    if damage:
        report = DoctorReport(found=damage, remaining=damage)
    else:
        # No bundled-deck sync on open: the doctor reports an old deck before anything is written.
        ws = Workspace.open(args.data_dir, sync_bundled=False)
        try:
            with ws.session() as session:
                report = doctor(session, db_path=ws.db_path, now=datetime.now(UTC), fix=args.fix)
        finally:
            ws.close()
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
        return 0 if not report.remaining else 1
    if report.backup:
        print(f"backed up to {report.backup}")
    for f in report.fixed:
        print(f"fixed  {f.line()}")
    for f in report.remaining:
        print(f"found  {f.line()}")
    if not report.remaining:
        print(f"{db_path}: no problems" + (f" left ({len(report.fixed)} fixed)" if report.fixed else ""))
        return 0
    fixable = sum(1 for f in report.remaining if f.fix)
    if any(f.check == "integrity" for f in report.remaining):
        newest = backups(db_path)
        hint = f"certdrill restore {newest[0]}" if newest else "certdrill restore BACKUP"
        print(f"the database file is damaged; nothing was changed. Restore a backup: {hint}")
    elif fixable and not args.fix:
        print(f"{fixable} of {len(report.remaining)} problems can be fixed: certdrill doctor --fix (backs up first)")
    return 1


def cmd_backup(args: argparse.Namespace) -> int:
    from certdrill import paths
    from certdrill.study.maintenance import back_up, inspect_database_file

    target = back_up(db_path=paths.database_path(args.data_dir), target=args.path, now=datetime.now(UTC))
    facts = inspect_database_file(target)
    print(f"backed up to {target} ({counted(facts.decks, 'deck')}, {counted(facts.reviews, 'answer')})")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from certdrill import paths
    from certdrill.study.maintenance import restore

    report = restore(db_path=paths.database_path(args.data_dir), source=args.path, now=datetime.now(UTC))
    print(f"restored {args.path} ({counted(report.facts.decks, 'deck')}, {counted(report.facts.reviews, 'answer')})")
    if report.previous:
        print(f"the database it replaced is saved as {report.previous}")
    return 0
