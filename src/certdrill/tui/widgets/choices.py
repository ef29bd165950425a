"""The choices of a question, labelled A-E, chosen by key; after the answer, marked right or wrong."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from certdrill.core.model import Question

LETTERS = "ABCDEFGHIJ"


def choice_key(key: str) -> int | None:
    """The choice index a key selects: a-j or 1-9; None for other keys."""
    if len(key) == 1 and key.isalpha() and key.lower() in "abcdefghij":
        return "abcdefghij".index(key.lower())
    if len(key) == 1 and key.isdigit() and key != "0":
        return int(key) - 1
    return None


class ChoiceList(Static):
    """Renders the choices; the screen owns the selection and calls `show`."""

    DEFAULT_CSS = """
    ChoiceList { height: auto; padding: 0 1; }
    """

    def show(self, question: Question, selected: set[int], *, cursor: int | None = None,
             revealed: bool = False, chosen: set[int] | None = None) -> None:
        text = Text()
        for i, choice in enumerate(question.choices):
            if i:
                text.append("\n")
            picked = i in selected
            mark = ("[x]" if picked else "[ ]") if question.kind == "multiple" else ("(•)" if picked else "( )")
            pointer = "›" if cursor == i and not revealed else " "
            if not revealed:
                style = "bold reverse" if cursor == i else ("bold" if picked else "")
                text.append(f"{pointer} {mark} {LETTERS[i]}  ", style=style)
                text.append(choice.text, style=style)
                continue
            was_chosen = i in (chosen or set())
            if choice.correct:
                verdict, style = ("✔ correct", "bold green")
            elif was_chosen:
                verdict, style = ("✘ your pick", "bold red")
            else:
                verdict, style = ("  incorrect", "dim")
            text.append(f"{mark} {LETTERS[i]}  ", style=style)
            text.append(choice.text, style="bold" if choice.correct or was_chosen else "")
            text.append(f"\n      {verdict}", style=style)
            if choice.why:
                text.append(f" — {choice.why}", style="italic" if choice.correct or was_chosen else "dim italic")
        self.update(text)
