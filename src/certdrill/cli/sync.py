"""Command `sync`: exchange changes with the learner's other machines through a shared folder."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from certdrill.core.text import counted
from certdrill.errors import CertdrillError


def register(sub: Any) -> None:
    p = sub.add_parser("sync", help="sync with your other machines through a folder you share (Syncthing, Dropbox, git)")
    p.add_argument("folder", nargs="?", type=Path, metavar="DIR",
                   help="the shared folder (remembered; default: the one given before)")
    p.add_argument("--status", action="store_true",
                   help="list the devices, what each sent, when each last changed something, lines refused")
    p.add_argument("--name", metavar="NAME", help="name this device (the others show it as NAME-id)")
    p.add_argument("--json", action="store_true", help="print JSON (shape in docs/sync.md)")
    p.set_defaults(func=cmd_sync)


def cmd_sync(args: argparse.Namespace) -> int:
    import socket

    from certdrill.cli import open_workspace
    from certdrill.study.settings import save_setting
    from certdrill.study.sync import rename, shared_folder, sync
    from certdrill.study.sync_status import sync_status

    folder = shared_folder(str(args.folder)) if args.folder is not None else None
    ws = open_workspace(args)
    try:
        with ws.session() as session:
            if folder is not None:
                save_setting(session, name="sync_folder", value=str(folder), now=ws.now())
            else:
                known = ws.settings().sync_folder
                folder = Path(known) if known else None
            if args.name is not None:
                rename(session, name=args.name, now=ws.now())
            if args.status:
                status = sync_status(session, folder=str(folder) if folder else None)
                print(json.dumps(status.to_json(), indent=2) if args.json else render_status(status))
                return 0
            if folder is None:
                raise CertdrillError("no sync folder yet: give one, as in `certdrill sync ~/Sync/certdrill`")
            report = sync(session, folder=folder, now=ws.now(), host=socket.gethostname())
    finally:
        ws.close()
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
        return 0
    print(report.summary())
    for note in report.notes:
        print(f"  note: {note}")
    return 0


def render_status(status: Any) -> str:
    lines = [f"sync folder: {status.folder or 'none yet (certdrill sync DIR)'}"]
    for d in status.devices:
        when = f" · last change {d.last_change:%Y-%m-%d %H:%M} UTC" if d.last_change else ""
        if d.this:
            lines.append(f"this device: {d.label} · {counted(d.answers, 'answer')}, {counted(d.events, 'event')} in all"
                         f" · {status.exported} in its journal{when}")
            continue
        read = f" · read {d.last_read:%Y-%m-%d %H:%M} UTC" if d.last_read else ""
        refused = f" · {counted(d.refused, 'line')} refused" if d.refused else ""
        lines.append(f"{d.label} · sent {counted(d.answers, 'answer')}, {counted(d.events, 'event')} in all"
                     f"{when}{read}{refused}")
        lines += [f"  {problem}" for problem in d.problems]
    if status.waiting:
        lines.append(f"{counted(status.waiting, 'change')} wait for a deck or question this device does not have yet")
    return "\n".join(lines)
