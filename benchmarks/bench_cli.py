"""CLI commands that only read, certdrill installed from its wheel, on the learner's collection:
each within 3x (`python -c pass` + the command's own work), both measured in the same run."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.installed import env, installed_python
from benchmarks.report import Figure
from benchmarks.synthetic import DECK, describe, learner_collection

COMMANDS = (["decks", "--json"], ["stats", "--json"], ["readiness", DECK, "--json"], ["--version"], ["--help"])
TARGET = 3.0


def _timed(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900)
    return time.perf_counter() - t0


def work(args: list[str], runs: int) -> float:
    """The command's own work: `main(args)` in a process that has already run it once (every
    import done, the database file in the page cache), median of `runs`."""
    code = (
        "import contextlib, io, json, sys, time\n"
        "from certdrill.cli import main\n"
        "def once(args):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            main(args)\n"
        "        except SystemExit:\n"
        "            pass\n"
        "args, runs = json.loads(sys.argv[1]), int(sys.argv[2])\n"
        "once(args)\n"
        "times = []\n"
        "for _ in range(runs):\n"
        "    t0 = time.perf_counter(); once(args); times.append(time.perf_counter() - t0)\n"
        "print(json.dumps(times))\n"
    )
    out = subprocess.run([str(installed_python()), "-c", code, json.dumps(args), str(runs)], check=True, env=env(),
                         capture_output=True, text=True, timeout=1800).stdout
    return float(statistics.median(json.loads(out.strip().splitlines()[-1])))


def run(quick: bool = False) -> list[Figure]:
    size = "quick" if quick else "1M"
    data_dir = learner_collection(size)
    python = installed_python()
    certdrill = str(Path(python).with_name("certdrill"))
    _timed([certdrill, "--data-dir", str(data_dir), "decks"])  # the first start loads the bundled decks
    figures = []
    for command in COMMANDS:
        args = command if command[0].startswith("--") else ["--data-dir", str(data_dir), *command]
        runs = 3 if quick or command[0] == "readiness" else 9
        bare, ours = [], []
        for _ in range(runs):
            bare.append(_timed([str(python), "-c", "pass"]))
            ours.append(_timed([certdrill, *args]))
        reference = statistics.median(bare) + work(args, runs)
        scale = "" if command[0].startswith("--") else f" ({describe(size)})"
        figures.append(Figure(f"certdrill {' '.join(command).replace(DECK, 'DECK')}{scale}",
                              statistics.median(ours) * 1000, "ms", reference * 1000, "python -c pass + the work",
                              TARGET))
    return figures


if __name__ == "__main__":
    from benchmarks.report import render

    print(render(run(quick="--quick" in sys.argv)))
