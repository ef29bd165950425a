"""Import a community deck from a file or URL: preview what would change, then import."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from certdrill.errors import CertdrillError
from certdrill.study.desk import StudyDesk
from certdrill.study.library import ImportReport
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.text import literal


@reports_user_errors
class ImportScreen(ModalScreen[ImportReport | None]):
    """Enter previews (nothing is written); ctrl+s imports what was previewed."""

    BINDINGS = [
        Binding("ctrl+s", "import_now", "Import", id="import.confirm"),
        Binding("escape", "dismiss(None)", "Cancel", id="import.cancel"),
    ]

    def __init__(self, desk: StudyDesk) -> None:
        super().__init__()
        self.desk = desk
        self.previewed: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Import a deck", style="bold"))
            yield Static(Text("A certdrill YAML file or folder, an Anki .apkg/.colpkg, a CSV/TSV file, or an "
                              "https:// URL to one. Enter shows what would change; ctrl+s imports it.", style="dim"))
            yield Input(placeholder="path or URL", id="source")
            yield Static(id="preview")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        source = event.value.strip()
        if not source:
            return
        preview = self.query_one("#preview", Static)
        try:
            report = self.desk.import_source(source, dry_run=True)
        except CertdrillError as exc:
            self.previewed = None
            preview.update(literal(f"Refused: {exc}", "bold red"))
            return
        self.previewed = source
        text = literal("Dry run, nothing written: " + report.summary())
        text.append("\nctrl+s imports it, esc cancels.", style="bold")
        preview.update(text)

    def action_import_now(self) -> None:
        if self.previewed is None:
            self.notify("Preview the source first (enter).", severity="warning")
            return
        try:
            report = self.desk.import_source(self.previewed, dry_run=False)
        except CertdrillError as exc:
            self.query_one("#preview", Static).update(literal(f"Refused: {exc}", "bold red"))
            return
        self.notify("Imported " + report.summary())
        self.dismiss(report)
