"""The pure sync rules: the hybrid logical clock, the event lines and their check, last-writer-wins,
and a card's memory rebuilt from its answers with fsrs."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certdrill.core import planner, scheduling
from certdrill.core.memory import NEW, CardState
from certdrill.core.sync import clock
from certdrill.core.sync.check import SCHEMAS, Refused, parse_line, parse_lines
from certdrill.core.sync.events import Event, key_digest, state_data, state_from, state_json, time_text, to_line
from certdrill.core.sync.merge import in_order, last_writer, union
from certdrill.core.sync.replay import Answer, History, Rerate, Reset, follow_recorded, replay
from certdrill.storage.timefmt import to_db_time

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
DEV_A, DEV_B = "0000000a", "0000000b"
PLAIN = scheduling.make_scheduler(scheduling.SchedulerSettings(fuzz=False))
FUZZED = scheduling.make_scheduler(scheduling.SchedulerSettings(fuzz=True))


# -- the clock -------------------------------------------------------------------------------
def test_clock_ticks_past_both_the_wall_time_and_every_event_seen() -> None:
    seen = clock.at_time(T0 + timedelta(hours=12))  # from a device whose clock runs 12 h ahead
    mine = clock.tick(seen, T0)
    assert mine > seen
    assert clock.tick(0, T0) == clock.pack(clock.wall_ms(T0))


def test_own_events_never_reorder_when_the_wall_clock_steps_back() -> None:
    readings = [T0, T0 + timedelta(seconds=5), T0 - timedelta(hours=1), T0 - timedelta(hours=1), T0]
    last, clocks = 0, []
    for moment in readings:
        last = clock.tick(last, moment)
        clocks.append(last)
    assert clocks == sorted(clocks) and len(set(clocks)) == len(clocks)


def test_clock_packs_wall_time_and_counter_in_one_sortable_integer() -> None:
    assert clock.unpack(clock.pack(1_793_000_000_123, 7)) == (1_793_000_000_123, 7)
    assert clock.pack(5, 65535) < clock.pack(6, 0)
    assert clock.wall_time(clock.at_time(T0)) == T0


# -- lines ---------------------------------------------------------------------------------
STATE = [2, None, 12.5, 5.25, "2026-11-12T09:00:00.000000Z", "2026-11-02T09:00:00.000000Z", 3, 0]
CARD = {"deck": "aws-mla-c02", "q": "mla-de-0001"}
SAMPLES: dict[str, dict[str, Any]] = {
    "device": {"name": "laptop"},
    "answer": {**CARD, "mode": "review", "at": "2026-11-02T09:00:00.000000Z", "rating": 3, "correct": True,
               "chosen": [1], "ms": 7000, "key": "0123456789abcdef", "before": None, "after": STATE, "exam": None},
    "rerate": {**CARD, "answer": [DEV_A, 3], "rating": 2, "before": None, "after": STATE},
    "undo": {**CARD, "answer": [DEV_A, 3]},
    "flag": {**CARD, "value": True},
    "suspend": {**CARD, "value": False},
    "bury": {**CARD, "until": "2026-11-03T04:00:00.000000Z"},
    "reset": dict(CARD),
    "setting": {"key": "new_per_day", "value": 25},
    "exam_date": {"deck": "aws-mla-c02", "date": "2027-01-15", "minutes": 45},
    "new_limit": {"deck": "aws-mla-c02", "limit": None},
    "exam_start": {"deck": "aws-mla-c02", "at": "2026-11-02T09:00:00.000000Z", "minutes": 130, "seed": 7,
                   "questions": ["mla-de-0001", "mla-de-0002"]},
    "exam_answer": {"exam": [DEV_A, 9], "position": 1, "chosen": [0, 2], "flagged": True, "ms": 30000},
    "exam_submit": {"exam": [DEV_A, 9], "at": "2026-11-02T11:00:00.000000Z"},
    "deck_import": {"deck": "community", "sha256": "ab" * 32, "version": "1.0", "source": "/home/me/deck.apkg"},
    "bundled": {"deck": "aws-mla-c02", "version": "2026.12.0"},
}


def test_every_event_type_has_a_sample() -> None:
    assert set(SAMPLES) == set(SCHEMAS)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_every_event_type_travels_as_one_line_and_reads_back_equal(kind: str) -> None:
    event = Event(DEV_A, 12, clock.pack(1_793_000_000_000, 3), kind, SAMPLES[kind])
    line = to_line(event)
    assert "\n" not in line
    assert parse_line(line.encode(), device=DEV_A) == event


def line(**changes: Any) -> bytes:
    obj: dict[str, Any] = {"v": 1, "device": DEV_A, "seq": 1, "hlc": [1_793_000_000_000, 0], "type": "answer",
                           "data": dict(SAMPLES["answer"])}
    obj["data"].update(changes.pop("data", {}))
    obj.update(changes)
    return json.dumps(obj).encode()


@pytest.mark.parametrize(("raw", "reason"), [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "not a JSON object"),
    (b"\xff\xfe", "not valid JSON"),
    (line(v=2), "newer certdrill"),
    (line(extra=1), "not a certdrill event"),
    (line(device=DEV_B), "in the journal of"),
    (line(seq=0), "seq"),
    (line(seq=True), "seq"),
    (line(hlc=[1, 70000]), "hlc"),
    (line(hlc="soon"), "hlc"),
    (line(type="drop_table"), "unknown event type"),
    (line(data={"rating": 9}), "field rating"),
    (line(data={"rating": True}), "field rating"),
    (line(data={"deck": "../../etc"}), "field deck"),
    (line(data={"q": "x" * 500}), "field q"),
    (line(data={"at": "yesterday"}), "field at"),
    (line(data={"at": "2026-02-30T09:00:00.000000Z"}), "field at"),
    (line(data={"chosen": [1, 1]}), "field chosen"),
    (line(data={"chosen": list(range(100))}), "field chosen"),
    (line(data={"ms": -5}), "field ms"),
    (line(data={"mode": "cram"}), "field mode"),
    (line(data={"after": [2, None, "big", 1.0, None, None, 1, 0]}), "field after"),
    (line(data={"after": [2, None, float("nan"), 1.0, None, None, 1, 0]}), "not valid JSON"),
    (line(data={"surprise": 1}), "exactly the fields"),
    (line(data={"import": False}), "field import"),
    (line(data={"import": "yes"}), "field import"),
    (line(data={"import": True, "rating": 9}), "field rating"),
    (line(type="flag", data={"import": True}), "exactly the fields"),
    (line(type="device"), "exactly the fields"),
    (json.dumps({"v": 1, "device": DEV_A, "seq": 1, "hlc": [0, 0], "type": "device",
                 "data": {"name": "evil\x1b]0;pwned\x07"}}).encode(), "terminal escapes"),
    (json.dumps({"v": 1, "device": DEV_A, "seq": 1, "hlc": [0, 0], "type": "device",
                 "data": {"name": "x" * 65}}).encode(), "at most 64"),
    (b" " * 300_000, "longer than"),
])
def test_hostile_lines_are_refused_with_the_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(Refused, match=reason):
        parse_line(raw, device=DEV_A)


def test_event_times_are_written_as_the_database_writes_them() -> None:
    moment = T0 + timedelta(microseconds=17)
    assert time_text(moment) == to_db_time(moment)


def test_memory_state_travels_exactly() -> None:
    state = scheduling.review(CardState(), 3, T0, FUZZED)
    assert state_from(json.loads(json.dumps(state_data(state)))) == state


# -- last writer wins ----------------------------------------------------------------------------
def flag(device: str, seq: int, hlc: int, value: bool) -> Event:
    return Event(device, seq, hlc, "flag", {**CARD, "value": value})


def test_last_writer_wins_by_clock_and_the_device_id_breaks_a_tie() -> None:
    early, late = flag(DEV_B, 1, 100, True), flag(DEV_A, 7, 200, False)
    assert last_writer([late, early]) == late
    tie_a, tie_b = flag(DEV_A, 1, 300, True), flag(DEV_B, 1, 300, False)
    assert last_writer([tie_a, tie_b]) == last_writer([tie_b, tie_a]) == tie_b


def test_a_change_made_after_seeing_another_wins_even_against_a_clock_12_hours_ahead() -> None:
    ahead = flag(DEV_A, 1, clock.at_time(T0 + timedelta(hours=12)), True)
    later = flag(DEV_B, 1, clock.tick(ahead.hlc, T0 + timedelta(minutes=1)), False)
    assert last_writer([ahead, later]) == later


def test_union_counts_an_event_seen_twice_once() -> None:
    a, b = flag(DEV_A, 1, 10, True), flag(DEV_B, 1, 11, True)
    merged = union([a, b], [a], [b, a])
    assert sorted(merged) == [(DEV_A, 1), (DEV_B, 1)]
    assert in_order([b, a]) == [a, b]


# -- replaying a card ------------------------------------------------------------------------
def answered(device: str, seq: int, at: datetime, rating: int, before: CardState | None,
             scheduler: Any = PLAIN, **kw: Any) -> Answer:
    after = scheduling.review(before or CardState(), rating, at, scheduler) if before is not None else None
    return Answer((device, seq), clock.at_time(at) + seq, at, rating, before, after, **kw)


def chain(device: str, moments: list[datetime], ratings: list[int], scheduler: Any = FUZZED) -> list[Answer]:
    """Answers one device made in a row, each recorded with fsrs (fuzzed) from the state before."""
    state, out = CardState(), []
    for seq, (at, rating) in enumerate(zip(moments, ratings, strict=True), start=1):
        a = answered(device, seq, at, rating, state, scheduler)
        out.append(a)
        assert a.after is not None
        state = a.after
    return out


def from_scratch(steps: list[tuple[datetime, int]]) -> CardState:
    state = CardState()
    for at, rating in steps:
        state = scheduling.review(state, rating, at, PLAIN)
    return state


DAYS = [T0 + timedelta(days=d) for d in (0, 1, 4, 12, 30)]


def test_a_card_answered_on_one_device_replays_to_exactly_its_recorded_state() -> None:
    answers = chain(DEV_A, DAYS, [3, 3, 1, 3, 4])  # fuzzed, as the answering device stored them
    result = replay(History(answers=answers), PLAIN)
    assert result.state == answers[-1].after and result.recomputed == 0
    assert [s.before for s in result.steps] == [a.before for a in answers]


def test_an_answer_arriving_late_replays_the_card_in_clock_order() -> None:
    mine = chain(DEV_A, [DAYS[0], DAYS[2]], [3, 3], PLAIN)
    theirs = Answer((DEV_B, 1), clock.at_time(DAYS[1]), DAYS[1], 1, None, None)  # made elsewhere
    result = replay(History(answers=[*mine, theirs]), PLAIN)
    assert result.state == from_scratch([(DAYS[0], 3), (DAYS[1], 1), (DAYS[2], 3)])
    assert [s.answer for s in result.steps] == [(DEV_A, 1), (DEV_B, 1), (DEV_A, 2)]
    assert result.state.reps == 3


def test_replay_does_not_depend_on_the_order_events_arrived_in() -> None:
    answers = [*chain(DEV_A, DAYS[:3], [3, 1, 3]), *chain(DEV_B, DAYS[3:], [3, 4])]
    results = {replay(History(answers=list(p)), PLAIN).state for p in itertools.permutations(answers)}
    assert len(results) == 1


def test_undo_removes_exactly_the_answer_it_names() -> None:
    answers = chain(DEV_A, DAYS[:3], [3, 1, 3], PLAIN)
    result = replay(History(answers=answers, undone={(DEV_A, 2)}), PLAIN)
    assert result.state == from_scratch([(DAYS[0], 3), (DAYS[2], 3)])
    assert [s.answer for s in result.steps] == [(DEV_A, 1), (DEV_A, 3)]


def test_latest_rerate_sets_the_rating_and_the_card_replays() -> None:
    answers = chain(DEV_A, DAYS[:2], [3, 3], PLAIN)
    older = Rerate((DEV_A, 10), answers[0].hlc + 1, (DEV_A, 1), 4, None, None)
    newer = Rerate((DEV_B, 4), answers[0].hlc + 2, (DEV_A, 1), 1, None, None)
    result = replay(History(answers=answers, rerates=[newer, older]), PLAIN)
    assert result.state == from_scratch([(DAYS[0], 1), (DAYS[1], 3)])
    assert result.steps[0].rating == 1


def test_a_rerate_made_on_the_same_chain_keeps_its_recorded_state() -> None:
    (first,) = chain(DEV_A, DAYS[:1], [3])
    assert first.before is not None
    kept = scheduling.review(first.before, 4, first.at, FUZZED)
    rerate = Rerate((DEV_A, 2), first.hlc + 1, first.id, 4, first.before, kept)
    assert replay(History(answers=[first], rerates=[rerate]), PLAIN).state == kept


def test_an_answer_to_an_earlier_answer_key_is_kept_but_does_not_count_for_scheduling() -> None:
    old = chain(DEV_A, DAYS[:2], [3, 1], PLAIN)
    old = [Answer(a.id, a.hlc, a.at, a.rating, a.before, a.after, counts=False) for a in old]
    (new,) = chain(DEV_B, DAYS[2:3], [3], PLAIN)
    result = replay(History(answers=[*old, new]), PLAIN)
    expected = scheduling.review(CardState(reps=2, lapses=0), 3, DAYS[2], PLAIN)
    assert result.state == expected and result.state.reps == 3


def test_a_reset_forgets_the_memory_but_keeps_the_counts() -> None:
    answers = chain(DEV_A, DAYS[:2], [3, 3], PLAIN)
    reset = Reset((DEV_B, 1), answers[1].hlc + 1)
    result = replay(History(answers=answers, resets=[reset]), PLAIN)
    assert result.state.state == NEW and result.state.stability is None and result.state.reps == 2


def test_times_that_go_backwards_in_clock_order_are_held_in_time_order_for_fsrs() -> None:
    # B's clock is 12 hours behind, but B answered after seeing A's answer: its clock says later.
    (a,) = chain(DEV_A, [DAYS[1]], [3], PLAIN)
    b = Answer((DEV_B, 1), a.hlc + 1, DAYS[1] - timedelta(hours=12), 3, None, None)
    result = replay(History(answers=[a, b]), PLAIN)
    assert result.state.last_review == DAYS[1]


def test_a_recomputed_answer_in_exam_date_mode_is_placed_for_the_exam() -> None:
    # FSRS's due (day 60) comes after the exam (day 52), by when the card would fall below target: a top-up.
    exam_at = DAYS[3] + timedelta(days=40)
    answers = chain(DEV_A, DAYS[:4], [3, 3, 3, 3], PLAIN)
    placed = [Answer(a.id, a.hlc, a.at, a.rating, None, None, exam_at=exam_at) for a in answers]
    free = [Answer(a.id, a.hlc, a.at, a.rating, None, None) for a in answers]
    with_exam, without = replay(History(answers=placed), PLAIN).state, replay(History(answers=free), PLAIN).state
    assert with_exam.stability == without.stability
    assert with_exam.due == planner.exam_due(without, now=DAYS[3], exam_at=exam_at, scheduler=PLAIN) != without.due


def test_answer_keys_are_compared_by_a_short_digest() -> None:
    assert key_digest("single:4:1") == key_digest("single:4:1") != key_digest("single:4:2")
    assert len(key_digest("flashcard:" + "x" * 5000)) == 16


def test_a_replay_continued_from_where_it_stopped_equals_the_whole_replay() -> None:
    answers = [*chain(DEV_A, DAYS[:3], [3, 1, 3]), *chain(DEV_B, DAYS[3:], [3, 4])]
    head = replay(History(answers=answers[:2]), PLAIN)
    tail = replay(History(answers=answers[2:]), PLAIN, start=head.state, last_at=answers[1].at)
    whole = replay(History(answers=answers), PLAIN)
    assert tail.state == whole.state and head.steps + tail.steps == whole.steps


def test_following_recorded_answers_gives_what_replay_gives_without_fsrs() -> None:
    answers = chain(DEV_A, DAYS, [3, 1, 3, 3, 4])
    recorded = [(state_data(a.before), state_data(a.after), time_text(a.at), True) for a in answers]
    final, befores = follow_recorded(state_data(CardState()) or [], recorded, None)
    whole = replay(History(answers=answers), PLAIN)
    assert state_from(final) == whole.state and [state_from(b) for b in befores] == [s.before for s in whole.steps]


def test_following_recorded_answers_stops_where_the_chain_breaks() -> None:
    answers = chain(DEV_A, DAYS[:3], [3, 3, 3])
    recorded = [(state_data(a.before), state_data(a.after), time_text(a.at), True) for a in answers]
    start = state_data(CardState()) or []
    assert follow_recorded(start, [recorded[0], recorded[2]], None) == (recorded[0][1], [start])  # one is missing
    assert follow_recorded(start, [(*recorded[0][:3], False)], None) == (start, [])  # made under an older key
    assert follow_recorded(start, recorded[:1], time_text(DAYS[1])) == (start, [])  # older than the card's last


def test_a_state_is_stored_as_json_dumps_of_its_json_would_store_it() -> None:
    for state in [CardState(), *(a.after for a in chain(DEV_A, DAYS, [3, 1, 3, 3, 4]))]:
        assert state is not None
        assert state_json(state_data(state)) == json.dumps(state.to_json())
    whole_seconds = CardState(2, None, 3.0, 5.0, T0, T0, 1, 0)
    assert state_json(state_data(whole_seconds)) == json.dumps(whole_seconds.to_json())


def test_many_lines_parse_as_each_line_alone_would() -> None:
    good = [to_line(Event(DEV_A, i, clock.pack(1_793_000_000_000, i), k, SAMPLES[k])).encode()
            for i, k in enumerate(sorted(SAMPLES), start=1)]
    lines = [*good, b"{not json", b"1, 2", line(seq=3), good[0]]
    one_by_one = []
    for raw in lines:
        try:
            one_by_one.append(parse_line(raw, device=DEV_A))
        except Refused as exc:
            one_by_one.append(exc)
    together = parse_lines(lines, device=DEV_A)
    assert [repr(x) if isinstance(x, Refused) else x for x in together] == [
        repr(x) if isinstance(x, Refused) else x for x in one_by_one]
    assert parse_lines(good, device=DEV_A) == [parse_line(raw, device=DEV_A) for raw in good]


def test_a_stored_state_reads_back_in_event_form_exactly() -> None:
    from certdrill.core.sync.events import stored_state_data

    states = [CardState(), CardState(2, None, 3.0, 5.0, T0, T0, 1, 0),
              *(a.after for a in chain(DEV_A, DAYS, [3, 1, 3, 3, 4]))]
    for state in states:
        assert state is not None
        assert stored_state_data(json.dumps(state.to_json())) == state_data(state)


# -- the quick paths of a first sync give what the plain ones give -------------------------------
_odd_values = st.one_of(st.none(), st.booleans(), st.integers(-3, 70), st.floats(allow_nan=False),
                        st.text(max_size=12), st.lists(st.integers(-1, 70), max_size=4),
                        st.sampled_from(["review", "exam", "big", "q-1", "2026-11-02T09:00:00.000000Z",
                                         "2026-02-30T09:00:00.000000Z", "0123456789ABCDEF"]))
_state_values = st.lists(st.one_of(st.none(), st.integers(-1, 4), st.floats(-1, 2e9, allow_nan=False),
                                   st.sampled_from(["2026-11-12T09:00:00.000000Z", "2026-13-12T09:00:00.000000Z"])),
                         min_size=7, max_size=9)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(SAMPLES["answer"])), st.one_of(_odd_values, _state_values), max_size=3))
def test_the_quick_answer_check_passes_exactly_what_each_field_check_passes(changes: dict[str, Any]) -> None:
    from certdrill.core.sync.check import _plain_answer

    data = {**SAMPLES["answer"], "before": list(STATE), **changes}
    each_field = True
    for name, check in SCHEMAS["answer"].items():
        try:
            check(data[name])
        except Refused:
            each_field = False
    assert _plain_answer(data) == each_field


_times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))


@settings(max_examples=300, deadline=None)
@given(st.builds(CardState, st.integers(0, 3), st.none() | st.integers(0, 1000),
                 st.none() | st.floats(0, 1e9) | st.integers(0, 10**9).map(float), st.none() | st.floats(0, 1e3),
                 st.none() | _times, st.none() | _times, st.integers(0, 10**6), st.integers(0, 10**6)))
def test_a_state_before_is_stored_as_json_dumps_writes_it(state: CardState) -> None:
    assert state_json(state_data(state)) == json.dumps(state.to_json())


def test_lines_that_are_not_one_json_value_each_are_refused_even_when_they_offset_each_other() -> None:
    """A journal line holding two events, then two lines that join into one value: read as one
    array they would line up again, and the events would be taken for lines they are not in."""
    good = [to_line(Event(DEV_A, i, clock.pack(1_793_000_000_000, i), "flag", SAMPLES["flag"])).encode()
            for i in range(1, 5)]
    two_in_one, opens, closes = good[0] + b"," + good[1], b'{"k":[' + good[2], good[3] + b"]}"
    nested = b'{"a":' * 20_000 + b"1" + b"}" * 20_000  # the JSON decoder recurses once a level
    lines = [two_in_one, opens, closes, nested, b" " + good[0] + b" \r", good[0]]
    parsed = parse_lines(lines, device=DEV_A)
    assert [str(p) if isinstance(p, Refused) else p.seq for p in parsed] == [
        "not valid JSON", "not valid JSON", "not valid JSON", "nested too deeply", 1, 1]
    with pytest.raises(Refused, match="nested too deeply"):
        parse_line(nested, device=DEV_A)
