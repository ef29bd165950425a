"""Loading and upgrading decks: history survives, answer-key changes reset, nothing half-lands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from certdrill.core.scheduling import NEW
from certdrill.decks.format.loader import load_valid_deck
from certdrill.errors import CertdrillError
from certdrill.storage.tables import CardRow, DeckRow, QuestionRow, ReviewRow
from certdrill.study import library, review
from certdrill.study.workspace import Workspace
from helpers import Clock, sql_dump


def deck_file(root: Path) -> Path:
    return root / "sample" / "deck.yaml"


def bump(root: Path, old: str, new: str, version: str = "2") -> None:
    path = deck_file(root)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new).replace('version: "1"', f'version: "{version}"'))


def study(ws: Workspace, card_id: int, chosen: list[int], clock: Clock) -> None:
    with ws.session() as s:
        review.answer(s, card_id=card_id, chosen=chosen, now=clock.now, scheduler_settings=ws.scheduler_settings())
    clock.advance(minutes=11)


def snapshot(ws: Workspace) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    with ws.session() as s:
        cards = [c.model_dump() for c in s.exec(select(CardRow).order_by(CardRow.id)).scalars()]  # type: ignore[call-overload, arg-type]
        reviews = [r.model_dump() for r in s.exec(select(ReviewRow).order_by(ReviewRow.id)).scalars()]  # type: ignore[call-overload, arg-type]
    return cards, reviews


def test_first_start_loads_the_bundled_decks(workspace: Workspace) -> None:
    with workspace.session() as s:
        deck = s.get(DeckRow, "sample")
        assert deck is not None and deck.version == "1" and deck.source == "bundled"
        assert len(s.exec(select(QuestionRow)).all()) == 4


def test_same_version_is_not_reloaded(workspace: Workspace, sample_root: Path) -> None:
    assert workspace.sync_bundled(sample_root).reports == []


def test_wording_edit_keeps_memory_state(workspace: Workspace, clock: Clock, sample_root: Path) -> None:
    study(workspace, 1, [1], clock)
    cards_before, reviews_before = snapshot(workspace)
    bump(sample_root, "Which number is even?", "Which of these numbers is even?")
    [report] = workspace.sync_bundled(sample_root).reports
    assert report.updated == ["s-1"] and report.reset == [] and report.added == []
    assert snapshot(workspace) == (cards_before, reviews_before)
    with workspace.session() as s:
        q = s.get(QuestionRow, 1)
        assert q is not None and q.prompt == "Which of these numbers is even?"


def test_changed_answer_key_resets_scheduling_but_keeps_reviews(
    workspace: Workspace, clock: Clock, sample_root: Path
) -> None:
    study(workspace, 1, [1], clock)
    study(workspace, 1, [1], clock)
    _, reviews_before = snapshot(workspace)
    bump(sample_root, '{text: "3", why: Odd.}', '{text: "3", correct: true, why: Now the key.}')
    bump(sample_root, '{text: "4", correct: true, why: Divisible by two.}', '{text: "4", why: Changed.}', "3")
    [report] = workspace.sync_bundled(sample_root).reports
    assert report.reset == ["s-1"]
    cards, reviews = snapshot(workspace)
    assert reviews == reviews_before
    assert cards[0]["state"] == NEW and cards[0]["due"] is None and cards[0]["reps"] == 2


def test_removed_questions_are_retired_not_deleted(workspace: Workspace, clock: Clock, sample_root: Path) -> None:
    study(workspace, 4, [0], clock)
    text = deck_file(sample_root).read_text()
    cut = text.index("  - id: s-4")
    deck_file(sample_root).write_text(text[:cut].replace('version: "1"', 'version: "2"'))
    [report] = workspace.sync_bundled(sample_root).reports
    assert report.retired == ["s-4"]
    with workspace.session() as s:
        q = s.get(QuestionRow, 4)
        assert q is not None and q.retired
        assert len(s.exec(select(ReviewRow).where(ReviewRow.card_id == 4)).all()) == 1
    for _ in range(5):
        with workspace.session() as s:
            card = review.next_card(s, deck_ids=["sample"], now=clock.now, tz=clock.now.tzinfo, new_per_day=20)  # type: ignore[arg-type]
        assert card is None or card.card_id != 4
        clock.advance(days=3)
    # Put back in a later version: it returns with its history.
    deck_file(sample_root).write_text(text.replace('version: "1"', 'version: "3"'))
    [report] = workspace.sync_bundled(sample_root).reports
    assert report.restored == ["s-4"]


def test_reimporting_the_same_deck_changes_nothing(workspace: Workspace, clock: Clock, sample_root: Path) -> None:
    study(workspace, 1, [1], clock)
    before = sql_dump(workspace)
    deck = load_valid_deck(sample_root / "sample")
    with workspace.session() as s:
        report = library.import_deck(s, deck=deck, source="bundled", now=clock.now)
    assert not report.changed and report.unchanged == 4
    after = sql_dump(workspace)
    # Only the deck's import time may move.
    assert [line for line in after if "INSERT INTO \"deck\"" not in line] == [
        line for line in before if "INSERT INTO \"deck\"" not in line
    ]


def test_import_failing_half_way_leaves_the_database_unchanged(
    workspace: Workspace, clock: Clock, sample_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    study(workspace, 1, [1], clock)
    before = sql_dump(workspace)
    bump(sample_root, "Which number is even?", "Edited?")
    deck = load_valid_deck(sample_root / "sample")
    calls = {"n": 0}
    real = library.question_row

    def failing(*args: object, **kwargs: object) -> tuple[object, ...]:
        calls["n"] += 1
        if calls["n"] == 3:  # after the deck row, domains and two questions were written
            raise OSError("disk went away")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(library, "question_row", failing)
    with workspace.session() as s, pytest.raises(OSError):
        library.import_deck(s, deck=deck, source="bundled", now=clock.now)
    assert sql_dump(workspace) == before


def test_dry_run_reports_and_writes_nothing(workspace: Workspace, clock: Clock, sample_root: Path) -> None:
    before = sql_dump(workspace)
    bump(sample_root, "Which number is even?", "Edited?")
    deck = load_valid_deck(sample_root / "sample")
    with workspace.session() as s:
        report = library.import_deck(s, deck=deck, source="bundled", now=clock.now, dry_run=True)
    assert report.updated == ["s-1"] and report.dry_run
    assert sql_dump(workspace) == before


def test_a_user_deck_cannot_take_over_a_bundled_deck_id(workspace: Workspace, clock: Clock, sample_root: Path) -> None:
    deck = load_valid_deck(sample_root / "sample")
    with workspace.session() as s, pytest.raises(CertdrillError, match="belongs to a bundled deck"):
        library.import_deck(s, deck=deck, source="/tmp/elsewhere.yaml", now=clock.now)


def test_a_broken_bundled_deck_is_skipped_with_a_message(workspace: Workspace, sample_root: Path) -> None:
    bump(sample_root, "kind: multiple", "kind: multi")
    result = workspace.sync_bundled(sample_root)
    assert result.reports == []
    [message] = result.refused
    assert "bundled deck sample not loaded:" in message and "not 'multi'" in message
    with workspace.session() as s:
        deck = s.get(DeckRow, "sample")
        assert deck is not None and deck.version == "1"  # the earlier version stays in use


GROUPED = """\
format: certdrill/1
id: grouped
title: Grouped by domain
version: "1"
domains:
  - {id: alpha, name: Alpha, weight: 50}
  - {id: beta, name: Beta, weight: 50}
questions:
""" + "".join(
    f"  - {{id: g-{i}, domain: {d}, kind: flashcard, prompt: Q{i}, answer: A{i}, explanation: E, "
    f"references: ['https://example.org/{i}']}}\n"
    for i, d in enumerate(["alpha", "alpha", "alpha", "beta", "beta", "beta"])
)


def test_new_questions_interleave_the_domains(make_workspace: Callable[..., Workspace], sample_root: Path,
                                              clock: Clock) -> None:
    # The file lists alpha three times, then beta: a learner should meet beta on question two.
    (sample_root / "grouped").mkdir()
    (sample_root / "grouped" / "deck.yaml").write_text(GROUPED)
    ws = make_workspace()
    order = []
    for _ in range(6):
        with ws.session() as s:
            card = review.next_card(s, deck_ids=["grouped"], now=clock.now, tz=clock.now.tzinfo, new_per_day=20)  # type: ignore[arg-type]
            assert card is not None
            order.append(card.question.id)
            review.answer(s, card_id=card.card_id, rating=4, now=clock.now,
                          scheduler_settings=ws.scheduler_settings())
    assert order == ["g-0", "g-3", "g-1", "g-4", "g-2", "g-5"]
