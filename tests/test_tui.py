"""The TUI driven by keys with Pilot: review, undo, practice, mock exam, literal deck text."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select

from certdrill.storage.tables import CardRow, ExamAttemptRow, ReviewRow
from certdrill.study.workspace import Workspace
from certdrill.tui.app import CertdrillApp, make_app
from certdrill.tui.screens.dashboard import DashboardScreen
from certdrill.tui.screens.exam import ExamScreen
from certdrill.tui.screens.exam_result import ExamResultScreen
from certdrill.tui.screens.review import ReviewScreen
from certdrill.tui.screens.summary import SummaryScreen
from helpers import notices, settle

SIZE = (100, 30)


def screen_text(app: CertdrillApp) -> str:
    """What the terminal shows, as plain text (markup in deck text would vanish from it)."""
    svg = app.export_screenshot()
    return unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def reviews(ws: Workspace) -> list[ReviewRow]:
    with ws.session() as s:
        return list(s.exec(select(ReviewRow).order_by(ReviewRow.id)).scalars())  # type: ignore[call-overload, arg-type]


def card(ws: Workspace, card_id: int) -> dict[str, object]:
    with ws.session() as s:
        row = s.get(CardRow, card_id)
        assert row is not None
        return row.model_dump()




async def test_a_whole_review_session_commits_each_answer(workspace: Workspace) -> None:
    app = make_app(workspace, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("r")
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("b", "enter")  # s-1: 4 is even
        assert "✔ Correct" in screen_text(app)
        assert [(r.card_id, r.correct, r.rating) for r in reviews(workspace)] == [(1, True, 3)]  # on disk already
        await pilot.press("enter", "a", "c", "enter")  # s-2: 2 and 5 are prime
        assert "✔ Correct" in screen_text(app)
        await pilot.press("4")  # override Good with Easy: committed at once
        assert reviews(workspace)[-1].rating == 4
        await pilot.press("enter", "space")  # s-3: flashcard, reveal
        assert "Answer: 4" in screen_text(app)
        await pilot.press("3")  # rate Good: answered and moved on
        await pilot.press("b", "enter")  # s-4: Purple is wrong
        text = screen_text(app)
        assert "✘ Incorrect — the answer is A" in text and "✘ your pick" in text and "That is red and blue." in text
        await pilot.press("enter")
        await settle(pilot)
        # Learning steps bring cards back within minutes; end the session explicitly.
        if isinstance(app.screen, ReviewScreen):
            await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert "session summary" in screen_text(app)
    assert [(r.card_id, r.correct) for r in reviews(workspace)] == [(1, True), (2, True), (3, None), (4, False)]


async def test_undo_takes_back_the_answer_and_shows_the_question_again(workspace: Workspace) -> None:
    before = card(workspace, 1)
    app = make_app(workspace, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r", "a", "enter")
        assert len(reviews(workspace)) == 1
        await pilot.press("u")
        assert reviews(workspace) == []
        assert card(workspace, 1) == before
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.session.card is not None and screen.session.card.card_id == 1
        assert screen.session.phase == "asking"


async def test_practice_leaves_the_schedule_untouched(workspace: Workspace) -> None:
    before = [card(workspace, i) for i in (1, 2, 3, 4)]
    app = make_app(workspace, seed=3)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await pilot.press("enter")  # "Whole deck (shuffled)"
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.session.mode == "practice"
        for _ in range(4):
            assert isinstance(app.screen, ReviewScreen)
            q = app.screen.session.card.question  # type: ignore[union-attr]
            if q.kind == "flashcard":
                await pilot.press("space")
                text = screen_text(app)  # practice offers no rating, and says so
                assert "Enter: next question" in text and "1 Again" not in text
                await pilot.press("enter")
            else:
                await pilot.press(*"abcde"[: q.pick or 1], "enter", "enter")
        await settle(pilot)
    assert [card(workspace, i) for i in (1, 2, 3, 4)] == before
    modes = {r.mode for r in reviews(workspace)}
    assert modes == {"practice"} and len(reviews(workspace)) == 4


async def test_mock_exam_runs_to_its_result_screen(workspace: Workspace) -> None:
    app = make_app(workspace, seed=5)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", "enter")  # full paper: the deck's 4 questions minus the flashcard
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert len(screen.paper.items) == 3
        assert "Question 1 of 3" in screen_text(app)
        answers = []
        for item in screen.paper.items:
            right = item.question.correct_indices
            answers.append(right)
            await pilot.press(*("abcde"[i] for i in right), "n")
        await pilot.press("f")  # flag one for review
        assert "✔" not in screen_text(app)  # no feedback before submit
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert isinstance(app.screen, ExamResultScreen)
        text = screen_text(app)
        # The sample deck's pass mark is an estimate: the verdict says so on the line after it.
        verdict, after = text.split("PASS", 1)
        assert "3 of 3 right (100%)" in verdict.splitlines()[-1] and after.splitlines()[1].strip().startswith("Estimate:")
    with workspace.session() as s:
        attempt = s.exec(select(ExamAttemptRow)).scalars().one()  # type: ignore[call-overload]
        assert attempt.finished_at is not None and attempt.passed is True
        exam_reviews = s.execute(select(func.count()).select_from(ReviewRow).where(ReviewRow.mode == "exam")).scalar_one()
        assert exam_reviews == 3
    assert all(c["state"] == 0 for c in (card(workspace, i) for i in (1, 2, 4)))  # exams do not schedule


MARKUP_DECK = """\
format: certdrill/1
id: hostile
title: "[bold red]Hostile[/] deck"
version: "1"
domains:
  - {id: d, name: "[link=https://evil.example]Domain[/link]", weight: 1}
