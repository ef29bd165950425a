"""The review loop: queue order, answers, re-rating, undo, practice, suspend, bury, flag."""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy import func, select

from certdrill.core.scheduling import LEARNING, NEW, REVIEW
from certdrill.storage.tables import CardRow, ReviewRow
from certdrill.study import review
from certdrill.study.workspace import Workspace
from helpers import Clock


def next_card(ws: Workspace, **kw: object) -> review.StudyCard | None:
    with ws.session() as s:
        return review.next_card(s, deck_ids=["sample"], now=ws.now(), tz=UTC,
                                new_per_day=int(kw.pop("new_per_day", 20)), **kw)  # type: ignore[arg-type]


def answer(ws: Workspace, card_id: int, chosen: list[int] | None = None, **kw: object) -> review.AnswerResult:
    with ws.session() as s:
        return review.answer(s, card_id=card_id, chosen=chosen or [], now=ws.now(),
                             scheduler_settings=ws.scheduler_settings(), **kw)  # type: ignore[arg-type]


def card_of(ws: Workspace, card_id: int) -> CardRow:
    with ws.session() as s:
        card = s.get(CardRow, card_id)
        assert card is not None
        return card


def review_count(ws: Workspace) -> int:
    with ws.session() as s:
        return s.execute(select(func.count()).select_from(ReviewRow)).scalar_one()


def test_new_cards_come_in_deck_order(workspace: Workspace) -> None:
    card = next_card(workspace)
    assert card is not None and card.question.id == "s-1" and card.state.state == NEW


def test_wrong_answer_brings_card_back_the_same_day(workspace: Workspace, clock: Clock) -> None:
    card = next_card(workspace)
    assert card is not None
    result = answer(workspace, card.card_id, [0])  # "3" is not even
    assert result.correct is False and result.rating == 1
    assert result.after.due is not None and result.after.due - clock.now < timedelta(hours=1)
    clock.advance(minutes=15)
    again = next_card(workspace)
    assert again is not None and again.card_id == card.card_id and again.state.state == LEARNING


def test_right_answer_pushes_the_card_out(workspace: Workspace, clock: Clock) -> None:
    card = next_card(workspace)
    assert card is not None
    answer(workspace, card.card_id, [1])
    clock.advance(minutes=11)
    result = answer(workspace, card.card_id, [1])  # second right answer graduates it
    assert result.correct is True and result.after.state == REVIEW
    assert result.after.due is not None and result.after.due - clock.now >= timedelta(days=1)


def test_multiple_response_is_all_or_nothing(workspace: Workspace, clock: Clock) -> None:
    card_id = 2  # s-2, the multiple-response question
    assert answer(workspace, card_id, [0]).correct is False
    assert answer(workspace, card_id, [0, 2, 3]).correct is False
    assert answer(workspace, card_id, [2, 0]).correct is True


def test_learning_before_review_before_new(workspace: Workspace, clock: Clock) -> None:
    first = next_card(workspace)
    assert first is not None
    answer(workspace, first.card_id, [0])  # wrong: learning, due in minutes
    second = next_card(workspace)
    assert second is not None and second.card_id != first.card_id and second.state.state == NEW
    clock.advance(minutes=2)
    assert (card := next_card(workspace)) is not None and card.card_id == first.card_id


def test_daily_new_limit_per_deck(workspace: Workspace, clock: Clock) -> None:
    card = next_card(workspace, new_per_day=1)
    assert card is not None
    answer(workspace, card.card_id, [1])
    clock.advance(hours=1)  # the learning step of card 1 is due, but answer it so only new remain
    answer(workspace, card.card_id, [1])
    assert next_card(workspace, new_per_day=1) is None
    clock.advance(days=1)
    assert (tomorrow := next_card(workspace, new_per_day=1)) is not None and tomorrow.state.state == NEW


def test_flashcard_needs_a_rating(workspace: Workspace) -> None:
    import pytest

    from certdrill.errors import CertdrillError

    with pytest.raises(CertdrillError, match="needs a rating"):
        answer(workspace, 3)
    assert answer(workspace, 3, rating=4).rating == 4


