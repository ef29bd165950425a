"""Editing a question of the learner's own deck in $EDITOR (a script here): checked by the deck
loader, nothing saved on error, history kept; and a card's history (issue #17)."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from certdrill.errors import CertdrillError
from certdrill.storage.tables import CardRow, QuestionRow
from certdrill.study.desk import StudyDesk
from certdrill.study.editing import run_editor
from certdrill.study.workspace import Workspace
from certdrill.tui.app import make_app
from certdrill.tui.screens.browser import BrowserScreen
from certdrill.tui.screens.confirm import ConfirmScreen
from certdrill.tui.screens.history import HistoryScreen
from certdrill.tui.screens.review import ReviewScreen
from helpers import SAMPLE_DECKS, Clock, notices, settle, sql_dump
from test_tui import screen_text


def own_deck(ws: Workspace, tmp_path: Path) -> StudyDesk:
    """The sample deck imported under the id 'mine': a deck of the learner's own."""
    text = (SAMPLE_DECKS / "sample" / "deck.yaml").read_text().replace("id: sample", "id: mine")
    source = tmp_path / "mine.yaml"
    source.write_text(text)
    desk = StudyDesk(ws)
    desk.import_source(str(source), dry_run=False)
    return desk


def card_of(ws: Workspace, deck_id: str, qid: str) -> CardRow:
    with ws.session() as s:
        q = s.exec(select(QuestionRow).where(QuestionRow.deck_id == deck_id, QuestionRow.qid == qid)).scalars().one()  # type: ignore[call-overload, arg-type]
        card = s.get(CardRow, q.pk)
        assert card is not None
        return card


def editor(tmp_path: Path, body: str) -> dict[str, str]:
    """An environment whose $EDITOR is a Python script running `body` on the file (`text` in, `text` out)."""
    script = tmp_path / "editor.py"
    script.write_text("import sys, pathlib\np = pathlib.Path(sys.argv[1])\ntext = p.read_text()\n" + body +
                      "\np.write_text(text)\n")
    return {**os.environ, "EDITOR": f"{sys.executable} {script}", "VISUAL": ""}


def edited(desk: StudyDesk, card_id: int, env: dict[str, str]) -> tuple[str, ...] | str:
    draft = desk.begin_edit(card_id)
    assert run_editor(draft.path, env) == 0
    outcome = desk.finish_edit(draft)
    if not outcome.problems:
        draft.discard()
    return outcome.problems or outcome.message(draft.question_id)


def test_a_bundled_question_is_not_edited(workspace: Workspace) -> None:
    with pytest.raises(CertdrillError, match=r"bundled deck 'sample'.*only questions of decks you imported"):
        StudyDesk(workspace).begin_edit(1)


def test_a_wording_edit_keeps_the_memory_and_the_reviews(workspace: Workspace, tmp_path: Path, clock: Clock) -> None:
    desk = own_deck(workspace, tmp_path)
    card = card_of(workspace, "mine", "s-1")
    desk.answer(card.id, [1])
    before = card_of(workspace, "mine", "s-1")
    env = editor(tmp_path, "text = text.replace('Which number is even?', 'Which of these numbers is even?')")
    assert edited(desk, card.id, env) == "s-1 saved; what you remember of it is kept."
    assert desk.card(card.id).question.prompt == "Which of these numbers is even?"
    assert card_of(workspace, "mine", "s-1") == before
    assert len(desk.card_history(card.id).entries) == 1


def test_a_changed_answer_key_restarts_the_schedule_and_keeps_the_reviews(workspace: Workspace, tmp_path: Path) -> None:
    desk = own_deck(workspace, tmp_path)
    card = card_of(workspace, "mine", "s-1")
    desk.answer(card.id, [1])
    assert card_of(workspace, "mine", "s-1").state != 0
    swap = editor(tmp_path, "text = text.replace(\"- text: '3'\\n\", \"- text: '3'\\n    correct: true\\n\")"
                            ".replace(\"correct: true\\n    why: Divisible\", \"why: Divisible\")")
    message = edited(desk, card.id, swap)
    assert message == "s-1 saved. Its correct answer changed, so its schedule starts again; its past answers are kept."
    assert desk.card(card.id).question.correct_indices == (0,)
    assert card_of(workspace, "mine", "s-1").state == 0
    assert len(desk.card_history(card.id).entries) == 1


