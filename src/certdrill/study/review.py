"""The review loop: next card, answer, re-rate, undo, suspend, bury, flag."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Literal

from certdrill.core import grading, scheduling
from certdrill.core.clock import next_day_start
from certdrill.core.model import Question
from certdrill.core.scheduling import CardState, SchedulerSettings
from certdrill.errors import CertdrillError
from certdrill.storage import lanes, queries, queue
from certdrill.storage.database import Database
from certdrill.storage.timefmt import from_db_time
from certdrill.study import changes
from certdrill.study.readiness import exam_moment

# Next card and answer run on plain sqlite3 lanes (`source` may be the Database itself); the other
# changes use the ORM, imported inside them: start-up's first review must not wait for SQLAlchemy.
if TYPE_CHECKING:
    from sqlmodel import Session

    from certdrill.storage.tables import CardRow, ReviewRow

Mode = Literal["review", "practice", "exam"]


@dataclass(frozen=True, slots=True)
class StudyCard:
    """A question ready to show, with the memory state of its card."""

    card_id: int
    deck_id: str
    question: Question
    state: CardState
    flagged: bool = False
    suspended: bool = False
    exam_date: str | None = None  # the deck's exam date, if the learner set one


@dataclass(frozen=True, slots=True)
class RatingOptions:
    """The state each rating would leave a card in, answered at `at`: each computed once per card,
    so the interval on a rating button is the one stored, however often the learner changes the
    rating (FSRS fuzz draws a new interval on every computation). An answer computes only its
    own rating's state (the answer path is timed); `completed` adds the others for the buttons."""

    before: CardState
    at: datetime
    states: dict[int, CardState]

    def intervals(self) -> dict[int, timedelta]:
        """Rating -> time until the card would return."""
        return {rating: state.due - self.at for rating, state in self.states.items() if state.due is not None}

    def completed(self, scheduler_settings: SchedulerSettings) -> RatingOptions:
        """All four ratings: the states already computed, and FSRS's for the others."""
        missing = [rating for rating in (1, 2, 3, 4) if rating not in self.states]
        if not missing:
            return self
        scheduler = scheduling.make_scheduler(scheduler_settings)
        return RatingOptions(self.before, self.at, {
            **self.states, **{rating: scheduling.review(self.before, rating, self.at, scheduler) for rating in missing},
        })

    def moved_to(self, when: datetime) -> RatingOptions:
        """The same options for an answer at `when` (seconds later: the same intervals from then)."""
        shift = when - self.at
        if not shift:
            return self
        return RatingOptions(self.before, when, {
            rating: replace(state, due=state.due + shift if state.due else None, last_review=when)
            for rating, state in self.states.items()
        })


@dataclass(frozen=True, slots=True)
class AnswerResult:
    """What an answer did, committed before this is returned."""

    review_id: int
    correct: bool | None
    rating: int
    before: CardState
    after: CardState
    scheduler_settings: SchedulerSettings
    answered_at: datetime | None = None
    options: RatingOptions | None = None  # review mode: what each rating stores (re-rating picks from these)

    def intervals(self) -> dict[int, timedelta]:
        """Rating -> time until the card would return, for the ratings computed (all four in
        exam-date mode; `options.completed(...)` computes the others once, for the buttons)."""
        return self.options.intervals() if self.options is not None else {}


def next_card(
    session: lanes.Source, *, deck_ids: Sequence[str], now: datetime, tz: tzinfo, new_per_day: int,
    exclude: Iterable[int] = (),
) -> StudyCard | None:
    """Learning cards due, then reviews due, then new cards within each deck's daily limit."""
    skip = set(exclude)
    with lanes.lane(session, write=False) as con:

        def first(states: tuple[int, ...], due_by: datetime | None, decks: Sequence[str] = deck_ids) -> int | None:
            return queue.first_due(con, deck_ids=decks, states=states, due_by=due_by, now=now, exclude=skip)

        card_id = first((1, 3), now) or first((2,), now)
        if card_id is None:
            for deck_id in deck_ids:
                if queue.new_room(con, deck_id=deck_id, default=new_per_day, now=now, tz=tz) > 0:
                    card_id = first((0,), None, [deck_id])
                    if card_id is not None:
                        break
        if card_id is None:  # nothing else to do: bring learning steps forward a little, as Anki does
            card_id = first((1, 3), now + queue.LEARN_AHEAD)
        found = None if card_id is None else queries.load(con, card_id=card_id)
    if found is None or card_id is None:
        return None
    return StudyCard(card_id, found.deck_id, found.question, found.state, found.flagged, found.suspended,
                     found.exam_date)


