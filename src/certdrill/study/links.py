"""A question's doc link: whether a browser can open here at all, and opening it (the opener is
passed in, so tests never start one)."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Opener = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class LinkOpened:
    """What became of a request to open `url`: `opened`, or `why` not."""

    url: str
    opened: bool
    why: str = ""


def browser_reachable(env: Mapping[str, str], platform: str) -> str | None:
    """Why no browser can show a page to the learner from here, or None when one may.

    Over SSH a browser would open on the remote machine, if at all; on Linux without a display
    Python's `webbrowser` falls back to a text browser, which would take over this terminal.
    """
    if platform.startswith("linux") or platform.startswith("freebsd"):
        if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
            over_ssh = env.get("SSH_CONNECTION") or env.get("SSH_TTY")
            return "this terminal is on another machine (SSH)" if over_ssh else "there is no desktop to open it on"
        return None
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        return "this terminal is on another machine (SSH)"
    return None


def open_link(url: str, *, env: Mapping[str, str], platform: str, opener: Opener | None = None) -> LinkOpened:
    """Open `url` in the learner's browser (`webbrowser.open` unless `opener`) if one can be
    reached; say why not otherwise."""
    why = browser_reachable(env, platform)
    if why is not None:
        return LinkOpened(url, False, why)
    try:
        opened = bool((opener or webbrowser.open)(url))
    except (webbrowser.Error, OSError) as exc:
        return LinkOpened(url, False, f"the browser did not start ({exc})")
    return LinkOpened(url, opened, "" if opened else "no browser was found")
