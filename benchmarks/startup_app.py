"""Child process for the start-up benchmark: start certdrill's app (or a bare Textual app) headless,
print the wall clock at each milestone, and exit after the last one.

    startup_app.py hello                  first frame of a bare Textual app
    startup_app.py usable DATA_DIR        first frame, then `r` pressed at once: until a review question is drawn
    startup_app.py panel DATA_DIR         first frame, then until the selected deck's panel is filled
                                          (and for an exam deck, until its readiness trend is drawn)

Milestones are lines `NAME SECONDS_SINCE_EPOCH CPU_SECONDS`; the last line is `peak_rss_mib N`.
"""

from __future__ import annotations

import resource
import sys
import time
from typing import Any

PRESS_EVERY = 0.05
"""A learner pressing `r` again while the app says it is still opening (once the app has handled
the previous press: pressing faster would only queue more requests)."""
SIZE = (120, 40)  # a terminal wide enough for the dashboard's two columns


def report(name: str) -> None:
    """The wall clock now, and the CPU time this process has used (all threads: user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"{name} {time.time():.6f} {usage.ru_utime + usage.ru_stime:.6f}", flush=True)


def leave(app: Any) -> None:
    from peak_rss import peak_rss_mib  # beside this file (run as a script, from the wheel's venv)

    print(f"peak_rss_mib {peak_rss_mib():.1f}", flush=True)
    app.exit()


def run_hello() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Hello(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("Hello, world")

        def on_mount(self) -> None:
            self.call_after_refresh(lambda: (report("frame"), leave(self)))

    Hello().run(headless=True, size=SIZE)


def run_certdrill(mode: str, data_dir: str) -> None:
    from certdrill.cli import tui_app  # exactly what `certdrill` runs
    from certdrill.tui.screens.dashboard import DashboardScreen

    app = tui_app(data_dir)
    reached: set[str] = set()
    filled: dict[str, str] = {}  # which parts of the panel have been drawn, for which deck
    pressed = [0.0]
    pending = [False]  # a press whose review request the app has not handled yet

    # A press is handled when the app has answered its review request (opened the review, or said
    # it is still opening), or when the dashboard made no request at all (an older dashboard
    # ignored `r` until its deck list was read again).
    from certdrill.tui.messages import StartReview

    handle, press = type(app).on_start_review, DashboardScreen.action_review
    requested = [False]

    def handled(self: Any, message: Any) -> None:
        pending[0] = False
        handle(self, message)

    def pressed_r(self: Any) -> None:
        requested[0] = False
        post = self.post_message

        def posting(message: Any) -> bool:
            requested[0] = requested[0] or isinstance(message, StartReview)
            return bool(post(message))

        self.post_message = posting
        try:
            press(self)
        finally:
            del self.post_message
        if not requested[0]:
            pending[0] = False

    type(app).on_start_review = handled  # type: ignore[method-assign]
    DashboardScreen.action_review = pressed_r  # type: ignore[method-assign]

    # The panel is filled when its worker's results are drawn: the details (domain bars, heatmap)
    # and, for a deck with an exam, the readiness model's figures; the readiness trend comes last.
    for method, part in (("show_details", "details"), ("show_readiness", "readiness"), ("show_trend", "trend")):
        original = getattr(DashboardScreen, method, None)
        if original is None:  # an older dashboard drew the trend with the readiness figures
            continue

        def wrapped(screen: Any, deck_id: str, *args: Any, _original: Any = original, _part: str = part) -> None:
            _original(screen, deck_id, *args)
            if screen.selected_deck_id() == deck_id:
                filled[_part] = deck_id

        setattr(DashboardScreen, method, wrapped)

    def milestone(name: str, last: bool = False) -> None:
        reached.add(name)
        app.call_after_refresh(lambda: (report(name), leave(app) if last else None))

    def check() -> None:
        screen = app.screen
        if "frame" not in reached:
            if isinstance(screen, DashboardScreen) and screen.query_one("#decks").row_count:  # type: ignore[attr-defined]
                milestone("frame")
            return
        if mode == "usable" and "usable" not in reached:
            from certdrill.tui.screens.review import ReviewScreen

            if isinstance(screen, ReviewScreen):
                if screen.session.card is not None and screen.drawn:
                    milestone("usable", last=True)
            elif not pending[0] and time.monotonic() - pressed[0] > PRESS_EVERY:
                pressed[0], pending[0] = time.monotonic(), True
                app.simulate_key("r")
        if mode == "panel" and isinstance(screen, DashboardScreen):
            deck = screen.selected_deck()
            if deck is None or filled.get("details") != deck.id:
                return
            if "panel" not in reached and (deck.exam is None or filled.get("readiness") == deck.id):
                milestone("panel", last=deck.exam is None)
            drawn = filled.get("trend" if hasattr(DashboardScreen, "show_trend") else "readiness")
            if deck.exam is not None and drawn == deck.id and "trend" not in reached:
                milestone("trend", last=True)

    app.call_later(lambda: app.set_interval(0.001, check))
    app.run(headless=True, size=SIZE)


if __name__ == "__main__":
    if sys.argv[1] == "hello":
        run_hello()
    else:
        run_certdrill(sys.argv[1], sys.argv[2])
