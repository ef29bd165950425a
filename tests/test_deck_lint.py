"""`certdrill check` lint: giveaways a test-wise learner could exploit, and facts not re-verified."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from certdrill.cli import main
from certdrill.core.model import Choice, Question
from certdrill.decks.format.giveaways import Vocabulary, giveaways
from certdrill.decks.format.lint import lint
from certdrill.decks.format.loader import load_deck

FILLER = [
    Question(f"f{i}", "d", "single", f"Filler scenario {i} about topic{i} and subject{i}.",
             choices=(Choice(f"alpha{i}", True), Choice(f"beta{i}"), Choice(f"gamma{i}"), Choice(f"delta{i}")))
    for i in range(12)
]


def rules(q: Question) -> list[str]:
    return [g.rule for g in giveaways(q, Vocabulary([*FILLER, q]))]


ROUTING = Question(
    "r1", "d", "single",
    "A chatbot gets simple and complex prompts and must cut cost without building its own routing classifier.",
    choices=(
        Choice("Use intelligent prompt routing between a large and a small model", True),
        Choice("Switch every request to the smallest model in the catalogue"),
        Choice("Send each request to the cheapest Region through cross-Region inference"),
        Choice("Buy provisioned throughput for a discount on every token"),
    ),
)


def test_the_only_option_that_repeats_the_stem_is_flagged() -> None:
    assert rules(ROUTING) == ["stem-echo"]


def test_no_echo_when_a_distractor_repeats_the_stem_too() -> None:
    fair = Question(ROUTING.id, "d", "single", ROUTING.prompt, choices=(
        ROUTING.choices[0],
        Choice("Train a small routing classifier to send each chatbot request to the cheapest model"),
        *ROUTING.choices[2:],
    ))
    assert rules(fair) == []


def test_multiple_response_whose_keys_each_restate_a_clause_is_flagged() -> None:
    q = Question(
        "m1", "d", "multiple",
        "Shift traffic to version two in gradual increments and roll back automatically when alarms fire. (Choose two.)",
        choices=(
            Choice("Linear traffic shifting in gradual increments", True),
            Choice("Automatic rollback when the alarms fire", True),
            Choice("A second endpoint in another Region"),
            Choice("A serverless inference configuration"),
            Choice("A multi-model endpoint for both"),
        ),
        pick=2,
    )
    assert rules(q) == ["stem-echo"]


def test_a_correct_option_far_longer_than_the_rest_is_flagged() -> None:
    q = Question("l1", "d", "single", "Pick one.", choices=(
        Choice("Short wrong one"), Choice("Another short one"), Choice("Third short one"),
        Choice("The correct option, which goes on at length about every condition it meets", True),
    ))
    assert rules(q) == ["longest"]


def test_absolute_words_only_in_distractors_are_flagged() -> None:
    q = Question("a1", "d", "single", "Which holds for k-means?", choices=(
        Choice("It always finds the global optimum"), Choice("It never needs scaling"),
        Choice("It depends on the initial centroids", True), Choice("It handles categorical data natively"),
    ))
    assert rules(q) == ["absolute-words"]
    balanced = Question("a2", "d", "single", q.prompt, choices=(
        *q.choices[:2], Choice("Only its start changes the result", True), q.choices[3],
    ))
    assert rules(balanced) == []


HEADER = """\
format: certdrill/1
id: lint
title: Lint deck
version: "1"
domains: [{id: d, name: D, weight: 1}]
questions:
"""


def write(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "deck.yaml"
    path.write_text(HEADER + f"""\
  - id: q1
    domain: d
    kind: single
    prompt: Which holds for k-means?
    choices:
      - {{text: It always finds the global optimum, why: local optima}}
      - {{text: It never needs scaling, why: distances}}
      - {{text: It depends on the initial centroids, correct: true, why: it converges to a local optimum}}
      - {{text: It handles categorical data natively, why: it needs numeric features}}
    explanation: Lloyd's algorithm converges to a local optimum that depends on the start.
    references: ["https://scikit-learn.org/stable/modules/clustering.html"]
{extra}""")
    return path


def test_lint_names_file_line_and_rule_and_accepted_silences_it(tmp_path: Path) -> None:
    result = load_deck(write(tmp_path, "    verified: 2026-11\n"))
    assert result.deck is not None
    found = [str(p) for p in lint(result.deck, result.locations, today=date(2026, 12, 3))]
    assert found == [f"{tmp_path / 'deck.yaml'}:7: q1: warning: possible giveaway (absolute-words): "
                     "2 distractors say 'always', 'never'; no correct option does"]
    accepted = load_deck(write(tmp_path, "    verified: 2026-11\n    accepted: {absolute-words: the absolutes are the facts taught}\n"))
    assert accepted.deck is not None and lint(accepted.deck, accepted.locations, today=date(2026, 12, 3)) == []


@pytest.mark.parametrize(("extra", "message"), [
    ("    accepted: {absolute_words: x}\n", "unknown lint rule 'absolute_words' in 'accepted' (did you mean 'absolute-words'?)"),
    ("    accepted: {longest: ''}\n", "accepted 'longest' needs a reason"),
])
def test_accepted_needs_a_known_rule_and_a_reason(tmp_path: Path, extra: str, message: str) -> None:
    problems = [str(p) for p in load_deck(write(tmp_path, extra)).problems]
    assert any(message in p for p in problems), problems


@pytest.mark.parametrize(("verified", "today", "expected"), [
    (None, date(2026, 12, 3), "no 'verified: YYYY-MM'"),
    ("2025-11", date(2026, 12, 3), "verified 2025-11, over 12 months ago"),
    ("2025-12", date(2026, 12, 3), None),
    ("2027-01", date(2026, 12, 3), "verified 2027-01 is in the future"),
])
def test_verification_month_is_required_and_goes_stale_after_a_year(
        tmp_path: Path, verified: str | None, today: date, expected: str | None) -> None:
    extra = "    accepted: {absolute-words: the absolutes are the facts taught}\n"
    if verified:
        extra += f"    verified: {verified}\n"
    result = load_deck(write(tmp_path, extra))
    assert result.deck is not None
    found = [p.message for p in lint(result.deck, result.locations, today=today)]
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith(expected), found


def test_check_prints_lint_warnings_exits_0_and_stats_report_rates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "")
    assert main(["check", "--stats", str(path)]) == 0
    out = capsys.readouterr().out
    assert "q1: warning: possible giveaway (absolute-words)" in out
    assert "q1: warning: no 'verified: YYYY-MM'" in out
    assert f"{path}: 1 question, 0 errors, 2 warnings" in out
    assert "possible giveaways: 1 of 1 (100.0%): absolute-words 1; accepted after review: 0" in out
    assert "verified (month the facts were last checked): never 1" in out
