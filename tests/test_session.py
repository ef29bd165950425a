"""The rules of a review session, without a screen: answer, verdict, rating, undo, skip, flag,
suspend, bury, practice, and intervals that stay what they said."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import col

from certdrill.core.scheduling import REVIEW
from certdrill.storage.tables import CardRow, ReviewRow
from certdrill.study.desk import StudyDesk
from certdrill.study.session import PickMissing, ReviewSession
from certdrill.study.workspace import Workspace
from helpers import Clock


def started(ws: Workspace, **kw: object) -> ReviewSession:
    session = ReviewSession(StudyDesk(ws), deck_ids=["sample"], **kw)  # type: ignore[arg-type]
    session.start()
    return session


def on_show(session: ReviewSession) -> str:
    assert session.card is not None
    return session.card.question.id


def card_row(ws: Workspace, card_id: int) -> CardRow:
    with ws.session() as s:
        row = s.get(CardRow, card_id)
        assert row is not None
        return row


def review_ids(ws: Workspace) -> list[int]:
    with ws.session() as s:
        return list(s.execute(select(col(ReviewRow.id)).order_by(col(ReviewRow.id))).scalars())


def in_review(ws: Workspace, card_id: int, clock: Clock) -> None:
    """Put a card in review with a month's stability, due now (long enough for the fuzz to show)."""
    with ws.session() as s:
        row = s.get(CardRow, card_id)
        assert row is not None
        row.state, row.step, row.stability, row.difficulty = REVIEW, None, 30.0, 5.0
        row.last_review, row.due = clock.now - timedelta(days=30), clock.now
        s.add(row)
        s.commit()


def test_a_right_answer_is_stored_shown_and_enter_moves_on(workspace: Workspace) -> None:
    session = started(workspace)
    assert on_show(session) == "s-1" and session.phase == "asking"
    session.select({1})
    assert session.submit() is None
    assert session.phase == "answered" and session.result is not None and session.result.correct
    assert len(review_ids(workspace)) == 1  # on disk before the verdict shows
    assert [a.correct for a in session.answers] == [True]
    session.submit()
    assert on_show(session) == "s-2" and session.phase == "asking" and session.selected == frozenset()


def test_an_incomplete_answer_says_what_is_missing_and_stores_nothing(workspace: Workspace) -> None:
    session = started(workspace)
    assert session.submit() == PickMissing(picked=0, needed=1, choices=4)
    session.select({1})
    session.submit()
    session.submit()  # s-2: choose two
    session.select({0})
    assert session.submit() == PickMissing(picked=1, needed=2, choices=5)
    assert session.phase == "asking" and len(review_ids(workspace)) == 1


def test_a_flashcard_is_revealed_then_rated_and_the_session_moves_on(workspace: Workspace) -> None:
    desk = StudyDesk(workspace)
    desk.set_suspended(1, True)
    desk.set_suspended(2, True)
    session = started(workspace)
    assert on_show(session) == "s-3"  # the flashcard
    assert not session.allows("rate") and session.intervals() == {}
    session.submit()  # enter reveals
    assert session.revealed and session.allows("rate") and set(session.intervals()) == {1, 2, 3, 4}
    session.rate(4)
    assert session.answers[-1].card_id == 3 and on_show(session) != "s-3"
    assert card_row(workspace, 3).state == REVIEW  # Easy graduates it at once


def test_a_rating_overrides_the_answers_default(workspace: Workspace) -> None:
    session = started(workspace)
    session.select({1})
    session.submit()
    assert session.result is not None and session.result.rating == 3
    session.rate(4)
    assert session.result.rating == 4 and card_row(workspace, 1).state == REVIEW


def test_skip_leaves_the_question_for_later_in_the_session(workspace: Workspace) -> None:
    session = started(workspace)
    session.skip()
    assert on_show(session) == "s-2" and session.skipped == [1]
    assert not started(workspace, mode="practice", card_ids=[1]).allows("skip")


def test_the_session_is_exhausted_when_nothing_is_left(workspace: Workspace) -> None:
    desk = StudyDesk(workspace)
    for card_id in (1, 2, 3, 4):
        desk.set_suspended(card_id, True)
    session = started(workspace)
    assert session.card is None and session.exhausted and session.allows("leave") and not session.allows("undo")


