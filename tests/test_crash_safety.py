"""Crash safety: SIGKILL the answer loop at random moments; nothing acknowledged is ever lost."""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from datetime import UTC
from pathlib import Path

import pytest

from certdrill.study.maintenance import examine
from certdrill.study.workspace import Workspace
from helpers import SAMPLE_DECKS
from history_check import disagreements, integrity, review_ids
from loop_process import Lines, start_loop

KILLS = 60

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the kill test forks its answer loops")


def test_acknowledged_answers_survive_sigkill_and_cards_agree_with_reviews(tmp_path: Path) -> None:
    rng = random.Random(20261102)
    data = tmp_path / "data"
    server = start_loop(data, SAMPLE_DECKS, "--serve", epoch=time.time())
    lines = Lines(server)
    assert server.stdin is not None
    acknowledged: set[int] = set()
    stored_before = 0
    try:
        for kill in range(KILLS):
            server.stdin.write(f"go {kill}\n".encode())
            server.stdin.flush()
            word, pid = lines.next().split()
            assert word == "ready"
            time.sleep(rng.uniform(0.02, 0.2))
            os.kill(int(pid), signal.SIGKILL)
            acked_now: set[int] = set()
            while True:
                word, *rest = lines.next().split()
                if word == "exit":
                    status = int(rest[1])
                    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
                    break
                acked_now.add(int(rest[0]))
            acknowledged |= acked_now

            db = data / "certdrill.db"
            assert integrity(db) == ["ok"], f"after kill {kill}"
            stored = review_ids(db)
            assert acknowledged <= stored, f"kill {kill} lost answers {sorted(acknowledged - stored)}"
            # At most the one answer committed in the instant before its acknowledgement was printed.
            assert len(stored) - stored_before - len(acked_now) in (0, 1), f"after kill {kill}"
            stored_before = len(stored)
            assert disagreements(db) == [], f"after kill {kill}"
    finally:
        server.kill()
        server.wait()
    assert len(acknowledged) > KILLS  # the kills landed in the middle of real answering
    ws = Workspace.open(data, tz=UTC, bundled_root=SAMPLE_DECKS, sync_bundled=False)
    try:
        with ws.session() as session:
            assert examine(session, bundled_root=SAMPLE_DECKS) == []
    finally:
        ws.close()
    print(f"{KILLS} kills, {len(acknowledged)} acknowledged answers, 0 lost", file=sys.stderr)
