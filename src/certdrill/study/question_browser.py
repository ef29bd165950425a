"""The question browser without a screen: the filter, the rows, and the highlighted question, which
stays the same question through every suspend, flag, reset or reload."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from certdrill.study.browse import BrowseFilter, BrowseRow

if TYPE_CHECKING:
    from certdrill.study.desk import StudyDesk


class QuestionBrowser:
    """Rows matching a filter, and which one the learner has highlighted (by card, not by row
    number: a row number points at another question as soon as the rows change)."""

    def __init__(self, desk: StudyDesk, where: BrowseFilter) -> None:
        self.desk, self.where = desk, where
        self.rows: list[BrowseRow] = []
        self.card_id: int | None = None  # the highlighted question

    def reload(self) -> None:
        """Read the rows again; the highlight stays on its question, or (when that no longer
        matches) on the row that took its place."""
        old = self.index
        self.rows = self.desk.browse(self.where)
        if self.index is None:
            at = min(old or 0, len(self.rows) - 1)
            self.card_id = self.rows[at].card_id if at >= 0 else None

    def refine(self, **changes: str | None) -> None:
        """Change the filter (deck, domain, task, kind, state, text) and read the rows again."""
        self.where = replace(self.where, **changes)  # type: ignore[arg-type]
        self.reload()

    @property
    def index(self) -> int | None:
        """The highlighted row's number (None when it is not among the rows)."""
        return next((i for i, row in enumerate(self.rows) if row.card_id == self.card_id), None)

    @property
    def current(self) -> BrowseRow | None:
        index = self.index
        return None if index is None else self.rows[index]

    def highlight(self, card_id: int) -> None:
        if any(row.card_id == card_id for row in self.rows):
            self.card_id = card_id

    # -- what the keys do to the highlighted question ---------------------------------
    def toggle_suspend(self) -> str | None:
        row = self.current
        if row is None:
            return None
        self.desk.set_suspended(row.card_id, not row.suspended)
        self.reload()
        return f"{row.question_id} unsuspended." if row.suspended else f"{row.question_id} suspended."

    def toggle_flag(self) -> str | None:
        row = self.current
        if row is None:
            return None
        self.desk.set_flagged(row.card_id, not row.flagged)
        self.reload()
        return f"{row.question_id}: flag removed." if row.flagged else f"{row.question_id} flagged."

    def reset(self, card_id: int) -> str:
        """Forget one question's schedule (asked first, by the screen); its answers are kept."""
        row = next(r for r in self.rows if r.card_id == card_id)
        self.desk.reset(card_id)
        self.reload()
        return f"{row.question_id} is new again; its past answers are kept."
