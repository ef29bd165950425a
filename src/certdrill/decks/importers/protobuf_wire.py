"""Read and write the protobuf wire format: just enough for Anki's package metadata and configs.

Written by hand because the few messages Anki packages carry need only varints and
length-delimited fields; the protobuf runtime and Anki's .proto files would be a heavy dependency.
"""

from __future__ import annotations

from collections.abc import Iterator

VARINT, FIXED64, BYTES, FIXED32 = 0, 1, 2, 5


class WireError(ValueError):
    """Bytes that are not a protobuf message; the reader says which member or column held them."""


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise WireError("malformed protobuf data")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def read_fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """Each (field number, value) of a message: ints for varint/fixed fields, bytes otherwise."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == VARINT:
            value, pos = _varint(data, pos)
        elif wire == BYTES:
            size, pos = _varint(data, pos)
            if pos + size > len(data):
                raise WireError("malformed protobuf data")
            value, pos = data[pos:pos + size], pos + size
        elif wire in (FIXED64, FIXED32):
            width = 8 if wire == FIXED64 else 4
            if pos + width > len(data):
                raise WireError("malformed protobuf data")
            value, pos = int.from_bytes(data[pos:pos + width], "little"), pos + width
        else:
            raise WireError("malformed protobuf data")
        yield number, value


def first_int(data: bytes, number: int, default: int = 0) -> int:
    """The value of a varint field, or `default` when it is absent (protobuf's zero default)."""
    for n, value in read_fields(data):
        if n == number and isinstance(value, int):
            return value
    return default


def first_text(data: bytes, number: int) -> str:
    for n, value in read_fields(data):
        if n == number and isinstance(value, bytes):
            return value.decode("utf-8", "replace")
    return ""


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def encode_int(number: int, value: int) -> bytes:
    return _encode_varint(number << 3 | VARINT) + _encode_varint(value)


def encode_bytes(number: int, value: bytes | str) -> bytes:
    raw = value.encode() if isinstance(value, str) else value
    return _encode_varint(number << 3 | BYTES) + _encode_varint(len(raw)) + raw
