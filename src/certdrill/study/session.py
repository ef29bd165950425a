"""A review or practice session without a screen: the card on show, the learner's picks, the
verdict, and the rules of every key (submit, rate, undo, skip, flag, suspend, bury)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from certdrill.study.review import AnswerResult, RatingOptions, StudyCard

if TYPE_CHECKING:
    from certdrill.study.desk import StudyDesk

Mode = Literal["review", "practice"]
Phase = Literal["asking", "answered", "done"]


@dataclass(frozen=True, slots=True)
class Answered:
    """One answer of this session, for the summary (undo removes it)."""

    card_id: int
    domain: str
    correct: bool | None
    seconds: float
    review_id: int | None = None


@dataclass(frozen=True, slots=True)
class PickMissing:
    """Why an answer cannot be submitted yet: `picked` choices of the `needed`."""

    picked: int
    needed: int
    choices: int


# What the learner did, newest last: what undo takes back, one at a time. (For sync, each is
# the event to journal.) A re-rating belongs to its answer: undo takes back the answer.
@dataclass(frozen=True, slots=True)
class Action:
    card_id: int


@dataclass(frozen=True, slots=True)
class AnswerGiven(Action):
    review_id: int


@dataclass(frozen=True, slots=True)
class CardSuspended(Action):
    pass


@dataclass(frozen=True, slots=True)
class CardBuried(Action):
    pass


@dataclass(frozen=True, slots=True)
class FlagSet(Action):
    flagged: bool


@dataclass(frozen=True, slots=True)
class CardSkipped(Action):
    pass


@dataclass(frozen=True, slots=True)
class Progress:
    """The session so far, for its header line."""

    done: int
    right: int
    graded: int
    seconds: float
    left: int | None = None  # practice: questions still to come
    due: int | None = None  # review: due now and new left today over the session's decks
    new: int | None = None


class ReviewSession:
    """Review the due cards of some decks, or practise a fixed list of cards without scheduling.

    Driven by a screen (or a test) through its methods; every change is stored through the desk
    before the method returns. `phase` is "asking" (a question waits for its answer), "answered"
    (the verdict is shown; ratings may change) or "done" (nothing left).
    """

    def __init__(self, desk: StudyDesk, *, deck_ids: Sequence[str], mode: Mode = "review",
                 card_ids: Sequence[int] = ()) -> None:
        self.desk = desk
        self.deck_ids = list(deck_ids)
        self.mode: Mode = mode
        self.queue = list(card_ids)
        self.card: StudyCard | None = None
        self.phase: Phase = "asking"
        self.selected: frozenset[int] = frozenset()
        self.revealed = False  # flashcards: the answer is shown, a rating is awaited
        self.result: AnswerResult | None = None
        self.options: RatingOptions | None = None  # each rating's state, computed once per card: what it stores
        self.skipped: list[int] = []
        self.answers: list[Answered] = []
        self.actions: list[Action] = []
        self.shown = 0  # questions put on show so far: a new number means a fresh question (or the same again)
        self.started = self.shown_at = self.clock()

    def clock(self) -> float:
        """Seconds on the desk's clock (fixed in tests, so timings are stable)."""
        return self.desk.now().timestamp()

    # -- the card on show -------------------------------------------------------
    def start(self) -> None:
        """Show the first question (or end at once when there is none)."""
        self._show()

    def _show(self, card_id: int | None = None) -> None:
        if card_id is not None:
            self.card = self.desk.card(card_id)
        elif self.mode == "practice":
            self.card = self.desk.card(self.queue.pop(0)) if self.queue else None
        else:
            self.card = self.desk.next_card(self.deck_ids, exclude=self.skipped)
        self.selected, self.revealed, self.result, self.options = frozenset(), False, None, None
        self.phase = "done" if self.card is None else "asking"
        self.shown += 1
        self.shown_at = self.clock()

    def reload_card(self) -> None:
        """Read the card on show again (its question was edited): it is drawn afresh; an answer
        already given stays as it was stored."""
        if self.card is not None:
            self.card = self.desk.card(self.card.card_id)
            if self.phase == "asking":
                self.selected, self.revealed = frozenset(), False
            self.shown += 1

    @property
    def exhausted(self) -> bool:
        """Nothing left to show: the session ran out of questions."""
        return self.phase == "done"

    def intervals(self) -> dict[int, timedelta]:
        """Rating -> when the card would return, as stored if chosen (empty until there is a verdict)."""
        return self.options.intervals() if self.options is not None else {}

    def allows(self, action: str) -> bool:
        """Whether a key's action applies now (the screen shows and runs only these)."""
        card = self.card
        if card is None:
            return action == "leave"
        flashcard, answered = card.question.kind == "flashcard", self.phase == "answered"
        rules = {
            "rate": self.mode == "review" and (answered or (flashcard and self.revealed)),
            "space": not answered and (not flashcard or not self.revealed),
            "cursor": not answered and not flashcard,
            "skip": not answered and self.mode == "review",
            "open_reference": (answered or self.revealed) and bool(card.question.references),
            "suspend": self.mode == "review",
            "bury": self.mode == "review",
        }
        return rules.get(action, True)

    # -- answering --------------------------------------------------------------
    def select(self, chosen: Iterable[int]) -> None:
        """The choices the learner has picked so far (not yet submitted)."""
        if self.card is not None and self.phase == "asking":
            self.selected = frozenset(chosen)

    def reveal(self) -> None:
        """Show a flashcard's answer; in review, its rating buttons (computed once, from now)."""
        if self.card is None or self.card.question.kind != "flashcard" or self.revealed:
            return
        if self.mode == "review":
            self.options = self.desk.rating_options(self.card)
        self.revealed = True

    def submit(self) -> PickMissing | None:
        """Enter: answer, reveal, or go on to the next question. Returns what is missing, if anything."""
        card = self.card
        if card is None:
            return None
        q = card.question
        if self.phase == "answered":
            self._show()
        elif q.kind == "flashcard":
            if not self.revealed:
                self.reveal()
            elif self.mode == "practice":  # no rating in practice: the schedule is left alone
                self._record(self.desk.answer(card.card_id, rating=3, duration_ms=self.elapsed_ms(), mode="practice"))
                self._show()
        elif not self.selected or (q.kind == "multiple" and len(self.selected) != q.pick):
            return PickMissing(len(self.selected), q.pick or 1, len(q.choices))
        else:
            # Committed before anything else shows: the answer is on disk when the verdict appears.
            self.result = self.desk.answer(card.card_id, sorted(self.selected), duration_ms=self.elapsed_ms(),
                                           mode=self.mode)
            self._record(self.result)
            self.phase = "answered"
            if self.result.options is not None:  # the other ratings, once: the buttons show what each stores
                self.options = self.result.options.completed(self.result.scheduler_settings)
        return None

    def rate(self, rating: int) -> None:
        """1-4: rate a revealed flashcard (and go on), or change the rating an answer set."""
        card = self.card
        if card is None or not self.allows("rate"):
            return
        if self.result is None:
            self._record(self.desk.answer(card.card_id, rating=rating, duration_ms=self.elapsed_ms(),
                                          options=self.options))
            self._show()
        elif self.result.rating != rating:
            self.result = self.desk.rerate(self.result.review_id, rating, options=self.options)

    def elapsed_ms(self) -> int:
        return int((self.clock() - self.shown_at) * 1000)

    def _record(self, result: AnswerResult) -> None:
        assert self.card is not None
        self.answers.append(Answered(self.card.card_id, self.card.question.domain, result.correct,
                                     self.clock() - self.shown_at, result.review_id))
        self.actions.append(AnswerGiven(self.card.card_id, result.review_id))

    # -- the other keys ----------------------------------------------------------
    def skip(self) -> None:
        """Leave this question for later in the session."""
        if self.card is not None and self.allows("skip"):
            self.skipped.append(self.card.card_id)
            self.actions.append(CardSkipped(self.card.card_id))
            self._show()

    def flag(self) -> str:
        assert self.card is not None
        flagged = not self.card.flagged
        self.desk.set_flagged(self.card.card_id, flagged)
        self.actions.append(FlagSet(self.card.card_id, flagged))
        self.card = self.desk.card(self.card.card_id)
        return "Flagged." if flagged else "Flag removed."

    def suspend(self) -> str:
        assert self.card is not None
        self.desk.set_suspended(self.card.card_id, True)
        self.actions.append(CardSuspended(self.card.card_id))
        self._show()
        return "Suspended: it stays out of reviews until you unsuspend it in the browser."

    def bury(self) -> str:
        assert self.card is not None
        self.desk.bury(self.card.card_id)
        self.actions.append(CardBuried(self.card.card_id))
        self._show()
        return "Buried until tomorrow."

    def undo(self) -> str:
        """Take back the learner's last action, whatever it was, and show its question again.

        With nothing done in this session yet, the latest answer in its decks is taken back.
        """
        if not self.actions:
            card_id = self.desk.undo(self.deck_ids)
            if card_id is None:
                return "Nothing to undo."
            return self._back_to(card_id, "Last answer taken back.")
        action = self.actions.pop()
        if isinstance(action, AnswerGiven):
            self.desk.undo_answer(action.review_id)
            self.answers = [a for a in self.answers if a.review_id != action.review_id]
            return self._back_to(action.card_id, "Last answer taken back.")
        if isinstance(action, CardSuspended):
            self.desk.set_suspended(action.card_id, False)
            return self._back_to(action.card_id, "Suspend taken back.")
        if isinstance(action, CardBuried):
            self.desk.unbury(action.card_id)
            return self._back_to(action.card_id, "Bury taken back.")
        if isinstance(action, CardSkipped):
            self.skipped.remove(action.card_id)
            return self._back_to(action.card_id, "Skip taken back.")
        assert isinstance(action, FlagSet)
        self.desk.set_flagged(action.card_id, not action.flagged)
        if self.card is not None and self.card.card_id == action.card_id:
            self.card = self.desk.card(action.card_id)  # the question stays as it was, picks and all
            return "Flag taken back."
        return self._back_to(action.card_id, "Flag taken back.")

    def _back_to(self, card_id: int, note: str) -> str:
        """Show `card_id` again, asking; in practice the question on show returns to the queue."""
        current = self.card
        if self.mode == "practice" and current is not None and current.card_id != card_id and self.phase != "answered":
            self.queue.insert(0, current.card_id)
        self._show(card_id)
        return note

    # -- the header line ---------------------------------------------------------
    def progress(self) -> Progress:
        """Done, right and time so far, and what is left (the review counts read the database:
        call it off the UI thread)."""
        answers = list(self.answers)
        done = Progress(len(answers), sum(1 for a in answers if a.correct),
                        sum(1 for a in answers if a.correct is not None), self.clock() - self.started)
        if self.mode == "practice":
            return Progress(done.done, done.right, done.graded, done.seconds,
                            left=len(self.queue) + (1 if self.card else 0))
        due, new = self.desk.queue_counts(self.deck_ids)
        return Progress(done.done, done.right, done.graded, done.seconds, due=due, new=new)
