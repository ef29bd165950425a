"""Sync between two machines through a shared folder: what travels, how it merges, what is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from certdrill.cli import main
from certdrill.core.memory import NEW
from helpers import T0, sql_dump
from sync_devices import Device, devices, everyone_syncs, same_everywhere


@pytest.fixture
def pair(tmp_path: Path, sample_root: Path) -> Iterator[tuple[Device, Device]]:
    laptop, desktop = devices(tmp_path, ["laptop", "desktop"], bundled=sample_root)
    yield laptop, desktop
    laptop.close()
    desktop.close()


def import_copy(d: Device, folder: Path, deck_id: str) -> None:
    """Import the sample deck on `d` as a community deck of its own id."""
    source = folder / f"{deck_id}.yaml"
    text = (Path(__file__).parent / "data" / "decks" / "sample" / "deck.yaml").read_text()
    source.write_text(text.replace("id: sample", f"id: {deck_id}", 1))
    d.desk.import_source(str(source), dry_run=False)


def answer(d: Device, qid: str, chosen: list[int] | None = None, rating: int | None = None) -> int:
    card = d.card_id(qid)
    kind = d.desk.card(card).question.kind
    if kind == "flashcard":
        return d.desk.answer(card, rating=rating or 3).review_id
    return d.desk.answer(card, chosen if chosen is not None else list(d.desk.card(card).question.correct_indices),
                         rating=rating).review_id


def test_answers_made_on_one_machine_appear_on_the_other_with_the_same_memory_state(pair: tuple[Device, Device]) -> None:
    laptop, desktop = pair
    answer(laptop, "s-1")
    laptop.clock.advance(minutes=12)
    answer(laptop, "s-1", [0])
    answer(laptop, "s-2")
    assert laptop.sync().summary() == "sent 3 answers"
    report = desktop.sync()
    assert report.summary() == "received 3 answers from laptop-" + laptop.query("SELECT id FROM device WHERE local")[0][0][:4]
    same_everywhere([laptop, desktop])


def test_syncing_again_changes_nothing(pair: tuple[Device, Device]) -> None:
    laptop, desktop = pair
    answer(laptop, "s-1")
    answer(desktop, "s-2")
    everyone_syncs([laptop, desktop])
    before = sql_dump(laptop.ws), sql_dump(desktop.ws)
    assert laptop.sync().summary().startswith("nothing to sync: up to date with desktop-")
    desktop.sync()
    assert (sql_dump(laptop.ws), sql_dump(desktop.ws)) == before


def test_a_card_answered_on_both_machines_replays_both_answers_in_time_order(pair: tuple[Device, Device]) -> None:
    laptop, desktop = pair
    answer(laptop.at(T0), "s-1")
    answer(desktop.at(T0 + timedelta(minutes=5)), "s-1", [0])  # without having seen the laptop's answer
    answer(laptop.at(T0 + timedelta(minutes=20)), "s-1")
    everyone_syncs([laptop, desktop])
    same_everywhere([laptop, desktop])
    (reps, last), = laptop.query("SELECT reps, last_review FROM card WHERE id = ?", laptop.card_id("s-1"))
    assert reps == 3 and last == "2026-11-02T09:20:00.000000Z"
    befores = [json.loads(b)["reps"] for (b,) in laptop.query(
        "SELECT state_before FROM review WHERE card_id = ? ORDER BY reviewed_at", laptop.card_id("s-1"))]
    assert befores == [0, 1, 2]  # undo and the doctor see one chain


def test_undo_on_one_machine_takes_back_exactly_that_answer_everywhere(pair: tuple[Device, Device]) -> None:
    laptop, desktop = pair
    first = answer(laptop, "s-1")
    laptop.clock.advance(minutes=15)
    answer(laptop, "s-2")
    everyone_syncs([laptop, desktop])
    laptop.desk.undo_answer(first)
    everyone_syncs([laptop, desktop])
    same_everywhere([laptop, desktop])
    assert desktop.query("SELECT state FROM card WHERE id = ?", desktop.card_id("s-1")) == [(NEW,)]
    assert len(desktop.query("SELECT id FROM review")) == 1


def test_a_rerate_changes_the_rating_on_the_other_machine(pair: tuple[Device, Device]) -> None:
    laptop, desktop = pair
    review_id = answer(laptop, "s-1")
    laptop.desk.rerate(review_id, 4)
    everyone_syncs([laptop, desktop])
    same_everywhere([laptop, desktop])
    assert desktop.query("SELECT rating FROM review") == [(4,)]


def test_flags_settings_exam_dates_and_limits_travel_and_the_later_change_wins(pair: tuple[Device, Device]) -> None:
    laptop, desktop = pair
    card = laptop.card_id("s-2")
    laptop.desk.set_flagged(card, True)
    laptop.desk.save_setting("new_per_day", 5)
    laptop.desk.set_exam_date("sample", date(2027, 3, 1), 40)
    desktop.at(T0 + timedelta(minutes=1)).desk.save_setting("new_per_day", 8)  # concurrent, and later
    desktop.desk.set_deck_new_limit("sample", 3)
    everyone_syncs([laptop, desktop])
    same_everywhere([laptop, desktop])
    assert laptop.query("SELECT value FROM setting WHERE key = 'new_per_day'") == [(8,)]
    assert laptop.query("SELECT exam_date, new_per_day FROM deck") == [("2027-03-01", 3)]
    assert desktop.query("SELECT flagged FROM card WHERE id = ?", card) == [(1,)]
    desktop.desk.set_flagged(card, False)  # after seeing the flag
    everyone_syncs([laptop, desktop])
    assert laptop.query("SELECT flagged FROM card WHERE id = ?", card) == [(0,)]


def test_a_change_made_after_seeing_another_wins_even_against_a_clock_12_hours_ahead(
        tmp_path: Path, sample_root: Path) -> None:
    ahead, behind = devices(tmp_path, ["ahead", "behind"], bundled=sample_root,
                            skews=[timedelta(hours=12), timedelta(hours=-12)])
    ahead.desk.save_setting("new_per_day", 4)
    everyone_syncs([ahead, behind])
    behind.desk.save_setting("new_per_day", 9)  # its clock says a day earlier; it saw the 4
    everyone_syncs([ahead, behind])
    assert [d.query("SELECT value FROM setting WHERE key = 'new_per_day'") for d in (ahead, behind)] == [[(9,)]] * 2
    same_everywhere([ahead, behind])
    ahead.close()
    behind.close()


def test_a_mock_exam_travels_with_its_answers_and_result(pair: tuple[Device, Device]) -> None:
    laptop, desktop = pair
    paper = laptop.desk.start_exam("sample", seed=5, size=3)
    laptop.desk.save_exam_answer(paper.attempt_id, 0, [1], flagged=False, duration_ms=20000)
    laptop.clock.advance(minutes=3)
    laptop.desk.submit_exam(paper.attempt_id)
    everyone_syncs([laptop, desktop])
    same_everywhere([laptop, desktop])
    ((attempt_id,),) = desktop.query("SELECT id FROM exam_attempt")
    assert desktop.desk.exam_result(attempt_id).to_json() == laptop.desk.exam_result(paper.attempt_id).to_json() | {
        "attempt": attempt_id}


def test_an_imported_deck_appears_on_the_other_machine_with_the_same_ids(pair: tuple[Device, Device],
                                                                        tmp_path: Path) -> None:
    laptop, desktop = pair
    import_copy(laptop, tmp_path, "extra")
    answer(laptop, "s-1")
    laptop.desk.answer(laptop.card_id("s-1", deck="extra"), [1])
    everyone_syncs([laptop, desktop])
    same_everywhere([laptop, desktop])
    assert (tmp_path / "shared" / "decks").is_dir()
    assert desktop.query("SELECT count(*) FROM review WHERE deck_id = 'extra'") == [(1,)]


def test_answers_wait_for_a_deck_that_has_not_arrived_yet(pair: tuple[Device, Device], tmp_path: Path) -> None:
    laptop, desktop = pair
    import_copy(laptop, tmp_path, "extra")
    laptop.desk.answer(laptop.card_id("s-1", deck="extra"), [1])
    laptop.sync()
    decks = tmp_path / "shared" / "decks"
    hidden = tmp_path / "elsewhere"
    decks.rename(hidden)  # the file-sync tool has not copied the deck yet
    report = desktop.sync()
    assert report.waiting == 2 and "wait for a deck" in report.summary()
    hidden.rename(decks)
    assert desktop.sync().waiting == 0
    same_everywhere([laptop, desktop])


def test_history_from_before_sync_is_sent_at_the_first_sync(tmp_path: Path, sample_root: Path) -> None:
    from schema_fixtures import BUILDERS

    old = tmp_path / "old"
    old.mkdir()
    BUILDERS[1](old / "certdrill.db")  # 60 answers made before sync existed, with a setting
    laptop = Device(tmp_path, "old", tmp_path / "shared", bundled=sample_root)
    (tmp_path / "shared").mkdir()
    desktop = Device(tmp_path, "desktop", tmp_path / "shared", bundled=sample_root)
    assert laptop.sync().sent["answer"] == 60
    desktop.sync()
    same_everywhere([laptop, desktop])
    laptop.close()
    desktop.close()


def test_conflict_copies_are_read_and_nothing_is_counted_twice(pair: tuple[Device, Device], tmp_path: Path) -> None:
    laptop, desktop = pair
    answer(laptop, "s-1")
    laptop.sync()
    (journal,) = [p for p in (tmp_path / "shared").glob("*.jsonl") if p.stem == laptop.query(
        "SELECT id FROM device WHERE local")[0][0]]
    copy = journal.with_name(f"{journal.stem} (conflicted copy 2026-11-02).jsonl")
    copy.write_bytes(journal.read_bytes())
    laptop.clock.advance(minutes=30)
    answer(laptop, "s-2")
    laptop.sync()
    desktop.sync()
    assert len(desktop.query("SELECT id FROM review")) == 2
    same_everywhere([laptop, desktop])


def test_a_torn_last_line_is_picked_up_at_the_next_sync(pair: tuple[Device, Device], tmp_path: Path) -> None:
    laptop, desktop = pair
    answer(laptop, "s-1")
    laptop.clock.advance(minutes=30)
    answer(laptop, "s-2")
    laptop.sync()
    device = laptop.query("SELECT id FROM device WHERE local")[0][0]
    journal = tmp_path / "shared" / f"{device}.jsonl"
    whole = journal.read_bytes()
    last = whole.rindex(b'"type":"answer"')
    journal.write_bytes(whole[:last])  # a file-sync tool's partial copy, torn in the last answer
    report = desktop.sync()
    assert report.refused == [] and len(desktop.query("SELECT id FROM review")) == 1
    journal.write_bytes(whole)
    desktop.sync()
    assert len(desktop.query("SELECT id FROM review")) == 2


def test_hostile_lines_are_refused_with_file_and_line_and_the_rest_applies(pair: tuple[Device, Device],
                                                                           tmp_path: Path) -> None:
    laptop, desktop = pair
    answer(laptop, "s-1")
    laptop.sync()
    device = laptop.query("SELECT id FROM device WHERE local")[0][0]
    journal = tmp_path / "shared" / f"{device}.jsonl"
    lines = journal.read_text().splitlines()
    def line(seq: int, type: str, data: str) -> str:
        return f'{{"v":1,"device":"{device}","seq":{seq},"hlc":[1,0],"type":"{type}","data":{data}}}'

    evil = [
        line(900, "device", '{"name":"\\u001b]0;pwned\\u0007"}'),
        line(901, "setting", '{"key":"new_per_day","value":-5}'),
        line(902, "setting", '{"key":"sync_folder","value":"/"}'),
        "not json at all",
        line(903, "answer", '{"deck":"sample"}'),
        '{"a":' * 20_000 + "1" + "}" * 20_000,  # JSON's decoder recurses a level at a time
    ]
    journal.write_text("\n".join([*lines, *evil]) + "\n")
    report = desktop.sync()
    where = journal.name
    n = len(lines)
    assert [r.split(": ", 1)[0] for r in report.refused] == [f"{where}:{n + i}" for i in range(1, 7)]
    assert "terminal escapes" in report.refused[0] and "between 0 and 9999" in report.refused[1]
    assert "belongs to each device" in report.refused[2] and "not valid JSON" in report.refused[3]
    assert report.refused[5].endswith("nested too deeply")
    assert len(desktop.query("SELECT id FROM review")) == 1
    assert desktop.query("SELECT value FROM setting WHERE key = 'new_per_day'") == []
    status = json.loads(_run(desktop, "sync", "--status", "--json"))
    (other,) = [d for d in status["devices"] if not d["this"]]
    assert other["refused"] == 6 and other["problems"][0].startswith(f"{where}:{n + 1}: ")


def _run(d: Device, *args: str) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--data-dir", str(d.ws.db_path.parent), *args]) == 0
    return out.getvalue()


def test_symlinked_journals_are_never_followed(pair: tuple[Device, Device], tmp_path: Path) -> None:
    _laptop, desktop = pair
    outside = tmp_path / "outside.jsonl"
    outside.write_text('{"v":1,"device":"0badc0de","seq":1,"hlc":[1,0],"type":"device","data":{"name":"x"}}\n')
    (tmp_path / "shared" / "0badc0de.jsonl").symlink_to(outside)
    report = desktop.sync()
    assert report.notes == ["0badc0de.jsonl: not a regular file (a symlink?): not read"]
    assert desktop.query("SELECT count(*) FROM event WHERE device = '0badc0de'") == [(0,)]


def test_the_cli_syncs_in_one_line_and_remembers_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    assert main(["--data-dir", str(tmp_path / "a"), "sync", str(shared), "--name", "laptop"]) == 0
    assert main(["--data-dir", str(tmp_path / "b"), "sync", str(shared)]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(tmp_path / "a"), "sync"]) == 0  # the folder was remembered
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("nothing to sync: up to date with ")


def test_a_missing_folder_is_one_line_exit_1_and_changes_nothing(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "a"
    assert main(["--data-dir", str(data), "stats"]) == 0
    db = data / "certdrill.db"
    before = db.read_bytes()
    capsys.readouterr()
    assert main(["--data-dir", str(data), "sync", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"certdrill: the sync folder {tmp_path / 'nowhere'} does not exist or is not a folder"]
    assert main(["--data-dir", str(data), "sync"]) == 1
    assert "no sync folder yet" in capsys.readouterr().err
    assert db.read_bytes() == before


def test_changes_after_the_first_sync_come_after_everything_it_sent(tmp_path: Path, sample_root: Path) -> None:
    from schema_fixtures import BUILDERS

    (tmp_path / "old").mkdir()
    (tmp_path / "shared").mkdir()
    BUILDERS[1](tmp_path / "old" / "certdrill.db", answers=600)  # history that runs past the clock below
    laptop = Device(tmp_path, "old", tmp_path / "shared", bundled=sample_root)
    for qid in ("s-1", "s-2", "s-3", "s-4", "s-1"):  # their times are held at each card's last answer,
        answer(laptop, qid)                        # months ahead of this clock
    laptop.sync()
    laptop.desk.set_flagged(laptop.card_id("s-2"), True)
    ((newest,),) = laptop.query("SELECT hlc FROM event WHERE type = 'flag'")
    assert newest > laptop.query("SELECT max(hlc) FROM event WHERE type != 'flag'")[0][0]
    laptop.close()


def test_review_history_brought_in_with_a_community_deck_travels_too(pair: tuple[Device, Device],
                                                                      tmp_path: Path) -> None:
    from anki_packages import mcq, write_package
    from certdrill.study.importing import ImportOptions, import_source
    from test_import_anki import _with_revlog

    laptop, desktop = pair
    laptop.sync()  # after the first sync: the history gets its events as it is imported
    source = _with_revlog(write_package(tmp_path / "h.apkg", {"Hist": [mcq("Q?", ["a", "b"], "A", guid="h1")]}))
    with laptop.ws.session() as s:
        assert import_source(s, source=str(source), options=ImportOptions(with_history=True), now=laptop.ws.now()).history
    assert laptop.query("SELECT count(*) FROM review WHERE device IS NULL") == [(0,)]
    everyone_syncs([laptop, desktop])
    same_everywhere([laptop, desktop])
    assert len(desktop.query("SELECT id FROM review")) == 3


def test_the_doctor_follows_the_order_sync_replays_answers_in(tmp_path: Path, sample_root: Path) -> None:
    from certdrill.study.maintenance import examine

    ahead, seen, unseen = devices(tmp_path, ["ahead", "seen", "unseen"], bundled=sample_root,
                                  skews=[timedelta(hours=12), timedelta(0), timedelta(0)])
    ahead.desk.set_flagged(ahead.card_id("s-2"), True)  # a change with a clock 12 hours ahead ...
    ahead.sync()
    seen.sync()  # ... seen here: this device's next change is ordered after it
    answer(seen.at(T0), "s-1")
    answer(unseen.at(T0 + timedelta(hours=1)), "s-1", [0])  # later in time, earlier by the clocks
    everyone_syncs([ahead, seen, unseen])
    same_everywhere([ahead, seen, unseen])
    for d in (ahead, seen, unseen):
        with d.ws.session() as session:
            assert examine(session, bundled_root=sample_root) == [], d.name
        d.close()


def test_a_hostile_deck_file_is_refused_and_the_rest_of_the_sync_applies(pair: tuple[Device, Device],
                                                                       tmp_path: Path) -> None:
    import hashlib

    laptop, desktop = pair
    answer(laptop, "s-1")
    laptop.sync()
    (device,) = laptop.query("SELECT id FROM device WHERE local")[0]
    decks = tmp_path / "shared" / "decks"
    decks.mkdir(exist_ok=True)
    bomb = b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" + \
        b"".join(f"c{i}: &c{i} [" .encode() + b", ".join([f"*{'b' if i == 0 else f'c{i - 1}'}".encode()] * 9) + b"]\n"
                 for i in range(6))
    lines = []
    for seq, (deck, content) in enumerate([("bombed", bomb), ("sample", b"format: certdrill/1\nid: sample\n")],
                                          start=900):
        digest = hashlib.sha256(content).hexdigest()
        (decks / f"{digest}.yaml").write_bytes(content)
        lines.append(f'{{"v":1,"device":"{device}","seq":{seq},"hlc":[1,0],"type":"deck_import","data":{{"deck":'
                     f'"{deck}","sha256":"{digest}","version":"1","source":"x"}}}}')
    with (tmp_path / "shared" / f"{device}.jsonl").open("a") as f:
        f.write("\n".join(lines) + "\n")
    report = desktop.sync()
    assert len(report.notes) == 2 and all("not imported" in note for note in report.notes)
    assert desktop.query("SELECT id FROM deck") == [("sample",)]
    assert len(desktop.query("SELECT id FROM review")) == 1
    assert desktop.sync().notes == []  # judged once


def test_a_data_folder_copied_to_another_machine_is_caught_before_it_writes(pair: tuple[Device, Device],
                                                                            tmp_path: Path) -> None:
    import shutil

    from certdrill.errors import CertdrillError

    laptop, _desktop = pair
    answer(laptop, "s-1")
    laptop.sync()
    laptop.close()
    shutil.copytree(tmp_path / "laptop", tmp_path / "clone")  # the same device id on two machines
    laptop = Device(tmp_path, "laptop", tmp_path / "shared", bundled=laptop.ws.db_path.parent.parent / "bundled")
    clone = Device(tmp_path, "clone", tmp_path / "shared", bundled=laptop.ws.db_path.parent.parent / "bundled")
    answer(clone, "s-2")
    clone.sync()
    answer(laptop, "s-4")
    journal = next((tmp_path / "shared").glob("*.jsonl")).read_bytes()
    with pytest.raises(CertdrillError, match="another certdrill writes as device"):
        laptop.sync()
    assert next((tmp_path / "shared").glob("*.jsonl")).read_bytes() == journal  # nothing sent
    laptop.close()
    clone.close()


def test_the_hour_the_study_day_starts_travels_and_the_later_change_wins(pair: tuple[Device, Device]) -> None:
    laptop, desktop = pair
    laptop.desk.save_setting("rollover_hour", 6)
    desktop.at(T0 + timedelta(minutes=1)).desk.save_setting("rollover_hour", 2)  # concurrent, and later
    everyone_syncs([laptop, desktop])
    same_everywhere([laptop, desktop])
    assert laptop.desk.settings().rollover_hour == desktop.desk.settings().rollover_hour == 2


def _history_package(tmp_path: Path) -> Path:
    from anki_packages import mcq, write_package
    from test_import_anki import _with_revlog

    return _with_revlog(write_package(tmp_path / "h.apkg", {"Hist": [mcq("Q?", ["a", "b"], "A", guid="h1")]}))


def _import(d: Device, source: Path, *, with_history: bool = True) -> None:
    from certdrill.study.importing import ImportOptions, import_source

    with d.ws.session() as s:
        import_source(s, source=str(source), options=ImportOptions(with_history=with_history), now=d.ws.now())


def test_the_same_history_imported_on_both_machines_is_kept_once(pair: tuple[Device, Device], tmp_path: Path) -> None:
    laptop, desktop = pair
    desktop.sync()  # one before its first sync, one after: both journal the history as they import it
    source = _history_package(tmp_path)
    _import(laptop, source)
    _import(desktop.at(T0 + timedelta(minutes=5)), source)
    assert len(laptop.query("SELECT id FROM review")) == len(desktop.query("SELECT id FROM review")) == 3
    everyone_syncs([laptop, desktop])
    same_everywhere([laptop, desktop])
    assert len(desktop.query("SELECT id FROM review")) == 3
    # One device's copies stand on both (the first in event order); the other's events are kept, unused.
    assert len({device for (device,) in laptop.query("SELECT device FROM review")}) == 1
    assert laptop.query("SELECT count(*) FROM event WHERE imported") == [(6,)]
    before = laptop.state()
    everyone_syncs([laptop, desktop])
    assert laptop.state() == before


def test_your_own_export_imported_on_the_other_machine_before_syncing_keeps_one_copy(pair: tuple[Device, Device],
                                                                                    tmp_path: Path) -> None:
    from certdrill.study.exporting import export_deck

    laptop, desktop = pair
    source = _history_package(tmp_path)
    _import(laptop, source, with_history=False)
    _import(desktop, source, with_history=False)  # the same community deck on both, no history yet
    card = laptop.card_id(laptop.query("SELECT qid FROM question WHERE deck_id != 'sample'")[0][0],
                          deck=laptop.query("SELECT id FROM deck WHERE id != 'sample'")[0][0])
    for days in (0, 1, 4):  # answered on the laptop: its own answers
        laptop.at(T0 + timedelta(days=days)).desk.answer(card, [0])
    with laptop.ws.session() as s:
        deck_id = laptop.query("SELECT deck_id FROM question WHERE pk = ?", card)[0][0]
        export_deck(s, deck_id=deck_id, to=tmp_path / "mine.apkg", fmt=None, now=laptop.ws.now(), with_history=True)
    _import(desktop.at(T0 + timedelta(days=5)), tmp_path / "mine.apkg")  # read back there: imported copies
    assert len(desktop.query("SELECT id FROM review")) == 3
    everyone_syncs([laptop, desktop])
    same_everywhere([laptop, desktop])
    assert len(laptop.query("SELECT id FROM review")) == len(desktop.query("SELECT id FROM review")) == 3


def test_a_question_edited_on_one_machine_is_the_same_edit_on_the_other(pair: tuple[Device, Device],
                                                                       tmp_path: Path) -> None:
    laptop, desktop = pair
    import_copy(laptop, tmp_path, "mine")
    laptop.desk.answer(laptop.card_id("s-1", deck="mine"), [1])
    everyone_syncs([laptop, desktop])
    desktop.at(T0 + timedelta(minutes=1)).desk.answer(desktop.card_id("s-1", deck="mine"), [1])  # old key there
    laptop.at(T0 + timedelta(minutes=2))
    wording = laptop.desk.begin_edit(laptop.card_id("s-2", deck="mine"))
    wording.path.write_text(wording.path.read_text().replace("prompt: ", "prompt: Reworded. ", 1))
    assert laptop.desk.finish_edit(wording).changed
    key = laptop.desk.begin_edit(laptop.card_id("s-1", deck="mine"))  # ctrl+e: the correct answer moves
    key.path.write_text(key.path.read_text().replace("- text: '3'\n", "- text: '3'\n    correct: true\n")
                        .replace("correct: true\n    why: Divisible", "why: Divisible"))
    assert laptop.desk.finish_edit(key).reset
    everyone_syncs([laptop, desktop])
    same_everywhere([laptop, desktop])
    s1, s2 = desktop.card_id("s-1", deck="mine"), desktop.card_id("s-2", deck="mine")
    assert desktop.desk.card(s1).question.correct_indices == (0,)
    assert desktop.desk.card(s2).question.prompt.startswith("Reworded. ")
    # Both answers, here and there, were made under the old key: kept, but the schedule starts again.
    assert desktop.query("SELECT state FROM card WHERE id = ?", s1) == [(NEW,)]
    assert len(desktop.query("SELECT id FROM review WHERE card_id = ?", s1)) == 2


def test_a_mock_exam_with_strike_outs_and_an_incomplete_answer_travels(pair: tuple[Device, Device]) -> None:
    from certdrill.study.exam_session import ExamSession

    laptop, desktop = pair
    sitting = ExamSession(laptop.desk, laptop.desk.start_exam("sample", seed=5))
    multiple = next(i for i, it in enumerate(sitting.paper.items) if it.question.kind == "multiple")
    sitting.go_to(multiple)
    sitting.strike(1)  # struck-out options stay on the screen that struck them
    sitting.select({0})  # one pick of two: incomplete
    laptop.clock.advance(seconds=40)
    sitting.move(1 if multiple + 1 < len(sitting.paper.items) else -1)
    sitting.select(sitting.item.question.correct_indices)
    laptop.clock.advance(seconds=20)
    result = sitting.submit()
    everyone_syncs([laptop, desktop])
    same_everywhere([laptop, desktop])
    ((attempt_id,),) = desktop.query("SELECT id FROM exam_attempt")
    there = desktop.desk.exam_result(attempt_id)
    verdicts = [(r.verdict, r.item.chosen, r.item.seconds) for r in there.items]
    assert verdicts == [(r.verdict, r.item.chosen, r.item.seconds) for r in result.items]
    assert verdicts[multiple][:2] == ("incomplete", (0,)) and verdicts[multiple][2] == 40
    assert there.to_json() == result.to_json() | {"attempt": attempt_id}


def test_a_journal_is_applied_a_slice_at_a_time_each_slice_kept_with_its_mark(
        pair: tuple[Device, Device], monkeypatch: pytest.MonkeyPatch) -> None:
    """Each slice of a batch is one transaction (a first sync never holds the write lock for the
    whole batch): a sync that fails in its third slice keeps the first two, with the mark after
    them, and the next sync reads on from there, counting nothing twice."""
    from certdrill.study import sync as sync_module

    laptop, desktop = pair
    for _ in range(4):
        for qid in ("s-1", "s-2"):
            answer(laptop, qid)
        laptop.clock.advance(minutes=15)
    laptop.sync()
    journal = (laptop.folder / f"{laptop.query('SELECT id FROM device WHERE local')[0][0]}.jsonl").read_bytes()
    lines = journal.count(b"\n")
    monkeypatch.setattr(sync_module, "PARSE_LINES", 2)
    stored = sync_module.store
    calls = []

    def failing_third(con: object, events: list[object]) -> object:
        calls.append(len(events))
        if len(calls) == 3:
            raise RuntimeError("the machine went down")
        return stored(con, events)  # type: ignore[arg-type]

    monkeypatch.setattr(sync_module, "store", failing_third)
    with pytest.raises(RuntimeError):
        desktop.sync()
    (offset, read), = desktop.query("SELECT \"offset\", lines FROM journal_file")
    assert read == 4 and offset == len(b"".join(journal.splitlines(keepends=True)[:4]))
    assert desktop.query("SELECT count(*) FROM event WHERE NOT (SELECT local FROM device WHERE id = event.device)") \
        == [(4,)]
    monkeypatch.setattr(sync_module, "store", stored)
    desktop.sync()
    assert desktop.query("SELECT lines FROM journal_file") == [(lines,)]
    same_everywhere([laptop, desktop])
