"""The choices of a question, labelled A-E, chosen by key; after the answer, marked right or wrong."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from certdrill.core.model import Question
from certdrill.core.text import terminal_safe

LETTERS = "ABCDEFGHIJ"


def choice_key(key: str) -> int | None:
    """The choice index a key selects: a-j or 1-9; None for other keys."""
    if len(key) == 1 and key.isalpha() and key.lower() in "abcdefghij":
        return "abcdefghij".index(key.lower())
    if len(key) == 1 and key.isdigit() and key != "0":
        return int(key) - 1
    return None


def choice_keys(count: int, *, digits: bool = False) -> str:
    """The keys that choose among `count` choices, for hints: 'a–d', or 'a–d or 1–4'."""
    count = max(1, min(count, len(LETTERS)))
    letters = f"a–{LETTERS[count - 1].lower()}"
    return f"{letters} or 1–{min(count, 9)}" if digits else letters


class ChoiceList(Static):
    """Renders the choices; the screen owns the selection and calls `show`."""

    DEFAULT_CSS = """
    ChoiceList { height: auto; padding: 0 1; }
    """

    def show(self, question: Question, selected: set[int], *, cursor: int | None = None,
             revealed: bool = False, chosen: set[int] | None = None) -> None:
        # A grid keeps wrapped lines indented under their choice.
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        for i, choice in enumerate(question.choices):
            picked = i in selected
            mark = ("[x]" if picked else "[ ]") if question.kind == "multiple" else ("(•)" if picked else "( )")
            if not revealed:
                pointer = "›" if cursor == i else " "
                style = "bold reverse" if cursor == i else ("bold" if picked else "")
                grid.add_row(Text(f"{pointer} {mark} {LETTERS[i]}", style=style), Text(terminal_safe(choice.text), style=style))
                continue
            was_chosen = i in (chosen or set())
            if choice.correct:
                verdict, style = "✔ correct", "bold green"
            elif was_chosen:
                verdict, style = "✘ your pick", "bold red"
            else:
                verdict, style = "incorrect", "dim"
            body = Text(terminal_safe(choice.text), style="bold" if choice.correct or was_chosen else "")
            body.append(f"\n{verdict}", style=style)
            if choice.why:
                body.append(f" — {terminal_safe(choice.why)}", style="italic" if choice.correct or was_chosen else "dim italic")
            grid.add_row(Text(f"{mark} {LETTERS[i]}", style=style), body)
            if i < len(question.choices) - 1:
                grid.add_row("", "")
        self.update(grid)
