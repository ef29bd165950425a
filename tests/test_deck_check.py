"""`certdrill check`: every lint rule names the file, line and question."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from certdrill.decks.format.loader import load_deck
from certdrill.errors import CertdrillError

HEADER = """\
format: certdrill/1
id: lint
title: Lint deck
version: "1"
domains:
  - id: d1
    name: One
    weight: 50
    tasks: [{id: "1.1", name: A task}]
  - id: d2
    name: Two
    weight: 50
questions:
"""

GOOD = """\
  - id: q1
    domain: d1
    task: "1.1"
    kind: single
    prompt: Pick B.
    choices:
      - {text: A, why: wrong}
      - {text: B, correct: true, why: right}
    explanation: B it is.
    references: ["https://example.org/b"]
"""


def check(tmp_path: Path, questions: str, header: str = HEADER) -> list[str]:
    path = tmp_path / "deck.yaml"
    path.write_text(header + textwrap.dedent(questions))
    return [str(p) for p in load_deck(path).problems]


def only(problems: list[str], needle: str) -> str:
    hits = [p for p in problems if needle in p]
    assert hits, f"no problem mentions {needle!r}: {problems}"
    return hits[0]


def test_a_clean_deck_has_no_problems(tmp_path: Path) -> None:
    assert check(tmp_path, GOOD) == []


def test_misspelt_key_is_an_error_with_a_suggestion_and_line(tmp_path: Path) -> None:
    problems = check(tmp_path, GOOD.replace("correct: true", "corect: true"))
    line = only(problems, "unknown key 'corect'")
    assert "did you mean 'correct'" in line
    assert line.startswith(f"{tmp_path / 'deck.yaml'}:21: q1: ")


def test_wrong_types_are_errors(tmp_path: Path) -> None:
    problems = check(tmp_path, GOOD.replace('task: "1.1"', "task: 1.1").replace("correct: true", "correct: 'yes'"))
    assert "'task' must be a string (put it in quotes)" in only(problems, "'task'")
    assert "'correct' must be true or false" in only(problems, "'correct'")


def test_duplicate_question_ids(tmp_path: Path) -> None:
    problems = check(tmp_path, GOOD + GOOD)
    assert "question id used twice (first at" in only(problems, "used twice")


def test_unknown_domain_and_task(tmp_path: Path) -> None:
    problems = check(tmp_path, GOOD.replace("domain: d1", "domain: d9"))
    assert "unknown domain 'd9' (deck has: d1, d2)" in only(problems, "unknown domain")
    problems = check(tmp_path, GOOD.replace('"1.1"\n    kind', '"1.7"\n    kind'))
    assert "unknown task '1.7' in domain d1" in only(problems, "unknown task")


def test_single_needs_exactly_one_correct(tmp_path: Path) -> None:
    problems = check(tmp_path, GOOD.replace("{text: A, why: wrong}", "{text: A, correct: true, why: wrong}"))
    assert "exactly one correct choice, has 2" in only(problems, "exactly one")
    problems = check(tmp_path, GOOD.replace("correct: true, ", ""))
    assert "has 0" in only(problems, "exactly one")


MULTI = """\
  - id: m1
    domain: d2
    kind: multiple
    pick: {pick}
    prompt: Pick two.
    choices:
      - {{text: A, correct: true, why: y}}
      - {{text: B, correct: true, why: y}}
      - {{text: C, why: n}}
      - {{text: D, why: n}}
      - {{text: E, why: n}}
    explanation: A and B.
    references: ["https://example.org/m"]
