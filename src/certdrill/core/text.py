"""Make text from decks safe to store and show: no control characters, no terminal escapes."""

from __future__ import annotations

import re

# CSI / OSC / other ESC sequences first, so their printable tails do not survive as junk.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b[@-Z\\-_]"  # two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Drop escape sequences and control characters; keep newlines and tabs; normalise CRLF."""
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def counted(n: int, noun: str) -> str:
    """`n` and the noun, plural unless n is 1: '1 day', '3 days'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
