"""Run the simulation study and print its figures: calibration, exam-date mode against FSRS, the trend SVG."""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benchmarks.simulation.calibration import simulate, summarise
from benchmarks.simulation.exam_date import run_arm
from benchmarks.simulation.trend import write

SCENARIOS = ((42, 20), (42, 30), (28, 20), (60, 15))  # (days until the exam, minutes a day)


def _arm(args: tuple[int, bool, int, int]) -> tuple[float, float, float, int]:
    seed, exam_mode, days, minutes = args
    r = run_arm(seed, exam_mode=exam_mode, days=days, minutes=minutes)
    return r.mean_recall, r.below_08, r.minutes, r.unseen


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.simulation")
    parser.add_argument("--learners", type=int, default=400, help="simulated learners for calibration")
    parser.add_argument("--pairs", type=int, default=40, help="learners per exam-date scenario (each runs both arms)")
    parser.add_argument("--svg", type=Path, default=Path("docs/readiness-trend.svg"))
    args = parser.parse_args()
    started = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        c = summarise(list(pool.map(simulate, range(args.learners), chunksize=10)))
        print(f"calibration over {args.learners} learners x 4 domains, {20} fresh exam questions each")
        print(f"  Brier {c.brier:.4f} (always the overall rate: {c.brier_baseline:.4f})")
        print(f"  80% interval coverage of the true P(right): {c.coverage:.1%} "
              f"(domains flagged 'too little evidence': {c.flagged_share:.0%}, their coverage {c.coverage_flagged:.1%})")
        print(f"  P(pass) Brier {c.pass_brier:.4f} (pass rate {c.pass_rate:.0%})")
        print("  reliability: predicted bin | domains | mean predicted | observed")
        for label, n, pred, obs in c.reliability:
            print(f"    {label} | {n:4d} | {pred:.3f} | {obs:.3f}")
        print("exam-date mode vs plain FSRS (retention 0.9), same minutes and new-card pacing; true memory on exam morning")
        for days, minutes in SCENARIOS:
            rows = {}
            for mode in (False, True):
                out = list(pool.map(_arm, [(s, mode, days, minutes) for s in range(args.pairs)]))
                n = len(out)
                rows[mode] = (sum(o[0] for o in out) / n, sum(o[1] for o in out) / n, sum(o[2] for o in out) / n,
                              sum(o[3] for o in out))
            for mode, name in ((False, "fsrs"), (True, "exam-date")):
                r, low, mins, unseen = rows[mode]
                print(f"  {days}d {minutes}min/day {name:>9}: mean R {r:.4f}  share<0.8 {low:.4f}  "
                      f"review time {mins:.0f} min/learner  unseen at exam {unseen}")
    points = write(args.svg)
    print(f"trend: {args.svg} ({len(points)} days; final predicted raw {points[-1][1]:.0%}, P(pass) {points[-1][4]:.0%})")
    print(f"done in {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
