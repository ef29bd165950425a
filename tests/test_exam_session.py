"""The rules of a mock exam being taken, without a screen: incomplete answers, strike-outs, the time
spent on each question, the clock, and what is left to check before submitting (issue #17)."""

from __future__ import annotations

from datetime import timedelta

from certdrill.study.desk import StudyDesk
from certdrill.study.exam_session import ExamSession
from certdrill.study.workspace import Workspace
from helpers import Clock


def sitting(ws: Workspace) -> ExamSession:
    desk = StudyDesk(ws)
    return ExamSession(desk, desk.start_exam("sample", seed=5))


def index_of_kind(session: ExamSession, kind: str) -> int:
    return next(i for i, it in enumerate(session.paper.items) if it.question.kind == kind)


def test_one_pick_of_two_is_incomplete_not_answered(workspace: Workspace) -> None:
    session = sitting(workspace)
    multiple = index_of_kind(session, "multiple")
    session.go_to(multiple)
    session.select({0})
    assert session.item.status == "incomplete"
    assert session.tally().answered == 0 and session.tally().incomplete == 1
    session.select({0, 2})
    assert session.item.status == "answered"


def test_leaving_an_incomplete_question_says_so(workspace: Workspace) -> None:
    session = sitting(workspace)
    multiple = index_of_kind(session, "multiple")
    session.go_to(multiple)
    session.select({0})
    warning = session.move(1)
    assert warning is not None and f"Question {multiple + 1} is incomplete (1 of 2 picked)" in warning


def test_next_open_question_finds_the_incomplete_one(workspace: Workspace) -> None:
    session = sitting(workspace)
    for i, item in enumerate(session.paper.items):
        session.go_to(i)
        session.select(item.question.correct_indices[:1])  # one pick each: the multiple is incomplete
    multiple = index_of_kind(session, "multiple")
    session.go_to(multiple + 1)
    assert session.next_needing_attention() == multiple


def test_the_check_before_submitting_lists_unanswered_incomplete_and_flagged(workspace: Workspace) -> None:
    session = sitting(workspace)
    multiple = index_of_kind(session, "multiple")
    single = index_of_kind(session, "single")
    session.go_to(multiple)
    session.select({1})
    session.go_to(single)
    session.select({0})
    session.flag()
    listed = {(a.index, a.status, a.flagged) for a in session.attention()}
    unanswered = ({0, 1, 2} - {multiple, single}).pop()
    assert listed == {(multiple, "incomplete", False), (single, "answered", True), (unanswered, "unanswered", False)}
    assert session.submit_note() == "1 unanswered and 1 incomplete count as wrong · 1 flagged."


def test_a_complete_paper_says_so_before_submitting(workspace: Workspace) -> None:
    session = sitting(workspace)
    for i, item in enumerate(session.paper.items):
        session.go_to(i)
        session.select(item.question.correct_indices)
    assert session.attention() == [] and session.submit_note() == "All 3 answered, none flagged."


def test_striking_out_a_pick_unpicks_it_and_picking_brings_it_back(workspace: Workspace) -> None:
    session = sitting(workspace)
    session.go_to(index_of_kind(session, "single"))
    session.select({2})
    session.strike(2)
    assert session.struck_out() == {2} and session.item.chosen == ()
    session.strike(0)
    assert session.struck_out() == {0, 2}
    session.select({0})
    assert session.struck_out() == {2} and session.item.chosen == (0,)
    session.strike(2)  # again: back in
    assert session.struck_out() == frozenset()


def test_the_time_on_each_question_is_kept_when_moving_on(workspace: Workspace, clock: Clock) -> None:
    session = sitting(workspace)
    clock.advance(seconds=40)  # reading the first question, answering nothing
    session.move(1)
    clock.advance(seconds=15)
    session.select({0})
    clock.advance(seconds=5)
    session.move(1)
    result = session.submit()
    seconds = [r.item.seconds for r in result.items]
    assert seconds[:2] == [40, 20] and seconds[2] == 0


def test_the_clock_runs_out_only_at_the_end(workspace: Workspace, clock: Clock) -> None:
    session = sitting(workspace)
    end = session.paper.ends_at
    clock.now = end - timedelta(milliseconds=500)
    assert session.seconds_left() == 1 and not session.time_up
    clock.now = end
    assert session.seconds_left() == 0 and session.time_up


def test_a_trend_of_mock_scores_per_deck(workspace: Workspace, clock: Clock) -> None:
    desk = StudyDesk(workspace)
    shares = []
    for right in (1, 2, 3):
        session = sitting(workspace)
        for i, item in enumerate(session.paper.items[:right]):
            session.go_to(i)
            session.select(item.question.correct_indices)
        shares.append(session.submit().raw)
        clock.advance(days=1)
    sitting(workspace)  # running: not part of the trend
    trend = desk.mock_trend("sample")
    assert [round(p.share, 2) for p in trend] == [round(s, 2) for s in shares] == [0.33, 0.67, 1.0]
    assert trend[0].started_at < trend[1].started_at < trend[2].started_at
