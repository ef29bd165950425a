"""Readiness report over 100k questions and 1M reviews: median time and the process's peak memory."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from datetime import UTC
from pathlib import Path

from benchmarks.report import Figure
from benchmarks.synthetic import DECK, NOW, shared_collection

TARGET_SECONDS = 1.0
TARGET_MIB = 200.0


def child(data_dir: str, runs: int, trend: bool) -> None:
    """In a fresh process: time `runs` reports (and one trend), then print its own peak RSS."""
    from benchmarks.peak_rss import peak_rss_mib
    from certdrill.study.readiness import readiness_history, readiness_report
    from certdrill.study.workspace import Workspace

    ws = Workspace.open(Path(data_dir), clock=lambda: NOW, tz=UTC, bundled_root=Path(data_dir) / "none")
    times = []
    for _ in range(runs):
        with ws.reading() as con:
            t0 = time.perf_counter()
            readiness_report(con, deck_id=DECK, now=NOW, tz=UTC)
            times.append(time.perf_counter() - t0)
    peak_report = peak_rss_mib()
    trend_seconds = None
    if trend:
        with ws.reading() as con:
            t0 = time.perf_counter()
            readiness_history(con, deck_id=DECK, now=NOW, tz=UTC, days=60)
            trend_seconds = time.perf_counter() - t0
    ws.close()
    print(json.dumps({"times": times, "peak_mib": peak_report, "trend_seconds": trend_seconds,
                      "trend_peak_mib": peak_rss_mib()}))


def measure(data_dir: Path, runs: int, trend: bool) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_readiness", str(data_dir), str(runs), str(int(trend))],
                         check=True, capture_output=True, text=True)
    data: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return data


def run(quick: bool = False, trend: bool = False) -> list[Figure]:
    data_dir = shared_collection(quick=quick)
    data = measure(data_dir, 3 if quick else 7, trend)
    times = data["times"]
    assert isinstance(times, list)
    size = "2k q, 20k reviews" if quick else "100k q, 1M reviews"
    figures = [
        Figure(f"readiness report ({size}, median of {len(times)})", statistics.median(times), "s",
               TARGET_SECONDS, "issue #13 bound", 1.0),
        Figure(f"readiness report peak memory, whole process ({size})", float(data["peak_mib"]), "MiB",  # type: ignore[arg-type]
               TARGET_MIB, "issue #13 bound", 1.0),
    ]
    if data.get("trend_seconds") is not None:
        figures.append(Figure(f"readiness trend, 60 days ({size})", float(data["trend_seconds"]), "s",  # type: ignore[arg-type]
                              None, "no bound: reported", None))
    return figures


if __name__ == "__main__":
    if len(sys.argv) == 4:
        child(sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1")
    else:
        from benchmarks.report import render

        print(render(run(quick="--quick" in sys.argv, trend="--trend" in sys.argv)))
