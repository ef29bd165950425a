"""The command line: JSON shapes, exit codes, and one clear line for every user mistake."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from certdrill.cli import main
from certdrill.core.clock import study_date
from helpers import SAMPLE_DECKS


def run(*args: str, env_home: Path) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point in a child process (the bundled decks of the repo)."""
    import os

    env = dict(os.environ, CERTDRILL_HOME=str(env_home))
    return subprocess.run([sys.executable, "-m", "certdrill", *args], capture_output=True, text=True, env=env, timeout=120)


def test_check_exits_zero_on_a_good_deck(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SAMPLE_DECKS / "sample")]) == 0
    assert "4 questions, 0 errors, 0 warnings" in capsys.readouterr().out


def test_check_exits_one_and_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "deck.yaml"
    bad.write_text((SAMPLE_DECKS / "sample" / "deck.yaml").read_text().replace("correct: true, why: Prime", "corect: true, why: Prime", 1))
    assert main(["check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:47: s-2: unknown key 'corect'" in out


def test_check_stats_prints_the_quality_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--stats", str(SAMPLE_DECKS / "sample")]) == 0
    out = capsys.readouterr().out
    assert "correct position (4-choice single, n=1): A 0%  B 100%  C 0%  D 0%" in out
    assert "missing references: 0" in out


def test_decks_json_shape(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--data-dir", str(tmp_path / "d"), "import", str(SAMPLE_DECKS / "sample")]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(tmp_path / "d"), "decks", "--json"]) == 0
    decks = {d["id"]: d for d in json.loads(capsys.readouterr().out)["decks"]}
    sample = decks["sample"]
    assert sample["questions"] == 4 and sample["new_available"] == 4 and sample["due_now"] == 0
    assert sample["unseen"] == 4


def test_decks_count_every_unseen_question_not_only_today_s_new_ones(capsys: pytest.CaptureFixture[str],
                                                                     tmp_path: Path) -> None:
    home = ["--data-dir", str(tmp_path / "d")]
    assert main([*home, "import", str(SAMPLE_DECKS / "sample")]) == 0
    from certdrill.study.desk import StudyDesk
    from certdrill.study.workspace import Workspace

    ws = Workspace.open(tmp_path / "d")
    try:
        desk = StudyDesk(ws)
        desk.save_setting("new_per_day", 1)
        card = desk.next_card(["sample"])
        assert card is not None
        desk.answer(card.card_id, list(card.question.correct_indices) or [0])
    finally:
        ws.close()
    capsys.readouterr()
    assert main([*home, "decks", "--json"]) == 0
    sample = {d["id"]: d for d in json.loads(capsys.readouterr().out)["decks"]}["sample"]
    assert (sample["new_left_today"], sample["unseen"]) == (0, 3)
    assert main([*home, "decks"]) == 0
    assert "0 new available today · 3 never seen" in capsys.readouterr().out
    assert [(d["id"], d["questions"]) for d in sample["domains"]] == [("alpha", 2), ("beta", 2)]
    assert sample["exam"]["code"] == "SMP-01" and sample["exam"]["pass"]["estimated"] is True


def test_import_dry_run_then_real(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    home = ["--data-dir", str(tmp_path / "d")]
    assert main([*home, "import", "--dry-run", str(SAMPLE_DECKS / "sample")]) == 0
    assert "dry run, nothing written: sample 1: 4 added" in capsys.readouterr().out
    assert main([*home, "import", str(SAMPLE_DECKS / "sample")]) == 0
    assert "imported sample 1: 4 added" in capsys.readouterr().out
    assert main([*home, "import", str(SAMPLE_DECKS / "sample")]) == 0
    assert "nothing to change" in capsys.readouterr().out


def test_stats_json_shape(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--data-dir", str(tmp_path / "d"), "stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"reviews_total", "reviews_today", "streak_days", "accuracy_30d", "cards_by_state",
                         "daily_reviews", "due_forecast"}
    assert len(data["due_forecast"]) == 30


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "/no/such/deck.yaml"], "/no/such/deck.yaml"),
        (["check", "/no/such/folder"], "/no/such/folder: no such file or folder"),
    ],
)
def test_user_mistakes_give_one_line_and_exit_one(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(*args, env_home=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert message in result.stdout + result.stderr
    assert "no such file" in (result.stdout + result.stderr).lower()
    assert len((result.stdout + result.stderr).strip().splitlines()) == 1


def test_import_of_a_broken_deck_is_refused_whole(tmp_path: Path) -> None:
    bad = tmp_path / "deck.yaml"
    bad.write_text((SAMPLE_DECKS / "sample" / "deck.yaml").read_text().replace("kind: multiple", "kind: multi"))
    result = run("import", str(bad), env_home=tmp_path / "h")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "kind must be single, multiple or flashcard, not 'multi'" in result.stderr
    listed = run("decks", "--json", env_home=tmp_path / "h")
    assert "sample" not in [d["id"] for d in json.loads(listed.stdout)["decks"]]


def test_every_command_has_help() -> None:
    for command in ("decks", "check", "import", "stats"):
        with pytest.raises(SystemExit) as exit_info:
            main([command, "--help"])
        assert exit_info.value.code == 0


def test_review_and_exam_refuse_an_unknown_deck(tmp_path: Path) -> None:
    for args in (["review", "--deck", "nope"], ["exam", "nope"]):
        result = run(*args, env_home=tmp_path)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith("certdrill: no deck 'nope' (decks: ")


def test_counts_of_one_read_in_the_singular(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from certdrill.core.text import counted

    assert (counted(1, "day"), counted(0, "day"), counted(2, "answer")) == ("1 day", "0 days", "2 answers")
    local = datetime.now().astimezone().tzinfo or UTC
    today = date.fromisoformat(study_date(datetime.now(UTC), local))  # the CLI's study day
    assert main(["--data-dir", str(tmp_path / "d"), "exam-date", "aws-mla-c02",
                 (today + timedelta(days=1)).isoformat()]) == 0
    assert "(1 day);" in capsys.readouterr().out


def test_check_counts_the_questions_without_errors_when_a_deck_has_some(
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    deck = tmp_path / "deck.yaml"
    deck.write_text(
        "format: certdrill/1\nid: bad\ntitle: Bad\nversion: '1'\ndomains: [{id: d, name: D, weight: 1}]\n"
        "questions:\n"
        "  - {id: b-1, domain: d, kind: flashcard, prompt: 'Q?', answer: 'A.', explanation: 'E.', verified: 2026-11,"
        " references: ['https://example.org/a']}\n"
        "  - {id: b-2, domain: nope, kind: flashcard, prompt: 'Q2?', answer: 'A.', explanation: 'E.',"
        " references: ['https://example.org/b']}\n",
        encoding="utf-8",
    )
    assert main(["check", str(deck)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == f"{deck}: 1 question without errors, 1 error, 0 warnings"


def test_output_cut_short_by_the_reader_is_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """`certdrill decks | head -1`: the reader leaves early; certdrill stops quietly."""
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line
    with capsys.disabled(), open(write_end, "w", buffering=1) as closed_pipe:
        monkeypatch.setattr(sys, "stdout", closed_pipe)
        code = main(["--data-dir", str(tmp_path / "d"), "decks"])
        monkeypatch.undo()
    assert code == 141  # quietly: no traceback (pytest would show the exception instead)
