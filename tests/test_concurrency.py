"""Two certdrill processes on one database: no crash, no lost answer, a clear line when busy."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from helpers import SAMPLE_DECKS
from history_check import disagreements, integrity, review_ids
from loop_process import Lines, start_loop

ANSWERS_EACH = 150
HOLD_LOCK = (
    "import sqlite3, sys, time\n"
    "con = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "con.execute('BEGIN IMMEDIATE')\n"
    "con.execute('UPDATE setting SET key = key')\n"
    "print('locked', flush=True)\n"
    "time.sleep(float(sys.argv[2]))\n"
    "con.execute('COMMIT')\n"
)


def certdrill(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CERTDRILL_HOME"}
    return subprocess.run([sys.executable, "-m", "certdrill", "--data-dir", str(data), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def hold_write_lock(db: Path, seconds: float) -> subprocess.Popen[bytes]:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db), str(seconds)], stdout=subprocess.PIPE)
    assert Lines(holder).next() == "locked"
    return holder


def test_two_answer_loops_at_once_lose_nothing_while_a_report_reads(tmp_path: Path) -> None:
    data = tmp_path / "data"
    epoch = time.time()
    loops = [start_loop(data, SAMPLE_DECKS, "--seed", str(seed), "--count", str(ANSWERS_EACH), epoch=epoch)
             for seed in (1, 2)]
    reports = [certdrill(data, "stats", "--json") for _ in range(3)]  # a third process reading meanwhile
    acknowledged: list[int] = []
    for proc in loops:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        acknowledged += [int(line.split()[1]) for line in out.decode().splitlines() if line.startswith("ack")]
    assert all(r.returncode == 0 for r in reports), [r.stderr for r in reports]
    db = data / "certdrill.db"
    assert len(acknowledged) == 2 * ANSWERS_EACH
    assert review_ids(db) == set(acknowledged)
    assert integrity(db) == ["ok"]
    assert disagreements(db) == []


def test_a_writer_waits_for_a_short_lock_held_by_another_process(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert certdrill(data, "decks").returncode == 0
    holder = hold_write_lock(data / "certdrill.db", 1.0)
    result = certdrill(data, "import", str(SAMPLE_DECKS / "sample"))
    holder.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert "imported sample" in result.stdout


def test_a_writer_locked_out_past_the_busy_timeout_gets_one_line_and_exit_1(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert certdrill(data, "decks").returncode == 0
    before = certdrill(data, "decks", "--json").stdout
    holder = hold_write_lock(data / "certdrill.db", 60)
    try:
        result = certdrill(data, "import", str(SAMPLE_DECKS / "sample"))
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert result.stderr.startswith("certdrill: the database is busy")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert certdrill(data, "decks", "--json").stdout == before  # nothing half-written
    assert certdrill(data, "import", str(SAMPLE_DECKS / "sample")).returncode == 0


CLOSE_DURING_QUERY = """
import sys, threading, time
from datetime import UTC
from pathlib import Path
from certdrill.storage import lanes
from certdrill.study.workspace import Workspace

ws = Workspace.open(Path(sys.argv[1]), tz=UTC, sync_bundled=False)
started, result = threading.Event(), []

def count() -> None:  # a worker thread's read, still running when the app quits
    with ws.session() as s, lanes.lane(s, write=False) as con:
        started.set()
        result.append(con.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                                  "WHERE x < 2000000) SELECT count(*) FROM c").fetchone()[0])

worker = threading.Thread(target=count)
worker.start()
started.wait()
time.sleep(0.05)
ws.close()
worker.join()
print(result)
"""


def test_closing_the_workspace_waits_for_a_query_running_in_another_thread(tmp_path: Path) -> None:
    """Closing a SQLite connection that another thread is stepping crashed the process
    (a segfault: the TUI's progress counter was still counting when the app quit)."""
    done = subprocess.run([sys.executable, "-X", "faulthandler", "-c", CLOSE_DURING_QUERY, str(tmp_path / "data")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[2000000]"
