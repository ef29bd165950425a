"""A mock exam being taken, without a screen: the question on show, picks, flags, struck-out
options, the time spent on each question, the clock, and what still needs attention before submitting."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from certdrill.core.durations import seconds_left
from certdrill.study.exam import ExamPaper, ExamResult, ItemStatus, PaperItem

if TYPE_CHECKING:
    from certdrill.study.desk import StudyDesk

CLOCK_RUNS_ON = "The exam's clock keeps running while you are away; resume it from the mock-exam menu (e)."


@dataclass(frozen=True, slots=True)
class Attention:
    """A question to look at again before submitting: unanswered, incomplete or flagged."""

    index: int
    status: ItemStatus
    flagged: bool
    picked: int
    needed: int


@dataclass(frozen=True, slots=True)
class Tally:
    answered: int
    incomplete: int
    unanswered: int
    flagged: int


def picks_note(item: PaperItem) -> str:
    """What an incomplete answer lacks, in the learner's words: '1 of 2 picked'."""
    needed = item.question.pick or 1
    return f"{len(item.chosen)} of {needed} picked"


class ExamSession:
    """One sitting of a mock exam. Every change is stored through the desk before the method
    returns, so a crash or a closed terminal loses nothing; struck-out options live only here."""

    def __init__(self, desk: StudyDesk, paper: ExamPaper) -> None:
        self.desk, self.paper = desk, paper
        needs = [i for i, it in enumerate(paper.items) if it.status != "answered"]
        self.current = needs[0] if needs else 0
        self.struck: dict[int, frozenset[int]] = {}  # item index -> struck-out choices
        self.shown_at = self.clock()

    def clock(self) -> float:
        return self.desk.now().timestamp()

    # -- the clock -------------------------------------------------------------
    def seconds_left(self) -> int:
        """Whole seconds left, rounded up: 0 only once the time is really up."""
        return seconds_left(self.paper.ends_at.timestamp() - self.clock())

    @property
    def time_up(self) -> bool:
        return self.seconds_left() == 0

    # -- the question on show ----------------------------------------------------
    @property
    def item(self) -> PaperItem:
        return self.paper.items[self.current]

    def struck_out(self, index: int | None = None) -> frozenset[int]:
        return self.struck.get(self.current if index is None else index, frozenset())

    def index_of(self, question: object) -> int:
        """The paper index of a question object (the choices say which question they belong to)."""
        return next(i for i, it in enumerate(self.paper.items) if it.question is question)

    def _save(self, index: int, chosen: Iterable[int], flagged: bool) -> None:
        item = self.paper.items[index]
        chosen = tuple(sorted(set(chosen)))
        spent = self._spent() if index == self.current else 0
        self.desk.save_exam_answer(self.paper.attempt_id, item.position, list(chosen), flagged, spent)
        self.paper.items[index] = replace(item, chosen=chosen, flagged=flagged, seconds=item.seconds + spent / 1000)

    def _spent(self) -> int:
        """Milliseconds on the question on show since it was shown (or last saved)."""
        now = self.clock()
        spent, self.shown_at = int((now - self.shown_at) * 1000), now
        return max(0, spent)

    def select(self, chosen: Iterable[int], index: int | None = None) -> None:
        """The learner's picks for a question (the one on show unless `index`); a pick brings a
        struck-out option back."""
        index = self.current if index is None else index
        chosen = frozenset(chosen)
        if index in self.struck:
            self.struck[index] = self.struck[index] - chosen
        self._save(index, chosen, self.paper.items[index].flagged)

    def strike(self, choice: int) -> None:
        """Strike an option of the question on show out (or bring it back); a struck pick is unpicked."""
        item = self.item
        if not 0 <= choice < len(item.question.choices):
            return
        struck = self.struck_out() ^ {choice}
        self.struck[self.current] = struck
        if choice in struck and choice in item.chosen:
            self._save(self.current, set(item.chosen) - {choice}, item.flagged)

    def flag(self) -> bool:
        """Flag the question on show for review (or unflag it); returns the new flag."""
        item = self.item
        self._save(self.current, item.chosen, not item.flagged)
        return not item.flagged

    # -- moving around -----------------------------------------------------------
    def go_to(self, index: int) -> str | None:
        """Show another question; the time on this one is kept. Returns a warning when the
        question left behind is incomplete."""
        before, left = self.current, self.item
        self._leave()
        self.current = index % len(self.paper.items)
        if left.status == "incomplete" and self.current != before:
            return (f"Question {left.position + 1} is incomplete ({picks_note(left)}): "
                    "it counts as wrong until you pick all it asks.")
        return None

    def move(self, step: int) -> str | None:
        return self.go_to(self.current + step)

    def _leave(self) -> None:
        item = self.item
        spent = self._spent()
        if spent >= 1000:  # a glance of under a second is not worth a write
            self.desk.save_exam_answer(self.paper.attempt_id, item.position, list(item.chosen), item.flagged, spent)
            self.paper.items[self.current] = replace(item, seconds=item.seconds + spent / 1000)

    def next_needing_attention(self) -> int | None:
        """The next question after the one on show that is flagged, unanswered or incomplete."""
        n = len(self.paper.items)
        for step in range(1, n + 1):
            i = (self.current + step) % n
            item = self.paper.items[i]
            if item.flagged or item.status != "answered":
                return i
        return None

    # -- before submitting -------------------------------------------------------
    def tally(self) -> Tally:
        statuses = [it.status for it in self.paper.items]
        return Tally(statuses.count("answered"), statuses.count("incomplete"), statuses.count("unanswered"),
                     sum(1 for it in self.paper.items if it.flagged))

    def attention(self) -> list[Attention]:
        """Every question to look at again before submitting, in paper order."""
        return [Attention(i, it.status, it.flagged, len(it.chosen), it.question.pick or 1)
                for i, it in enumerate(self.paper.items) if it.flagged or it.status != "answered"]

    def submit_note(self) -> str:
        """What submitting now means: '2 unanswered and 1 incomplete count as wrong · 3 flagged.'"""
        t = self.tally()
        wrong = [f"{n} {name}" for n, name in ((t.unanswered, "unanswered"), (t.incomplete, "incomplete")) if n]
        parts = []
        if wrong:
            parts.append(" and ".join(wrong) + (" count" if sum((t.unanswered, t.incomplete)) > 1 else " counts")
                         + " as wrong")
        if t.flagged:
            parts.append(f"{t.flagged} flagged")
        if not parts:
            return f"All {len(self.paper.items)} answered, none flagged."
        return " · ".join(parts) + "."

    def pause(self) -> None:
        """Leave the exam for now (its clock runs on): the time on the question on show is kept."""
        self._leave()

    def submit(self) -> ExamResult:
        self._leave()
        return self.desk.submit_exam(self.paper.attempt_id)
