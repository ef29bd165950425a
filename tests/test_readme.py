"""The README's key map and command list stay true to the app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.binding import Binding

from certdrill.cli import _parser
from certdrill.tui.screens.browser import BrowserScreen
from certdrill.tui.screens.dashboard import DashboardScreen
from certdrill.tui.screens.exam import ExamScreen
from certdrill.tui.screens.importing import ImportScreen
from certdrill.tui.screens.review import ReviewScreen

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
NAMES = {"comma": ",", "slash": "/", "minus": "-", "exclamation_mark": "!", "question_mark": "?",
         "escape": "esc", "right": "→", "left": "←"}


def keys_row(where: str) -> str:
    match = re.search(rf"^\| {re.escape(where)} \| (.+) \|$", README, re.MULTILINE)
    assert match, f"no key row for {where!r} in the README"
    return match.group(1)


@pytest.mark.parametrize(
    ("where", "screen"),
    [("dashboard", DashboardScreen), ("review, practice", ReviewScreen), ("mock exam", ExamScreen),
     ("browser", BrowserScreen), ("import", ImportScreen)],
)
def test_every_shown_key_is_in_the_readme(where: str, screen: type) -> None:
    row = keys_row(where)
    for binding in screen.BINDINGS:
        if isinstance(binding, Binding) and binding.show and binding.description:
            labels = [NAMES.get(k, k) for k in binding.key.split(",")]
            # Rating keys 1-4 and choice keys are documented as ranges.
            if binding.key in ("1", "2", "3", "4"):
                labels.append("1`–`4")
            assert any(f"`{label}" in row for label in labels), (where, binding.key, binding.description)


def test_every_command_is_in_the_readme() -> None:
    sub = next(a for a in _parser()._actions if a.dest == "command")
    for name in sub.choices:  # type: ignore[union-attr]
        assert f"certdrill {name}" in README or f"`{name} " in README, name


def test_every_link_and_path_in_the_readme_stays_inside_the_repository() -> None:
    root = Path(__file__).resolve().parents[1]
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", README) + re.findall(r"`(\.\./[^`]*)`", README)
    local = [t for t in targets if not t.startswith(("http://", "https://"))]
    assert local, "no local links found: the pattern is wrong"
    for target in local:
        path = (root / target).resolve()
        assert path.is_relative_to(root) and path.exists(), f"{target} is not a file of the repository"


def test_the_readme_states_the_default_rollover_hour_and_that_settings_change_it() -> None:
    from certdrill.core.clock import ROLLOVER_HOUR
    from certdrill.study.settings import Settings

    assert f"A study day starts at {ROLLOVER_HOUR:02d}:00 local time" in README
    assert "rollover_hour" in Settings.__dataclass_fields__
