"""Sync's promises under random use: three devices (clocks 12 hours apart) answer, re-rate, undo,
flag, change settings and sync in random orders and partitions; in the end all agree, nothing
made anywhere is lost, and syncing again changes nothing. Hostile lines never break a sync."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from certdrill.errors import CertdrillError
from helpers import SAMPLE_DECKS, T0, sql_dump
from sync_devices import Device, devices, everyone_syncs, same_everywhere

QUESTIONS = ["s-1", "s-2", "s-3", "s-4"]
UNDO_AFTER_A_BURIAL_ELSEWHERE = [  # an answer unburied a card buried on another device; undoing it buries it again
    (0, ("bury", "s-4")), (2, ("answer", "s-4", False, None)), (2, ("sync",)), (0, ("sync",)), (2, ("undo",)),
]
SKEWS = [timedelta(hours=-12), timedelta(0), timedelta(hours=12)]

step = st.one_of(
    st.tuples(st.just("answer"), st.sampled_from(QUESTIONS), st.booleans(), st.sampled_from([None, 1, 2, 3, 4])),
    st.tuples(st.just("rerate"), st.integers(1, 4)),
    st.tuples(st.just("undo")),
    st.tuples(st.just("flag"), st.sampled_from(QUESTIONS)),
    st.tuples(st.just("suspend"), st.sampled_from(QUESTIONS)),
    st.tuples(st.just("bury"), st.sampled_from(QUESTIONS)),
    st.tuples(st.just("reset"), st.sampled_from(QUESTIONS)),
    st.tuples(st.just("setting"), st.sampled_from(["new_per_day", "desired_retention"]), st.integers(0, 3)),
    st.tuples(st.just("sync")),
    st.tuples(st.just("wait"), st.sampled_from([1, 10, 60 * 5, 60 * 24 * 3])),  # minutes
)
script = st.lists(st.tuples(st.integers(0, 2), step), min_size=5, max_size=60)
BOTH_ANSWER_THEN_RETUNE = [  # the same card answered on two devices unseen, then the retention changes
    (0, ("answer", "s-1", True, None)), (1, ("wait", 10)), (1, ("answer", "s-1", False, None)),
    (2, ("wait", 60 * 24 * 3)), (0, ("answer", "s-1", True, 4)), (0, ("sync",)), (1, ("sync",)),
    (2, ("setting", "desired_retention", 3)), (1, ("undo",)), (2, ("sync",)), (0, ("rerate", 2)),
]


class Learner:
    """Drives the three devices and remembers every answer made, to check that none is lost."""

    def __init__(self, devs: list[Device]) -> None:
        self.devs = devs
        self.now = T0
        self.latest: dict[int, int] = {}  # device index -> its latest answer (review id)
        self.made: set[tuple[str, int]] = set()
        self.undone: set[tuple[str, int]] = set()

    def do(self, who: int, action: tuple[Any, ...]) -> None:
        d = self.devs[who].at(self.now)
        kind = action[0]
        try:
            if kind == "answer":
                self._answer(who, d, *action[1:])
            elif kind == "rerate" and who in self.latest:
                d.desk.rerate(self.latest[who], action[1])
            elif kind == "undo" and who in self.latest:
                origin = d.query("SELECT device, seq FROM review WHERE id = ?", self.latest[who])
                d.desk.undo_answer(self.latest.pop(who))
                self.undone |= set(origin)
            elif kind in ("flag", "suspend"):
                card = d.desk.card(d.card_id(action[1]))
                if kind == "flag":
                    d.desk.set_flagged(card.card_id, not card.flagged)
                else:
                    d.desk.set_suspended(card.card_id, not card.suspended)
            elif kind == "bury":
                d.desk.bury(d.card_id(action[1]))
            elif kind == "reset":
                d.desk.reset(d.card_id(action[1]))
            elif kind == "setting":
                value = [5, 10, 20, 40][action[2]] if action[1] == "new_per_day" else [0.8, 0.85, 0.9, 0.95][action[2]]
                d.desk.save_setting(action[1], value)
            elif kind == "sync":
                d.sync()
            elif kind == "wait":
                self.now += timedelta(minutes=action[1])
        except CertdrillError:
            pass  # e.g. undo of an answer no longer the card's latest: refused, nothing changed
        self.now += timedelta(seconds=7)

    def _answer(self, who: int, d: Device, qid: str, right: bool, rating: int | None) -> None:
        card = d.desk.card(d.card_id(qid))
        q = card.question
        if q.kind == "flashcard":
            result = d.desk.answer(card.card_id, rating=rating or 3)
        else:
            chosen = list(q.correct_indices) if right else [i for i in range(len(q.choices))
                                                            if i not in q.correct_indices][: q.pick or 1]
            result = d.desk.answer(card.card_id, chosen, rating=rating)
        self.latest[who] = result.review_id
        self.made |= set(d.query("SELECT device, seq FROM review WHERE id = ?", result.review_id))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script)
@example(BOTH_ANSWER_THEN_RETUNE)
@example(UNDO_AFTER_A_BURIAL_ELSEWHERE)
def test_three_devices_converge_whatever_they_do_and_however_they_sync(steps: list[tuple[int, tuple[Any, ...]]]) -> None:
    root = Path(tempfile.mkdtemp(prefix="certdrill-sync-"))
    devs = devices(root, ["alpha", "beta", "gamma"], bundled=SAMPLE_DECKS, skews=SKEWS)
    try:
        learner = Learner(devs)
        for who, action in steps:
            learner.do(who, action)
        for d in devs:
            d.at(learner.now)
        everyone_syncs(devs)
        same_everywhere(devs)
        kept = learner.made - learner.undone
        for d in devs:
            assert d.answers() == kept  # no loss, and undo took back exactly what it named
        before = [sql_dump(d.ws) for d in devs]
        everyone_syncs(devs, rounds=1)
        assert [sql_dump(d.ws) for d in devs] == before  # idempotent
    finally:
        for d in devs:
            d.close()
        shutil.rmtree(root, ignore_errors=True)


hostile_line = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                 lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                 max_leaves=12).map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({
        "v": st.just(1), "device": st.just("0badc0de"), "seq": st.integers(-2, 5), "hlc": st.lists(st.integers(-1, 9), max_size=3),
        "type": st.sampled_from(["answer", "flag", "setting", "exam_submit", "deck_import", "undo"]),
        "data": st.dictionaries(st.sampled_from(["deck", "q", "key", "value", "answer", "exam", "at", "sha256"]),
                                st.one_of(st.text(max_size=10), st.integers(), st.lists(st.integers(), max_size=2)),
                                max_size=6),
    }).map(lambda v: json.dumps(v).encode()),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile_line, min_size=1, max_size=8))
def test_hostile_journal_lines_are_refused_and_never_break_a_sync(lines: list[bytes]) -> None:
    root = Path(tempfile.mkdtemp(prefix="certdrill-sync-"))
    (me,) = devices(root, ["me"], bundled=SAMPLE_DECKS)
    try:
        text = b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n"
        (root / "shared" / "0badc0de.jsonl").write_bytes(text)
        report = me.sync()
        assert len(report.refused) <= len(lines)
        assert me.query("PRAGMA integrity_check") == [("ok",)]
        assert me.query("SELECT count(*) FROM review") == [(0,)]
        again = me.sync()
        assert again.refused == []  # each line is judged once
    finally:
        me.close()
        shutil.rmtree(root, ignore_errors=True)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step.filter(lambda s: s[0] != "sync"), min_size=3, max_size=30))
def test_a_first_sync_of_everything_at_once_gives_what_syncing_after_each_change_gives(
        actions: list[tuple[Any, ...]]) -> None:
    root = Path(tempfile.mkdtemp(prefix="certdrill-sync-"))
    maker, step_by_step, at_once = devs = devices(root, ["maker", "steps", "once"], bundled=SAMPLE_DECKS, skews=SKEWS)
    try:
        learner = Learner(devs)
        for action in actions:
            learner.do(0, action)
            learner.do(0, ("sync",))
            step_by_step.at(learner.now).sync()
        at_once.at(learner.now).sync()  # its first sync: the whole journal in one batch
        maker.at(learner.now).sync()
        same_everywhere([maker, step_by_step, at_once])
    finally:
        for d in devs:
            d.close()
        shutil.rmtree(root, ignore_errors=True)
