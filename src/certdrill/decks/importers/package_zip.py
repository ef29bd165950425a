"""Open zip packages defensively: no member leaves its folder, and what is unpacked is streamed to
temporary files under caps on each member, on the whole, and on the compression ratio."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

import zstandard

from certdrill.errors import CertdrillError

MiB = 1024 * 1024
_CHUNK = 256 * 1024  # what is in memory at once while unpacking
_DRIVE = re.compile(r"^[A-Za-z]:")


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on what a package may unpack to; past them it is refused as a likely zip bomb.

    Only the members certdrill reads are unpacked (the collection, `media`, `meta`); media files
    never are, so their sizes are not limited.
    """

    member_bytes: int = 64 * MiB  # one unpacked member, or one decompressed zstd stream
    total_bytes: int = 256 * MiB  # everything unpacked from one package together
    ratio: int = 200  # unpacked/packed size beyond which a member is treated as a bomb...
    ratio_floor: int = 4 * MiB  # ...once it unpacks to more than this (tiny files may compress well)


def _check_name(name: str, package: str) -> None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or _DRIVE.match(name) or ".." in path.parts or "\x00" in name:
        raise CertdrillError(f"{package}: refused: member '{name[:80]}' would be written outside the package folder")


class Package:
    """An open package: the names of its members, and any member unpacked into a file on request."""

    def __init__(self, zf: zipfile.ZipFile, limits: Limits, name: str, folder: Path) -> None:
        self.zf, self.limits, self.name, self.folder = zf, limits, name, folder
        self.names = set(zf.namelist())
        self.unpacked = 0  # bytes written so far, against limits.total_bytes
        self._files = 0

    def _check(self, what: str, size: int, packed: int) -> None:
        limits = self.limits
        if size > limits.member_bytes:
            raise CertdrillError(f"{self.name}: refused: member '{what[:80]}' unpacks to more than the "
                                 f"{limits.member_bytes // MiB} MiB limit")
        if size > limits.ratio_floor and size > limits.ratio * max(packed, 1):
            raise CertdrillError(
                f"{self.name}: refused: member '{what[:80]}' expands {size // max(packed, 1)}-fold (zip bomb?)")
        if self.unpacked + size > limits.total_bytes:
            raise CertdrillError(f"{self.name}: refused: unpacks to more than {limits.total_bytes // MiB} MiB in all")

    def _copy(self, source: _Readable, what: str, packed: int) -> Path:
        self._files += 1
        target = self.folder / f"unpacked-{self._files}"
        size = 0
        with target.open("wb") as out:
            while chunk := source.read(_CHUNK):
                size += len(chunk)
                self._check(what, size, packed)  # as it grows: a zstd stream declares no size
                out.write(chunk)
        self.unpacked += size
        return target

    def unpack(self, name: str) -> Path:
        """The member `name`, streamed into a file of the package's folder (its name is not used)."""
        info = self.zf.getinfo(name)
        self._check(name, info.file_size, info.compress_size)  # what the zip declares, before reading
        try:
            with self.zf.open(info) as member:
                # zipfile itself reads no more than the declared size (then the checksum fails).
                return self._copy(member, name, info.compress_size)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
            raise CertdrillError(f"{self.name}: member '{name[:80]}' is damaged ({exc})") from None

    def unzstd(self, source: Path, what: str) -> Path:
        """Decompress the zstd file `source` (Anki's modern layout) into a new file, under the same
        caps as a member; `source` is removed."""
        packed = source.stat().st_size
        try:
            with source.open("rb") as raw, \
                    zstandard.ZstdDecompressor().stream_reader(raw, read_size=_CHUNK, read_across_frames=True) as reader:
                target = self._copy(reader, what, packed)
        except zstandard.ZstdError as exc:
            raise CertdrillError(f"{self.name}: {what} is not valid zstd data ({exc})") from None
        source.unlink()
        return target

    def read(self, name: str, *, zstd: bool = False) -> bytes:
        """A small member's bytes (the metadata, the media list), unpacked under the caps."""
        path = self.unpack(name)
        if zstd:
            path = self.unzstd(path, name)
        return path.read_bytes()


@contextmanager
def open_package(path: Path, limits: Limits, folder: Path) -> Iterator[Package]:
    """Open a zip after checking every member's path; members are unpacked into `folder`."""
    package = path.name
    try:
        zf = zipfile.ZipFile(path)
    # zipfile reads the central directory here: damage in it shows as any of these (a member name
    # that is not UTF-8 as UnicodeDecodeError, a multi-disk archive as NotImplementedError).
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise CertdrillError(f"{package}: not a readable package ({exc})") from None
    with zf:
        for info in zf.infolist():
            _check_name(info.filename, package)
            if info.flag_bits & 0x1:
                raise CertdrillError(f"{package}: refused: member '{info.filename[:80]}' is encrypted")
        yield Package(zf, limits, package, folder)
