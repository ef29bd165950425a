"""Journal files in the sync folder: each device appends to its own `<device>.jsonl`, and reads the
others' from where it stopped. The folder is untrusted: nothing in it is followed out of it
(symlinks), opened unless it is a regular file, or read past the size caps.

Layout: `DIR/<device>.jsonl` (one JSON event a line, append-only, one writer), conflict copies a
file-sync tool made of it (`<device> (conflicted copy ...).jsonl`, `<device>.sync-conflict-....jsonl`,
`<device> (1).jsonl`, ...) read as extra journals of that device, and `DIR/decks/<sha256>.yaml`
(imported decks, written once).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from certdrill.errors import CertdrillError

MAX_JOURNAL_BYTES = 4 << 30
"""A journal larger than this is not read (a million answers take about 0.5 GB)."""
MAX_LINE_BYTES = 256 << 10
MAX_JOURNALS = 1000
MAX_DECK_BYTES = 32 << 20  # the YAML loader's own cap
READ_BYTES = 32 << 20
"""Read at most this much of a journal per batch: the caller applies and commits batch by batch."""
_WINDOW = 4096
_JOURNAL = re.compile(r"^(?P<device>[0-9a-f]{8})(?P<copy>[^0-9a-f].*)?\.jsonl$")
_BLOB = re.compile(r"^[0-9a-f]{64}$")
DECKS = "decks"


def journal_name(device: str) -> str:
    return f"{device}.jsonl"


@dataclass(frozen=True, slots=True)
class JournalFile:
    """A journal in the folder: its device's own file, or a conflict copy of it."""

    name: str
    device: str
    size: int
    copy: bool


def list_journals(folder: Path) -> tuple[list[JournalFile], list[str]]:
    """The journals in `folder` (regular files only, no symlinks), and notes on what was skipped."""
    found: list[JournalFile] = []
    notes: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        raise CertdrillError(f"cannot read the sync folder {folder}: {exc.strerror or exc}") from None
    for entry in sorted(entries, key=lambda e: e.name):
        match = _JOURNAL.match(entry.name)
        if match is None:
            continue
        if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
            notes.append(f"{entry.name}: not a regular file (a symlink?): not read")
            continue
        if len(found) >= MAX_JOURNALS:
            notes.append(f"{entry.name}: more than {MAX_JOURNALS} journals in the folder: not read")
            continue
        size = entry.stat(follow_symlinks=False).st_size
        found.append(JournalFile(entry.name, match["device"], size, match["copy"] is not None))
    return found, notes


# -- reading from a mark ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Mark:
    """How far a journal was read: byte offset (always a line's end), lines before it, and hashes of
    its first bytes and of the bytes just before the offset (a file rewritten under the same name
    no longer matches them, and is read again from its start)."""

    offset: int = 0
    lines: int = 0
    head: str = ""
    tail: str = ""


