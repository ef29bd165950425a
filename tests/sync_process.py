"""A sync in its own process, for the crash test: forked afresh for every `go` line, so that a
SIGKILL can land anywhere in it without paying Python's start-up time for each kill.

    python tests/sync_process.py DATA_DIR FOLDER BUNDLED_ROOT

Prints `ready PID` when a forked sync starts, `synced` when it finished, and `exit PID STATUS`
once that child has ended. `go K` with K > 0 makes the sync kill itself with SIGKILL at its K-th
step (a commit, or a write to the sync folder), so that kills land at every stage; with K = 0 the
test kills it from outside at a random moment. Batches and appends are kept small, so a sync has
many steps.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlmodel import Session

from certdrill.storage import journal
from certdrill.study import sync_export
from certdrill.study.sync import sync
from certdrill.study.workspace import Workspace
from helpers import T0

journal.READ_BYTES = 16 << 10
sync_export.APPEND_LINES = 50


def say(*words: object) -> None:
    os.write(1, (" ".join(map(str, words)) + "\n").encode())  # one write: a kill never leaves half a line


def die_at(step: int) -> None:
    """SIGKILL this process at its `step`-th commit or write to the sync folder."""
    count = [0]

    def counted(original: Callable[..., Any]) -> Callable[..., Any]:
        def step_then(*args: Any, **kwargs: Any) -> Any:
            count[0] += 1
            if count[0] == step:
                os.kill(os.getpid(), signal.SIGKILL)
            return original(*args, **kwargs)
        return step_then

    Session.commit = counted(Session.commit)  # type: ignore[method-assign]
    for name in ("append", "rewrite", "write_deck"):
        setattr(journal, name, counted(getattr(journal, name)))


def run(data_dir: Path, folder: Path, bundled_root: Path) -> None:
    ws = Workspace.open(data_dir, clock=lambda: T0, tz=UTC, bundled_root=bundled_root, sync_bundled=False)
    say("ready", os.getpid())
    with ws.session() as session:
        sync(session, folder=folder, now=ws.now(), host="child")
    say("synced")
    ws.close()


def main() -> None:
    data_dir, folder, bundled_root = (Path(a) for a in sys.argv[1:4])
    for line in sys.stdin:
        step = int(line.split()[1])
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                if step:
                    die_at(step)
                run(data_dir, folder, bundled_root)
                status = 0
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        say("exit", pid, status)


if __name__ == "__main__":
    main()
