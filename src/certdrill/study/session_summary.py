"""The end of a review or practice session in figures: answered and right per domain and in all, and time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from certdrill.core.durations import format_duration
from certdrill.study.session import Answered


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One domain (or all of them): every answer counts in `answered`; `right` is out of `graded`,
    the answers with a verdict (a flashcard is rated by the learner, not graded)."""

    name: str
    answered: int
    graded: int
    right: int

    @property
    def accuracy(self) -> float | None:
        return self.right / self.graded if self.graded else None

    @property
    def flashcards(self) -> int:
        return self.answered - self.graded


@dataclass(frozen=True, slots=True)
class SessionSummary:
    rows: list[SummaryRow]  # most answered first
    total: SummaryRow
    seconds: float

    @property
    def seconds_each(self) -> float:
        return self.seconds / self.total.answered if self.total.answered else 0.0

    def time_line(self) -> str:
        """'3 answered in 1 min 05 s · 22 s each' (both times rounded the same way)."""
        line = f"{self.total.answered} answered in {format_duration(self.seconds)}"
        return line + (f" · {format_duration(self.seconds_each)} each" if self.total.answered else "")


def summarize(answers: Iterable[Answered], names: Mapping[str, str]) -> SessionSummary:
    """The session's answers by domain (named by `names`, else by id); the rows add up to the total."""
    answers = list(answers)
    order: dict[str, list[Answered]] = {}
    for a in answers:
        order.setdefault(a.domain, []).append(a)

    def row(name: str, group: list[Answered]) -> SummaryRow:
        graded = [a for a in group if a.correct is not None]
        return SummaryRow(name, len(group), len(graded), sum(1 for a in graded if a.correct))

    rows = sorted((row(names.get(d, d), group) for d, group in order.items()), key=lambda r: -r.answered)
    return SessionSummary(rows, row("All", answers), sum(a.seconds for a in answers))