questions:
  - id: h-1
    domain: d
    kind: single
    prompt: "Is [bold red]x[/] shown literally, with \\e[31mno escape\\e[0m?"
    choices:
      - {text: "[i]yes[/i]", correct: true, why: "[blink]literal[/blink]"}
      - {text: "no", why: "nope"}
    explanation: "[link=https://evil.example]click[/link]"
    references: ["https://example.org/ok"]
"""


async def test_deck_text_is_never_markup(make_workspace: Callable[..., Workspace], sample_root: Path) -> None:
    (sample_root / "hostile").mkdir()
    (sample_root / "hostile" / "deck.yaml").write_text(MARKUP_DECK)
    ws = make_workspace()
    app = make_app(ws, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "hostile" in text and "[bold red]Hostile[/] deck" in text  # the deck's title, on the dashboard
        assert re.search(r"\[link=https://evil\.example\]Domain(\[/link\]|…)", text)  # its domain, literal (cut where it does not fit)
        await pilot.press("r")  # the first deck in the table is "hostile"
        text = screen_text(app)
        assert "[link=https://evil.example]Domain[/link]" in text  # the domain above the question
        assert "[bold red]x[/]" in text and "no escape" in text and "\x1b" not in text
        assert "[i]yes[/i]" in text
        await pilot.press("a", "enter")
        text = screen_text(app)
        assert "[blink]literal[/blink]" in text and "[link=https://evil.example]click[/link]" in text


async def test_a_database_problem_is_a_notice_not_a_crash(workspace: Workspace, monkeypatch: object) -> None:
    from certdrill.errors import CertdrillError
    from certdrill.study.desk import StudyDesk

    def busy(*_args: object, **_kwargs: object) -> None:
        raise CertdrillError("the database is busy in another certdrill window; nothing was saved, try again")

    app = make_app(workspace, seed=1)
    shown: list[tuple[str, str]] = []
    async with app.run_test(size=SIZE, message_hook=notices(shown)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        monkeypatch.setattr(StudyDesk, "answer", busy)  # type: ignore[attr-defined]
        await pilot.press("b", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.session.phase == "asking"  # still on the question
        assert ("the database is busy in another certdrill window; nothing was saved, try again", "error") in shown
    assert reviews(workspace) == []


async def test_start_up_shows_the_overview_then_opens_the_collection(workspace: Workspace, clock: object) -> None:
    from datetime import UTC

    from certdrill.storage.overview import read_overview
    from certdrill.study.desk import StudyDesk
    from certdrill.tui.app import make_opening_app

    StudyDesk(workspace).answer(1, [1])  # one answer today: the overview must count it
    overview = read_overview(workspace.db_path, now=workspace.now(), tz=UTC)
    assert overview is not None
    [sample] = [d for d in overview if d.id == "sample"]
    assert (sample.reviews_today, sample.new_available, sample.streak) == (1, 3, 1)
    opened: list[bool] = []

    def opener() -> Workspace:
        opened.append(True)
        return workspace

    app = make_opening_app(opener, overview)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert opened == [True] and app.desk is not None
        screen = app.screen
        assert isinstance(screen, DashboardScreen) and [d.id for d in screen.summaries] == ["sample"]
        await pilot.press("r")
        assert isinstance(app.screen, ReviewScreen)


async def test_review_starts_while_the_deck_list_is_still_being_read(
        workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a big collection the deck list takes a while to count: `r` must not wait for it."""
    import threading
    from datetime import UTC

    from certdrill.storage.overview import read_overview
    from certdrill.tui.app import make_opening_app

    overview = read_overview(workspace.db_path, now=workspace.now(), tz=UTC)
    assert overview is not None
    counted = threading.Event()
    read_decks = DashboardScreen.read_decks
    monkeypatch.setattr(DashboardScreen, "read_decks", staticmethod(lambda desk: (counted.wait(10), read_decks(desk))[1]))
    app = make_opening_app(lambda: workspace, overview)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            if app.desk is not None:
                break
            await pilot.pause(0.02)
        screen = app.screen
        assert isinstance(screen, DashboardScreen) and screen.summaries == []  # the list is still being read
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.screen.deck_ids == ["sample"]
        counted.set()
        await settle(pilot)


