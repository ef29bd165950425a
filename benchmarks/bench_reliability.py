"""Concurrency: answers per second when two certdrill processes answer on one database at once."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.report import Figure

ROOT = Path(__file__).resolve().parents[1]
LOOP = ROOT / "tests" / "answer_loop.py"  # the same answer loop the crash and concurrency tests kill
SAMPLE = ROOT / "tests" / "data" / "decks"


def answers_per_second(writers: int, answers_each: int) -> float:
    """All answers of `writers` processes started together, divided by the wall time they took."""
    with tempfile.TemporaryDirectory() as tmp:
        data, epoch = Path(tmp) / "data", time.time()
        # Create the database first, so the timed part is answering only.
        subprocess.run([sys.executable, str(LOOP), str(data), str(SAMPLE), "--epoch", str(epoch), "--count", "1"],
                       check=True, capture_output=True)
        start_at = time.time() + 3.0  # after every process has started up
        procs = [subprocess.Popen([sys.executable, str(LOOP), str(data), str(SAMPLE), "--epoch", str(epoch),
                                   "--seed", str(seed), "--count", str(answers_each), "--start-at", str(start_at)],
                                  stdout=subprocess.PIPE, text=True) for seed in range(writers)]
        spans = []
        for proc in procs:
            out, _ = proc.communicate(timeout=600)
            if proc.returncode != 0:
                raise RuntimeError(f"answer loop failed with exit {proc.returncode}")
            _, start, end = next(line for line in out.splitlines() if line.startswith("done")).split()
            spans.append((float(start), float(end)))
        wall = max(end for _, end in spans) - min(start for start, _ in spans)
        return writers * answers_each / wall


def run(quick: bool = False) -> list[Figure]:
    answers, runs = (100, 1) if quick else (1000, 3)
    one = statistics.median(answers_per_second(1, answers) for _ in range(runs))
    two = statistics.median(answers_per_second(2, answers) for _ in range(runs))
    # Lower is better in the table, so the figure is time per answer; two writers share one
    # write lock, so the target is that contention costs at most 1.5x the time of one writer.
    return [Figure("ms per answer, 2 processes answering one db at once", 1000 / two, "ms", 1000 / one,
                   "1 process alone", 1.5)]
