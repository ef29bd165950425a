"""The certdrill Textual app and its factory, shared by main() and the tests."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

from certdrill.study.reports import deck_summaries
from certdrill.study.workspace import Workspace


class CertdrillApp(App[None]):
    TITLE = "certdrill"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Deck", "Questions", "Due now", "New today", "Exam")
        ws = self.workspace
        with ws.session() as session:
            decks = deck_summaries(session, now=ws.now(), tz=ws.tz, new_per_day=ws.settings().new_per_day)
        for d in decks:
            exam = "" if d.exam is None else f"{d.exam.code} ({d.exam.status})"
            table.add_row(d.title, str(d.questions), str(d.due_now), str(d.new_available), exam)


def make_app(workspace: Workspace) -> CertdrillApp:
    return CertdrillApp(workspace)