@contextmanager
def _orm(source: lanes.Source) -> Iterator[Session]:
    """An ORM session for `source` (exam-date mode plans through the ORM)."""
    if isinstance(source, Database):
        with source.session() as session:
            yield session
    else:
        yield source


def _options(session: lanes.Source, *, card_id: int, deck_id: str, exam_date: str | None, before: CardState,
             now: datetime, scheduler_settings: SchedulerSettings, tz: tzinfo,
             ratings: Sequence[int] = (1, 2, 3, 4)) -> RatingOptions:
    """The ratings' states at `now`: FSRS's, or in exam-date mode where the planner places them
    (all four at once there, with the same day loads)."""
    scheduler = scheduling.make_scheduler(scheduler_settings)
    states = None
    if exam_date is not None:  # exam-date mode only chooses when; fsrs computed the state
        from certdrill.study.exam_date import planned_states

        with _orm(session) as orm:
            states = planned_states(orm, deck_id=deck_id, before=before, now=now, scheduler=scheduler, tz=tz,
                                    card_id=card_id)
    if states is None:
        states = {rating: scheduling.review(before, rating, now, scheduler) for rating in ratings}
    return RatingOptions(before, now, states)


def rating_options(session: lanes.Source, *, card: StudyCard, now: datetime, scheduler_settings: SchedulerSettings,
                   tz: tzinfo) -> RatingOptions:
    """What each rating would store if the card were answered now (for a flashcard's rating
    buttons: pass them back to `answer` so that the rating stores what its button said)."""
    return _options(session, card_id=card.card_id, deck_id=card.deck_id, exam_date=card.exam_date,
                    before=card.state, now=now, scheduler_settings=scheduler_settings, tz=tz)


def load_card(session: lanes.Source, *, card_id: int) -> StudyCard:
    with lanes.lane(session, write=False) as con:
        found = queries.load(con, card_id=card_id)
    if found is None:
        raise CertdrillError(f"card {card_id} does not exist")
    return StudyCard(card_id, found.deck_id, found.question, found.state, found.flagged, found.suspended,
                     found.exam_date)


def answer(
    session: lanes.Source, *, card_id: int, chosen: Sequence[int] = (), rating: int | None = None,
    now: datetime, duration_ms: int = 0, mode: Mode = "review", scheduler_settings: SchedulerSettings,
    tz: tzinfo = UTC, options: RatingOptions | None = None,
) -> AnswerResult:
    """Grade, update the memory state (review mode only) and store the review: one transaction.

    When this returns, the answer is committed. `tz` is the learner's: exam-date mode plans
    towards the exam's local morning. `options` are the ones shown on the rating buttons (see
    `rating_options`); they are used if the card has not changed since.
    """
    if not isinstance(session, Database) and session.in_transaction():
        session.commit()  # end the caller's read transaction: it must not hold back this writer
    with lanes.lane(session, write=True) as con:
        found = queries.load(con, card_id=card_id)
        if found is None:
            raise CertdrillError(f"card {card_id} does not exist")
        deck_id, question, before = found.deck_id, found.question, found.state
        if before.last_review is not None and before.last_review > now:
            # Another window answered this card after our clock was read: keep time order for FSRS.
            now = before.last_review
        correct: bool | None = None
        if question.kind == "flashcard":
            if rating is None:
                raise CertdrillError("a flashcard needs a rating (1 Again, 2 Hard, 3 Good, 4 Easy)")
        else:
            bad = [i for i in chosen if not 0 <= i < len(question.choices)]
            if bad:
                raise CertdrillError(f"choice {bad[0] + 1} does not exist; the question has {len(question.choices)}")
            correct = grading.is_correct(question, chosen)
            if rating is None:
                rating = grading.default_rating(correct)
        if rating not in (1, 2, 3, 4):
            raise CertdrillError(f"rating must be 1-4, not {rating}")
        after, kept = before, None
        if mode == "review":
            # All four ratings at once, so that the rating buttons show what each stores (the
            # learner may change the rating after the verdict).
            if options is None or options.before != before or rating not in options.states:
                options = _options(session, card_id=card_id, deck_id=deck_id, exam_date=found.exam_date,
                                   before=before, now=now, scheduler_settings=scheduler_settings, tz=tz,
                                   ratings=(rating,))
            kept = options.moved_to(now)
            after = kept.states[rating]
        scheduled = mode == "review"
        exam_at = exam_moment(date.fromisoformat(found.exam_date), tz) if scheduled and found.exam_date else None
        origin = changes.answered(
            con, deck_id=deck_id, qid=question.id, answer_key=found.answer_key, mode=mode, at=now, rating=rating,
            correct=correct, chosen=sorted(chosen), duration_ms=max(0, duration_ms),
            before=before if scheduled else None, after=after if scheduled else None, exam_at=exam_at,
        )
        review_id = queries.save_answer(
            con, card_id=card_id, deck_id=deck_id, after=after if scheduled else None, now=now,
            rating=rating, correct=correct, chosen=sorted(chosen), duration_ms=max(0, duration_ms), mode=mode,
            was_new=before.state == scheduling.NEW and scheduled,
            state_before=before.to_json() if scheduled else None, origin=origin,
        )
    return AnswerResult(review_id, correct, rating, before, after, scheduler_settings, now, kept)