@dataclass
class Chunk:
    """Complete lines read from a mark on; a torn last line (no newline yet) is left for next time."""

    start: Mark
    rewritten: bool  # the stored mark did not match the file: read from its start
    lines: list[bytes] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)  # byte offset after each line
    oversized: list[int] = field(default_factory=list)  # indexes of lines over the cap (their text dropped)
    more: bool = False  # the batch limit stopped the read: call again from `mark_after(len(lines))`
    _head: bytes = b""
    _data: bytes = b""
    _base: int = 0

    def line_number(self, index: int) -> int:
        return self.start.lines + index + 1

    def mark_after(self, count: int) -> Mark:
        """The mark after the first `count` lines of this chunk."""
        if count == 0:
            return self.start
        offset = self.ends[count - 1]
        tail = self._data[max(0, offset - _WINDOW - self._base): offset - self._base]
        return Mark(offset, self.start.lines + count, _hash(self._head[:offset]), _hash(tail))


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextmanager
def _open_in(folder: Path, name: str, flags: int) -> Iterator[int]:
    """A file descriptor for `folder/name`, never through a symlink, only for a regular file."""
    fd = os.open(folder / name, flags | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise CertdrillError(f"{name}: not a regular file")
        os.set_blocking(fd, True)
        yield fd
    finally:
        os.close(fd)


def _pread(fd: int, size: int, offset: int) -> bytes:
    parts, done = [], 0
    while done < size:
        part = os.pread(fd, min(size - done, 16 << 20), offset + done)
        if not part:
            break
        parts.append(part)
        done += len(part)
    return b"".join(parts)


def read_from(folder: Path, name: str, mark: Mark, *, limit: int = READ_BYTES) -> Chunk:
    """Complete lines of `folder/name` after `mark` (from the start if the file no longer matches it).

    Raises CertdrillError for a file that cannot be read safely (symlink, not regular, over the cap)."""
    try:
        with _open_in(folder, name, os.O_RDONLY) as fd:
            size = os.fstat(fd).st_size
            if size > MAX_JOURNAL_BYTES:
                raise CertdrillError(f"{name}: {size >> 20} MiB, over the {MAX_JOURNAL_BYTES >> 20} MiB cap: not read")
            head = _pread(fd, min(size, _WINDOW), 0)
            rewritten = not _matches(fd, head, size, mark)
            start = Mark() if rewritten else mark
            base = max(0, start.offset - _WINDOW)
            data = _pread(fd, min(size - base, start.offset - base + limit), base)
    except OSError as exc:
        raise CertdrillError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    chunk = Chunk(start, rewritten, _head=head, _data=data, _base=base)
    position = start.offset
    while True:
        newline = data.find(b"\n", position - base)
        if newline < 0:
            rest = len(data) + base - position
            if rest > MAX_LINE_BYTES:  # no end in sight: refuse it as one line and go past it
                chunk.lines.append(b"")
                chunk.oversized.append(len(chunk.lines) - 1)
                chunk.ends.append(len(data) + base)
            chunk.more = len(data) + base < size and rest <= MAX_LINE_BYTES and len(chunk.lines) > 0
            return chunk
        end = newline + base + 1
        line = data[position - base: newline]
        if len(line) > MAX_LINE_BYTES:
            chunk.oversized.append(len(chunk.lines))
            line = b""
        chunk.lines.append(line)
        chunk.ends.append(end)
        position = end


def _matches(fd: int, head: bytes, size: int, mark: Mark) -> bool:
    if mark.offset == 0:
        return True
    if size < mark.offset or _hash(head[: mark.offset]) != mark.head:
        return False
    return _hash(_pread(fd, min(_WINDOW, mark.offset), max(0, mark.offset - _WINDOW))) == mark.tail


def mark_of(folder: Path, name: str, offset: int, lines: int) -> Mark:
    """The mark of a journal read (or written) up to `offset`."""
    with _open_in(folder, name, os.O_RDONLY) as fd:
        head = _pread(fd, min(offset, _WINDOW), 0)
        tail = _pread(fd, min(offset, _WINDOW), max(0, offset - _WINDOW))
    return Mark(offset, lines, _hash(head), _hash(tail))


# -- this device's own journal -----------------------------------------------------------------
def journal_size(folder: Path, name: str) -> int | None:
    """The size of a journal file, None if there is none (a symlink or anything else is refused)."""
    try:
        with _open_in(folder, name, os.O_RDONLY) as fd:
            return os.fstat(fd).st_size
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CertdrillError(f"{folder / name}: cannot be read ({exc.strerror or exc})") from None


def append(folder: Path, name: str, lines: Iterable[str], *, size: int) -> int:
    """Append lines to this device's journal, which must be `size` bytes long; flushed and synced
    to disk before it returns the new size. A torn end beyond `size` (a crash mid-append) is cut."""
    text = "".join(line + "\n" for line in lines).encode()
    created = not (folder / name).exists()
    try:
        with _open_in(folder, name, os.O_WRONLY | os.O_CREAT) as fd:
            if os.fstat(fd).st_size != size:
                os.ftruncate(fd, size)
            os.lseek(fd, size, os.SEEK_SET)
            view = memoryview(text)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
    except OSError as exc:
        raise CertdrillError(f"cannot write {folder / name}: {exc.strerror or exc}") from None
    if created:
        _sync_folder(folder)
    return size + len(text)


def rewrite(folder: Path, name: str, lines: Iterable[str]) -> int:
    """Replace this device's journal with `lines` at once (a new file renamed over the old one)."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            for line in lines:
                f.write(line.encode() + b"\n")
            f.flush()
            os.fsync(f.fileno())
            size = f.tell()
        os.replace(tmp, folder / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(folder)
    return size


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a directory; the file itself is synced
    finally:
        os.close(fd)


# -- deck contents ---------------------------------------------------------------------------
def _decks_folder(folder: Path, *, create: bool) -> Path | None:
    path = folder / DECKS
    if create and not os.path.lexists(path):
        path.mkdir()
    if not os.path.lexists(path):
        return None
    if path.is_symlink() or not path.is_dir():
        raise CertdrillError(f"{path}: not a folder (a symlink?): deck contents are not read from it")
    return path


def write_deck(folder: Path, sha256: str, text: str) -> bool:
    """Write an imported deck's YAML as decks/<sha256>.yaml unless it is there; True if written."""
    decks = _decks_folder(folder, create=True)
    assert decks is not None and _BLOB.match(sha256)
    if os.path.lexists(decks / f"{sha256}.yaml"):
        return False
    fd, tmp = tempfile.mkstemp(dir=decks, prefix=f".{sha256}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, decks / f"{sha256}.yaml")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def read_deck(folder: Path, sha256: str) -> bytes | None:
    """The bytes of decks/<sha256>.yaml if it is there, complete and matches its name; None if not yet."""
    if not _BLOB.match(sha256):
        return None
    decks = _decks_folder(folder, create=False)
    if decks is None:
        return None
    try:
        with _open_in(decks, f"{sha256}.yaml", os.O_RDONLY) as fd:
            size = os.fstat(fd).st_size
            if size > MAX_DECK_BYTES:
                raise CertdrillError(f"decks/{sha256}.yaml: over the {MAX_DECK_BYTES >> 20} MiB cap: not read")
            data = _pread(fd, size, 0)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CertdrillError(f"decks/{sha256}.yaml: cannot be read ({exc.strerror or exc})") from None
    # Not there in full yet (a file-sync tool still copying it), or not what its name says.
    return data if hashlib.sha256(data).hexdigest() == sha256 else None
