"""The rollover hour setting: every "today" (queue counts, new per day, streaks, heatmap, bury, the
start-up overview) moves with it, because they all ask core.clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from certdrill.core.clock import StudyZone, day_start, study_date
from certdrill.errors import CertdrillError
from certdrill.storage.overview import read_overview
from certdrill.study.desk import StudyDesk
from certdrill.study.workspace import Workspace
from helpers import Clock


def late_evening_then_past_midnight(desk: StudyDesk, clock: Clock) -> None:
    """One new question answered at 23:30, then the clock at 00:30 the next calendar day."""
    clock.now = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)
    desk.answer(1, [1], rating=4)  # Easy: out of today's queue
    clock.now = datetime(2026, 11, 3, 0, 30, tzinfo=UTC)


def test_with_the_day_rolling_over_at_midnight_every_today_is_the_new_day(
    make_workspace: Callable[..., Workspace], clock: Clock,
) -> None:
    ws = make_workspace()
    desk = StudyDesk(ws)
    desk.save_setting("new_per_day", 1)
    desk.save_setting("rollover_hour", 0)
    late_evening_then_past_midnight(desk, clock)

    assert desk.today().isoformat() == "2026-11-03"
    [summary] = desk.decks()
    assert (summary.reviews_today, summary.new_left_today) == (0, 1)  # yesterday's new question is yesterday's
    assert desk.queue_counts(["sample"]) == (0, 1)
    assert desk.streak("sample") == 1  # yesterday counts; today is still open
    assert desk.daily_counts(7, "sample") == {"2026-11-02": 1}
    assert desk.stats().reviews_today == 0
    [overview] = read_overview(ws.db_path, now=clock.now, tz=UTC) or []  # start-up reads the setting itself
    assert (overview.reviews_today, overview.new_available) == (0, 1)
    desk.bury(2)
    clock.now = datetime(2026, 11, 4, 0, 0, tzinfo=UTC)  # midnight: the next study day, the bury is over
    assert 2 in {c for c in _served_ids(desk)}


def test_with_the_default_hour_past_midnight_is_still_yesterday(
    make_workspace: Callable[..., Workspace], clock: Clock,
) -> None:
    desk = StudyDesk(make_workspace())
    desk.save_setting("new_per_day", 1)
    late_evening_then_past_midnight(desk, clock)
    assert desk.today().isoformat() == "2026-11-02"
    [summary] = desk.decks()
    assert (summary.reviews_today, summary.new_left_today) == (1, 0)


def test_the_rollover_hour_is_kept_for_the_next_start(make_workspace: Callable[..., Workspace], clock: Clock) -> None:
    StudyDesk(make_workspace()).save_setting("rollover_hour", 6)
    ws = make_workspace()
    assert ws.settings().rollover_hour == 6
    clock.now = datetime(2026, 11, 3, 5, 59, tzinfo=UTC)
    assert StudyDesk(ws).today().isoformat() == "2026-11-02"


@pytest.mark.parametrize("hour", [-1, 24])
def test_a_rollover_hour_outside_the_day_is_refused(workspace: Workspace, hour: int) -> None:
    with pytest.raises(CertdrillError, match="rollover_hour must be between 0 and 23"):
        StudyDesk(workspace).save_setting("rollover_hour", hour)


def test_a_study_zone_shows_local_time_like_its_timezone() -> None:
    from zoneinfo import ZoneInfo

    new_york = ZoneInfo("America/New_York")
    zone = StudyZone(new_york, 0)
    moment = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST, the second 01:30 of the DST change
    assert moment.astimezone(zone).utcoffset() == moment.astimezone(new_york).utcoffset() == timedelta(hours=-5)
    assert study_date(moment, zone) == "2026-11-01"
    assert study_date(moment, new_york) == "2026-10-31"  # before 04:00
    assert day_start(moment, zone) == datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # midnight EDT


def _served_ids(desk: StudyDesk) -> list[int]:
    ids: list[int] = []
    while (card := desk.next_card(["sample"], exclude=ids)) is not None:
        ids.append(card.card_id)
    return ids
