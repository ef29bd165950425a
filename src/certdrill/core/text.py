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
# Bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069) reorder the text around them
# until they are closed: "Trojan Source". Stored text never needs them.
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_CONTROLS = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_CONTROLS}]")
# What may not reach a terminal as it is: C0 and C1 controls and DEL (ESC starts every escape
# sequence, CR rewrites the line), the bidi controls above and the bidi marks U+200E, U+200F and
# U+061C (invisible; in a message or a label they can only mislead), the line and paragraph
# separators U+2028/2029, and lone surrogates (from undecodable file names: they cannot be encoded).
_UNSAFE = re.compile(rf"[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029{_BIDI_CONTROLS}\ud800-\udfff]")
_UNSAFE_IN_A_LINE = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029{_BIDI_CONTROLS}\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Drop escape sequences, control characters and bidi controls; keep newlines and tabs; normalise CRLF."""
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    # C0 as \x1b (how people know ESC); the rest as \u escapes, which JSON reads back unchanged.
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}")


def terminal_safe(text: str, *, one_line: bool = False) -> str:
    """`text` as it may be shown in a terminal: every control character (ESC included), bidi
    control and lone surrogate shown escaped, as `\\x1b` or `\\u202e`; tabs kept, and newlines
    unless `one_line`. Markup is not touched: whoever shows the text keeps it literal."""
    if text.isprintable():
        return text
    return (_UNSAFE if one_line else _UNSAFE_IN_A_LINE).sub(_escaped, text)


def counted(n: int, noun: str) -> str:
    """`n` and the noun, plural unless n is 1: '1 day', '3 days'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
