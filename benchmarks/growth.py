"""How the costs grow with the learner's history: answer, usable start-up, deck panel, readiness
and memory on learner-shaped collections of 10k, 100k and 1M reviews (questions a tenth of that).

    python -m benchmarks.growth              # all three sizes (the 1M one takes minutes to build)
    python -m benchmarks.growth 10k 100k     # some of them

Prints a Markdown table (the one in benchmarks/README.md) with the growth from the smallest to the
largest size; the history grows 100x from 10k to 1M, so a figure that grows less than that grows
slower than the work.
"""

from __future__ import annotations

import statistics
import sys
from datetime import UTC
from pathlib import Path

from benchmarks import bench_readiness, bench_tui
from benchmarks.bench_core import Clock, answer_once
from benchmarks.synthetic import SIZES, describe, learner_collection
from certdrill.study.workspace import Workspace

ANSWERS = 40  # the 10k collection has about 60 cards to serve now (due, learning and today's new)
STARTS = 5


def answers(data_dir: Path) -> float:
    """Median ms of next card + answer + commit (synchronous=NORMAL), over ANSWERS answers."""
    clock = Clock()
    ws = Workspace.open(data_dir, clock=clock, tz=UTC, bundled_root=data_dir / "none")
    try:
        return statistics.median(answer_once(ws, clock) for _ in range(ANSWERS)) * 1000
    finally:
        ws.close()


def measure(size: str) -> dict[str, float]:
    data_dir = learner_collection(size)
    print(f"  {describe(size)}: collection ready", flush=True)
    bench_tui.spawn("panel", str(data_dir))  # the first start loads the bundled decks
    hello, usable, panel, rss = [], [], [], []
    for _ in range(STARTS):
        hello.append(bench_tui.spawn("hello")["frame"])
        usable.append(bench_tui.spawn("usable", str(data_dir))["usable"])
        filled = bench_tui.spawn("panel", str(data_dir))
        panel.append(filled["panel"])
        rss.append(filled["peak_rss_mib"])
    readiness = bench_readiness.measure(data_dir, 5, trend=False)
    times = readiness["times"]
    assert isinstance(times, list)
    return {
        "answer (ms)": answers(data_dir),  # last: it changes the collection
        "usable start-up (ms)": statistics.median(usable) * 1000,
        "usable start-up / bare Textual app": statistics.median(usable) / statistics.median(hello),
        "deck panel filled (ms)": statistics.median(panel) * 1000,
        "readiness report (ms)": statistics.median(times) * 1000,
        "readiness peak memory (MiB)": float(readiness["peak_mib"]),  # type: ignore[arg-type]
        "start-up peak memory (MiB)": statistics.median(rss),
    }


def table(results: dict[str, dict[str, float]]) -> str:
    sizes = list(results)
    head = ["figure", *[f"{SIZES[s][1]:,} reviews" for s in sizes]]
    if len(sizes) > 1:
        head.append(f"growth {sizes[0]} to {sizes[-1]} (history x{SIZES[sizes[-1]][1] // SIZES[sizes[0]][1]})")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for figure in results[sizes[0]]:
        values = [results[s][figure] for s in sizes]
        cells = [figure, *[f"{v:.3g}" for v in values]]
        if len(sizes) > 1:
            cells.append(f"x{values[-1] / values[0]:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(names: list[str]) -> int:
    sizes = names or ["10k", "100k", "1M"]
    results = {}
    for size in sizes:
        print(f"measuring {describe(size)} ...", flush=True)
        results[size] = measure(size)
        print(table(results), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
