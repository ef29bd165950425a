"""Open zip packages defensively: no member leaves its folder, sizes and ratios are capped."""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import zstandard

from certdrill.errors import CertdrillError

MiB = 1024 * 1024
_CHUNK = MiB
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on what a package may unpack to; past them it is refused as a likely zip bomb."""

    member_bytes: int = 512 * MiB  # one unpacked member (the collection, a media file)
    total_bytes: int = 2048 * MiB  # all members together, as declared by the zip
    ratio: int = 200  # unpacked/packed size beyond which a member is treated as a bomb...
    ratio_floor: int = 4 * MiB  # ...once it unpacks to more than this (tiny files may compress well)


def _check_name(name: str, package: str) -> None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or _DRIVE.match(name) or ".." in path.parts or "\x00" in name:
        raise CertdrillError(f"{package}: refused: member '{name[:80]}' would be written outside the package folder")


def _check_size(name: str, unpacked: int, packed: int, limits: Limits, package: str) -> None:
    if unpacked > limits.member_bytes:
        raise CertdrillError(
            f"{package}: refused: member '{name[:80]}' unpacks to {unpacked / MiB:.0f} MiB, "
            f"over the {limits.member_bytes // MiB} MiB limit"
        )
    if unpacked > limits.ratio_floor and unpacked > limits.ratio * max(packed, 1):
        raise CertdrillError(
            f"{package}: refused: member '{name[:80]}' expands {unpacked // max(packed, 1)}-fold (zip bomb?)"
        )


def open_package(path: Path, limits: Limits) -> zipfile.ZipFile:
    """Open a zip after checking every member's path and declared sizes."""
    package = path.name
    try:
        zf = zipfile.ZipFile(path)
    # zipfile reads the central directory here: damage in it shows as any of these (a member name
    # that is not UTF-8 as UnicodeDecodeError, a multi-disk archive as NotImplementedError).
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise CertdrillError(f"{package}: not a readable package ({exc})") from None
    try:
        total = 0
        for info in zf.infolist():
            _check_name(info.filename, package)
            if info.flag_bits & 0x1:
                raise CertdrillError(f"{package}: refused: member '{info.filename[:80]}' is encrypted")
            _check_size(info.filename, info.file_size, info.compress_size, limits, package)
            total += info.file_size
        if total > limits.total_bytes:
            raise CertdrillError(
                f"{package}: refused: unpacks to {total / MiB:.0f} MiB in all, over the {limits.total_bytes // MiB} MiB limit"
            )
    except BaseException:
        zf.close()
        raise
    return zf


def read_member(zf: zipfile.ZipFile, name: str, limits: Limits, package: str) -> bytes:
    """A member's bytes, stopping at the cap even if the zip's declared sizes lie."""
    info = zf.getinfo(name)
    cap = min(limits.member_bytes, info.file_size)
    out = bytearray()
    try:
        with zf.open(info) as member:
            while chunk := member.read(_CHUNK):
                out += chunk
                if len(out) > cap:
                    raise CertdrillError(f"{package}: refused: member '{name}' is larger than it claims")
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
        raise CertdrillError(f"{package}: member '{name}' is damaged ({exc})") from None
    return bytes(out)


def unzstd(data: bytes, limits: Limits, package: str, what: str) -> bytes:
    """Decompress zstd data (Anki's modern layout) under the same caps as zip members."""
    out = bytearray()
    try:
        with zstandard.ZstdDecompressor().stream_reader(data, read_across_frames=True) as reader:
            while chunk := reader.read(_CHUNK):
                out += chunk
                _check_size(what, len(out), len(data), limits, package)
    except zstandard.ZstdError as exc:
        raise CertdrillError(f"{package}: {what} is not valid zstd data ({exc})") from None
    return bytes(out)