def test_an_invalid_edit_saves_nothing_and_says_where(workspace: Workspace, tmp_path: Path) -> None:
    desk = own_deck(workspace, tmp_path)
    card = card_of(workspace, "mine", "s-2")
    before = sql_dump(workspace)
    for body, expected in (
        ("text = text.replace('pick: 2', 'pick: 3')", "s-2"),  # 3 to pick, 2 correct
        ("text = text.replace('domain: beta', 'domain: gamma')", "gamma"),
        ("text = text.replace('id: s-2', 'id: s-9')", "one question, with the id s-2"),
        ("text = text + '\\n  - ['", "question.yaml"),
    ):
        problems = edited(desk, card.id, editor(tmp_path, body))
        assert isinstance(problems, tuple) and any(expected in p for p in problems), (body, problems)
        assert not any(str(tmp_path) in p for p in problems)  # file names as the learner saw them
    assert sql_dump(workspace) == before


def test_the_history_lists_every_answer_with_the_interval_it_gave(workspace: Workspace, clock: Clock) -> None:
    desk = StudyDesk(workspace)
    desk.answer(1, [0], duration_ms=12_000)  # wrong: back in minutes
    clock.advance(minutes=10)
    desk.answer(1, [1], duration_ms=4_000)
    first_interval = card_of(workspace, "sample", "s-1")
    clock.advance(hours=1)
    desk.answer(1, [2], mode="practice")
    history = desk.card_history(1)
    modes = [(e.mode, e.chosen, e.correct, e.rating, e.seconds) for e in history.entries]
    assert modes == [("review", (0,), False, 1, 12.0), ("review", (1,), True, 3, 4.0), ("practice", (2,), False, 1, 0)]
    assert history.entries[0].interval is not None and history.entries[0].interval < timedelta(hours=1)
    assert first_interval.due is not None and first_interval.last_review is not None
    assert history.entries[1].interval == first_interval.due - first_interval.last_review
    assert history.entries[2].interval is None  # practice leaves the schedule alone


async def test_history_from_review_and_from_the_browser(workspace: Workspace) -> None:
    desk = StudyDesk(workspace)
    desk.answer(2, [0, 2])
    app = make_app(workspace, seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r", "b", "enter", "l")  # s-1, just answered
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        text = screen_text(app)
        assert "s-1 · sample · 1 answer" in text and "B ✔" in text and "Good" in text
        await pilot.press("escape", "escape", "escape")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("down", "l")  # s-2 in the browser
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen) and "A,C ✔" in screen_text(app)


async def test_edit_in_the_editor_from_the_browser_and_from_review(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    desk = own_deck(workspace, tmp_path)
    for name, value in editor(tmp_path, "text = text.replace('Which number is even?', 'Pick the even one.')").items():
        monkeypatch.setenv(name, value)
    shown: list[tuple[str, str]] = []
    app = make_app(workspace, seed=1)
    async with app.run_test(size=(120, 30), message_hook=notices(shown)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        assert screen.browser.current is not None and screen.browser.current.deck_id == "mine"
        await pilot.press("ctrl+e")  # s-1 of the deck 'mine'
        await settle(pilot)
        assert ("s-1 saved; what you remember of it is kept.", "information") in shown
        assert "Pick the even one." in screen_text(app)
        screen.browser.refine(deck_id=None)
        screen.browser.highlight(1)  # s-1 of the bundled deck: refused, and said why
        screen.draw()
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert any("only questions of decks you imported can be edited" in note for note, _ in shown)
    assert desk.card(card_of(workspace, "mine", "s-1").id).question.prompt == "Pick the even one."


async def test_an_edit_with_a_problem_offers_to_edit_again(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    own_deck(workspace, tmp_path)
    for name, value in editor(tmp_path, "text = text.replace('domain: alpha', 'domain: nowhere')").items():
        monkeypatch.setenv(name, value)
    app = make_app(workspace, seed=1)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")  # review the deck 'mine', first in the list
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.session.card is not None
        assert screen.session.card.deck_id == "mine"
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        text = screen_text(app)
        assert "was not saved" in text and "nowhere" in text and "Edit it again?" in text
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
    assert not any((workspace.db_path.parent / "edits").iterdir())  # the draft is gone
