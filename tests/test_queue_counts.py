"""Every count of what is left today (review header, deck summaries, start-up overview, `decks --json`)
equals what review actually serves, after bury, suspend, a day passing, a changed limit and answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, timedelta

import pytest

from certdrill.cli import main
from certdrill.storage.overview import read_overview
from certdrill.study.desk import StudyDesk
from certdrill.study.workspace import Workspace
from helpers import Clock


def counts(ws: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Due now plus new left today, as each place that shows it computes it."""
    desk = StudyDesk(ws)
    due, new = desk.queue_counts(["sample"])
    [summary] = desk.decks()
    [overview] = read_overview(ws.db_path, now=ws.now(), tz=ws.tz) or []
    monkeypatch.setattr("certdrill.cli.basic.open_workspace", lambda _args: ws)
    capsys.readouterr()
    assert main(["decks", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)["decks"]
    return {
        "review header": due + new,
        "deck summary": summary.due_now + summary.new_available,
        "deck summary, new left today": summary.due_now + summary.new_left_today,
        "start-up overview": overview.due_now + overview.new_available,
        "decks --json": listed["due_now"] + listed["new_left_today"],
    }


def served(ws: Workspace) -> int:
    """Drain today's review at a standing clock: every card served, answered Easy (out of today)."""
    desk = StudyDesk(ws)
    n = 0
    while (card := desk.next_card(["sample"])) is not None:
        desk.answer(card.card_id, card.question.correct_indices, rating=4)
        n += 1
        assert n < 100
    return n


def nothing(desk: StudyDesk, clock: Clock) -> None:
    pass


def bury_then_a_day_passes(desk: StudyDesk, clock: Clock) -> None:
    desk.bury(1)
    clock.now = clock.now.replace(hour=4) + timedelta(days=1)  # the next study day's first moment


def bury_today(desk: StudyDesk, clock: Clock) -> None:
    desk.bury(1)
    clock.now = clock.now.replace(hour=3, minute=59) + timedelta(days=1)  # still the same study day


def suspend(desk: StudyDesk, clock: Clock) -> None:
    desk.set_suspended(2, True)


def suspend_then_unsuspend(desk: StudyDesk, clock: Clock) -> None:
    desk.set_suspended(2, True)
    desk.set_suspended(2, False)


def a_deck_limit_above_its_questions(desk: StudyDesk, clock: Clock) -> None:
    desk.set_deck_new_limit("sample", 9999)
    desk.answer(1, [1])


def a_deck_limit_of_two_with_one_started(desk: StudyDesk, clock: Clock) -> None:
    desk.set_deck_new_limit("sample", 2)
    desk.answer(1, [1])
    clock.advance(minutes=30)  # its learning step is due now


def answers_over_two_days(desk: StudyDesk, clock: Clock) -> None:
    desk.answer(1, [0])  # wrong: back in a minute
    desk.answer(2, [0, 2])
    desk.answer(3, rating=4)
    clock.advance(minutes=30)
    desk.answer(1, [1])
    clock.advance(days=4)  # reviews fall due


def an_exam_date_paces_new_questions(desk: StudyDesk, clock: Clock) -> None:
    desk.set_deck_new_limit("sample", 1)
    desk.set_exam_date("sample", (clock.now + timedelta(days=9)).date(), 30)


@pytest.mark.parametrize("steps", [
    nothing, bury_then_a_day_passes, bury_today, suspend, suspend_then_unsuspend, a_deck_limit_above_its_questions,
    a_deck_limit_of_two_with_one_started, answers_over_two_days, an_exam_date_paces_new_questions,
], ids=lambda f: f.__name__)
def test_every_count_is_what_review_serves(
    workspace: Workspace, clock: Clock, steps: Callable[[StudyDesk, Clock], None],
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    steps(StudyDesk(workspace), clock)
    shown = counts(workspace, capsys, monkeypatch)
    assert shown == dict.fromkeys(shown, served(workspace))


def test_a_question_buried_yesterday_is_counted_today(workspace: Workspace, clock: Clock) -> None:
    desk = StudyDesk(workspace)
    desk.bury(1)
    assert desk.queue_counts(["sample"]) == (0, 3)
    clock.advance(days=1)
    assert desk.queue_counts(["sample"]) == (0, 4)
    assert (card := desk.next_card(["sample"])) is not None and card.card_id == 1


def test_new_left_today_is_what_is_left_not_the_limit(workspace: Workspace) -> None:
    desk = StudyDesk(workspace)
    desk.set_deck_new_limit("sample", 9999)
    desk.answer(1, [1])
    [summary] = desk.decks()
    assert summary.new_left_today == summary.new_available == 3


def test_the_rollover_hour_in_the_learners_timezone_ends_a_bury(
    make_workspace: Callable[..., Workspace], clock: Clock,
) -> None:
    from datetime import timezone

    new_york = timezone(timedelta(hours=-5))
    desk = StudyDesk(make_workspace(tz=new_york))
    desk.bury(1)  # 04:00 in New York is 09:00 UTC
    clock.now = clock.now.replace(hour=8, minute=59, tzinfo=UTC) + timedelta(days=1)
    assert desk.queue_counts(["sample"]) == (0, 3)
    clock.advance(minutes=1)
    assert desk.queue_counts(["sample"]) == (0, 4)


def test_a_deck_limit_out_of_range_or_for_no_deck_is_refused(workspace: Workspace) -> None:
    from certdrill.errors import CertdrillError

    desk = StudyDesk(workspace)
    with pytest.raises(CertdrillError, match="between 0 and 9999, not -1"):
        desk.set_deck_new_limit("sample", -1)
    with pytest.raises(CertdrillError, match="no deck 'nope'"):
        desk.set_deck_new_limit("nope", 5)
    assert desk.queue_counts(["sample"]) == (0, 4)


@pytest.mark.parametrize("steps", [
    nothing, bury_today, suspend, a_deck_limit_of_two_with_one_started, answers_over_two_days,
], ids=lambda f: f.__name__)
def test_readiness_counts_due_cards_as_review_serves_them(
    workspace: Workspace, clock: Clock, steps: Callable[[StudyDesk, Clock], None],
) -> None:
    """Readiness's due count (and its "review N due cards" action) is the review queue's: a learning step
    due within the learn-ahead minutes is due, a buried or suspended card is not."""
    desk = StudyDesk(workspace)
    steps(desk, clock)
    desk.answer(4, [1])  # a new question answered right: its learning step is due in minutes, not now
    due, _ = desk.queue_counts(["sample"])
    assert sum(d.due for d in desk.readiness("sample").domains) == due
