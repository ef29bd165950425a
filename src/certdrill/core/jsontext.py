"""`json.dumps` for one fixed set of options, without its per-call set-up.

`json.dumps` builds a new encoder on every call, which costs more than encoding a small value
(2-4 us against 1 us): importing a deck encodes a few values per question. The encoder here is
the one `json.dumps` itself uses, made once; it gives the same text for the same options.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json import encoder as _json_encoder
from typing import Any


def _refuse(value: object) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def json_text(*, ensure_ascii: bool = True, separators: tuple[str, str] = (", ", ": ")) -> Callable[[Any], str]:
    """A function equal to `json.dumps(value, ensure_ascii=..., separators=...)` for values
    without cycles (the circular-reference check is what it leaves out)."""
    item_sep, key_sep = separators
    make = getattr(_json_encoder, "c_make_encoder", None)
    if make is None:  # a Python without the C accelerator: the plain encoder, reused
        plain = json.JSONEncoder(ensure_ascii=ensure_ascii, separators=separators, check_circular=False)
        return plain.encode
    escape = _json_encoder.encode_basestring_ascii if ensure_ascii else _json_encoder.encode_basestring
    chunks = make(None, _refuse, escape, None, key_sep, item_sep, False, False, True)

    def dumps(value: Any) -> str:
        if isinstance(value, str):  # json.dumps encodes a bare string without the encoder
            return str(escape(value))
        return "".join(chunks(value, 0))

    return dumps


def json_texts(*, ensure_ascii: bool = True, separators: tuple[str, str] = (", ", ": ")) -> Callable[[Any], str]:
    """`json_text(...)` for a tuple of strings (a question's references or tags), put together
    from the encoder's own string escaping: the encoder's set-up per call costs more than
    encoding such a value. Any other value goes through the encoder."""
    escape = _json_encoder.encode_basestring_ascii if ensure_ascii else _json_encoder.encode_basestring
    item_sep = separators[0]
    encode = json_text(ensure_ascii=ensure_ascii, separators=separators)

    def dumps(texts: Any) -> str:
        if type(texts) is not tuple:
            return encode(texts)
        try:
            return "[" + item_sep.join(map(escape, texts)) + "]"
        except TypeError:  # not all strings
            return encode(texts)

    return dumps


def json_choices(*, ensure_ascii: bool = True, separators: tuple[str, str] = (", ", ": ")) -> Callable[[Any], str]:
    """`json_texts` for a question's choices: a tuple of `(text, correct, why)` written as
    `[text, correct, why]` arrays, `correct` a bool. Any other value goes through the encoder."""
    escape = _json_encoder.encode_basestring_ascii if ensure_ascii else _json_encoder.encode_basestring
    sep = separators[0]
    right, wrong = f"{sep}true{sep}", f"{sep}false{sep}"
    encode = json_text(ensure_ascii=ensure_ascii, separators=separators)

    def dumps(choices: Any) -> str:
        if type(choices) is not tuple:
            return encode(choices)
        parts = []
        try:
            for choice in choices:
                if not isinstance(choice, (tuple, list)):  # a dict of three keys would unpack too
                    return encode(choices)
                text, correct, why = choice
                if correct is True:
                    parts.append("[" + escape(text) + right + escape(why) + "]")
                elif correct is False:
                    parts.append("[" + escape(text) + wrong + escape(why) + "]")
                else:
                    return encode(choices)
        except (TypeError, ValueError):  # a text that is not a string, a choice not of three values
            return encode(choices)
        return "[" + sep.join(parts) + "]"

    return dumps
