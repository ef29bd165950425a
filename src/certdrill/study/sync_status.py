"""`certdrill sync --status`: every device this one knows, what each sent, when it last changed
something, and the journal lines refused."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from certdrill.core.sync import clock
from certdrill.storage import lanes
from certdrill.study.sync import MAX_PROBLEMS, label


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    id: str
    name: str
    this: bool
    events: int  # this device: events made; others: events received from it
    answers: int
    last_change: datetime | None  # its newest event's clock time
    last_read: datetime | None  # others: when this device last read their journal
    refused: int
    problems: list[str]

    @property
    def label(self) -> str:
        return label(self.id, self.name)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "label": self.label, "this": self.this, "events": self.events,
                "answers": self.answers,
                "last_change": self.last_change.isoformat() if self.last_change else None,
                "last_read": self.last_read.isoformat() if self.last_read else None,
                "refused": self.refused, "problems": self.problems}


@dataclass(frozen=True, slots=True)
class SyncStatus:
    folder: str | None
    devices: list[DeviceStatus]
    exported: int  # this device's events in its journal
    waiting: int

    def to_json(self) -> dict[str, Any]:
        return {"folder": self.folder, "exported": self.exported, "waiting": self.waiting,
                "devices": [d.to_json() for d in self.devices]}


def sync_status(session: Session, *, folder: str | None) -> SyncStatus:
    """Every device this one knows: what each sent, when it last changed something, what was refused."""
    from certdrill.storage.timefmt import from_db_time

    con = lanes.raw(session)
    counts = {d: (n, a, h) for d, n, a, h in con.execute(
        "SELECT device, count(*), sum(type = 'answer'), max(hlc) FROM event GROUP BY device")}
    files: dict[str, tuple[Any, int, list[str]]] = {}
    for device, read_at, refused, problems in con.execute(
        "SELECT device, read_at, refused, problems FROM journal_file ORDER BY name"
    ):
        last, total, found = files.get(device, (None, 0, []))
        files[device] = (max(filter(None, (last, read_at)), default=None), total + refused, found + json.loads(problems))
    devices = []
    exported = 0
    for device, name, local, exported_seq in con.execute(
        "SELECT id, name, local, exported_seq FROM device ORDER BY local DESC, name, id"
    ):
        n, answers, hlc = counts.get(device, (0, 0, None))
        read_at, refused, problems = files.get(device, (None, 0, []))
        if local:
            exported = exported_seq
        devices.append(DeviceStatus(device, name, bool(local), n, answers or 0,
                                    clock.wall_time(hlc) if hlc and hlc > clock.pack(1, 0) else None,
                                    from_db_time(read_at), refused, problems[-MAX_PROBLEMS:]))
    waiting = con.execute("SELECT count(*) FROM event WHERE applied = 0").fetchone()[0]
    session.rollback()
    return SyncStatus(folder, devices, exported, waiting)
