"""What screens give back, as the app reads it: a paused mock exam resumes, an ended session says why."""

from __future__ import annotations

from certdrill.study.desk import StudyDesk
from certdrill.study.workspace import Workspace
from certdrill.tui.app import make_app
from certdrill.tui.results import ExamClosed, SessionEnded
from certdrill.tui.screens.dashboard import DashboardScreen
from certdrill.tui.screens.exam import ExamScreen
from certdrill.tui.screens.review import ReviewScreen
from helpers import notices, settle

SIZE = (100, 30)


async def test_a_paused_mock_exam_closes_unsubmitted_and_resumes_where_it_was(workspace: Workspace) -> None:
    desk = StudyDesk(workspace)
    paper = desk.start_exam("sample", seed=5)
    closed: list[ExamClosed | None] = []
    app = make_app(workspace, seed=5)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ExamScreen(app.desk, paper), closed.append)  # type: ignore[arg-type]
        await settle(pilot)
        await pilot.press("a", "escape")
        await settle(pilot)
        assert closed == [ExamClosed(paper.attempt_id, submitted=False)]
        await pilot.press("e", "down", "enter")  # the paused attempt, below the full paper
        await settle(pilot)
        resumed = app.screen
        assert isinstance(resumed, ExamScreen) and resumed.paper.attempt_id == paper.attempt_id
        assert resumed.paper.items[0].chosen == (0,)
    [attempt] = desk.exam_attempts("sample")
    assert not attempt.finished


async def test_leaving_a_review_ends_the_session_with_its_answers(workspace: Workspace) -> None:
    ended: list[SessionEnded | None] = []
    app = make_app(workspace, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ReviewScreen(app.desk, deck_ids=["sample"]), ended.append)  # type: ignore[arg-type]
        await settle(pilot)
        await pilot.press("b", "enter", "escape")
        await settle(pilot)
    [result] = ended
    assert result is not None and not result.exhausted
    assert [(a.card_id, a.correct) for a in result.answers] == [(1, True)]


async def test_a_review_with_nothing_left_ends_exhausted_and_says_so(workspace: Workspace) -> None:
    desk = StudyDesk(workspace)
    for card_id in (1, 2, 3, 4):
        desk.set_suspended(card_id, True)
    shown: list[tuple[str, str]] = []
    app = make_app(workspace, seed=1)
    async with app.run_test(size=SIZE, message_hook=notices(shown)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    assert any(text.startswith("Nothing due right now.") for text, _severity in shown)
