"""Durations read one way everywhere, rounded once: the session summary, the mock exam's clock,
its time used, and a paused attempt's time left (issue #17)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rich.console import Console

from certdrill.study.session import Answered


@pytest.mark.parametrize(("seconds", "shown"), [
    (0, "0 s"), (0.49, "0 s"), (0.5, "1 s"), (2.6, "3 s"), (59.5, "1 min"), (120, "2 min"), (125, "2 min 05 s"),
    (3600, "1 h"), (3720, "1 h 02 min"), (3605, "1 h 00 min 05 s"), (-3, "0 s"),
])
def test_a_duration_names_its_units_and_rounds_to_the_nearest_second(seconds: float, shown: str) -> None:
    from certdrill.core.durations import format_duration

    assert format_duration(seconds) == shown


def test_a_countdown_shows_zero_only_when_the_time_is_up() -> None:
    from certdrill.core.durations import seconds_left

    assert seconds_left(0.4) == 1 and seconds_left(0.0) == 0 and seconds_left(-2) == 0


def plain(renderable: object, width: int = 80) -> str:
    console = Console(width=width, record=True, file=None, force_terminal=False)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def test_one_answer_takes_the_same_time_in_all_and_each() -> None:
    from certdrill.study.session_summary import summarize

    summary = summarize([Answered(1, "alpha", True, 2.6)], {})
    assert summary.time_line() == "1 answered in 3 s · 3 s each"


def test_the_summary_rows_add_up_when_flashcards_are_included() -> None:
    from certdrill.tui.screens.summary import summary_table

    answers = [Answered(1, "alpha", True, 10), Answered(3, "alpha", None, 5), Answered(2, "beta", False, 20),
               Answered(5, "gamma", None, 4)]
    text = plain(summary_table("Review", answers, {"alpha": "Alpha", "beta": "Beta", "gamma": "Gamma"}, 3))
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line.strip()}
    assert rows["Alpha"] == ["2", "1/1", "100%"]
    assert rows["Beta"] == ["1", "0/1", "0%"]
    assert rows["Gamma"] == ["1", "—"]  # only a self-rated flashcard: no verdict to count
    assert rows["All"] == ["4", "1/2", "50%"]  # 2 + 1 + 1
    assert "4 answered in 39 s · 10 s each · due tomorrow: 3" in text
    assert "2 flashcards you rated yourself" in text


def test_the_summary_rows_are_one_rule() -> None:
    from certdrill.study.session_summary import summarize

    answers = [Answered(1, "alpha", True, 10), Answered(3, "alpha", None, 5), Answered(2, "beta", False, 20)]
    summary = summarize(answers, {})
    assert sum(r.answered for r in summary.rows) == summary.total.answered


def test_time_used_is_never_more_than_the_time_allowed() -> None:
    from certdrill.study.exam import time_used

    two_minutes = timedelta(minutes=2)
    assert time_used(timedelta(minutes=2, seconds=20), two_minutes) == 120  # submitted in the grace period
    assert time_used(timedelta(seconds=75), two_minutes) == 75
