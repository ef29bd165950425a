"""Choose what to practise: a domain, a task, a tag, flagged or most-missed questions; keys shown below."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from certdrill.study.desk import StudyDesk
from certdrill.study.practice import Slice
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.text import literal

MAX_TAGS = 40


@reports_user_errors
class PracticeSetupScreen(ModalScreen[Slice | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="practice_setup.cancel")]

    def __init__(self, desk: StudyDesk, deck_id: str) -> None:
        super().__init__()
        self.desk, self.deck_id = desk, deck_id
        self.deck = next(d for d in desk.decks() if d.id == deck_id)
        self.slices: list[Slice] = []

    def compose(self) -> ComposeResult:
        options: list[Option] = []

        def add(label: str, slice: Slice) -> None:
            options.append(Option(literal(label), id=str(len(self.slices))))
            self.slices.append(slice)

        add("Whole deck (shuffled)", Slice(self.deck_id))
        add("Flagged questions", Slice(self.deck_id, flagged=True))
        add("Most missed questions", Slice(self.deck_id, most_missed=True))
        for domain in self.deck.domains:
            add(f"Domain: {domain.name}", Slice(self.deck_id, domain=domain.id))
        for domain in self.deck.domains:
            for task_id, task_name in self.desk.tasks(self.deck_id, domain.id):
                add(f"Task {task_id}: {task_name}", Slice(self.deck_id, domain=domain.id, task=task_id))
        tags = self.desk.tags(self.deck_id)
        if tags:
            shown = sorted(tags[:MAX_TAGS], key=lambda item: item[0].casefold())  # found by reading, A to Z
            heading = "Tags, A to Z" if len(tags) <= MAX_TAGS else f"Tags: the {MAX_TAGS} most used of {len(tags)}, A to Z"
            options.append(Option(Text(heading, style="bold"), disabled=True))
            for tag, count in shown:
                add(f"Tag: {tag} ({count})", Slice(self.deck_id, tag=tag))
        with Vertical(classes="dialog"):
            yield Static(literal(f"Practice · {self.deck.title}", "bold"))
            yield Static(Text("Practice records your answers but never changes when questions are due.",
                              style="dim"))
            # Above the list, which may be cut at the foot of a small terminal.
            yield Static(Text("↑↓ move · enter practise the highlighted slice · esc cancel", style="dim"),
                         id="practice-keys")
            yield OptionList(*options, id="slices")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.slices[int(event.option.id or 0)])