def test_rerate_replays_from_the_state_before(workspace: Workspace) -> None:
    result = answer(workspace, 1, [1])
    with workspace.session() as s:
        rerated = review.rerate(s, review_id=result.review_id, rating=4, scheduler_settings=workspace.scheduler_settings())
    assert rerated.before == result.before
    assert card_of(workspace, 1).state == REVIEW  # Easy graduates a new card at once
    assert rerated.after.due is not None and result.after.due is not None and rerated.after.due > result.after.due


def test_rerating_an_answer_made_before_a_reset_keeps_the_card_reset(workspace: Workspace) -> None:
    # Found by the sync convergence property: the other machines replay answer, reset, then the new
    # rating, and end with a new card; so must this one.
    result = answer(workspace, 1, [1])
    with workspace.session() as s:
        review.reset_card(s, card_id=1)
    with workspace.session() as s:
        rerated = review.rerate(s, review_id=result.review_id, rating=4, scheduler_settings=workspace.scheduler_settings())
    assert rerated.rating == 4
    card = card_of(workspace, 1)
    assert card.state == NEW and card.last_review is None and card.due is None
    with workspace.session() as s:
        assert s.get(ReviewRow, result.review_id).rating == 4  # type: ignore[union-attr]


def test_undo_restores_the_card_and_removes_the_review_exactly(workspace: Workspace, clock: Clock) -> None:
    answer(workspace, 1, [1])
    clock.advance(minutes=11)
    before = card_of(workspace, 1).model_dump()
    reviews_before = review_count(workspace)
    answer(workspace, 1, [0])
    assert card_of(workspace, 1).model_dump() != before
    with workspace.session() as s:
        assert review.undo_last(s) == 1
    assert card_of(workspace, 1).model_dump() == before
    assert review_count(workspace) == reviews_before


def test_practice_records_the_answer_without_touching_the_schedule(workspace: Workspace) -> None:
    before = card_of(workspace, 1).model_dump()
    result = answer(workspace, 1, [0], mode="practice")
    assert result.correct is False
    assert card_of(workspace, 1).model_dump() == before
    with workspace.session() as s:
        row = s.get(ReviewRow, result.review_id)
        assert row is not None and row.mode == "practice" and row.correct is False
    assert (card := next_card(workspace)) is not None and card.card_id == 1 and card.state.state == NEW


def test_suspend_bury_and_flag(workspace: Workspace, clock: Clock) -> None:
    with workspace.session() as s:
        review.set_suspended(s, card_id=1, suspended=True)
        review.bury(s, card_id=2, now=clock.now, tz=UTC)
        review.set_flagged(s, card_id=3, flagged=True)
    assert (card := next_card(workspace)) is not None and card.card_id == 3 and card.flagged
    clock.advance(days=1)
    assert (card := next_card(workspace)) is not None and card.card_id == 2  # bury lasts one day
    with workspace.session() as s:
        review.set_suspended(s, card_id=1, suspended=False)
    assert (card := next_card(workspace)) is not None and card.card_id == 1


def test_each_answer_is_committed_before_it_returns(workspace: Workspace, tmp_path: object) -> None:
    import sqlite3

    result = answer(workspace, 1, [1])
    # A separate connection sees the review at once: it is on disk, not in a pending transaction.
    con = sqlite3.connect(workspace.db_path)
    try:
        assert con.execute("SELECT rating FROM review WHERE id=?", (result.review_id,)).fetchone() == (3,)
    finally:
        con.close()


def test_the_dashboard_counts_follow_exam_date_pacing(workspace: Workspace, clock: Clock) -> None:
    from datetime import timedelta as days

    from certdrill.study.desk import StudyDesk

    desk = StudyDesk(workspace)
    desk.set_deck_new_limit("sample", 1)
    assert [d.new_available for d in desk.decks()] == [1]
    # 4 unseen questions, met a week before an exam 9 days away: 2 study days, so 2 a day.
    desk.set_exam_date("sample", (clock.now + days(days=9)).date(), 30)
    assert [d.new_available for d in desk.decks()] == [2]
    assert desk.queue_counts(["sample"]) == (0, 2)