"""


def test_multiple_pick_rules(tmp_path: Path) -> None:
    assert check(tmp_path, MULTI.format(pick=2)) == []
    assert "'pick' must be at least 2, not 1" in only(check(tmp_path, MULTI.format(pick=1)), "pick")
    assert "pick is 3 but 2 choices are marked correct" in only(check(tmp_path, MULTI.format(pick=3)), "pick is")
    no_pick = MULTI.format(pick=2).replace("    pick: 2\n", "")
    assert "needs 'pick'" in only(check(tmp_path, no_pick), "pick")


def test_fewer_than_two_choices(tmp_path: Path) -> None:
    one = GOOD.replace("      - {text: A, why: wrong}\n", "")
    assert "needs at least 2 choices, has 1" in only(check(tmp_path, one), "at least 2 choices")


def test_duplicate_choice_texts(tmp_path: Path) -> None:
    dup = GOOD.replace("{text: A, why: wrong}", "{text: ' b ', why: wrong}")
    assert "choice B repeats the text of an earlier choice" in only(check(tmp_path, dup), "repeats")


def test_domain_weight_must_be_positive(tmp_path: Path) -> None:
    problems = check(tmp_path, GOOD, header=HEADER.replace("weight: 50", "weight: 0", 1))
    assert "weight must be positive, not 0" in only(problems, "weight")
    assert only(problems, "weight").startswith(f"{tmp_path / 'deck.yaml'}:8: domain d1:")


def test_warnings_for_missing_explanation_why_and_reference(tmp_path: Path) -> None:
    bare = GOOD.replace("    explanation: B it is.\n", "").replace('    references: ["https://example.org/b"]\n', "")
    bare = bare.replace("{text: A, why: wrong}", "{text: A}")
    problems = check(tmp_path, bare)
    assert all(": warning: " in p for p in problems)
    assert {"no explanation", "choice A has no 'why'", "no reference"} <= {p.split("warning: ")[1] for p in problems}


def test_flashcard_rules(tmp_path: Path) -> None:
    card = """\
      - id: f1
        domain: d2
        kind: flashcard
        prompt: Q?
        choices: [{text: x}]
        references: ["https://example.org/f"]
    """
    problems = check(tmp_path, card)
    assert "a flashcard needs an 'answer'" in only(problems, "answer")
    assert "'choices' is not used by flashcards" in only(problems, "choices")


def test_duplicate_yaml_keys_are_errors(tmp_path: Path) -> None:
    problems = check(tmp_path, GOOD.replace("    kind: single\n", "    kind: single\n    kind: multiple\n"))
    assert "key 'kind' appears twice" in only(problems, "appears twice")


def test_folder_deck_reads_question_files(tmp_path: Path) -> None:
    (tmp_path / "questions").mkdir()
    (tmp_path / "deck.yaml").write_text(HEADER.replace("questions:\n", ""))
    (tmp_path / "questions" / "a.yaml").write_text("questions:\n" + GOOD)
    (tmp_path / "questions" / "b.yaml").write_text("questions:\n" + GOOD)
    result = load_deck(tmp_path)
    [dup] = [str(p) for p in result.errors]
    assert "b.yaml:2: q1: question id used twice (first at" in dup and "a.yaml:2" in dup


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &x [1]\nb: *x\n", "anchors and aliases are not allowed"),
        ("a: !!python/object/apply:os.system ['true']\n", "tag not allowed"),
        ("a: [1, 2\n", "deck.yaml:2:"),
    ],
)
def test_unsafe_or_broken_yaml_is_refused_with_a_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "deck.yaml"
    path.write_text(text)
    with pytest.raises(CertdrillError, match=message):
        load_deck(path)


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [*a{i-1},*a{i-1},*a{i-1},*a{i-1},*a{i-1},*a{i-1},*a{i-1},*a{i-1},*a{i-1}]" for i in range(1, 10)]
    path = tmp_path / "deck.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CertdrillError, match="aliases are not allowed"):
        load_deck(path)


def test_file_over_the_size_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import certdrill.decks.format.safe_yaml as safe_yaml

    path = tmp_path / "deck.yaml"
    path.write_text(HEADER + GOOD)
    monkeypatch.setattr(safe_yaml, "MAX_YAML_BYTES", 100)
    with pytest.raises(CertdrillError, match="over the 0 MiB limit"):
        safe_yaml.read_yaml(path, max_bytes=100)


def test_control_characters_and_escapes_are_stripped(tmp_path: Path) -> None:
    noisy = GOOD.replace("prompt: Pick B.", 'prompt: "Pick \\e[31mB\\e[0m.\\x07"')
    path = tmp_path / "deck.yaml"
    path.write_text(HEADER + noisy)
    deck = load_deck(path).deck
    assert deck is not None
    assert deck.questions[0].prompt == "Pick B."


def test_verified_month_is_read_and_a_day_or_bad_month_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "deck.yaml"
    path.write_text(HEADER + textwrap.dedent(GOOD.replace("    explanation:", "    verified: 2026-11\n    explanation:")))
    loaded = load_deck(path)
    assert [str(p) for p in loaded.problems] == []
    assert loaded.deck is not None and loaded.deck.questions[0].verified == "2026-11"
    day = check(tmp_path, GOOD.replace("    explanation:", "    verified: 2026-11-03\n    explanation:"))
    assert only(day, "verified").endswith("deck.yaml:22: q1: 'verified' is a month like 2026-11, not a day")
    month = check(tmp_path, GOOD.replace("    explanation:", "    verified: 2026-13\n    explanation:"))
    assert only(month, "verified").endswith("deck.yaml:22: q1: 'verified' must be a month like 2026-12, not '2026-13'")
