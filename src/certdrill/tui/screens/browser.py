"""The question browser: search and filter every question; suspend, flag or reset from here (the
screen of a `QuestionBrowser`, which keeps the highlight on its question)."""

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
from certdrill.study.question_browser import QuestionBrowser
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.screens.confirm import ConfirmScreen
from certdrill.tui.text import literal, references_markdown
from certdrill.tui.widgets.choices import ChoiceList
from certdrill.tui.widgets.markdown_view import MarkdownView

STATES = ["new", "learning", "review", "relearning", "suspended", "flagged", "retired"]


@reports_user_errors
class BrowserScreen(Screen[None]):
    # Priority: in the search box, ctrl+u would otherwise clear the search (and ctrl+f, ctrl+r act on
    # a question the learner is not looking at); there they move to the list first.
    BINDINGS = [
        Binding("slash", "search", "Search", id="browser.search"),
        Binding("ctrl+u", "toggle_suspend", "Suspend", id="browser.suspend", priority=True),
        Binding("ctrl+f", "toggle_flag", "Flag", id="browser.flag", priority=True),
        Binding("ctrl+r", "reset", "Reset", id="browser.reset", priority=True),
        Binding("l", "history", "History", id="browser.history"),
        Binding("ctrl+e", "edit", "Edit", id="browser.edit"),
        Binding("o", "open_reference", "Doc", id="browser.open"),
        Binding("down", "to_results", "Results", show=False),
        Binding("escape", "back", "Back", id="browser.back"),
    ]

    def __init__(self, desk: StudyDesk, deck_id: str | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.decks = desk.decks()
        self.browser = QuestionBrowser(desk, BrowseFilter(deck_id=deck_id))

    @property
    def where(self) -> BrowseFilter:
        return self.browser.where

    @property
    def rows(self) -> list[BrowseRow]:
        return self.browser.rows

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
        yield Footer(compact=True, show_command_palette=False)  # 80 columns: keys first

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
        self.browser.reload()
        self.draw()

    def draw(self) -> None:
        """The rows as the browser has them, the cursor on its highlighted question."""
        table = self.query_one("#questions", DataTable)
        table.clear()
        for row in self.rows:
            state = "suspended" if row.suspended else row.state
            table.add_row(literal(row.question_id), state, f"{self.desk.local(row.due):%Y-%m-%d}" if row.due else "",
                          "⚑" if row.flagged else "", row.kind, literal(row.task or ""), str(row.lapses),
                          str(row.misses), literal(row.domain), key=str(row.card_id))
        self.sub_title = counted(len(self.rows), "question") + (" (first 2000)" if len(self.rows) >= 2000 else "")
        if self.browser.index is not None:
            table.move_cursor(row=self.browser.index, animate=False)
        self.show_detail()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.browser.refine(text=event.value)
        self.draw()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_to_results()

    def action_to_results(self) -> None:
        """Enter or down in the search box: on to the results."""
        if self.focused is not None and self.focused.id == "search":
            self.query_one("#questions", DataTable).focus()

    def in_the_list(self, what: str) -> bool:
        """Whether the list has the keys; if not, it gets them now, and the learner is told
        which question the key would act on (nothing is done yet)."""
        table = self.query_one("#questions", DataTable)
        if self.focused is table:
            return True
        table.focus()
        row = self.browser.current
        if row is not None:
            self.notify(f"In the list now: press it again to {what} {row.question_id}.")
        return False

    def on_select_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.BLANK else str(event.value)
        field = event.select.id or ""
        if field == "deck":
            self.browser.refine(deck_id=value, domain=None, task=None)
            self.query_one("#domain", Select).set_options(self.domain_options())
            self.query_one("#task", Select).set_options(self.task_options())
        elif field == "domain":
            self.browser.refine(domain=value, task=None)
            self.query_one("#task", Select).set_options(self.task_options())
        elif field in ("task", "kind", "state"):
            self.browser.refine(**{field: value})
        self.draw()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.browser.highlight(int(event.row_key.value))
        self.show_detail()

    def show_detail(self) -> None:
        row = self.browser.current
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
        explanation.show(back + q.explanation + (f"\n\n**Read more** (o opens the first link)\n\n{refs}" if refs else ""))

    def action_open_reference(self) -> None:
        from certdrill.tui.screens.link import open_reference

        row = self.browser.current
        if row is not None:
            references = self.desk.card(row.card_id).question.references
            if references:
                open_reference(self, references[0])
            else:
                self.notify(f"{row.question_id} has no doc link.")

    def action_history(self) -> None:
        from certdrill.tui.screens.history import HistoryScreen

        row = self.browser.current
        if row is not None:
            self.app.push_screen(HistoryScreen(self.desk.card_history(row.card_id), self.desk.local))

    def action_edit(self) -> None:
        from certdrill.tui.editing import edit_question

        row = self.browser.current
        if row is not None:
            edit_question(self.app, self.desk, row.card_id, lambda _outcome: self.reload())

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_toggle_suspend(self) -> None:
        if self.in_the_list("suspend or unsuspend") and (note := self.browser.toggle_suspend()):
            self.notify(note)
            self.draw()

    def action_toggle_flag(self) -> None:
        if self.in_the_list("flag or unflag") and (note := self.browser.toggle_flag()):
            self.notify(note)
            self.draw()

    def action_reset(self) -> None:
        row = self.browser.current
        if not self.in_the_list("reset the schedule of") or row is None:
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.notify(self.browser.reset(row.card_id))
                self.draw()

        self.app.push_screen(ConfirmScreen(f"Reset the schedule of {row.question_id}?", yes="Reset"), done)

    def action_back(self) -> None:
        if self.focused is not None and self.focused.id == "search":
            self.query_one("#questions", DataTable).focus()
            return
        self.dismiss()
