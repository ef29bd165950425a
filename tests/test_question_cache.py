"""Review builds each question once and remembers it by its content hash: an edited question is
shown as edited at once, and a database never gets another database's question."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from certdrill.study import review
from certdrill.study.workspace import Workspace
from helpers import Clock


def shown(ws: Workspace, card_id: int = 1) -> str:
    return review.load_card(ws.db, card_id=card_id).question.prompt


def test_an_edited_question_shows_its_new_wording_after_the_upgrade(
        workspace: Workspace, sample_root: Path) -> None:
    assert shown(workspace) == "Which number is even?"
    deck = sample_root / "sample" / "deck.yaml"
    deck.write_text(deck.read_text().replace("Which number is even?", "Which of these numbers is even?")
                    .replace('version: "1"', 'version: "2"'))
    workspace.sync_bundled(sample_root)
    assert shown(workspace) == "Which of these numbers is even?"


def test_two_databases_with_the_same_question_id_keep_their_own_wording(
        make_workspace: Callable[..., Workspace], tmp_path: Path, sample_root: Path, clock: Clock) -> None:
    first = make_workspace()
    assert shown(first) == "Which number is even?"
    other_root = tmp_path / "other-bundled"
    other_root.mkdir()
    (other_root / "sample").mkdir()
    deck = sample_root / "sample" / "deck.yaml"
    (other_root / "sample" / "deck.yaml").write_text(deck.read_text().replace("Which number is even?", "Pick the even one."))
    second = Workspace.open(tmp_path / "second", clock=clock, bundled_root=other_root, fuzz=False)
    try:
        assert shown(second) == "Pick the even one."
        assert shown(first) == "Which number is even?"
    finally:
        second.close()


def test_next_card_and_answer_build_the_question_once(workspace: Workspace, clock: Clock) -> None:
    card = review.next_card(workspace.db, deck_ids=["sample"], now=clock.now, tz=clock.now.tzinfo, new_per_day=20)
    assert card is not None
    # The answer loads the card again in its own transaction: the question is the very same object.
    again = review.load_card(workspace.db, card_id=card.card_id)
    assert again.question is card.question
    result = review.answer(workspace.db, card_id=card.card_id, chosen=list(card.question.correct_indices),
                           now=clock.now, scheduler_settings=workspace.scheduler_settings())
    assert result.correct is True