def rerate(
    session: Session, *, review_id: int, rating: int, scheduler_settings: SchedulerSettings, tz: tzinfo = UTC,
    options: RatingOptions | None = None, now: datetime | None = None,
) -> AnswerResult:
    """Change the rating of the card's latest answer (the learner overrode the default); with the
    answer's `options`, the state stored is the one its rating button showed."""

    from certdrill.storage.convert import apply_card_state, card_state
    from certdrill.storage.engine import begin_write
    from certdrill.storage.tables import CardRow, ReviewRow

    begin_write(session)
    row = session.get(ReviewRow, review_id)
    if row is None:
        session.rollback()
        raise CertdrillError(f"review {review_id} does not exist")
    con = lanes.raw(session)
    if queries.latest_answer(con, card_id=row.card_id) != review_id:
        session.rollback()
        raise CertdrillError("only the latest answer of a card can be re-rated")
    card = session.get(CardRow, row.card_id)
    assert card is not None
    before = CardState.from_json(row.state_before) if row.state_before else card_state(card)
    after, kept = before, None
    if row.mode == "review":
        if options is None or options.before != before or rating not in options.states:
            options = _options(session, card_id=card.id, deck_id=card.deck_id, exam_date=_exam_date(session, card),
                               before=before, now=row.reviewed_at, scheduler_settings=scheduler_settings, tz=tz,
                               ratings=(rating,))
        kept = options.moved_to(row.reviewed_at)
        after = kept.states[rating]
        if card.last_review is not None:  # None: the card was reset after this answer, and stays reset
            apply_card_state(card, after)
            session.add(card)
    if row.device is not None and row.seq is not None:
        scheduled = row.mode == "review"
        changes.rerated(con, card_id=row.card_id, answer=(row.device, row.seq), rating=rating,
                        before=before if scheduled else None, after=after if scheduled else None,
                        now=now or datetime.now(UTC))
    row.rating = rating
    session.add(row)
    session.commit()
    return AnswerResult(review_id, row.correct, rating, before, after, scheduler_settings, row.reviewed_at, kept)


def _exam_date(session: Session, card: CardRow) -> str | None:
    from certdrill.storage.tables import DeckRow

    deck = session.get(DeckRow, card.deck_id)
    return deck.exam_date if deck is not None else None