async def test_certdrill_review_opens_straight_into_the_review(workspace: Workspace) -> None:
    from certdrill.study.desk import StudyDesk
    from certdrill.tui.app import CertdrillApp
    from certdrill.tui.messages import StartReview

    app = CertdrillApp(StudyDesk(workspace), start=StartReview(["sample"]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen.deck_ids == ["sample"]


def test_a_long_domain_name_is_cut_with_an_ellipsis_and_the_bars_stay_aligned() -> None:
    from certdrill.tui.widgets.bars import Bar, render_bar

    long = render_bar(Bar("Data Preparation for Machine Learning and AI", 0.5), label_width=20, width=10).plain
    short = render_bar(Bar("Modeling", 0.5), label_width=20, width=10).plain
    assert long.startswith("Data Preparation fo… ")
    assert long.index("█") == short.index("█") == 21


async def test_in_an_80_column_terminal_the_deck_list_stacks_above_the_deck_panel(workspace: Workspace) -> None:
    app = make_app(workspace, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        decks, panel = app.screen.query_one("#decks").region, app.screen.query_one("#deck-panel").region
        assert decks.bottom <= panel.y and panel.width >= 76  # below the list, the whole width
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        decks, panel = app.screen.query_one("#decks").region, app.screen.query_one("#deck-panel").region
        assert decks.right <= panel.x and decks.y == panel.y  # side by side again


def test_the_choice_hint_names_only_the_keys_the_question_has() -> None:
    from certdrill.tui.widgets.choices import choice_key, choice_keys

    assert choice_keys(4) == "a–d" and choice_keys(6, digits=True) == "a–f or 1–6"
    assert choice_keys(10, digits=True) == "a–j or 1–9"  # ten choices: j is the only key for the last
    assert choice_key("j") == 9 and choice_key("0") is None


async def test_the_verdict_and_the_ratings_stay_in_view_in_a_small_terminal(workspace: Workspace) -> None:
    app = make_app(workspace, seed=1)
    async with app.run_test(size=(60, 16)) as pilot:
        await settle(pilot)
        await pilot.press("r", "b", "enter")  # s-1, answered: its explanations fill more than the screen
        await settle(pilot)
        screen = app.screen
        verdict, rating = screen.query_one("#verdict").region, screen.query_one("#rating").region
        card = screen.query_one("#card")
        assert card.max_scroll_y > 0  # the card itself has to scroll
        assert verdict.height and rating.height and rating.bottom <= 15  # above the footer line
        assert "✔ Correct" in screen_text(app) and "Next review:" in screen_text(app)


async def test_a_mock_exam_in_an_80_column_terminal_keeps_room_for_the_question(workspace: Workspace) -> None:
    from certdrill.tui.screens.exam import navigator_text

    app = make_app(workspace, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert screen.nav_columns == 5 and screen.query_one("#navigator-box").region.width == 24
        text = screen_text(app)
        assert "left" in text and text.index("⏱") < text.index("Mock exam")  # the clock is never the part cut off
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        assert screen.nav_columns == 10 and screen.query_one("#navigator-box").region.width == 44
    grid = navigator_text(screen.paper.items * 4, 0, columns=5).plain.splitlines()
    assert [len(row.split()) for row in grid[:3]] == [5, 5, 2]  # 12 questions: 5 a row


def test_the_quick_start_up_overview_reads_a_changed_daily_new_limit(workspace: Workspace) -> None:
    """Settings are JSON columns, which SQLite reads back as numbers: the overview (the first
    frame's counts, without SQLAlchemy) once returned None for them, and start-up took the slow path."""
    from datetime import UTC

    from certdrill.storage.overview import read_overview
    from certdrill.study.desk import StudyDesk

    StudyDesk(workspace).save_setting("new_per_day", 2)
    overview = read_overview(workspace.db_path, now=workspace.now(), tz=UTC)
    assert overview is not None
    [sample] = [d for d in overview if d.id == "sample"]
    assert sample.new_available == 2  # 3 new questions, at most 2 a day


async def test_the_browser_suspends_and_flags_the_highlighted_question(workspace: Workspace) -> None:
    app = make_app(workspace, seed=1)
    async with app.run_test(size=(160, 30)) as pilot:  # wide: the detail's first line on one line
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("ctrl+u", "ctrl+f")
        await settle(pilot)
        first = card(workspace, 1)
        assert first["suspended"] and first["flagged"]
        text = screen_text(app)
        assert "s-1 · sample · new · suspended · ⚑ flagged" in text
        await pilot.press("ctrl+u", "ctrl+f")
        await settle(pilot)
        assert not card(workspace, 1)["suspended"] and not card(workspace, 1)["flagged"]


def test_past_attempts_read_as_the_exam_reports_them() -> None:
    from datetime import timedelta

    from certdrill.core.exam_score import score_scale
    from certdrill.core.model import PassMark
    from certdrill.tui.screens.exam_setup import score_text, time_left

    assert score_text(186.1, score_scale(PassMark(scaled=720, min=100, max=1000))) == "scaled 186"
    assert score_text(71.6, score_scale(PassMark(raw=0.7))) == "72%"
    assert score_text(0.35, None) == "35% right"  # no pass mark: the raw share is stored
    assert score_text(None, None) == "no score"
    assert time_left(timedelta(minutes=100, seconds=59)) == "1 h 40 min 59 s"
    assert time_left(timedelta(minutes=5)) == "5 min"  # not "0:05": minutes, said so


def test_weekly_retention_bars_show_their_whole_track() -> None:
    from datetime import date

    from certdrill.study.progress import WeekRetention
    from certdrill.tui.screens.stats import retention_text

    text = retention_text([WeekRetention(date(2026, 11, 16), 0, 0), WeekRetention(date(2026, 11, 23), 3, 1)]).plain
    assert text == "23 Nov  " + "█" * 10 + "░" * 20 + " 33% of 3\n"


async def test_setting_an_exam_date_in_settings_says_what_it_asks_of_each_day(workspace: Workspace) -> None:
    from textual.widgets import Input

    app = make_app(workspace, seed=1)
    notes: list[tuple[str, str]] = []
    async with app.run_test(size=(160, 30), message_hook=notices(notes)) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await settle(pilot)
        notes.clear()
        app.screen.query_one("#exam-sample", Input).value = "2026-11-12"  # ten days after the test clock's day
        minutes = app.screen.query_one("#minutes-sample", Input)
        minutes.focus()
        for value in ("1", "5"):  # 2 new a day, about 3 minutes: too much for 1 minute a day, fine in 5
            minutes.value = value
            await pilot.press("enter")
            await settle(pilot)
    with workspace.session() as s:
        from certdrill.storage.tables import DeckRow

        assert s.get(DeckRow, "sample").exam_date == "2026-11-12"  # type: ignore[union-attr]
    (tight, severity_tight), (fine, severity_fine) = notes
    assert fine.startswith("Saved. Exam on Thu 12 Nov (10 days away): 2 new a day meet all 4 unseen questions")
    assert severity_fine == "information" and "5 minutes a day." in fine
    assert severity_tight == "warning" and "allow more minutes or choose a later date" in tight


async def test_a_progress_count_that_arrives_after_the_review_screen_is_gone_is_dropped(
    workspace: Workspace,
) -> None:
    """The progress line is counted in a worker thread. A count that came back while the app was
    quitting updated a widget already removed: NoMatches, and the app died with a traceback."""
    from rich.text import Text

    app = make_app(workspace, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("escape")
        await settle(pilot)
        await screen.remove()  # what quitting does to every screen
        assert not list(screen.query("#progress"))
        screen.show_progress(Text("2 due · 1 new left"))  # the worker's late update: nothing to do
        assert app.is_running


async def test_a_database_error_while_the_deck_panel_loads_is_a_notice(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The panel's figures load in a worker thread; a failure there ended the whole app."""
    from certdrill.storage.engine import DatabaseUnavailable
    from certdrill.study.desk import StudyDesk

    def busy(self: StudyDesk, deck_id: str) -> object:
        raise DatabaseUnavailable("the database is busy (another certdrill is writing); try again")

    monkeypatch.setattr(StudyDesk, "domain_progress", busy)
    app = make_app(workspace, seed=1)
    notes: list[tuple[str, str]] = []
    async with app.run_test(size=SIZE, message_hook=notices(notes)) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)
        assert app.is_running and isinstance(app.screen, DashboardScreen)
    assert any("database is busy" in note for note, _severity in notes)


async def test_the_session_summary_shows_its_last_line(workspace: Workspace) -> None:
    """Dialog boxes were capped at 90% of an auto-height parent: one line short, and the
    summary's "enter or esc" hint was hidden."""
    app = make_app(workspace, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r", "b", "enter", "escape")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert "enter or esc: back to the dashboard" in screen_text(app)
        box = app.screen.query_one("#summary-box")
        last = list(box.children)[-1]
        assert last.region.bottom <= box.region.bottom - 2  # inside the padding and the border
