"""The choices of a question, labelled A-E, chosen by key; after the answer, marked right or wrong."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Static

from certdrill.core.model import Question
from certdrill.tui.text import inline_markdown

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


def picked(question: Question, selected: frozenset[int], index: int) -> frozenset[int]:
    """The selection after choosing `index`: toggled on a multiple-response question, else only it."""
    return selected ^ {index} if question.kind == "multiple" else frozenset({index})


class ChoiceList(Static, can_focus=True):
    """The choices of one question, with a cursor and the learner's selection.

    While asking, it takes the choice keys itself (a-j or 1-9 choose; up/down or k/j move the
    cursor; space toggles the choice under it) and posts `Changed` with every new selection.
    After `arm_strike` the next choice key (or x or space: the one under the cursor) asks for
    that choice to be struck out instead, with `StrikeOut`; esc cancels. Struck-out choices are
    drawn crossed out (`set_choices`). After `verdict` it shows whether each choice is right and
    leaves every key to the screen.
    """

    DEFAULT_CSS = """
    ChoiceList { height: auto; padding: 0 1; }
    """

    class Changed(Message):
        """The learner changed the selection."""

        def __init__(self, choice_list: ChoiceList, selected: frozenset[int]) -> None:
            super().__init__()
            self.choice_list = choice_list
            self.selected = selected

        @property
        def control(self) -> ChoiceList:
            return self.choice_list

    class StrikeOut(Message):
        """The learner chose a choice to strike out (or back in); None: striking was cancelled."""

        def __init__(self, choice_list: ChoiceList, index: int | None) -> None:
            super().__init__()
            self.choice_list = choice_list
            self.index = index

        @property
        def control(self) -> ChoiceList:
            return self.choice_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.question: Question | None = None
        self.selected: frozenset[int] = frozenset()
        self.struck: frozenset[int] = frozenset()
        self.cursor = 0
        self.revealed = False
        self.striking = False

    def ask(self, question: Question, selected: Iterable[int] = (), struck: Iterable[int] = ()) -> None:
        """Show a question's choices, the cursor on the first, `selected` picked, `struck` crossed out."""
        self.question, self.selected, self.cursor, self.revealed = question, frozenset(selected), 0, False
        self.struck, self.striking = frozenset(struck), False
        self._draw()

    def set_choices(self, selected: Iterable[int], struck: Iterable[int]) -> None:
        """Redraw with these picks and strike-outs (the screen's session decided them)."""
        self.selected, self.struck = frozenset(selected), frozenset(struck)
        self._draw()

    def arm_strike(self) -> None:
        """The next choice key strikes that choice out (or back in) instead of picking it."""
        if self.asking:
            self.striking = True

    def verdict(self, question: Question, chosen: Iterable[int]) -> None:
        """Mark each choice right or wrong, and which the learner chose; keys go to the screen."""
        self.question, self.selected, self.revealed = question, frozenset(chosen), True
        self._draw()

    @property
    def asking(self) -> bool:
        return self.question is not None and not self.revealed and self.question.kind != "flashcard"

    def allow_focus(self) -> bool:
        return self.asking  # a verdict takes no keys: tab goes past it

    def move(self, step: int) -> None:
        """Move the cursor, wrapping around."""
        if self.asking and self.question is not None:
            self.cursor = (self.cursor + step) % max(1, len(self.question.choices))
            self._draw()

    def toggle(self) -> None:
        """Choose the choice under the cursor."""
        self.pick(self.cursor)

    def pick(self, index: int) -> None:
        """Choose a choice (toggle it on a multiple-response question) and say so."""
        if not self.asking or self.question is None or not 0 <= index < len(self.question.choices):
            return
        self.cursor = index
        self.selected = picked(self.question, self.selected, index)
        self._draw()
        self.post_message(self.Changed(self, self.selected))

    def on_key(self, event: events.Key) -> None:
        if not self.asking or self.question is None:
            return
        index = choice_key(event.key)
        if self.striking:
            self.striking = False
            if event.key in ("x", "space"):
                index = self.cursor
            chosen = index is not None and index < len(self.question.choices)
            self.post_message(self.StrikeOut(self, index if chosen else None))
            if not chosen and event.key != "escape":
                return  # not a choice: the key does what it always does
            event.stop()
            event.prevent_default()
            return
        if index is not None and index < len(self.question.choices):
            self.pick(index)
        elif event.key in ("up", "k"):
            self.move(-1)
        elif event.key in ("down", "j"):
            self.move(1)
        elif event.key == "space":
            self.toggle()
        else:
            return
        event.stop()
        event.prevent_default()

    def _draw(self) -> None:
        question = self.question
        if question is None:
            return
        # A grid keeps wrapped lines indented under their choice.
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        for i, choice in enumerate(question.choices):
            chosen = i in self.selected
            mark = ("[x]" if chosen else "[ ]") if question.kind == "multiple" else ("(•)" if chosen else "( )")
            if not self.revealed:
                pointer = "›" if self.cursor == i else " "
                style = "bold reverse" if self.cursor == i else ("bold" if chosen else "")
                body = inline_markdown(choice.text, style)
                if i in self.struck:
                    body.stylize("strike dim")
                    mark = " ✗ "
                grid.add_row(Text(f"{pointer} {mark} {LETTERS[i]}", style=style), body)
                continue
            if choice.correct:
                verdict, style = "✔ correct", "bold green"
            elif chosen:
                verdict, style = "✘ your pick", "bold red"
            else:
                verdict, style = "incorrect", "dim"
            body = inline_markdown(choice.text, "bold" if choice.correct or chosen else "")
            body.append(f"\n{verdict}", style=style)
            if choice.why:
                body.append(" — ", style=style)
                body.append_text(inline_markdown(choice.why, "italic" if choice.correct or chosen else "dim italic"))
            grid.add_row(Text(f"{mark} {LETTERS[i]}", style=style), body)
            if i < len(question.choices) - 1:
                grid.add_row("", "")
        self.update(grid)
