"""TUI speed on the learner's 100,000-question, 1,000,000-review collection, certdrill installed from
its wheel: start-up to the first frame, to usable (`r` opens a review) and to the deck panel filled,
against a bare Textual app's first frame in the same run; and the next question after an answer."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import time
from pathlib import Path

from benchmarks.installed import env, installed_python
from benchmarks.report import Figure, render
from benchmarks.synthetic import DECK, describe, learner_collection

FRAME_MS = 16.0
CHILD = Path(__file__).with_name("startup_app.py")
TIMEOUT = 120.0
"""Seconds a child may take; a milestone not reached by then counts as this (and the figure says so)."""


def spawn(*args: str) -> dict[str, float]:
    """Seconds from spawning the child to each of its milestones (it reports the wall clock at
    each), as the learner waits for them; and its peak RSS in MiB."""
    t0 = time.time()
    try:
        out = subprocess.run([str(installed_python()), str(CHILD), *args], check=True, env=env(),
                             capture_output=True, text=True, timeout=TIMEOUT).stdout
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
    found = {"usable": TIMEOUT, "panel": TIMEOUT, "trend": TIMEOUT, "peak_rss_mib": float("nan")}
    for line in out.splitlines():
        name, value, *cpu = line.split()
        found[name] = float(value) if name == "peak_rss_mib" else float(value) - t0
        if cpu:
            found[f"{name}_cpu"] = float(cpu[0])
    return found


def bench_startup(data_dir: Path, runs: int, label: str) -> list[Figure]:
    """Runs alternate (bare app, usable, panel), so a busy moment of the machine falls on all three."""
    spawn("panel", str(data_dir))  # the first start loads the bundled decks: not what is measured
    hello: list[float] = []
    frame: list[float] = []
    usable: list[float] = []
    panel: list[float] = []
    trend: list[float] = []
    rss: list[float] = []
    for _ in range(runs):
        hello.append(spawn("hello")["frame"])
        usable.append(spawn("usable", str(data_dir))["usable"])
        filled = spawn("panel", str(data_dir))
        frame.append(filled["frame"])
        panel.append(filled["panel"])
        trend.append(filled["trend"])
        rss.append(filled["peak_rss_mib"])
    reference = statistics.median(hello) * 1000
    name = "bare Textual app, first frame"

    def capped(times: list[float]) -> str:
        hit = sum(t >= TIMEOUT for t in times)
        return f", {hit} of {len(times)} runs stopped at {TIMEOUT:g} s" if hit else ""

    return [
        Figure(f"start-up to first frame ({label})", statistics.median(frame) * 1000, "ms", reference, name, None),
        Figure(f"start-up to usable: `r` shows a question ({label}{capped(usable)})", statistics.median(usable) * 1000,
               "ms", reference, name, 2.0),
        Figure(f"start-up to deck panel filled ({label}{capped(panel)})", statistics.median(panel) * 1000, "ms",
               reference, name, 2.5),
        Figure(f"start-up to readiness trend drawn ({label}{capped(trend)})", statistics.median(trend) * 1000, "ms",
               reference, name, None),
        Figure(f"start-up peak memory, until the trend ({label})", statistics.median(rss), "MiB", None, "-", None),
    ]


async def _next_question_times(data_dir: Path, answers: int) -> list[float]:
    """From the key that asks for the next question to the frame that shows it, timed inside the
    app (the key's handler starts the clock; a callback after the next refresh stops it)."""
    from certdrill.study.workspace import Workspace
    from certdrill.tui.app import make_app
    from certdrill.tui.messages import StartReview
    from certdrill.tui.screens.review import ReviewScreen

    ws = Workspace.open(data_dir)
    app = make_app(ws, seed=1)
    times: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.post_message(StartReview([DECK]))
        await pilot.pause()
        for _ in range(answers):
            screen = app.screen
            assert isinstance(screen, ReviewScreen) and screen.session.card is not None
            q = screen.session.card.question
            await pilot.press(*"abcde"[: q.pick or 1], "enter")  # answer: committed, verdict shown
            await pilot.pause()
            started = time.perf_counter()
            done = asyncio.Event()

            def drawn(start: float = started, event: asyncio.Event = done) -> None:
                times.append(time.perf_counter() - start)
                event.set()

            screen.action_submit()  # what the enter key runs: load and show the next question
            screen.call_after_refresh(drawn)
            await done.wait()
    ws.close()
    return times


def bench_next_question(data_dir: Path, answers: int) -> Figure:
    times = asyncio.run(_next_question_times(data_dir, answers))
    return Figure("TUI next question after an answer", statistics.median(times) * 1000, "ms", FRAME_MS,
                  "one frame at 60 Hz", 1.0)


def run(quick: bool = False) -> list[Figure]:
    size = "quick" if quick else "1M"
    data_dir = learner_collection(size)
    startup = bench_startup(data_dir, 3 if quick else 7, describe(size))
    print(render(startup), flush=True)  # the start-up runs take minutes: keep them if what follows fails
    return [*startup, bench_next_question(data_dir, 10 if quick else 40)]