def test_undo_takes_back_the_answer_and_asks_the_question_again(workspace: Workspace) -> None:
    before = card_row(workspace, 1).model_dump()
    session = started(workspace)
    session.select({1})
    session.submit()
    session.submit()
    assert on_show(session) == "s-2"
    assert session.undo() == "Last answer taken back."
    assert on_show(session) == "s-1" and session.phase == "asking" and session.answers == []
    assert review_ids(workspace) == [] and card_row(workspace, 1).model_dump() == before


def test_undo_takes_back_a_suspend_a_bury_a_skip_and_a_flag_in_turn(workspace: Workspace) -> None:
    session = started(workspace)
    assert session.flag() == "Flagged."
    session.skip()  # s-1 left for later
    session.suspend()  # s-2
    session.bury()  # s-3
    assert on_show(session) == "s-4"
    assert session.undo() == "Bury taken back." and on_show(session) == "s-3"
    assert card_row(workspace, 3).buried_until is None
    assert session.undo() == "Suspend taken back." and on_show(session) == "s-2"
    assert not card_row(workspace, 2).suspended
    assert session.undo() == "Skip taken back." and on_show(session) == "s-1" and session.skipped == []
    assert session.undo() == "Flag taken back." and not card_row(workspace, 1).flagged
    assert session.card is not None and not session.card.flagged
    assert session.undo() == "Nothing to undo."


def test_with_nothing_done_yet_undo_takes_back_the_latest_answer_in_the_decks(workspace: Workspace) -> None:
    StudyDesk(workspace).answer(2, [0, 2])
    session = started(workspace)
    assert on_show(session) == "s-1"
    session.undo()
    assert on_show(session) == "s-2" and review_ids(workspace) == []


def test_practice_never_rates_and_undo_puts_the_question_on_show_back_in_line(workspace: Workspace) -> None:
    before = card_row(workspace, 3).model_dump()
    session = started(workspace, mode="practice", card_ids=[3, 1])
    session.submit()  # reveal the flashcard
    assert not session.allows("rate") and not session.allows("suspend")
    session.submit()  # enter: recalled, next question, schedule untouched
    assert on_show(session) == "s-1" and card_row(workspace, 3).model_dump() == before
    session.undo()
    assert on_show(session) == "s-3" and session.queue == [1]


def test_progress_counts_what_is_done_and_what_is_left(workspace: Workspace, clock: Clock) -> None:
    session = started(workspace)
    session.select({0})  # wrong: back within a minute
    session.submit()
    clock.advance(seconds=75)
    progress = session.progress()
    assert (progress.done, progress.right, progress.graded, progress.seconds) == (1, 0, 1, 75)
    assert (progress.due, progress.new) == (1, 3)
    practice = started(workspace, mode="practice", card_ids=[1, 2]).progress()
    assert practice.left == 2 and practice.due is None


def test_the_intervals_shown_are_the_ones_stored_whatever_the_rating(
    make_workspace: Callable[..., Workspace], clock: Clock,
) -> None:
    """FSRS fuzz draws a new interval every time one is computed: the rating buttons once showed
    a new set on every key, and the interval stored was none of them."""
    random.seed(7)
    ws = make_workspace(fuzz=True)
    in_review(ws, 1, clock)
    session = started(ws)
    session.select({1})
    session.submit()
    shown = session.intervals()
    assert shown[4] > timedelta(days=30)  # long enough for fuzz
    for rating in (4, 2, 3, 4, 1, 4):
        session.rate(rating)
        assert session.intervals() == shown
        due = card_row(ws, 1).due
        assert due is not None and due - clock.now == shown[rating]


def test_a_flashcard_stores_the_interval_its_button_showed(make_workspace: Callable[..., Workspace], clock: Clock) -> None:
    random.seed(3)
    ws = make_workspace(fuzz=True)
    in_review(ws, 3, clock)
    session = started(ws)
    assert on_show(session) == "s-3"
    session.reveal()
    shown = session.intervals()
    clock.advance(seconds=20)  # thinking it over
    session.rate(3)
    due = card_row(ws, 3).due
    assert due is not None and due - clock.now == shown[3]
