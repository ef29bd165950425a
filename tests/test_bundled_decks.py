"""The bundled question banks meet the quality bar that a program can measure."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from certdrill.core.model import Deck
from certdrill.decks.format.lint import lint
from certdrill.decks.format.loader import load_deck
from certdrill.decks.format.quality import cross_deck_duplicates, quality_report

DECKS = Path(__file__).resolve().parents[1] / "decks"
# deck id -> (minimum questions, minimum per task). MLS-C01 is retired: kept as it is, not grown.
MINIMUMS = {"aws-mls-c01": (260, 6), "aws-mla-c02": (400, 12), "gcp-pmle": (400, 12), "ml-foundations": (450, 10)}


@pytest.fixture(scope="module")
def decks() -> dict[str, Deck]:
    loaded = {}
    for folder in sorted(p for p in DECKS.iterdir() if (p / "deck.yaml").is_file()):
        result = load_deck(folder)
        assert [str(p) for p in result.problems] == []  # no errors and no warnings
        assert result.deck is not None
        loaded[result.deck.id] = result.deck
    assert set(loaded) == set(MINIMUMS)
    return loaded


@pytest.mark.parametrize("deck_id", sorted(MINIMUMS))
def test_bank_size_coverage_and_weights(decks: dict[str, Deck], deck_id: str) -> None:
    deck = decks[deck_id]
    total, per_part = MINIMUMS[deck_id]
    report = quality_report(deck)
    assert report.total >= total
    assert min(count for _d, _t, count in report.per_task) >= per_part
    if deck_id != "ml-foundations":  # the topic deck's weights are the project's own; every task counts instead
        for did, weight, _count, share in report.per_domain:  # in proportion to the weights
            assert abs(weight - share) <= 2.0, did


@pytest.mark.parametrize("deck_id", sorted(MINIMUMS))
def test_no_giveaways(decks: dict[str, Deck], deck_id: str) -> None:
    report = quality_report(decks[deck_id])
    for letter in "ABCD":
        assert 0.20 <= report.position_share(letter) <= 0.30, letter
    assert report.longest_rate <= 0.35
    assert report.missing_references == []
    assert report.near_duplicates == []
    assert report.giveaways == {}  # every lint finding fixed, or accepted in the deck with a reason...
    assert report.accepted <= 0.01 * report.total  # ...and those stay rare


def test_every_question_was_verified_against_the_docs_in_the_last_twelve_months() -> None:
    """Against today's date on purpose: a bank whose facts were last checked over a year ago must be
    re-verified before it ships again, and CI says so."""
    for folder in sorted(p for p in DECKS.iterdir() if (p / "deck.yaml").is_file()):
        result = load_deck(folder)
        assert result.deck is not None
        assert [str(p) for p in lint(result.deck, result.locations, today=date.today())] == []


def test_exam_decks_are_mostly_single_answer_with_some_multiple_response(decks: dict[str, Deck]) -> None:
    for deck_id in ("aws-mls-c01", "aws-mla-c02", "gcp-pmle"):
        kinds = quality_report(decks[deck_id]).kinds
        share = kinds["multiple"] / sum(kinds.values())
        assert 0.15 <= share <= 0.25 and kinds["flashcard"] == 0, deck_id


def test_exam_facts(decks: dict[str, Deck]) -> None:
    mls = decks["aws-mls-c01"].exam
    assert mls is not None and mls.status == "retired" and mls.retired_on == date(2026, 3, 31)
    assert mls.successor == "aws-mla-c02"
    pmle = decks["gcp-pmle"].exam
    assert pmle is not None and pmle.pass_mark is not None and pmle.pass_mark.estimated  # Google publishes none


def test_no_question_is_asked_twice_across_banks(decks: dict[str, Deck]) -> None:
    assert cross_deck_duplicates(list(decks.values()), threshold=0.45) == []


def test_singles_have_four_choices_and_multiples_five_or_six(decks: dict[str, Deck]) -> None:
    for deck in decks.values():
        for q in deck.questions:
            if q.kind == "single":
                assert len(q.choices) == 4, q.id
            elif q.kind == "multiple":
                assert 5 <= len(q.choices) <= 6 and q.pick in (2, 3), q.id
