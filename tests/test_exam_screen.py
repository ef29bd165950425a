"""The mock exam and its result with Pilot: incomplete answers are called so, q asks first, options
can be struck out, a check before submitting, every question reviewed with its time, and the
trend of mock scores (issue #17)."""

from __future__ import annotations

from datetime import timedelta

from certdrill.study.desk import StudyDesk
from certdrill.study.workspace import Workspace
from certdrill.tui.app import CertdrillApp, make_app
from certdrill.tui.screens.confirm import ConfirmScreen
from certdrill.tui.screens.exam import ExamScreen
from certdrill.tui.screens.exam_result import ExamResultScreen
from certdrill.tui.widgets.choices import ChoiceList
from helpers import Clock, notices, settle
from test_tui import screen_text

SIZE = (100, 30)


async def open_exam(pilot: object, app: CertdrillApp) -> ExamScreen:
    await settle(pilot)
    await pilot.press("e", "enter")  # type: ignore[attr-defined]
    await settle(pilot)
    assert isinstance(app.screen, ExamScreen)
    return app.screen


def multiple_index(screen: ExamScreen) -> int:
    return next(i for i, it in enumerate(screen.paper.items) if it.question.kind == "multiple")


def on_show(app: CertdrillApp) -> int:
    """The number of the question on show, as the screen says it (0-based)."""
    text = screen_text(app)
    return int(text.split("Question ", 1)[1].split(" of ", 1)[0]) - 1


async def go_to(pilot: object, app: CertdrillApp, index: int) -> None:
    for _ in range(10):
        if on_show(app) == index:
            return
        await pilot.press("n")  # type: ignore[attr-defined]
    raise AssertionError(f"question {index + 1} never came up")


async def test_one_pick_of_two_is_incomplete_in_the_navigator_g_and_the_check(workspace: Workspace) -> None:
    app = make_app(workspace, seed=5)
    shown: list[tuple[str, str]] = []
    async with app.run_test(size=SIZE, message_hook=notices(shown)) as pilot:
        screen = await open_exam(pilot, app)
        multiple = multiple_index(screen)
        for i, item in enumerate(screen.paper.items):  # answer all, the multiple-response one with 1 of 2
            await go_to(pilot, app, i)
            await pilot.press("abcde"[item.question.correct_indices[0]])
        text = screen_text(app)
        assert "2/3 answered" in text and "1 incomplete" in text
        await go_to(pilot, app, multiple)
        assert "1 of 2 picked: incomplete" in screen_text(app)
        await pilot.press("n")
        assert any(f"Question {multiple + 1} is incomplete (1 of 2 picked)" in note for note, _ in shown)
        await pilot.press("g")  # the next question needing attention: the incomplete one
        assert on_show(app) == multiple
        await pilot.press("ctrl+s")
        text = screen_text(app)
        assert "1 incomplete count" in text or "1 incomplete counts as wrong" in text
        assert f"{multiple + 1:>3}  incomplete: 1 of 2 picked" in text


async def test_q_in_a_mock_exam_asks_and_says_the_clock_keeps_running(workspace: Workspace) -> None:
    app = make_app(workspace, seed=5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exam(pilot, app)
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen)
        assert "clock keeps running" in screen_text(app)
        await pilot.press("n")
        assert app.screen is screen and app.is_running
        await pilot.press("q", "y")
        await settle(pilot)
        assert not app.is_running
    [attempt] = StudyDesk(workspace).exam_attempts("sample")
    assert not attempt.finished  # paused, not submitted


async def test_x_then_a_letter_strikes_an_option_out(workspace: Workspace) -> None:
    app = make_app(workspace, seed=5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exam(pilot, app)
        assert "x Strike" in screen_text(app)  # in the footer
        await pilot.press("x")
        assert "Strike out: a–" in screen_text(app)
        await pilot.press("b")
        choices = screen.query_one("#exam-choices", ChoiceList)
        assert choices.struck == {1} and screen.session.struck_out() == {1}
        assert screen.session.item.chosen == ()  # b struck, not picked
        await pilot.press("x", "b")  # back in
        assert choices.struck == frozenset()
        await pilot.press("x", "escape")  # cancelled: the exam stays open
        assert app.screen is screen


async def test_the_check_before_submitting_jumps_to_a_listed_question(workspace: Workspace) -> None:
    app = make_app(workspace, seed=5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exam(pilot, app)
        await pilot.press("a", "f", "n")  # q1 answered and flagged; q2 and q3 unanswered
        await pilot.press("ctrl+s")
        text = screen_text(app)
        assert "Check before you submit" in text and "1 answered · 0 incomplete · 2 unanswered · 1 flagged" in text
        await pilot.press("down", "enter")  # the second entry: question 2
        assert app.screen is screen and on_show(app) == 1
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert isinstance(app.screen, ExamResultScreen)


async def test_a_two_minute_mock_that_runs_out_used_two_minutes(workspace: Workspace, clock: Clock) -> None:
    desk = StudyDesk(workspace)
    paper = desk.start_exam("sample", seed=5, minutes=2)
    app = make_app(workspace, seed=5)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = ExamScreen(app.desk, paper)  # type: ignore[arg-type]
        app.push_screen(screen, app.exam_finished)
        await settle(pilot)
        clock.now = paper.ends_at - timedelta(milliseconds=500)
        screen.tick()
        assert app.screen is screen and "⏱ 1 s left" in screen_text(app)  # not yet out of time
        clock.now = paper.ends_at
        screen.tick()
        await settle(pilot)
        assert isinstance(app.screen, ExamResultScreen)
        assert "Time used: 2 min of 2 min" in screen_text(app)


async def test_the_result_reviews_every_question_with_its_time(workspace: Workspace, clock: Clock) -> None:
    app = make_app(workspace, seed=5)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exam(pilot, app)
        first = screen.paper.items[0].question
        clock.advance(seconds=65)
        await pilot.press("abcde"[first.correct_indices[0]])  # right
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert isinstance(app.screen, ExamResultScreen)
        text = screen_text(app)
        assert "Every question (3)" in text
        assert "1. ✔ right" in text and "1 min 05 s" in text  # the right one is there too, with its time
        assert "Question 1 · ✔ right · 1 min 05 s on it" in text
        await pilot.press("w")  # only what needs another look
        text = screen_text(app)
        assert "2 wrong, unanswered or flagged" in text and "1. ✔ right" not in text


async def test_the_result_shows_the_trend_of_mock_scores_on_the_deck(workspace: Workspace, clock: Clock) -> None:
    desk = StudyDesk(workspace)
    for right in (1, 2):
        paper = desk.start_exam("sample", seed=5)
        for item in paper.items[:right]:
            desk.save_exam_answer(paper.attempt_id, item.position, item.question.correct_indices, False)
        desk.submit_exam(paper.attempt_id)
        clock.advance(days=1)
    app = make_app(workspace, seed=5)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_exam(pilot, app)
        for item in screen.paper.items:
            await pilot.press(*("abcde"[i] for i in item.question.correct_indices), "n")
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        text = screen_text(app)
        assert "Mock exams on this deck: 02 Nov 33% → 03 Nov 67% → 04 Nov 100% (this one)  ▲ 33 points" in text
