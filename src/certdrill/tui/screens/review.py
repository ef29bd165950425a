"""Daily review and practice: question, choices, the verdict explained option by option, rating."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from certdrill.core.durations import format_duration
from certdrill.core.grading import RATING_NAMES
from certdrill.core.scheduling import format_interval
from certdrill.core.text import terminal_safe
from certdrill.study.desk import StudyDesk
from certdrill.study.session import Mode, PickMissing, Progress, ReviewSession
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.results import SessionEnded
from certdrill.tui.text import references_markdown
from certdrill.tui.widgets.choices import LETTERS, ChoiceList, choice_keys
from certdrill.tui.widgets.markdown_view import MarkdownView


def progress_text(heading: str, progress: Progress) -> Text:
    """The header line: done, right, what is left, time."""
    text = Text(f" {heading} ", style="bold reverse")
    text.append(f"  {progress.done} done")
    if progress.graded:
        text.append(f" · {progress.right}/{progress.graded} right")
    if progress.left is not None:
        text.append(f" · {progress.left} left · schedule untouched", style="dim")
    else:
        text.append(f" · {progress.due} due · {progress.new} new left")
    text.append(f" · {format_duration(progress.seconds)}", style="dim")
    return text


def missing_text(missing: PickMissing) -> str:
    if not missing.picked:
        return f"Pick an answer first: {choice_keys(missing.choices, digits=True)}."
    return f"Pick exactly {missing.needed} (you picked {missing.picked})."


@reports_user_errors
class ReviewScreen(Screen[SessionEnded]):
    """Review due cards of some decks, or practise a fixed list of cards without scheduling: the
    screen of a `ReviewSession`, which holds the rules."""

    # Ratings 1-4 are named, with their intervals, on the rating bar, and space in the question's
    # hint: the footer leaves them out, so the rest fits 80 columns.
    BINDINGS = [
        Binding("enter", "submit", "Submit", id="review.submit"),
        Binding("space", "space", "Toggle/reveal", id="review.toggle", show=False),  # the question's hint says it
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("1", "rate(1)", "Again", id="review.again", show=False),
        Binding("2", "rate(2)", "Hard", id="review.hard", show=False),
        Binding("3", "rate(3)", "Good", id="review.good", show=False),
        Binding("4", "rate(4)", "Easy", id="review.easy", show=False),
        Binding("u", "undo", "Undo", id="review.undo"),
        Binding("f", "flag", "Flag", id="review.flag"),
        Binding("exclamation_mark", "suspend", "Suspend", id="review.suspend"),
        Binding("minus", "bury", "Bury", id="review.bury"),
        Binding("s", "skip", "Skip", id="review.skip"),
        Binding("o", "open_reference", "Doc", id="review.open"),
        Binding("l", "history", "History", id="review.history"),
        Binding("ctrl+e", "edit", "Edit", id="review.edit"),
        Binding("escape", "leave", "End", id="review.leave"),
    ]

    def __init__(self, desk: StudyDesk, *, deck_ids: list[str], mode: Mode = "review",
                 card_ids: list[int] | None = None, title: str = "") -> None:
        super().__init__()
        self.desk = desk
        self.deck_ids = deck_ids
        self.session = ReviewSession(desk, deck_ids=deck_ids, mode=mode, card_ids=card_ids or [])
        self.heading = title or ("Review" if mode == "review" else "Practice")
        self.domain_names: dict[str, str] = {}
        self.drawn = 0  # the session's question number last drawn

    def compose(self) -> ComposeResult:
        yield Static(id="progress", classes="bar")
        with VerticalScroll(id="card", classes="card"):
            yield Static(id="meta", classes="meta")
            yield MarkdownView(id="prompt", classes="flush")
            yield ChoiceList(id="choices")
            yield MarkdownView(id="explanation", classes="flush")
            yield MarkdownView(id="references", classes="flush")
        # Below the card, outside its scroll: the verdict and the next-review intervals stay in
        # view however long the question and its explanations are.
        with Vertical(id="outcome"):
            yield Static(id="verdict")
            yield Static(id="rating")
        yield Footer(compact=True, show_command_palette=False)  # 80 columns: keys first

    def on_mount(self) -> None:
        self.domain_names = self.desk.domain_names(self.deck_ids)
        self.session.start()
        self.show()

    # -- drawing the session ------------------------------------------------
    def show(self) -> None:
        """Draw the session as it is now (or leave when it has nothing left to show)."""
        session = self.session
        card = session.card
        if card is None:
            self.dismiss(SessionEnded(list(session.answers), exhausted=True))
            return
        q = card.question
        fresh = session.shown != self.drawn
        self.drawn = session.shown
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
        answered = session.phase == "answered"
        choices = self.query_one("#choices", ChoiceList)
        if fresh:
            self.query_one("#prompt", MarkdownView).show(q.prompt)
            choices.display = q.kind != "flashcard"
            choices.ask(q, session.selected)
        if answered and not choices.revealed and q.kind != "flashcard":
            choices.verdict(q, session.selected)
        # The choices take their keys while asking; otherwise the card does (arrows scroll it).
        focus = choices if choices.asking else self.query_one("#card", VerticalScroll)
        if self.focused is not focus:
            focus.focus(scroll_visible=False)
        show_back = answered or session.revealed
        verdict = self.query_one("#verdict", Static)
        verdict.display = show_back
        explanation = self.query_one("#explanation", MarkdownView)
        explanation.display = show_back
        references = self.query_one("#references", MarkdownView)
        references.display = show_back and bool(q.references)
        rating = self.query_one("#rating", Static)
        rating.display = show_back and session.mode == "review"
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
        if self.session.card is not None:
            text = progress_text(self.heading, self.session.progress())
            self.app.call_from_thread(self.show_progress, text)

    def show_progress(self, text: Text) -> None:
        # The learner may have left the screen, or quit, while the count ran: then nothing to update.
        if self.is_attached:
            self.query_one("#progress", Static).update(text)

    def verdict_text(self) -> Text:
        session = self.session
        assert session.card is not None
        q = session.card.question
        if q.kind == "flashcard":
            if session.result is None and session.mode == "practice":  # no rating: the schedule is left alone
                return Text("Did you recall it? Enter: next question.", style="bold")
            if session.result is None:
                return Text("How well did you recall it? Press 1–4 (the interval each gives is below).", style="bold")
            return Text(f"Rated {RATING_NAMES[session.result.rating]}.", style="bold")
        assert session.result is not None
        if session.result.correct:
            return Text(" ✔ Correct ", style="bold black on green")
        letters = ", ".join(LETTERS[i] for i in q.correct_indices)
        return Text(f" ✘ Incorrect — the answer is {letters} ", style="bold white on red")

    def rating_text(self) -> Text:
        session = self.session
        assert session.card is not None
        intervals = session.intervals()
        current = session.result.rating if session.result else None
        text = Text("Next review:  ")
        for rating, name in RATING_NAMES.items():
            label = f" {rating} {name} {format_interval(intervals[rating])} " if rating in intervals else f" {rating} {name} "
            text.append(label, style="bold reverse" if rating == current else "")
            text.append(" ")
        if session.result and session.card.question.kind != "flashcard":
            text.append("\nYour answer set the rating: 1–4 changes it, enter goes on.",
                        style="dim")
        return text

    # -- keys: each one a call on the session, then a redraw ------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.session.allows(action)

    def on_choice_list_changed(self, event: ChoiceList.Changed) -> None:
        self.session.select(event.selected)

    def action_cursor(self, step: int) -> None:
        self.query_one("#choices", ChoiceList).move(step)  # the list takes these keys itself when focused

    def action_space(self) -> None:
        assert self.session.card is not None
        if self.session.card.question.kind == "flashcard":
            self.session.reveal()
            self.show()
        else:
            self.query_one("#choices", ChoiceList).toggle()

    def action_submit(self) -> None:
        missing = self.session.submit()
        if missing is not None:
            self.notify(missing_text(missing), severity="warning")
            return
        self.show()

    def action_rate(self, rating: int) -> None:
        self.session.rate(rating)
        self.show()

    def action_undo(self) -> None:
        self.notify(self.session.undo())
        self.show()

    def action_flag(self) -> None:
        self.notify(self.session.flag())
        self.show()

    def action_suspend(self) -> None:
        self.notify(self.session.suspend())
        self.show()

    def action_bury(self) -> None:
        self.notify(self.session.bury())
        self.show()

    def action_skip(self) -> None:
        self.session.skip()
        self.show()

    def action_open_reference(self) -> None:
        from certdrill.tui.screens.link import open_reference

        card = self.session.card
        if card is not None and card.question.references:
            open_reference(self, card.question.references[0])

    def action_history(self) -> None:
        from certdrill.tui.screens.history import HistoryScreen

        if self.session.card is not None:
            self.app.push_screen(HistoryScreen(self.desk.card_history(self.session.card.card_id), self.desk.local))

    def action_edit(self) -> None:
        from certdrill.tui.editing import edit_question

        if self.session.card is not None:
            edit_question(self.app, self.desk, self.session.card.card_id, lambda _outcome: self.edited())

    def edited(self) -> None:
        self.session.reload_card()
        self.show()

    def action_leave(self) -> None:
        self.dismiss(SessionEnded(list(self.session.answers), exhausted=self.session.exhausted))
