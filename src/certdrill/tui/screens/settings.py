"""Settings: daily new questions, desired retention, the hour the study day starts, theme, sync folder
and device name, and an exam date per deck; every field shows the value saved."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Select, Static

from certdrill.core.text import counted
from certdrill.errors import CertdrillError
from certdrill.study.desk import StudyDesk
from certdrill.study.exam_date import ExamPlan
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.messages import SyncNow
from certdrill.tui.text import literal


@reports_user_errors
class SettingsScreen(Screen[None]):
    """Each field saves when you press enter (or pick a value); esc goes back."""

    BINDINGS = [Binding("escape", "dismiss", "Back", id="settings.back")]
    AUTO_FOCUS = "Input"  # the first field, not the scrolling container around it

    def __init__(self, desk: StudyDesk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        s = self.desk.settings()
        with VerticalScroll(id="settings"):
            yield Static(Text("Settings (enter saves a field)", style="bold"))
            with Horizontal(classes="field"):
                yield Label("New questions per deck per day")
                yield Input(str(s.new_per_day), id="new_per_day", type="integer")
            with Horizontal(classes="field"):
                yield Label("Desired retention (0.70–0.99)")
                yield Input(f"{s.desired_retention:g}", id="desired_retention", type="number")
            with Horizontal(classes="field"):
                yield Label("Study day starts at (hour, 0–23)")
                yield Input(str(s.rollover_hour), id="rollover_hour", type="integer")
            with Horizontal(classes="field"):
                yield Label("Theme")
                themes = sorted(self.app.available_themes)
                yield Select([(t, t) for t in themes], value=s.theme if s.theme in themes else Select.BLANK,
                             id="theme", allow_blank=False)
            yield Static(Text("Sync with your other machines through a folder you share (empty: no sync)",
                              style="bold"), classes="section")
            with Horizontal(classes="field"):
                yield Label("Sync folder")
                yield Input(s.sync_folder or "", placeholder="~/Sync/certdrill", id="sync_folder", classes="path")
            with Horizontal(classes="field"):
                yield Label("This device's name")
                yield Input(self.desk.device_name(), placeholder="its host name", id="device_name")
            yield Static(Text("Exam dates (YYYY-MM-DD; empty clears) and minutes a day until then", style="bold"),
                         classes="section")
            for deck in self.desk.decks():
                if deck.exam is None or deck.exam.status == "retired":  # no date can be booked
                    continue
                plan = self.desk.exam_plan(deck.id) if deck.exam_date else None
                with Horizontal(classes="field"):
                    yield Label(literal(deck.title))
                    yield Input(deck.exam_date or "", placeholder="YYYY-MM-DD", id=f"exam-{deck.id}")
                    yield Input(str(plan.minutes_per_day) if plan else "", placeholder="min/day", id=f"minutes-{deck.id}",
                                type="integer", classes="minutes")
        yield Footer()

    def show_device_name(self) -> None:
        """After a sync: the name this device now has (its first sync names it after the host)."""
        field = self.query_one("#device_name", Input)
        if not field.has_focus:
            field.value = self.desk.device_name()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        field = event.input.id or ""
        value = event.value.strip()
        try:
            if field == "new_per_day":
                self.desk.save_setting("new_per_day", int(value))
            elif field == "desired_retention":
                self.desk.save_setting("desired_retention", float(value))
            elif field == "rollover_hour":
                self.desk.save_setting("rollover_hour", int(value))
            elif field == "sync_folder":
                folder = self.desk.set_sync_folder(value)
                event.input.value = folder or ""
                if folder:
                    self.post_message(SyncNow())
                else:
                    self.notify("Saved: no sync.")
                return
            elif field == "device_name":
                event.input.value = self.desk.rename_device(value)
            elif field.startswith(("exam-", "minutes-")):
                deck_id = field.split("-", 1)[1]
                when = self.query_one(f"#exam-{deck_id}", Input).value.strip()
                minutes = self.query_one(f"#minutes-{deck_id}", Input).value.strip()
                day = date.fromisoformat(when) if when else None
                plan = self.desk.set_exam_date(deck_id, day, int(minutes) if minutes else None)
                self.notify_plan(plan)
                return
            else:
                return
        except ValueError:
            self.notify(f"Not a valid value: {value!r}", severity="error")
            return
        except CertdrillError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify("Saved.")

    def notify_plan(self, plan: ExamPlan | None) -> None:
        """What the exam date asks of each day (as `certdrill exam-date` prints it)."""
        if plan is None:
            self.notify("Exam date cleared: normal scheduling.")
            return
        text = (f"Saved. Exam on {plan.exam_date:%a %d %b} ({counted(plan.days_left, 'day')} away): "
                f"{plan.new_per_day} new a day meet all {counted(plan.unseen, 'unseen question')} a week before; "
                f"{plan.minutes_per_day} minutes a day.")
        if plan.over_cap:
            self.notify(f"{text} That pace likely takes longer: allow more minutes or choose a later date.",
                        severity="warning", timeout=10)
        else:
            self.notify(text, timeout=8)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "theme" and event.value is not Select.BLANK:
            self.app.theme = str(event.value)
            self.desk.save_setting("theme", str(event.value))
