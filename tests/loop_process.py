"""Drive tests/answer_loop.py in child processes: read its lines with a deadline, never hang."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

LOOP = Path(__file__).parent / "answer_loop.py"


def start_loop(data_dir: Path, bundled_root: Path, *args: str, epoch: float) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(LOOP), str(data_dir), str(bundled_root), "--epoch", str(epoch), *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


class Lines:
    """The stdout of a child, line by line, with a timeout on every wait."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        self.proc, self.fd, self.buffer = proc, proc.stdout.fileno(), b""

    def next(self, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.fd], [], [], max(left, 0))
            if not ready:
                raise TimeoutError(f"no line from the answer loop within {timeout} s")
            chunk = os.read(self.fd, 65536)
            if not chunk:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise EOFError(f"the answer loop ended: {err}")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()
