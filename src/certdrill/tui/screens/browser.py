"""The question browser: search and filter every question; suspend, flag or reset from here."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Select

from certdrill.core.text import counted
from certdrill.study.browse import BrowseFilter, BrowseRow
from certdrill.study.desk import StudyDesk
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.screens.confirm import ConfirmScreen
from certdrill.tui.text import literal, references_markdown
from certdrill.tui.widgets.choices import ChoiceList
from certdrill.tui.widgets.markdown_view import MarkdownView

STATES = ["new", "learning", "review", "relearning", "suspended", "flagged", "retired"]


@reports_user_errors
class BrowserScreen(Screen[None]):
    BINDINGS = [
        Binding("slash", "search", "Search", id="browser.search"),
        Binding("ctrl+u", "toggle_suspend", "Suspend/unsuspend", id="browser.suspend"),
        Binding("ctrl+f", "toggle_flag", "Flag/unflag", id="browser.flag"),
        Binding("ctrl+r", "reset", "Reset schedule", id="browser.reset"),
        Binding("escape", "back", "Back", id="browser.back"),
    ]

    def __init__(self, desk: StudyDesk, deck_id: str | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.decks = desk.decks()
        self.where = BrowseFilter(deck_id=deck_id)
        self.rows: list[BrowseRow] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="filters"):
            search = Input(placeholder="/ search", id="search")
            search.tooltip = "Search question text, id or tag (/ jumps here)"
            yield search
            yield Select([(literal(d.id), d.id) for d in self.decks], prompt="any deck", id="deck",
                         value=self.where.deck_id or Select.BLANK)
            yield Select(self.domain_options(), prompt="any domain", id="domain")
            yield Select(self.task_options(), prompt="any task", id="task")
            yield Select([(k, k) for k in ("single", "multiple", "flashcard")], prompt="any kind", id="kind")
            yield Select([(s, s) for s in STATES], prompt="any state", id="state")
        with Horizontal():
            yield DataTable(id="questions", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="detail"):
                yield MarkdownView(id="detail-prompt", classes="flush")
                yield ChoiceList(id="detail-choices")
                yield MarkdownView(id="detail-explanation")
        yield Footer()

    # Select parses a plain-string prompt as markup: deck names go in as Text.
    def domain_options(self) -> list[tuple[Text, str]]:
        decks = [d for d in self.decks if not self.where.deck_id or d.id == self.where.deck_id]
        return [(literal(domain.name), domain.id) for deck in decks for domain in deck.domains]

    def task_options(self) -> list[tuple[Text, str]]:
        if not self.where.deck_id or not self.where.domain:
            return []
        return [(literal(f"{t} {name}"[:40]), t) for t, name in self.desk.tasks(self.where.deck_id, self.where.domain)]

    def on_mount(self) -> None:
        table = self.query_one("#questions", DataTable)
        # What a learner scans for first on the left; the long domain id last (the filter above names it too).
        for label in ("Id", "State", "Due", "⚑", "Kind", "Task", "Lapses", "Missed", "Domain"):
            table.add_column(label)
        self.reload()
        table.focus()

    def reload(self) -> None:
        self.rows = self.desk.browse(self.where)
        table = self.query_one("#questions", DataTable)
        table.clear()
        for row in self.rows:
            state = "suspended" if row.suspended else row.state
            table.add_row(literal(row.question_id), state, f"{self.desk.local(row.due):%Y-%m-%d}" if row.due else "",
                          "⚑" if row.flagged else "", row.kind, literal(row.task or ""), str(row.lapses),
                          str(row.misses), literal(row.domain), key=str(row.card_id))
        self.sub_title = counted(len(self.rows), "question") + (" (first 2000)" if len(self.rows) >= 2000 else "")
        self.show_detail()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.where = _replace(self.where, text=event.value)
        self.reload()

    def on_select_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.BLANK else str(event.value)
        field = event.select.id or ""
        if field == "deck":
            self.where = _replace(self.where, deck_id=value, domain=None, task=None)
            self.query_one("#domain", Select).set_options(self.domain_options())
            self.query_one("#task", Select).set_options(self.task_options())
        elif field == "domain":
            self.where = _replace(self.where, domain=value, task=None)
            self.query_one("#task", Select).set_options(self.task_options())
        elif field in ("task", "kind", "state"):
            self.where = _replace(self.where, **{field: value})
        self.reload()

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def current(self) -> BrowseRow | None:
        table = self.query_one("#questions", DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def show_detail(self) -> None:
        row = self.current()
        prompt = self.query_one("#detail-prompt", MarkdownView)
        choices = self.query_one("#detail-choices", ChoiceList)
        explanation = self.query_one("#detail-explanation", MarkdownView)
        if row is None:
            prompt.show("*No question matches.*")
            choices.display = False
            explanation.show("")
            return
        card = self.desk.card(row.card_id)
        q = card.question
        marks = "".join([" · suspended" if row.suspended else "", " · ⚑ flagged" if row.flagged else ""])
        prompt.show(f"**{q.id}** · {row.deck_id} · {row.state}{marks}\n\n" + q.prompt)
        choices.display = bool(q.choices)
        if q.choices:
            choices.verdict(q, ())
        back = f"**Answer:** {q.answer}\n\n" if q.kind == "flashcard" else ""
        refs = references_markdown(q.references)
        explanation.show(back + q.explanation + (f"\n\n{refs}" if refs else ""))

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_toggle_suspend(self) -> None:
        row = self.current()
        if row is not None:
            self.desk.set_suspended(row.card_id, not row.suspended)
            self.notify("Unsuspended." if row.suspended else "Suspended.")
            self.reload()

    def action_toggle_flag(self) -> None:
        row = self.current()
        if row is not None:
            self.desk.set_flagged(row.card_id, not row.flagged)
            self.reload()

    def action_reset(self) -> None:
        row = self.current()
        if row is None:
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.desk.reset(row.card_id)
                self.notify(f"{row.question_id} is new again; its past answers are kept.")
                self.reload()

        self.app.push_screen(ConfirmScreen(f"Reset the schedule of {row.question_id}?", yes="Reset"), done)

    def action_back(self) -> None:
        if self.focused is not None and self.focused.id == "search":
            self.query_one("#questions", DataTable).focus()
            return
        self.dismiss()


def _replace(where: BrowseFilter, **changes: str | None) -> BrowseFilter:
    from dataclasses import replace

    return replace(where, **changes)  # type: ignore[arg-type]
