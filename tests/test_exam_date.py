"""Exam-date mode through the services and the CLI: pacing, review placement, clearing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from certdrill.cli import main
from certdrill.core import planner, scheduling
from certdrill.core.scheduling import REVIEW
from certdrill.errors import CertdrillError
from certdrill.storage.tables import CardRow, DeckRow
from certdrill.study import review
from certdrill.study.desk import StudyDesk
from certdrill.study.exam_date import exam_plan, set_exam_date
from certdrill.study.workspace import Workspace
from helpers import Clock


def set_date(ws: Workspace, days: int | None, minutes: int | None = 20) -> None:
    with ws.session() as s:
        set_exam_date(s, deck_id="sample", exam_date=None if days is None else date(2026, 11, 2) + timedelta(days=days),
                      minutes_per_day=minutes, today=date(2026, 11, 2))


def test_new_limit_rises_so_every_question_is_met_a_week_before(workspace: Workspace, clock: Clock) -> None:
    with workspace.session() as s:
        s.get(DeckRow, "sample").new_per_day = 0  # type: ignore[union-attr]
        s.commit()
    set_date(workspace, 9)  # two days before the lead week: 4 questions, 2 a day
    met: list[date] = []
    for _ in range(9):
        while (card := review.next_card(workspace.session(), deck_ids=["sample"], now=clock.now, tz=UTC, new_per_day=0)) is not None:
            if card.state.state == 0:
                met.append(clock.now.date())
            with workspace.session() as s:
                review.answer(s, card_id=card.card_id, rating=3, now=clock.now, scheduler_settings=workspace.scheduler_settings())
            clock.advance(minutes=11)
        clock.now = clock.now.replace(hour=9, minute=0) + timedelta(days=1)
    assert len(met) == 4
    assert max(met) <= date(2026, 11, 11) - timedelta(days=7)


def test_without_an_exam_date_the_new_limit_is_the_decks_own(workspace: Workspace) -> None:
    desk = StudyDesk(workspace)
    desk.set_deck_new_limit("sample", 1)
    assert desk.queue_counts(["sample"]) == (0, 1)


def test_a_review_before_the_exam_keeps_the_card_at_target_on_exam_day(workspace: Workspace, clock: Clock) -> None:
    set_date(workspace, 30)
    with workspace.session() as s:
        card = review.next_card(s, deck_ids=["sample"], now=clock.now, tz=UTC, new_per_day=20)
    assert card is not None
    for minutes in (0, 11):
        clock.advance(minutes=minutes)
        with workspace.session() as s:
            result = review.answer(s, card_id=card.card_id, chosen=list(card.question.correct_indices), now=clock.now,
                                   scheduler_settings=workspace.scheduler_settings())
    assert result.after.state == REVIEW and result.after.due is not None
    assert result.after.due < clock.now + timedelta(days=30)
    with workspace.session() as s:
        stored = s.get(CardRow, card.card_id)
        assert stored is not None and stored.due == result.after.due


def test_clearing_the_date_ends_the_plan(workspace: Workspace, clock: Clock) -> None:
    set_date(workspace, 30)
    with workspace.session() as s:
        plan = exam_plan(s, deck_id="sample", now=clock.now, tz=UTC)
    assert plan is not None and plan.minutes_per_day == 20 and plan.days_left == 30
    set_date(workspace, None)
    with workspace.session() as s:
        assert exam_plan(s, deck_id="sample", now=clock.now, tz=UTC) is None


def test_a_date_in_the_past_is_refused(workspace: Workspace) -> None:
    with pytest.raises(CertdrillError, match="not in the future"):
        set_date(workspace, -1)


def test_cli_sets_and_clears_the_exam_date(capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    assert main(["exam-date", "aws-mla-c02", "2099-01-01", "--minutes-per-day", "25", "--json"]) == 0
    out = capsys.readouterr()
    plan = json.loads(out.out)["plan"]
    assert plan["exam_date"] == "2099-01-01" and plan["minutes_per_day"] == 25 and plan["new_per_day"] >= 1
    assert out.err == ""  # a current exam: no warning
    # MLS-C01 is retired: the date is kept (a learner may set their own deadline), with a warning on stderr
    assert main(["exam-date", "aws-mls-c01", "2099-01-01", "--json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["plan"]["exam_date"] == "2099-01-01"
    assert out.err.strip() == ("certdrill: warning: MLS-C01 was retired on 2026-03-31 and can no longer be booked; "
                               "its successor deck is aws-mla-c02")
    assert main(["exam-date", "aws-mls-c01", "--clear"]) == 0
    assert "cleared" in capsys.readouterr().out
    assert main(["exam-date", "aws-mls-c01", "soon"]) == 1
    assert "must be a date" in capsys.readouterr().err


@pytest.mark.parametrize("hours", [14, -10])
def test_reviews_are_planned_towards_the_exam_morning_in_the_learners_timezone(
    make_workspace: Callable[..., Workspace], clock: Clock, monkeypatch: pytest.MonkeyPatch, hours: int,
) -> None:
    tz = timezone(timedelta(hours=hours))
    ws = make_workspace(tz=tz)
    set_date(ws, 30)
    asked: list[datetime] = []
    real = planner.exam_due

    def recording(*args: Any, **kwargs: Any) -> datetime | None:
        asked.append(kwargs["exam_at"])
        return real(*args, **kwargs)

    monkeypatch.setattr(planner, "exam_due", recording)
    desk = StudyDesk(ws)
    card = desk.next_card(["sample"])
    assert card is not None
    result = desk.answer(card.card_id, list(card.question.correct_indices))
    desk.rerate(result.review_id, 4)
    exam_morning = datetime(2026, 12, 2, 9, tzinfo=tz)  # the exam date, 09:00 where the learner is
    assert asked and all(at == exam_morning and at.utcoffset() == timedelta(hours=hours) for at in asked)


def test_rating_buttons_show_where_exam_date_mode_places_the_card(workspace: Workspace, clock: Clock) -> None:
    """The intervals on the rating buttons are the planner's, before and after answering, and
    re-rating stores exactly what the chosen button said."""
    set_date(workspace, 30)
    desk = StudyDesk(workspace)
    first = desk.next_card(["sample"])
    assert first is not None
    with workspace.session() as s:  # a card in review, due now, that FSRS would bring back well before the exam
        row = s.get(CardRow, first.card_id)
        assert row is not None
        row.state, row.step, row.stability, row.difficulty = REVIEW, None, 4.0, 5.0
        row.last_review, row.due = clock.now - timedelta(days=4), clock.now
        s.add(row)
        s.commit()
    card = desk.card(first.card_id)
    assert card.exam_date == "2026-12-02"
    before = desk.intervals(card)
    fsrs_own = scheduling.preview(card.state, clock.now, scheduling.make_scheduler(workspace.scheduler_settings()))
    assert before != fsrs_own  # the planner defers at least one rating's review towards the exam
    result = desk.answer(card.card_id, list(card.question.correct_indices))
    assert result.intervals() == before
    for rating in (1, 2, 3, 4):
        rerated = desk.rerate(result.review_id, rating)
        with workspace.session() as s:
            stored = s.get(CardRow, card.card_id)
            assert stored is not None and stored.due is not None
            assert stored.due - clock.now == before[rating] == rerated.intervals()[rating]


def test_re_rating_does_not_count_the_cards_own_first_placement_in_the_day_loads(
    workspace: Workspace, clock: Clock,
) -> None:
    """With room for one review a day (1 minute), a day holding one other card still has room.
    Re-rating must see the day as the first placement did, not fuller by the card itself."""
    set_date(workspace, 30, minutes=1)
    desk = StudyDesk(workspace)
    with workspace.session() as s:
        rows = [s.get(CardRow, i) for i in (1, 2)]
        for row in rows:
            assert row is not None
            row.state, row.step, row.stability, row.difficulty = REVIEW, None, 4.0, 5.0
            row.last_review, row.due = clock.now - timedelta(days=4), clock.now
            s.add(row)
        s.commit()
    target = desk.intervals(desk.card(1))[3]  # where Good would put card 1
    with workspace.session() as s:  # card 2 waits on that day already: load 1 of 1.4, room for one more
        other = s.get(CardRow, 2)
        assert other is not None
        other.due = clock.now + target
        s.add(other)
        s.commit()
    card = desk.card(1)
    assert desk.intervals(card)[3] == target
    result = desk.answer(1, list(card.question.correct_indices))
    assert result.rating == 3 and result.after.due == clock.now + target
    again = desk.rerate(result.review_id, 3)  # the same rating: the same day
    assert again.after.due == clock.now + target and again.intervals()[3] == target


def test_cli_without_a_date_shows_the_date_set_and_its_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exam-date", "aws-mla-c02"]) == 0
    assert capsys.readouterr().out.startswith("aws-mla-c02: no exam date set; normal scheduling")
    assert main(["exam-date", "aws-mla-c02", "2099-01-01", "--minutes-per-day", "25"]) == 0
    set_out = capsys.readouterr().out
    assert main(["exam-date", "aws-mla-c02"]) == 0
    assert capsys.readouterr().out == set_out  # the same plan, and nothing changed
    assert main(["exam-date", "aws-mla-c02", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["exam_date"] == "2099-01-01" and shown["plan"]["minutes_per_day"] == 25
    assert main(["exam-date", "aws-mla-c02", "--minutes-per-day", "40", "--json"]) == 0  # keeps the date
    changed = json.loads(capsys.readouterr().out)
    assert changed["exam_date"] == "2099-01-01" and changed["plan"]["minutes_per_day"] == 40
    assert main(["exam-date", "aws-mls-c01", "--minutes-per-day", "40"]) == 1
    assert "no exam date: give one" in capsys.readouterr().err


def test_exam_date_help_shows_the_date_as_optional(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["exam-date", "--help"])
    usage = capsys.readouterr().out
    assert "[YYYY-MM-DD]" in usage and "without it: show the date set" in usage