def undo_last(session: Session, *, deck_ids: Sequence[str] | None = None, now: datetime | None = None) -> int | None:
    """Take back the latest review or practice answer exactly; returns its card id (None if none)."""

    from certdrill.storage.engine import begin_write
    from certdrill.storage.tables import ReviewRow

    begin_write(session)
    decks = f" AND deck_id IN ({', '.join('?' * len(deck_ids))})" if deck_ids is not None else ""
    found = lanes.raw(session).execute(
        f"SELECT id FROM review WHERE mode != 'exam'{decks} ORDER BY {queries.LATEST_FIRST} LIMIT 1",
        tuple(deck_ids or ()),
    ).fetchone()
    row = None if found is None else session.get(ReviewRow, found[0])
    if row is None:
        session.rollback()
        return None
    return _take_back(session, row, now)


def undo_answer(session: Session, *, review_id: int, now: datetime | None = None) -> int:
    """Take back this review or practice answer exactly (it must be its card's latest); returns its card id."""

    from certdrill.storage.engine import begin_write
    from certdrill.storage.tables import ReviewRow

    begin_write(session)
    row = session.get(ReviewRow, review_id)
    if row is None or row.mode == "exam":
        session.rollback()
        raise CertdrillError("that answer is no longer there to take back")
    if queries.latest_answer(lanes.raw(session), card_id=row.card_id) != review_id:
        session.rollback()
        raise CertdrillError("only the latest answer of a card can be taken back (it was answered again since)")
    return _take_back(session, row, now)


def _take_back(session: Session, row: ReviewRow, now: datetime | None) -> int:
    from sqlalchemy import delete, update
    from sqlmodel import col

    from certdrill.storage.convert import apply_card_state
    from certdrill.storage.tables import CardRow, ReviewRow
    from certdrill.study.sync_cards import burial

    if row.mode == "review" and row.state_before is not None:
        card = session.get(CardRow, row.card_id)
        assert card is not None
        apply_card_state(card, CardState.from_json(row.state_before))
        session.add(card)
    card_id: int = row.card_id
    con = lanes.raw(session)
    if row.device is not None and row.seq is not None:  # an answer never journaled needs no undo event
        changes.undone(con, card_id=card_id, answer=(row.device, row.seq), now=now or datetime.now(UTC))
    session.execute(delete(ReviewRow).where(col(ReviewRow.id) == row.id))
    if row.mode == "review":  # the answer had unburied the card; a burial before it stands again
        ref = changes.card_ref(con, card_id)
        until = burial(con, card_id=card_id, deck=ref["deck"], qid=ref["q"])
        session.execute(update(CardRow).where(col(CardRow.id) == card_id).values(buried_until=from_db_time(until)))
    session.commit()
    return card_id


def _update_card(session: Session, card_id: int, event: tuple[str, dict[str, object]], now: datetime | None,
                 **values: object) -> CardRow:
    from certdrill.storage.engine import begin_write
    from certdrill.storage.tables import CardRow

    begin_write(session)
    card = session.get(CardRow, card_id)
    if card is None:
        session.rollback()
        raise CertdrillError(f"card {card_id} does not exist")
    for key, value in values.items():
        setattr(card, key, value)
    session.add(card)
    kind, data = event
    changes.card_changed(lanes.raw(session), kind, card_id=card_id, now=now or datetime.now(UTC), **data)
    session.commit()
    return card


def set_suspended(session: Session, *, card_id: int, suspended: bool, now: datetime | None = None) -> None:
    _update_card(session, card_id, ("suspend", {"value": suspended}), now, suspended=suspended)


def set_flagged(session: Session, *, card_id: int, flagged: bool, now: datetime | None = None) -> None:
    _update_card(session, card_id, ("flag", {"value": flagged}), now, flagged=flagged)


def bury(session: Session, *, card_id: int, now: datetime, tz: tzinfo) -> None:
    """Hide the card until the next study day starts."""
    until = next_day_start(now, tz)
    _update_card(session, card_id, ("bury", {"until": until}), now, buried_until=until)


def unbury(session: Session, *, card_id: int, now: datetime | None = None) -> None:
    _update_card(session, card_id, ("bury", {"until": None}), now, buried_until=None)


def reset_card(session: Session, *, card_id: int, now: datetime | None = None) -> None:
    """Forget the card's schedule (its reviews stay)."""
    _update_card(session, card_id, ("reset", {}), now, state=0, step=None, stability=None, difficulty=None, due=None,
                 last_review=None)
