"""Simulated devices for the sync tests: each its own data folder, clock and desk, one shared folder."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from certdrill.study.desk import StudyDesk
from certdrill.study.sync import SyncReport, sync
from certdrill.study.workspace import Workspace
from helpers import T0, Clock


class Device:
    """One of the learner's machines."""

    def __init__(self, root: Path, name: str, folder: Path, *, bundled: Path, skew: timedelta = timedelta(0),
                 fuzz: bool = True) -> None:
        self.name = name
        self.folder = folder
        self.skew = skew
        self.clock = Clock(T0 + skew)
        self.ws = Workspace.open(root / name, clock=self.clock, tz=UTC, bundled_root=bundled, fuzz=fuzz)
        self.desk = StudyDesk(self.ws)

    def close(self) -> None:
        self.ws.close()

    def sync(self) -> SyncReport:
        with self.ws.session() as session:
            return sync(session, folder=self.folder, now=self.ws.now(), host=self.name)

    def at(self, moment: datetime) -> Device:
        """Set this device's clock to the true time `moment` (plus its own skew)."""
        self.clock.now = moment + self.skew
        return self

    def card_id(self, qid: str, deck: str = "sample") -> int:
        return int(self.query("SELECT pk FROM question WHERE deck_id = ? AND qid = ?", deck, qid)[0][0])

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        con = sqlite3.connect(self.ws.db_path)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def state(self) -> dict[str, Any]:
        """What must be equal on every device once all have synced: answers, cards, settings, decks, exams."""
        return {
            "reviews": sorted(self.query(
                "SELECT r.device, r.seq, r.deck_id, q.qid, r.mode, r.reviewed_at, r.rating, r.correct, r.chosen, "
                "r.duration_ms, r.was_new, r.state_before FROM review AS r JOIN question AS q ON q.pk = r.card_id"),
                key=repr),
            "cards": sorted(self.query(
                "SELECT q.deck_id, q.qid, c.state, c.step, c.stability, c.difficulty, c.due, c.last_review, c.reps, "
                "c.lapses, c.suspended, c.buried_until, c.flagged FROM card AS c JOIN question AS q ON q.pk = c.id")),
            "settings": sorted(self.query(
                "SELECT key, value FROM setting WHERE key NOT IN ('theme', 'sync_folder')"), key=repr),
            "decks": sorted(self.query("SELECT id, version, exam_date, new_per_day FROM deck")),
            "questions": sorted(self.query("SELECT deck_id, qid, content_hash, answer_key, retired FROM question")),
            "exams": sorted(self.query(
                "SELECT device, seq, deck_id, started_at, finished_at, minutes, size, score, passed FROM exam_attempt"),
                key=repr),
        }

    def label(self) -> str:
        """How the other devices name this one (study.sync.label)."""
        from certdrill.study.sync import label

        ((device, name),) = self.query("SELECT id, name FROM device WHERE local")
        return label(device, name)

    def answers(self) -> set[tuple[str, int]]:
        return {(d, s) for d, s in self.query("SELECT device, seq FROM review WHERE device IS NOT NULL")}


def devices(root: Path, names: list[str], *, bundled: Path, skews: list[timedelta] | None = None,
            fuzz: bool = True) -> list[Device]:
    folder = root / "shared"
    folder.mkdir(exist_ok=True)
    skews = skews or [timedelta(0)] * len(names)
    return [Device(root, name, folder, bundled=bundled, skew=skew, fuzz=fuzz) for name, skew in zip(names, skews, strict=True)]


def everyone_syncs(devs: list[Device], rounds: int = 2) -> None:
    """Every device syncs, twice round: after that each has read every other's journal."""
    for _ in range(rounds):
        for d in devs:
            d.sync()


def same_everywhere(devs: list[Device]) -> None:
    first = devs[0].state()
    for d in devs[1:]:
        other = d.state()
        for part in first:
            assert other[part] == first[part], f"{part} differ between {devs[0].name} and {d.name}"
