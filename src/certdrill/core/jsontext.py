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
