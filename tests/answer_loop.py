"""An answer loop in its own process, for the crash and concurrency tests.

    python tests/answer_loop.py DATA_DIR BUNDLED_ROOT --epoch T [--seed N] [--count N] [--serve] [--start-at T]

Opens a Workspace, prints `ready PID`, then loops next card + answer and prints `ack REVIEW_ID`
(flushed) after each `answer()` has returned, i.e. after its commit. The clock runs an hour per
real second from `--epoch`, so cards keep falling due and every process shares one timeline.
With `--serve` it imports once and forks a fresh loop for every `go SEED` line on stdin, then
prints `exit PID STATUS` once that loop has died: a kill test need not pay Python's start-up
time for each kill.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import traceback
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import col, select

from certdrill.storage.tables import CardRow
from certdrill.study import review
from certdrill.study.workspace import Workspace

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def say(*words: object) -> None:
    """One whole line in one write(2): a SIGKILL can never leave half a line (print() writes each
    word separately when PYTHONUNBUFFERED is set, and a killed child then garbles the stream)."""
    os.write(1, (" ".join(map(str, words)) + "\n").encode())
SIMULATED_SECONDS_PER_SECOND = 3600


def answer_loop(data_dir: Path, bundled_root: Path, *, epoch: float, seed: int, count: int | None,
                start_at: float | None = None) -> None:
    rng = random.Random(seed)

    def clock() -> datetime:
        return T0 + timedelta(seconds=(time.time() - epoch) * SIMULATED_SECONDS_PER_SECOND)

    ws = Workspace.open(data_dir, clock=clock, tz=UTC, bundled_root=bundled_root, fuzz=False)
    settings = ws.scheduler_settings()
    with ws.session() as session:
        card_ids = list(session.execute(select(col(CardRow.id))).scalars())
    say("ready", os.getpid())
    if start_at is not None:  # several loops start answering at the same moment (benchmarks)
        time.sleep(max(0.0, start_at - time.time()))
    started = time.time()
    done = 0
    while count is None or done < count:
        now = ws.now()
        with ws.session() as session:
            card = review.next_card(session, deck_ids=["sample"], now=now, tz=UTC, new_per_day=20)
            mode: review.Mode = "review"
            if card is None or rng.random() < 0.2:  # nothing due, or a practice drill now and then
                card, mode = review.load_card(session, card_id=rng.choice(card_ids)), "practice"
            question = card.question
            chosen: list[int] = []
            rating: int | None = None
            if question.kind == "flashcard":
                rating = rng.choice((1, 2, 3, 3, 4))
            elif rng.random() < 0.75:
                chosen = list(question.correct_indices)
            else:
                chosen = [rng.randrange(len(question.choices))]
            result = review.answer(
                session, card_id=card.card_id, chosen=chosen, rating=rating, now=now, mode=mode,
                duration_ms=rng.randrange(2000, 30000), scheduler_settings=settings,
            )
        say("ack", result.review_id)
        done += 1
    say("done", started, time.time())
    ws.close()


def serve(data_dir: Path, bundled_root: Path, *, epoch: float) -> None:
    for line in sys.stdin:
        seed = int(line.split()[1])
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                answer_loop(data_dir, bundled_root, epoch=epoch, seed=seed, count=None)
                status = 0
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        say("exit", pid, status)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("bundled_root", type=Path)
    parser.add_argument("--epoch", type=float, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int)
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--start-at", type=float, help="wall-clock time to start answering at")
    args = parser.parse_args()
    if args.serve:
        serve(args.data_dir, args.bundled_root, epoch=args.epoch)
    else:
        answer_loop(args.data_dir, args.bundled_root, epoch=args.epoch, seed=args.seed, count=args.count,
                    start_at=args.start_at)


if __name__ == "__main__":
    main()
