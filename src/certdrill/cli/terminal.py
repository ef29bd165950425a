"""Everything the CLI prints reaches the terminal through `terminal_safe`: no name taken from a deck,
a package or a file can send the terminal an escape sequence, a bidi override or a line of its own."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO, cast

from certdrill.core.text import terminal_safe


class SafeStream:
    """A text stream that writes to another one with control characters shown escaped."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(terminal_safe(text))

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, encoding, ...
        return getattr(self.stream, name)


@contextmanager
def safe_output() -> Iterator[None]:
    """While it lasts, `print` to stdout or stderr (argparse's messages too) is terminal-safe."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = cast(TextIO, SafeStream(out)), cast(TextIO, SafeStream(err))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def say_error(message: str) -> None:
    """One line on stderr, `certdrill: ...`, whatever the message holds (a newline in a file name)."""
    print(f"certdrill: {terminal_safe(message, one_line=True)}", file=sys.stderr)
