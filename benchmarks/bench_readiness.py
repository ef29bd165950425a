"""Readiness report over 100k questions and 1M reviews: median time and the process's peak memory; with
`--trend`, the dashboard's 60-day trend: computed the first time, then again the same day and the next day
(each start of the app, with the trend's cache file), CPU and peak memory, each in a fresh process."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, timedelta
from pathlib import Path

from benchmarks.report import Figure
from benchmarks.synthetic import DECK, NOW, shared_collection

TARGET_SECONDS = 1.0
TARGET_MIB = 200.0
TREND_FIRST_SECONDS = 30.0
TREND_REPEAT_SECONDS = 2.0


def child(data_dir: str, runs: int, trend: bool) -> None:
    """In a fresh process: time `runs` reports (and one trend, without a cache), then print its own peak RSS."""
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


def trend_child(data_dir: str, cache: str, days_later: int) -> None:
    """In a fresh process: one 60-day trend as the dashboard asks for it (with the cache file), `days_later`
    days after the collection's last answer; prints its CPU and wall seconds and the process's peak RSS."""
    from benchmarks.peak_rss import peak_rss_mib
    from certdrill.study.readiness import readiness_history
    from certdrill.study.workspace import Workspace

    now = NOW + timedelta(days=days_later)
    ws = Workspace.open(Path(data_dir), clock=lambda: now, tz=UTC, bundled_root=Path(data_dir) / "none")
    with ws.reading() as con:
        cpu, wall = time.process_time(), time.perf_counter()
        points = readiness_history(con, deck_id=DECK, now=now, tz=UTC, days=60, cache=Path(cache))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    ws.close()
    print(json.dumps({"cpu": cpu, "wall": wall, "peak_mib": peak_rss_mib(), "points": len(points)}))


def measure(data_dir: Path, runs: int, trend: bool) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_readiness", str(data_dir), str(runs), str(int(trend))],
                         check=True, capture_output=True, text=True)
    data: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return data


def measure_trend(data_dir: Path, cache: Path, days_later: int = 0) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_readiness", "trend", str(data_dir), str(cache),
                          str(days_later)], check=True, capture_output=True, text=True)
    data: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return data


def trend_figures(data_dir: Path, size: str, repeats: int) -> list[Figure]:
    """The trend computed first (no cache yet), then `repeats` times again the same day and the next day."""
    with tempfile.TemporaryDirectory() as folder:
        kept = Path(folder) / "first.json"
        first = measure_trend(data_dir, kept)
        cache = Path(folder) / "readiness-trend-cache.json"
        again, next_day = [], []
        for _ in range(repeats):  # each from the cache as the first computation left it
            shutil.copyfile(kept, cache)
            again.append(measure_trend(data_dir, cache))
            shutil.copyfile(kept, cache)
            next_day.append(measure_trend(data_dir, cache, 1))
    cpu = statistics.median
    return [
        Figure(f"readiness trend, 60 days, first computation, CPU ({size})", first["cpu"], "s",
               TREND_FIRST_SECONDS, "the trend issue's aim", 1.0),
        Figure(f"readiness trend, first computation, wall ({size}; load inflates it)", first["wall"], "s",
               None, "-", None),
        Figure(f"readiness trend peak memory, whole process ({size})", first["peak_mib"], "MiB",
               TARGET_MIB, "the report's bound", 1.0),
        Figure(f"readiness trend again the same day, CPU ({size}, median of {len(again)})",
               cpu(r["cpu"] for r in again), "s", TREND_REPEAT_SECONDS, "the trend issue's bound", 1.0),
        Figure(f"readiness trend the next day, CPU ({size}, median of {len(next_day)})",
               cpu(r["cpu"] for r in next_day), "s", TREND_REPEAT_SECONDS, "the trend issue's bound", 1.0),
    ]


def run(quick: bool = False, trend: bool = False) -> list[Figure]:
    data_dir = shared_collection(quick=quick)
    data = measure(data_dir, 3 if quick else 7, False)
    times = data["times"]
    assert isinstance(times, list)
    size = "2k q, 20k reviews" if quick else "100k q, 1M reviews"
    figures = [
        Figure(f"readiness report ({size}, median of {len(times)})", statistics.median(times), "s",
               TARGET_SECONDS, "issue #13 bound", 1.0),
        Figure(f"readiness report peak memory, whole process ({size})", float(data["peak_mib"]), "MiB",  # type: ignore[arg-type]
               TARGET_MIB, "issue #13 bound", 1.0),
    ]
    if trend:
        figures += trend_figures(data_dir, size, 3 if quick else 5)
    return figures


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "trend":
        trend_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif len(sys.argv) == 4:
        child(sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1")
    else:
        from benchmarks.report import render

        print(render(run(quick="--quick" in sys.argv, trend="--trend" in sys.argv)))
