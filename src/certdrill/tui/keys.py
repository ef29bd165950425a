"""How keys and actions are named to the learner, the same in the footer, the help screen and the palette."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.app import App
from textual.binding import Binding


def key_label(app: App[Any], binding: Binding) -> str:
    """The binding's keys as the footer shows them (`!`, `,`, `^s`), several joined with ' / '."""
    return " / ".join(app.get_key_display(replace(binding, key=key.strip(), key_display=None))
                      for key in binding.key.split(","))


def action_name(binding: Binding) -> str:
    """The action's full name: its tooltip where the footer shows a short description."""
    return binding.tooltip or binding.description
