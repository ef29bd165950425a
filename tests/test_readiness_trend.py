"""The dashboard's readiness trend (issues #13 and #18): each day's point is the per-question readiness at the
end of that day, and past days come from a cache only while nothing they depend on has changed."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from certdrill.core import scheduling
from certdrill.core.clock import study_date
from certdrill.core.exam_readiness import assess
from certdrill.core.scheduling import SchedulerSettings
from certdrill.storage.timefmt import to_db_time
from certdrill.study import readiness_trend, trend_cache
from certdrill.study.readiness import (
    TREND_DRAWS,
    ReadinessPoint,
    _evidence,
    _load,
    _time,
    exam_moment,
    readiness_history,
    study_days,
)
from certdrill.study.workspace import Workspace
from test_readiness_fast import DECK, NOW, build_collection


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("trend")
    build_collection(root).close()
    return root


@pytest.fixture
def collection(built: Path, tmp_path: Path) -> Iterator[Workspace]:
    """A private copy of the learner's collection (tests change its history)."""
    shutil.copytree(built / "data", tmp_path / "data")
    ws = Workspace.open(tmp_path / "data", clock=lambda: NOW, tz=UTC, bundled_root=tmp_path / "none")
    yield ws
    ws.close()


def per_question(con: sqlite3.Connection, *, tz: tzinfo, days: int, exam_date: date | None = None) -> list[ReadinessPoint]:
    """The trend as it was computed before (issue #18): every answer loaded, each day judged question by question."""
    history = _load(con, DECK)
    scheduler = scheduling.make_scheduler(SchedulerSettings(fuzz=False))
    exam_at = exam_moment(exam_date, tz) if exam_date else None
    (first,) = con.execute("SELECT min(reviewed_at) FROM review WHERE deck_id = ? AND mode != 'exam'", (DECK,)).fetchone()
    points = []
    for label, end in study_days(_time(first), now=NOW, tz=tz, days=days):
        questions, reviews, mock = _evidence(history, at=end, scheduler=scheduler)
        r = assess(history.deck, questions=questions, reviews=reviews, mock=mock, now=end, exam_at=exam_at,
                   scheduler=scheduler, action_count=0, draws=TREND_DRAWS)
        points.append(ReadinessPoint(label, r.score.raw, r.score.raw_low, r.score.raw_high, r.score.p_pass,
                                     {d.id: d.estimate for d in r.domains}))
    return points


def assert_same_points(got: list[ReadinessPoint], expected: list[ReadinessPoint]) -> None:
    assert [p.day for p in got] == [p.day for p in expected]
    for g, e in zip(got, expected, strict=True):
        assert [g.raw, g.low, g.high, g.p_pass] == pytest.approx([e.raw, e.low, e.high, e.p_pass], abs=1e-9, rel=0), g.day
        assert g.domains == pytest.approx(e.domains, abs=1e-9, rel=0), g.day


@pytest.mark.parametrize(("zone", "exam_date"), [
    ("UTC", None),
    ("Europe/Berlin", date(2026, 11, 20)),  # the days cross the end of summer time (25 October)
])
def test_each_point_is_the_per_question_readiness_at_the_end_of_its_day(
        collection: Workspace, zone: str, exam_date: date | None) -> None:
    tz = ZoneInfo(zone)
    with collection.reading() as con:
        got = readiness_history(con, deck_id=DECK, now=NOW, tz=tz, days=40, exam_date=exam_date)
        expected = per_question(con, tz=tz, days=40, exam_date=exam_date)
    assert len(got) == 40
    assert_same_points(got, expected)


