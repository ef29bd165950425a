"""Hand the terminal to the learner's editor for one question, then save it or say what is wrong
(the rules are in study/editing.py; this is the round trip through the screen)."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

from textual.app import App, SuspendNotSupported

from certdrill.study.desk import StudyDesk
from certdrill.study.editing import EditOutcome, run_editor
from certdrill.tui.errors import guarded
from certdrill.tui.screens.confirm import ConfirmScreen


def _handed_over(app: App[object]) -> AbstractContextManager[None]:
    """The terminal for the editor: the app suspended (in tests, headless, there is nothing to suspend)."""
    return nullcontext() if app.is_headless else app.suspend()


def edit_question(app: App[object], desk: StudyDesk, card_id: int, saved: Callable[[EditOutcome], None]) -> None:
    """Open the question in $EDITOR; on problems, offer to edit again (the learner's text kept) or
    discard; `saved` is called after a successful save. User errors raise CertdrillError."""
    draft = desk.begin_edit(card_id)

    def round_trip() -> None:
        try:
            with _handed_over(app):
                status = run_editor(draft.path, os.environ)
        except SuspendNotSupported:
            draft.discard()
            app.notify("This terminal cannot hand over to an editor.", severity="error")
            return
        except Exception:
            draft.discard()
            raise
        if status != 0:
            draft.discard()
            app.notify(f"The editor exited with status {status}: nothing saved.", severity="warning")
            return
        outcome = desk.finish_edit(draft)
        if outcome.problems:
            problems = "\n".join(f"• {p}" for p in outcome.problems[:6])
            question = f"{draft.question_id} was not saved:\n{problems}\n\nEdit it again?"
            app.push_screen(ConfirmScreen(question, yes="Edit again"), guarded(app, again))
            return
        draft.discard()
        app.notify(outcome.message(draft.question_id), severity="information")
        if outcome.changed:
            saved(outcome)

    def again(yes: bool | None) -> None:
        if yes:
            round_trip()
        else:
            draft.discard()
            app.notify(f"{draft.question_id}: nothing saved.")

    round_trip()
