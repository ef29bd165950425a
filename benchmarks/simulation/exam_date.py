"""Exam-date mode against plain FSRS with the same daily minutes and the same new-card pacing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import mean

from benchmarks.simulation.learner import Learner, make_deck
from benchmarks.simulation.study import StudyPlan, study
from certdrill.core import planner, scheduling

START = datetime(2026, 1, 5, 9, tzinfo=UTC)


@dataclass(frozen=True)
class ArmResult:
    mean_recall: float  # true retrievability on exam morning, over every question (unseen count 0)
    below_08: float  # share of questions under 0.8 on exam morning
    minutes: float  # total study time before the exam
    unseen: int


def run_arm(seed: int, *, exam_mode: bool, days: int, minutes: int) -> ArmResult:
    deck = make_deck()
    learner = Learner.create(seed, deck)
    pace = planner.new_per_day(unseen=len(deck.questions), today=START.date(),
                               exam_date=(START + timedelta(days=days)).date())
    plan = StudyPlan(START, days, minutes, exam_mode, pace)
    log = study(learner, plan, scheduling.make_scheduler(scheduling.SchedulerSettings(fuzz=False)))
    recall = [learner.true_recall(c, plan.exam_at) for c in learner.cards]
    return ArmResult(mean(recall), sum(r < 0.8 for r in recall) / len(recall), log.seconds / 60,
                     sum(c.model.state == 0 for c in learner.cards))


def compare(seeds: range, *, days: int, minutes: int) -> dict[str, ArmResult]:
    out = {}
    for name, exam_mode in (("fsrs", False), ("exam-date", True)):
        arms = [run_arm(s, exam_mode=exam_mode, days=days, minutes=minutes) for s in seeds]
        out[name] = ArmResult(mean(a.mean_recall for a in arms), mean(a.below_08 for a in arms),
                              mean(a.minutes for a in arms), sum(a.unseen for a in arms))
    return out


SCENARIOS = ((42, 20), (42, 30), (28, 20), (60, 15))  # (days until the exam, minutes a day)


def _arm(args: tuple[int, bool, int, int]) -> tuple[float, float, float, int]:
    seed, exam_mode, days, minutes = args
    r = run_arm(seed, exam_mode=exam_mode, days=days, minutes=minutes)
    return r.mean_recall, r.below_08, r.minutes, r.unseen


def main() -> None:
    """Exam-date mode against plain FSRS on FSRS-shaped learners (benchmarks/simulation/learner.py), and
    the trend SVG of docs/readiness.md. The readiness study itself is `python -m benchmarks.simulation`."""
    import argparse
    from concurrent.futures import ProcessPoolExecutor
    from pathlib import Path

    from benchmarks.simulation.trend import write

    parser = argparse.ArgumentParser(prog="python -m benchmarks.simulation.exam_date")
    parser.add_argument("--pairs", type=int, default=40, help="learners per scenario (each runs both arms)")
    parser.add_argument("--svg", type=Path, default=Path("docs/readiness-trend.svg"))
    args = parser.parse_args()
    print("exam-date mode vs plain FSRS (retention 0.9), same minutes and new-card pacing; true memory on exam morning")
    with ProcessPoolExecutor(2) as pool:
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


if __name__ == "__main__":
    main()
