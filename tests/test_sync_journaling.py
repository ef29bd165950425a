"""Every learner change is journaled as a sync event by the service that makes it, in the same
transaction, whichever way it comes in (the desk below stands for the TUI, the CLI and scripts)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from certdrill.core.sync.check import parse_line
from certdrill.core.sync.events import key_digest, line_text, state_data
from certdrill.errors import CertdrillError
from certdrill.study.desk import StudyDesk
from certdrill.study.workspace import Workspace
from helpers import Clock


def events(ws: Workspace) -> list[dict[str, Any]]:
    """The event table, oldest first, each with its data parsed."""
    con = sqlite3.connect(ws.db_path)
    try:
        rows = con.execute("SELECT device, seq, hlc, type, deck, item, data, applied FROM event ORDER BY seq").fetchall()
    finally:
        con.close()
    return [{"device": d, "seq": s, "hlc": h, "type": t, "deck": dk, "item": i, "data": json.loads(x), "applied": a,
             "line": line_text(d, s, h, t, x)} for d, s, h, t, dk, i, x, a in rows]


def changes(ws: Workspace) -> list[dict[str, Any]]:
    """The events after those the workspace made when it opened (its bundled decks)."""
    return [e for e in events(ws) if e["type"] != "bundled"]


def card_id(ws: Workspace, qid: str) -> int:
    con = sqlite3.connect(ws.db_path)
    try:
        return int(con.execute("SELECT pk FROM question WHERE qid = ?", (qid,)).fetchone()[0])
    finally:
        con.close()


def review_origin(ws: Workspace, review_id: int) -> tuple[str, int, int]:
    con = sqlite3.connect(ws.db_path)
    try:
        device, seq, hlc = con.execute("SELECT device, seq, hlc FROM review WHERE id = ?", (review_id,)).fetchone()
        return device, seq, hlc
    finally:
        con.close()


@pytest.fixture
def desk(workspace: Workspace) -> StudyDesk:
    return StudyDesk(workspace)


def test_an_answer_travels_with_what_replaying_it_needs(desk: StudyDesk, workspace: Workspace) -> None:
    card = desk.card(card_id(workspace, "s-1"))
    result = desk.answer(card.card_id, [1], duration_ms=4200)
    (event,) = changes(workspace)
    assert event["type"] == "answer" and (event["deck"], event["item"]) == ("sample", "s-1")
    data = event["data"]
    assert data["mode"] == "review" and data["rating"] == 3 and data["correct"] is True
    assert data["chosen"] == [1] and data["ms"] == 4200 and data["exam"] is None
    assert data["key"] == key_digest("single:4:1")
    assert data["before"] == state_data(result.before) and data["after"] == state_data(result.after)
    assert review_origin(workspace, result.review_id) == (event["device"], event["seq"], event["hlc"])


def test_a_practice_answer_travels_without_memory_states(desk: StudyDesk, workspace: Workspace) -> None:
    desk.answer(card_id(workspace, "s-1"), [0], mode="practice")
    (event,) = changes(workspace)
    assert event["data"]["mode"] == "practice" and event["data"]["before"] is None and event["data"]["after"] is None


def test_a_rerate_and_an_undo_name_the_answer_they_change(desk: StudyDesk, workspace: Workspace) -> None:
    result = desk.answer(card_id(workspace, "s-1"), [1])
    rerated = desk.rerate(result.review_id, 4)
    desk.undo_answer(result.review_id)
    answer, rerate, undo = changes(workspace)
    named = [answer["device"], answer["seq"]]
    assert rerate["type"] == "rerate" and rerate["data"]["answer"] == named and rerate["data"]["rating"] == 4
    assert rerate["data"]["after"] == state_data(rerated.after)
    assert undo["type"] == "undo" and undo["data"]["answer"] == named and undo["item"] == "s-1"


def test_undo_of_the_latest_answer_without_a_session_is_journaled(desk: StudyDesk, workspace: Workspace) -> None:
    desk.answer(card_id(workspace, "s-1"), [1])
    desk.undo(["sample"])
    assert [e["type"] for e in changes(workspace)] == ["answer", "undo"]


def test_flag_suspend_bury_and_reset_are_journaled_with_their_values(desk: StudyDesk, workspace: Workspace,
                                                                     clock: Clock) -> None:
    cid = card_id(workspace, "s-2")
    desk.set_flagged(cid, True)
    desk.set_suspended(cid, True)
    desk.set_suspended(cid, False)
    desk.bury(cid)
    desk.unbury(cid)
    desk.reset(cid)
    got = [(e["type"], {k: v for k, v in e["data"].items() if k not in ("deck", "q")}) for e in changes(workspace)]
    assert got == [("flag", {"value": True}), ("suspend", {"value": True}), ("suspend", {"value": False}),
                   ("bury", {"until": "2026-11-03T04:00:00.000000Z"}), ("bury", {"until": None}), ("reset", {})]
    assert {(e["deck"], e["item"]) for e in changes(workspace)} == {("sample", "s-2")}


def test_settings_travel_but_this_device_s_theme_and_sync_folder_stay(desk: StudyDesk, workspace: Workspace) -> None:
    desk.save_setting("new_per_day", 12)
    desk.save_setting("desired_retention", 0.85)
    desk.save_setting("theme", "nord")
    desk.save_setting("sync_folder", "/tmp/shared")
    assert [(e["type"], e["item"], e["data"]["value"]) for e in changes(workspace)] == [
        ("setting", "new_per_day", 12), ("setting", "desired_retention", 0.85)]


def test_the_hour_the_study_day_starts_travels_as_a_setting(desk: StudyDesk, workspace: Workspace) -> None:
    desk.save_setting("rollover_hour", 6)
    (event,) = changes(workspace)
    assert (event["type"], event["item"], event["data"]) == ("setting", "rollover_hour", {"key": "rollover_hour", "value": 6})
    parse_line(event["line"].encode(), device=event["device"])


def test_history_read_by_an_import_travels_as_answers_marked_imported(desk: StudyDesk, workspace: Workspace,
                                                                      tmp_path: Path) -> None:
    from anki_packages import mcq, write_package
    from certdrill.study.importing import ImportOptions, import_source
    from test_import_anki import _with_revlog

    desk.answer(card_id(workspace, "s-1"), [1])  # answered here: not imported
    source = _with_revlog(write_package(tmp_path / "h.apkg", {"Hist": [mcq("Q?", ["a", "b"], "A", guid="h1")]}))
    with workspace.session() as s:
        import_source(s, source=str(source), options=ImportOptions(with_history=True), now=workspace.now())
    answers = [e for e in changes(workspace) if e["type"] == "answer"]
    assert [e["data"].get("import") for e in answers] == [None, True, True, True]
    assert [e["data"]["at"][:10] for e in answers[1:]] == ["2026-01-01", "2026-01-02", "2026-01-10"]
    for e in answers:  # a line the other devices accept, mark and all
        assert parse_line(e["line"].encode(), device=e["device"]).data == e["data"]


def test_exam_dates_and_deck_limits_are_journaled_per_deck(desk: StudyDesk, workspace: Workspace) -> None:
    desk.set_exam_date("sample", date(2027, 1, 15), 45)
    desk.set_exam_date("sample", date(2027, 1, 20))  # the minutes stay
    desk.set_exam_date("sample", None)
    desk.set_deck_new_limit("sample", 7)
    assert [(e["type"], e["deck"], {k: v for k, v in e["data"].items() if k != "deck"}) for e in changes(workspace)] == [
        ("exam_date", "sample", {"date": "2027-01-15", "minutes": 45}),
        ("exam_date", "sample", {"date": "2027-01-20", "minutes": 45}),
        ("exam_date", "sample", {"date": None, "minutes": None}),
        ("new_limit", "sample", {"limit": 7}),
    ]


def test_an_answer_in_exam_date_mode_names_the_exam_it_was_placed_for(desk: StudyDesk, workspace: Workspace) -> None:
    desk.set_exam_date("sample", date(2027, 1, 15), 45)
    desk.answer(card_id(workspace, "s-1"), [1])
    assert changes(workspace)[-1]["data"]["exam"] == "2027-01-15T09:00:00.000000Z"  # exam morning, UTC here


def test_a_mock_exam_travels_as_its_start_answers_and_submit(desk: StudyDesk, workspace: Workspace,
                                                            clock: Clock) -> None:
    paper = desk.start_exam("sample", seed=3, size=3)
    desk.save_exam_answer(paper.attempt_id, 0, [1], flagged=True, duration_ms=9000)
    clock.advance(minutes=5)
    desk.submit_exam(paper.attempt_id)
    start, answer, submit = changes(workspace)
    assert start["type"] == "exam_start" and start["data"]["questions"] == [i.question.id for i in paper.items]
    assert start["data"]["seed"] == 3 and start["data"]["minutes"] == paper.minutes
    started = [start["device"], start["seq"]]
    assert answer["data"] == {"exam": started, "position": 0, "chosen": [1], "flagged": True, "ms": 9000}
    assert submit["data"] == {"exam": started, "at": "2026-11-02T09:05:00.000000Z"}
    con = sqlite3.connect(workspace.db_path)
    hlcs = {h for (h,) in con.execute("SELECT hlc FROM review WHERE mode = 'exam'")}
    con.close()
    assert hlcs == {submit["hlc"]}  # exam answers sit at the submit's place among the card's answers


def synced_once(desk: StudyDesk, tmp_path: Path) -> None:
    """Sync to a folder of its own: from then on, changes journal themselves as they are made."""
    (tmp_path / "sync").mkdir()
    desk.set_sync_folder(str(tmp_path / "sync"))
    desk.sync()


def deck_imports(ws: Workspace) -> list[dict[str, Any]]:
    return [e for e in events(ws) if e["type"] == "deck_import"]


def deck_blobs(ws: Workspace) -> dict[str, str]:
    con = sqlite3.connect(ws.db_path)
    try:
        return dict(con.execute("SELECT sha256, yaml FROM deck_blob").fetchall())
    finally:
        con.close()


def test_an_imported_deck_travels_as_its_content(desk: StudyDesk, workspace: Workspace, tmp_path: Path) -> None:
    synced_once(desk, tmp_path)
    source = tmp_path / "extra.yaml"
    text = (Path(__file__).parent / "data" / "decks" / "sample" / "deck.yaml").read_text()
    source.write_text(text.replace("id: sample", "id: extra", 1))
    desk.import_source(str(source), dry_run=False)
    (event,) = deck_imports(workspace)
    assert event["type"] == "deck_import" and event["deck"] == "extra" and event["data"]["version"] == "1"
    con = sqlite3.connect(workspace.db_path)
    (blob,) = con.execute("SELECT yaml FROM deck_blob WHERE sha256 = ?", (event["data"]["sha256"],)).fetchone()
    con.close()
    assert "id: extra" in blob
    desk.import_source(str(source), dry_run=False)  # nothing changed: nothing to journal
    assert len(deck_imports(workspace)) == 1


def imported_and_edited(desk: StudyDesk, workspace: Workspace, tmp_path: Path) -> Path:
    """The sample deck imported as 'mine', then one of its prompts edited with ctrl+e; returns its source."""
    source = tmp_path / "mine.yaml"
    text = (Path(__file__).parent / "data" / "decks" / "sample" / "deck.yaml").read_text()
    source.write_text(text.replace("id: sample", "id: mine", 1))
    desk.import_source(str(source), dry_run=False)
    draft = desk.begin_edit(card_id_in(workspace, "mine", "s-2"))
    draft.path.write_text(draft.path.read_text().replace("prompt: ", "prompt: Reworded. ", 1))
    assert desk.finish_edit(draft).changed
    return source


def test_before_the_first_sync_a_deck_is_journaled_by_that_sync_as_it_is_then(
        desk: StudyDesk, workspace: Workspace, tmp_path: Path) -> None:
    """Importing writes no content until the learner syncs (it would cost more than the import);
    the first sync journals the deck once, with its latest content."""
    source = imported_and_edited(desk, workspace, tmp_path)
    assert deck_imports(workspace) == [] and deck_blobs(workspace) == {}
    synced_once(desk, tmp_path)
    (event,) = deck_imports(workspace)
    assert event["deck"] == "mine" and event["data"]["source"] == str(source.resolve())
    assert "Reworded. " in deck_blobs(workspace)[event["data"]["sha256"]]
    assert (tmp_path / "sync" / "decks" / f"{event['data']['sha256']}.yaml").read_text().count("Reworded. ") == 1


def test_a_question_edited_with_ctrl_e_travels_as_its_deck_s_new_content(desk: StudyDesk, workspace: Workspace,
                                                                         tmp_path: Path) -> None:
    synced_once(desk, tmp_path)
    imported_and_edited(desk, workspace, tmp_path)
    imported, edited = deck_imports(workspace)
    assert edited["type"] == "deck_import" and edited["deck"] == "mine"
    assert edited["data"]["source"] == imported["data"]["source"] and edited["data"]["sha256"] != imported["data"]["sha256"]
    con = sqlite3.connect(workspace.db_path)
    (blob,) = con.execute("SELECT yaml FROM deck_blob WHERE sha256 = ?", (edited["data"]["sha256"],)).fetchone()
    con.close()
    assert "Reworded. " in blob
    again = desk.begin_edit(card_id_in(workspace, "mine", "s-2"))  # saved unchanged: nothing to journal
    assert not desk.finish_edit(again).changed
    assert len(deck_imports(workspace)) == 2


def card_id_in(ws: Workspace, deck: str, qid: str) -> int:
    con = sqlite3.connect(ws.db_path)
    try:
        return int(con.execute("SELECT pk FROM question WHERE deck_id = ? AND qid = ?", (deck, qid)).fetchone()[0])
    finally:
        con.close()


def test_bundled_decks_travel_as_their_version(workspace: Workspace) -> None:
    (event,) = [e for e in events(workspace) if e["type"] == "bundled"]
    assert event["data"] == {"deck": "sample", "version": "1"}


def test_a_refused_change_journals_nothing(desk: StudyDesk, workspace: Workspace) -> None:
    with pytest.raises(CertdrillError):
        desk.answer(card_id(workspace, "s-1"), [9])
    with pytest.raises(CertdrillError):
        desk.save_setting("new_per_day", -3)
    with pytest.raises(CertdrillError):
        desk.set_deck_new_limit("no-such-deck", 3)
    assert changes(workspace) == []


def test_events_are_numbered_one_by_one_and_the_clock_never_steps_back(desk: StudyDesk, workspace: Workspace,
                                                                       clock: Clock) -> None:
    cid = card_id(workspace, "s-1")
    desk.set_flagged(cid, True)
    clock.advance(hours=-3)  # the wall clock was wrong and got corrected backwards
    desk.set_flagged(cid, False)
    desk.set_flagged(cid, True)
    all_events = events(workspace)
    assert [e["seq"] for e in all_events] == list(range(1, len(all_events) + 1))
    clocks = [e["hlc"] for e in all_events]
    assert clocks == sorted(clocks) and len(set(clocks)) == len(clocks)


def test_every_journaled_event_passes_the_check_other_devices_apply(desk: StudyDesk, workspace: Workspace,
                                                                   clock: Clock) -> None:
    cid = card_id(workspace, "s-1")
    result = desk.answer(cid, [0])
    desk.rerate(result.review_id, 2)
    desk.bury(cid)
    desk.save_setting("new_per_day", 30)
    desk.set_exam_date("sample", date.today() + timedelta(days=400), 20)
    paper = desk.start_exam("sample", seed=1, size=2)
    desk.submit_exam(paper.attempt_id)
    for event in events(workspace):
        parsed = parse_line(event["line"].encode(), device=event["device"])
        assert (parsed.seq, parsed.type, parsed.data) == (event["seq"], event["type"], event["data"])


def test_upgrading_to_schema_2_gives_the_database_a_device_of_its_own(tmp_path: Path) -> None:
    from datetime import UTC

    from helpers import SAMPLE_DECKS
    from schema_fixtures import BUILDERS

    data = tmp_path / "old"
    data.mkdir()
    BUILDERS[1](data / "certdrill.db")
    Workspace.open(data, tz=UTC, bundled_root=SAMPLE_DECKS).close()
    con = sqlite3.connect(data / "certdrill.db")
    try:
        ((device, local),) = con.execute("SELECT id, local FROM device").fetchall()
        unlinked = con.execute("SELECT count(*) FROM review WHERE device IS NULL").fetchone()[0]
    finally:
        con.close()
    assert len(device) == 8 and int(device, 16) >= 0 and local == 1
    assert unlinked == 60  # answers from before sync get their events at the first sync