def trend(ws: Workspace, cache: Path | None, *, tz: tzinfo = UTC, **kwargs: Any) -> list[ReadinessPoint]:
    with ws.reading() as con:
        return readiness_history(con, deck_id=DECK, now=NOW, tz=tz, days=30, cache=cache, **kwargs)


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The days the trend computes (rather than reading them from the cache)."""
    days: list[str] = []
    compute = readiness_trend.trend_points

    def recording(*args: Any, **kwargs: Any) -> list[ReadinessPoint]:
        days.extend(label for label, _ in kwargs["days"])
        return compute(*args, **kwargs)

    monkeypatch.setattr(readiness_trend, "trend_points", recording)
    return days


def test_opening_the_app_again_computes_only_today_and_gives_the_same_trend(
        collection: Workspace, tmp_path: Path, computed: list[str]) -> None:
    cache = tmp_path / trend_cache.FILE_NAME
    first = trend(collection, cache)
    assert len(computed) == 30 and cache.is_file()
    computed.clear()
    again = trend(collection, cache)
    assert computed == [NOW.date().isoformat()]  # today's point is never kept: its day is not over
    assert_same_points(again, first)
    computed.clear()
    assert_same_points(trend(collection, None), first)


def a_past_answer(con: sqlite3.Connection, days_ago: int) -> tuple[int, str]:
    """(id, day) of a review answer made `days_ago` days before today."""
    since = to_db_time(NOW - timedelta(days=days_ago + 1))
    until = to_db_time(NOW - timedelta(days=days_ago))
    review_id, at = con.execute("SELECT id, reviewed_at FROM review WHERE deck_id = ? AND mode = 'review' AND "
                                "reviewed_at > ? AND reviewed_at < ? ORDER BY id LIMIT 1", (DECK, since, until)).fetchone()
    return review_id, study_date(datetime.fromisoformat(at), UTC)


def test_an_answer_arriving_late_by_sync_recomputes_its_day_and_the_days_after(
        collection: Workspace, tmp_path: Path, computed: list[str]) -> None:
    cache = tmp_path / trend_cache.FILE_NAME
    days = [p.day for p in trend(collection, cache)]
    con = sqlite3.connect(collection.db_path)
    with con:
        review_id, day = a_past_answer(con, 10)
        # Another device's answer to the same question, an hour later that day, merged in now.
        con.execute("INSERT INTO review (card_id, deck_id, reviewed_at, rating, correct, chosen, duration_ms, mode, "
                    "was_new, state_before) SELECT card_id, deck_id, strftime('%Y-%m-%dT%H:%M:%fZ', reviewed_at, "
                    "'+1 hour'), 1, 0, chosen, duration_ms, mode, 0, state_before FROM review WHERE id = ?", (review_id,))
    con.close()
    computed.clear()
    after = trend(collection, cache)
    assert computed == days[days.index(day):]  # that day to today
    computed.clear()
    assert_same_points(after, trend(collection, None))


def test_an_answer_taken_back_recomputes_its_day_and_the_days_after(
        collection: Workspace, tmp_path: Path, computed: list[str]) -> None:
    cache = tmp_path / trend_cache.FILE_NAME
    before = trend(collection, cache)
    con = sqlite3.connect(collection.db_path)
    with con:
        review_id, day = a_past_answer(con, 5)
        con.execute("DELETE FROM review WHERE id = ?", (review_id,))  # an undo, here or on another device
    con.close()
    computed.clear()
    after = trend(collection, cache)
    assert computed == [p.day for p in before][[p.day for p in before].index(day):]
    assert [p.day for p in after] == [p.day for p in before]
    computed.clear()
    assert_same_points(after, trend(collection, None))


def test_new_scheduler_settings_or_exam_date_recompute_every_day(
        collection: Workspace, tmp_path: Path, computed: list[str]) -> None:
    cache = tmp_path / trend_cache.FILE_NAME
    trend(collection, cache)
    computed.clear()
    trend(collection, cache, scheduler_settings=SchedulerSettings(desired_retention=0.85, fuzz=False))
    assert len(computed) == 30
    computed.clear()
    trend(collection, cache, exam_date=date(2026, 12, 1))
    assert len(computed) == 30


@pytest.mark.parametrize("damage", [
    "not json {",
    json.dumps({"format": "someone-else/1", "decks": {}}),
    "[]",
    "[" * 100_000,
    "BIG",
    "OUT OF RANGE",
    "WRONG KEY",
])
def test_a_damaged_or_foreign_cache_is_ignored_and_written_again(
        collection: Workspace, tmp_path: Path, computed: list[str], damage: str) -> None:
    cache = tmp_path / trend_cache.FILE_NAME
    honest = trend(collection, cache)
    data = json.loads(cache.read_text())
    if damage == "BIG":
        damage = " " * (trend_cache.MAX_BYTES + 1) + cache.read_text()
    elif damage == "OUT OF RANGE":  # every day claims a figure no readiness can have
        for entry in data["decks"][DECK].values():
            entry[1] = 7.5
        damage = json.dumps(data)
    elif damage == "WRONG KEY":  # figures kept under fingerprints of other inputs
        for entry in data["decks"][DECK].values():
            entry[0], entry[1] = "0" * 64, 0.0
        damage = json.dumps(data)
    cache.write_text(damage)
    computed.clear()
    again = trend(collection, cache)
    assert len(computed) == 30
    assert_same_points(again, honest)
    assert set(json.loads(cache.read_text())["decks"][DECK]) == {p.day for p in honest[:-1]}


def test_days_ending_at_the_half_hour_are_fingerprinted_by_the_minute(
        collection: Workspace, tmp_path: Path, computed: list[str]) -> None:
    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+05:30: each study day ends at half past an hour, UTC
    cache = tmp_path / trend_cache.FILE_NAME
    trend(collection, cache, tz=kolkata)
    con = sqlite3.connect(collection.db_path)
    with con:  # an answer taken back from the first half hour of a day, whose UTC hour began the day before
        for _, end in study_days(NOW - timedelta(days=20), now=NOW - timedelta(days=3), tz=kolkata, days=30)[-2::-1]:
            found = con.execute("SELECT id, reviewed_at FROM review WHERE deck_id = ? AND reviewed_at > ? AND "
                                "reviewed_at < ? LIMIT 1", (DECK, to_db_time(end), to_db_time(end + timedelta(minutes=30)))).fetchone()
            if found:
                break
        assert found is not None
        con.execute("DELETE FROM review WHERE id = ?", (found[0],))
    con.close()
    computed.clear()
    after = trend(collection, cache, tz=kolkata)
    assert computed[0] == study_date(datetime.fromisoformat(found[1]), kolkata)
    computed.clear()
    assert_same_points(after, trend(collection, None, tz=kolkata))


def test_a_stopped_trend_returns_at_once(collection: Workspace) -> None:
    assert trend(collection, None, stop=lambda: True) == []


def test_the_dashboard_keeps_its_trend_beside_the_database(collection: Workspace, computed: list[str]) -> None:
    from certdrill.study.desk import StudyDesk

    desk = StudyDesk(collection)
    first = desk.readiness_trend(DECK)
    assert (collection.db_path.parent / trend_cache.FILE_NAME).is_file()
    computed.clear()
    assert_same_points(desk.readiness_trend(DECK), first)
    assert computed == [NOW.date().isoformat()]


def test_a_cache_that_cannot_be_written_only_costs_the_time(collection: Workspace, tmp_path: Path) -> None:
    cache = tmp_path / "no-such-folder" / trend_cache.FILE_NAME
    assert_same_points(trend(collection, cache), trend(collection, None))
    assert not cache.parent.exists()
