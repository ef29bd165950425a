"""Journal files in the sync folder: append, read on from where it stopped, torn lines, conflict
copies, symlinks and caps (the folder is untrusted input)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from certdrill.errors import CertdrillError
from certdrill.storage import journal
from certdrill.storage.journal import Mark, list_journals, read_from

DEV = "0a1b2c3d"
NAME = f"{DEV}.jsonl"


def read_all(folder: Path, name: str, mark: Mark | None = None,
             limit: int = journal.READ_BYTES) -> tuple[list[bytes], Mark]:
    mark = mark or Mark()
    lines: list[bytes] = []
    while True:
        chunk = read_from(folder, name, mark, limit=limit)
        lines += chunk.lines
        mark = chunk.mark_after(len(chunk.lines))
        if not chunk.more:
            return lines, mark


def test_appended_lines_are_read_back_in_order(tmp_path: Path) -> None:
    size = journal.append(tmp_path, NAME, ["one", "two"], size=0)
    size = journal.append(tmp_path, NAME, ["three"], size=size)
    assert size == (tmp_path / NAME).stat().st_size
    lines, mark = read_all(tmp_path, NAME)
    assert lines == [b"one", b"two", b"three"] and mark.offset == size and mark.lines == 3


def test_reading_goes_on_from_where_it_stopped(tmp_path: Path) -> None:
    size = journal.append(tmp_path, NAME, ["one", "two"], size=0)
    _, mark = read_all(tmp_path, NAME)
    journal.append(tmp_path, NAME, ["three"], size=size)
    chunk = read_from(tmp_path, NAME, mark)
    assert chunk.lines == [b"three"] and chunk.line_number(0) == 3 and not chunk.rewritten


def test_a_torn_last_line_waits_until_it_is_complete(tmp_path: Path) -> None:
    (tmp_path / NAME).write_bytes(b"one\ntw")  # a crash, or a file-sync tool's partial copy
    lines, mark = read_all(tmp_path, NAME)
    assert lines == [b"one"] and mark.offset == 4
    with (tmp_path / NAME).open("ab") as f:
        f.write(b"o\n")
    lines, mark = read_all(tmp_path, NAME, mark)
    assert lines == [b"two"] and mark.offset == 8


def test_appending_after_a_crash_cuts_the_torn_end_first(tmp_path: Path) -> None:
    size = journal.append(tmp_path, NAME, ["one"], size=0)
    with (tmp_path / NAME).open("ab") as f:
        f.write(b'{"half')
    journal.append(tmp_path, NAME, ["two"], size=size)
    assert (tmp_path / NAME).read_bytes() == b"one\ntwo\n"


def test_a_rewritten_journal_is_read_again_from_its_start(tmp_path: Path) -> None:
    journal.append(tmp_path, NAME, ["one", "two", "three"], size=0)
    _, mark = read_all(tmp_path, NAME)
    journal.rewrite(tmp_path, NAME, ["ONE", "TWO", "THREE", "four"])
    chunk = read_from(tmp_path, NAME, mark)
    assert chunk.rewritten and chunk.lines == [b"ONE", b"TWO", b"THREE", b"four"]


def test_a_shortened_journal_is_read_again_from_its_start(tmp_path: Path) -> None:
    journal.append(tmp_path, NAME, ["one", "two"], size=0)
    _, mark = read_all(tmp_path, NAME)
    (tmp_path / NAME).write_bytes(b"one\n")  # a file-sync tool restored an older copy
    chunk = read_from(tmp_path, NAME, mark)
    assert chunk.rewritten and chunk.lines == [b"one"]


def test_big_journals_are_read_in_batches_without_losing_or_repeating_a_line(tmp_path: Path) -> None:
    expected = [f"line {i:05d} " + "x" * (i % 50) for i in range(2000)]
    journal.append(tmp_path, NAME, expected, size=0)
    lines, mark = read_all(tmp_path, NAME, limit=1000)
    assert [line.decode() for line in lines] == expected and mark.lines == 2000


def test_conflict_copies_are_journals_of_the_same_device(tmp_path: Path) -> None:
    names = [NAME, f"{DEV} (conflicted copy 2026-11-02).jsonl", f"{DEV} (laptop's conflicted copy).jsonl",
             f"{DEV}.sync-conflict-20261102-090000-ABCDEFG.jsonl", f"{DEV} (1).jsonl", f"{DEV} 2.jsonl",
             f"{DEV}-LAPTOP.jsonl"]
    ignored = [f".syncthing.{DEV}.jsonl.tmp", f"{DEV}.jsonl~", "notes.txt", f"{DEV}0.jsonl", "README.jsonl",
               f".{NAME}.abc.tmp"]
    for name in names + ignored:
        (tmp_path / name).write_text("x\n")
    found, notes = list_journals(tmp_path)
    assert sorted(f.name for f in found) == sorted(names) and notes == []
    assert {f.device for f in found} == {DEV}
    assert [f.name for f in found if not f.copy] == [NAME]


def test_symlinks_in_the_folder_are_never_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text('{"v":1}\n')
    folder = tmp_path / "sync"
    folder.mkdir()
    (folder / NAME).symlink_to(secret)
    found, notes = list_journals(folder)
    assert found == [] and notes == [f"{NAME}: not a regular file (a symlink?): not read"]
    with pytest.raises(CertdrillError):
        read_from(folder, NAME, Mark())
    with pytest.raises(CertdrillError):
        journal.append(folder, NAME, ["x"], size=0)
    assert secret.read_text() == '{"v":1}\n'


def test_a_fifo_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / NAME)
    found, notes = list_journals(tmp_path)
    assert found == [] and notes
    with pytest.raises(CertdrillError, match="not a regular file"):
        read_from(tmp_path, NAME, Mark())  # returns at once instead of waiting for a writer


def test_a_journal_over_the_size_cap_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal, "MAX_JOURNAL_BYTES", 100)
    (tmp_path / NAME).write_bytes(b"x" * 99 + b"\n" * 2)
    with pytest.raises(CertdrillError, match="over the"):
        read_from(tmp_path, NAME, Mark())


def test_an_endless_line_is_refused_and_passed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal, "MAX_LINE_BYTES", 10)
    (tmp_path / NAME).write_bytes(b"ok\n" + b"y" * 50 + b"\nfine\n" + b"z" * 30)
    lines, mark = read_all(tmp_path, NAME)
    assert lines == [b"ok", b"", b"fine", b""] and mark.offset == (tmp_path / NAME).stat().st_size
    assert read_from(tmp_path, NAME, Mark()).oversized == [1, 3]


def test_deck_contents_are_written_once_and_read_back_by_their_hash(tmp_path: Path) -> None:
    text = "format: certdrill/1\nid: extra\n"
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert journal.read_deck(tmp_path, digest) is None
    assert journal.write_deck(tmp_path, digest, text) is True
    assert journal.write_deck(tmp_path, digest, text) is False
    assert journal.read_deck(tmp_path, digest) == text.encode()


def test_a_deck_file_still_arriving_or_not_what_its_name_says_is_not_read(tmp_path: Path) -> None:
    text = "format: certdrill/1\nid: extra\n"
    digest = hashlib.sha256(text.encode()).hexdigest()
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / f"{digest}.yaml").write_text(text[:10])
    assert journal.read_deck(tmp_path, digest) is None


def test_deck_contents_are_never_read_through_a_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    text = "id: x\n"
    digest = hashlib.sha256(text.encode()).hexdigest()
    (outside / f"{digest}.yaml").write_text(text)
    folder = tmp_path / "sync"
    folder.mkdir()
    (folder / "decks").symlink_to(outside)
    with pytest.raises(CertdrillError, match="symlink"):
        journal.read_deck(folder, digest)
    (folder / "decks").unlink()
    (folder / "decks").mkdir()
    (folder / "decks" / f"{digest}.yaml").symlink_to(outside / f"{digest}.yaml")
    with pytest.raises(CertdrillError):
        journal.read_deck(folder, digest)
