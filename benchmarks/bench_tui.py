"""TUI speed on a 100,000-question, 1,000,000-review database: start-up to a drawn dashboard
(against a bare Textual hello-world in the same run) and the next question after an answer."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.report import Figure
from benchmarks.synthetic import shared_collection

FRAME_MS = 16.0


def _spawn(*args: str) -> float:
    """Seconds from spawning the process to its first screen with content drawn (the child reports
    the wall clock at that moment), as the learner waits for it."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    t0 = time.time()
    out = subprocess.run([sys.executable, "-m", "benchmarks.startup_app", *args], check=True, env=env,
                         capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1]) - t0


def bench_startup(data_dir: Path, runs: int) -> Figure:
    _spawn("certdrill", str(data_dir))  # first start loads the bundled decks: not what is measured
    hello, ours = [], []
    for _ in range(runs):
        hello.append(_spawn("hello"))
        ours.append(_spawn("certdrill", str(data_dir)))
    return Figure("start-up to dashboard with real counts", statistics.median(ours) * 1000, "ms",
                  statistics.median(hello) * 1000, "Textual hello-world first screen", 2.0)


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
        app.post_message(StartReview(["big"]))
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
    data_dir = shared_collection(quick=quick)
    return [bench_startup(data_dir, 3 if quick else 7), bench_next_question(data_dir, 10 if quick else 40)]
