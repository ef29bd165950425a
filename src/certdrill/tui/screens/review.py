"""Daily review and practice: question, choices, the verdict explained option by option, rating."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from certdrill.core.grading import RATING_NAMES
from certdrill.core.scheduling import format_interval
from certdrill.core.text import terminal_safe
from certdrill.study.desk import StudyDesk
from certdrill.study.review import AnswerResult, StudyCard
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.text import references_markdown
from certdrill.tui.widgets.choices import LETTERS, ChoiceList, choice_key, choice_keys
from certdrill.tui.widgets.markdown_view import MarkdownView

Mode = Literal["review", "practice"]
Phase = Literal["asking", "answered", "done"]


@dataclass
class Answered:
    """One answer of this session, for the summary (undo removes it)."""

    card_id: int
    domain: str
    correct: bool | None
    seconds: float


@reports_user_errors
class ReviewScreen(Screen[list[Answered]]):
    """Review due cards of some decks, or practise a fixed list of cards without scheduling."""

    BINDINGS = [
        Binding("enter", "submit", "Submit / next", id="review.submit"),
        Binding("space", "space", "Toggle / reveal", id="review.toggle"),
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("1", "rate(1)", "Again", id="review.again"),
        Binding("2", "rate(2)", "Hard", id="review.hard"),
        Binding("3", "rate(3)", "Good", id="review.good"),
        Binding("4", "rate(4)", "Easy", id="review.easy"),
        Binding("u", "undo", "Undo", id="review.undo"),
        Binding("f", "flag", "Flag", id="review.flag"),
        Binding("exclamation_mark", "suspend", "Suspend", id="review.suspend"),
        Binding("minus", "bury", "Bury", id="review.bury"),
        Binding("s", "skip", "Skip", id="review.skip"),
        Binding("o", "open_reference", "Open doc", id="review.open"),
        Binding("escape", "leave", "End", id="review.leave"),
    ]

    def clock(self) -> float:
        """Seconds on the desk's clock (fixed in tests, so timings and snapshots are stable)."""
        return self.desk.now().timestamp()

    def __init__(self, desk: StudyDesk, *, deck_ids: list[str], mode: Mode = "review",
                 card_ids: list[int] | None = None, title: str = "") -> None:
        super().__init__()
        self.desk = desk
        self.deck_ids = deck_ids
        self.mode: Mode = mode
        self.queue = list(card_ids or [])
        self.heading = title or ("Review" if mode == "review" else "Practice")
        self.card: StudyCard | None = None
        self.phase: Phase = "asking"
        self.selected: set[int] = set()
        self.cursor = 0
        self.revealed = False  # flashcards: answer shown, waiting for a rating
        self.result: AnswerResult | None = None
        self.skipped: list[int] = []
        self.answers: list[Answered] = []
        self.shown_at = self.clock()
        self.started = self.clock()
        self.domain_names: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="progress")
        with VerticalScroll(id="card"):
            yield Static(id="meta")
            yield MarkdownView(id="prompt")
            yield ChoiceList(id="choices")
            yield MarkdownView(id="explanation")
            yield MarkdownView(id="references")
        # Below the card, outside its scroll: the verdict and the next-review intervals stay in
        # view however long the question and its explanations are.
        with Vertical(id="outcome"):
            yield Static(id="verdict")
            yield Static(id="rating")
        yield Footer()

    def on_mount(self) -> None:
        self.domain_names = self.desk.domain_names(self.deck_ids)
        self.next_question()

    # -- flow -------------------------------------------------------------
    def next_question(self, card_id: int | None = None) -> None:
        if card_id is not None:
            self.card = self.desk.card(card_id)
        elif self.mode == "practice":
            self.card = self.desk.card(self.queue.pop(0)) if self.queue else None
        else:
            self.card = self.desk.next_card(self.deck_ids, exclude=self.skipped)
        self.selected, self.cursor, self.revealed, self.result = set(), 0, False, None
        if self.card is None:
            self.phase = "done"
            self.dismiss(self.answers)
            return
        self.phase = "asking"
        self.shown_at = self.clock()
        self.render_card()

    def render_card(self) -> None:
        card = self.card
        assert card is not None
        q = card.question
        self.update_progress()
        meta = Text()
        meta.append(terminal_safe(self.domain_names.get(q.domain, q.domain)), style="bold")
        if q.task:
            meta.append(f" · task {terminal_safe(q.task)}")
        meta.append(f" · {terminal_safe(q.id)}", style="dim")
        if card.flagged:
            meta.append("  ⚑ flagged", style="yellow")
        keys = choice_keys(len(q.choices))
        hint = {"single": f"Choose one ({keys}, then enter).",
                "multiple": f"Choose {q.pick} ({keys} toggles, then enter).",
                "flashcard": "Recall the answer, then press space to reveal it."}[q.kind]
        meta.append(f"\n{hint}", style="italic")
        self.query_one("#meta", Static).update(meta)
        self.query_one("#prompt", MarkdownView).show(q.prompt)
        answered = self.phase == "answered"
        choices = self.query_one("#choices", ChoiceList)
        choices.display = q.kind != "flashcard"
        if q.kind != "flashcard":
            chosen = set(self.result_chosen()) if answered else None
            choices.show(q, self.selected, cursor=self.cursor, revealed=answered, chosen=chosen)
        show_back = answered or self.revealed
        verdict = self.query_one("#verdict", Static)
        verdict.display = show_back
        explanation = self.query_one("#explanation", MarkdownView)
        explanation.display = show_back
        references = self.query_one("#references", MarkdownView)
        references.display = show_back and bool(q.references)
        rating = self.query_one("#rating", Static)
        rating.display = show_back and self.mode == "review"
        if show_back:
            verdict.update(self.verdict_text())
            back = q.explanation
            if q.kind == "flashcard":
                back = f"**Answer:** {q.answer}\n\n{q.explanation}".rstrip()
            explanation.show(back)
            references.show("**Read more** (o opens the first link)\n\n" + references_markdown(q.references))
            rating.update(self.rating_text())
        # The footer rebuilds every key widget when bindings change (~20 ms): let the question
        # reach the screen first and update the footer in the frame after.
        self.call_after_refresh(self.refresh_bindings)
        self.query_one("#card", VerticalScroll).scroll_home(animate=False)

    @work(thread=True, exclusive=True, group="progress", exit_on_error=False)
    def update_progress(self) -> None:
        """Count what is left off the UI thread (index scans: milliseconds on a big collection).
        Only a progress line: if it fails or comes late, the review goes on without it."""
        if self.card is not None:
            text = self.progress_text()
            self.app.call_from_thread(self.show_progress, text)

    def show_progress(self, text: Text) -> None:
        # The learner may have left the screen, or quit, while the count ran: then nothing to update.
        if self.is_attached:
            self.query_one("#progress", Static).update(text)

    def result_chosen(self) -> list[int]:
        return sorted(self.selected)

    def progress_text(self) -> Text:
        done = len(self.answers)
        right = sum(1 for a in self.answers if a.correct)
        graded = sum(1 for a in self.answers if a.correct is not None)
        minutes, seconds = divmod(int(self.clock() - self.started), 60)
        text = Text(f" {terminal_safe(self.heading)} ", style="bold reverse")
        text.append(f"  {done} done")
        if graded:
            text.append(f" · {right}/{graded} right")
        if self.mode == "practice":
            text.append(f" · {len(self.queue) + (1 if self.card else 0)} left · schedule untouched", style="dim")
        else:
            due, new = self.desk.queue_counts(self.deck_ids)
            text.append(f" · {due} due · {new} new left")
        text.append(f" · {minutes:02d}:{seconds:02d}", style="dim")
        return text

    def verdict_text(self) -> Text:
        card = self.card
        assert card is not None
        q = card.question
        if q.kind == "flashcard":
            if self.result is None and self.mode == "practice":  # no rating: the schedule is left alone
                return Text("Did you recall it? Enter: next question.", style="bold")
            if self.result is None:
                return Text("How well did you recall it? Press 1–4 (the interval each gives is below).", style="bold")
            return Text(f"Rated {RATING_NAMES[self.result.rating]}.", style="bold")
        assert self.result is not None
        if self.result.correct:
            return Text(" ✔ Correct ", style="bold black on green")
        letters = ", ".join(LETTERS[i] for i in q.correct_indices)
        return Text(f" ✘ Incorrect — the answer is {letters} ", style="bold white on red")

    def rating_text(self) -> Text:
        card = self.card
        assert card is not None
        intervals = self.result.intervals() if self.result else self.desk.intervals(card)
        current = self.result.rating if self.result else None
        text = Text("Next review:  ")
        for rating, name in RATING_NAMES.items():
            label = f" {rating} {name} {format_interval(intervals[rating])} " if rating in intervals else f" {rating} {name} "
            text.append(label, style="bold reverse" if rating == current else "")
            text.append(" ")
        if self.result and card.question.kind != "flashcard":
            text.append("\nYour answer set the rating: 1–4 changes it, enter goes on.",
                        style="dim")
        return text

    # -- keys ---------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.card is None:
            return action == "leave"
        q = self.card.question
        answered = self.phase == "answered"
        if action == "rate":
            if self.mode == "practice":
                return False
            return answered or (q.kind == "flashcard" and self.revealed)
        if action in ("space", "cursor"):
            return not answered and (q.kind != "flashcard" or not self.revealed)
        if action == "skip":
            return not answered and self.mode == "review"
        if action == "open_reference":
            return (answered or self.revealed) and bool(q.references)
        if action in ("suspend", "bury"):
            return self.mode == "review"
        return True

    def on_key(self, event: events.Key) -> None:
        if self.card is None or self.phase != "asking" or self.card.question.kind == "flashcard":
            return
        index = choice_key(event.key)
        if index is None or index >= len(self.card.question.choices):
            return
        if event.key.isdigit() and self.mode == "review" and self.phase != "asking":
            return
        event.stop()
        self.cursor = index
        self.pick(index)

    def pick(self, index: int) -> None:
        assert self.card is not None
        if self.card.question.kind == "multiple":
            self.selected ^= {index}
        else:
            self.selected = {index}
        self.render_card()

    def action_cursor(self, step: int) -> None:
        assert self.card is not None
        self.cursor = (self.cursor + step) % max(1, len(self.card.question.choices))
        self.render_card()

    def action_space(self) -> None:
        assert self.card is not None
        if self.card.question.kind == "flashcard":
            self.revealed = True
            self.render_card()
        else:
            self.pick(self.cursor)

    def action_submit(self) -> None:
        card = self.card
        if card is None:
            return
        q = card.question
        if self.phase == "answered":
            self.next_question()
            return
        if q.kind == "flashcard":
            if not self.revealed:
                self.action_space()
            elif self.mode == "practice":
                self.record(self.desk.answer(card.card_id, rating=3, duration_ms=self.elapsed_ms(), mode="practice"))
                self.next_question()
            return
        if not self.selected:
            self.notify(f"Pick an answer first: {choice_keys(len(q.choices), digits=True)}.", severity="warning")
            return
        if q.kind == "multiple" and len(self.selected) != q.pick:
            self.notify(f"Pick exactly {q.pick} (you picked {len(self.selected)}).", severity="warning")
            return
        # Committed before anything else shows: the answer is on disk when the verdict appears.
        self.result = self.desk.answer(card.card_id, sorted(self.selected), duration_ms=self.elapsed_ms(),
                                       mode=self.mode)
        self.record(self.result)
        self.phase = "answered"
        self.render_card()

    def elapsed_ms(self) -> int:
        return int((self.clock() - self.shown_at) * 1000)

    def record(self, result: AnswerResult) -> None:
        assert self.card is not None
        self.answers.append(Answered(self.card.card_id, self.card.question.domain, result.correct,
                                 self.clock() - self.shown_at))

    def action_rate(self, rating: int) -> None:
        card = self.card
        assert card is not None
        if card.question.kind == "flashcard" and self.result is None:
            result = self.desk.answer(card.card_id, rating=rating, duration_ms=self.elapsed_ms())
            self.record(result)
            self.next_question()
            return
        if self.result is not None and self.result.rating != rating:
            self.result = self.desk.rerate(self.result.review_id, rating)
            self.render_card()

    def action_undo(self) -> None:
        card_id = self.desk.undo(self.deck_ids)
        if card_id is None:
            self.notify("Nothing to undo.")
            return
        if self.answers and self.answers[-1].card_id == card_id:
            self.answers.pop()
        if self.mode == "practice" and self.card is not None and self.phase != "answered":
            self.queue.insert(0, self.card.card_id)
        self.notify("Last answer taken back.")
        self.next_question(card_id)

    def action_flag(self) -> None:
        card = self.card
        assert card is not None
        self.desk.set_flagged(card.card_id, not card.flagged)
        self.card = self.desk.card(card.card_id)
        self.notify("Flagged." if self.card.flagged else "Flag removed.")
        self.render_card()

    def action_suspend(self) -> None:
        assert self.card is not None
        self.desk.set_suspended(self.card.card_id, True)
        self.notify("Suspended: it stays out of reviews until you unsuspend it in the browser.")
        self.next_question()

    def action_bury(self) -> None:
        assert self.card is not None
        self.desk.bury(self.card.card_id)
        self.notify("Buried until tomorrow.")
        self.next_question()

    def action_skip(self) -> None:
        assert self.card is not None
        self.skipped.append(self.card.card_id)
        self.next_question()

    def action_open_reference(self) -> None:
        assert self.card is not None
        if self.card.question.references:
            self.app.open_url(self.card.question.references[0])

    def action_leave(self) -> None:
        self.dismiss(self.answers)
