"""Child process for the start-up benchmark: open certdrill's dashboard (or a hello-world app)
headless and exit as soon as its first screen with real content is drawn."""

from __future__ import annotations

import sys
import time

DRAWN: list[bool] = []


def drawn(app: object) -> None:
    """The first screen with its content is on the terminal: report the wall clock and leave."""
    print(f"{time.time():.6f}", flush=True)
    app.exit()  # type: ignore[attr-defined]


def run_hello() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Hello(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("Hello, world")

        def on_mount(self) -> None:
            self.call_after_refresh(drawn, self)

    Hello().run(headless=True)


def run_certdrill(data_dir: str) -> None:
    from certdrill.cli import tui_app  # exactly what `certdrill` runs
    from certdrill.tui.screens.dashboard import DashboardScreen

    app = tui_app(data_dir)

    def check() -> None:
        screen = app.screen
        if isinstance(screen, DashboardScreen) and screen.query_one("#decks").row_count and not DRAWN:  # type: ignore[attr-defined]
            DRAWN.append(True)
            app.call_after_refresh(drawn, app)

    app.call_later(lambda: app.set_interval(0.001, check))
    app.run(headless=True)


if __name__ == "__main__":
    if sys.argv[1] == "hello":
        run_hello()
    else:
        run_certdrill(sys.argv[2])
