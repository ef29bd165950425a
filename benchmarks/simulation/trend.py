"""Readiness over time for one simulated learner, drawn as a small hand-written SVG (no plotting dependency)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from benchmarks.simulation.exam_date import START
from benchmarks.simulation.learner import Learner, make_deck
from benchmarks.simulation.study import StudyPlan, study
from certdrill.core import planner, scheduling
from certdrill.core.exam_readiness import assess

W, H, PAD = 640, 300, 48


def trend(seed: int = 7, days: int = 42, minutes: int = 20) -> list[tuple[int, float, float, float, float]]:
    """(day, predicted raw score, low, high, P(pass)) at the end of each study day, for the exam date."""
    deck = make_deck()
    learner = Learner.create(seed, deck)
    scheduler = scheduling.make_scheduler(scheduling.SchedulerSettings(fuzz=False))
    plan = StudyPlan(START, days, minutes, True, planner.new_per_day(
        unseen=len(deck.questions), today=START.date(), exam_date=(START.date().fromordinal(START.toordinal() + days))))
    points: list[tuple[int, float, float, float, float]] = []

    def on_day_end(day: int, at: datetime) -> None:
        questions, reviews = learner.evidence(at)
        r = assess(deck, questions=questions, reviews=reviews, now=at, exam_at=plan.exam_at, scheduler=scheduler)
        points.append((day + 1, r.score.raw, r.score.raw_low, r.score.raw_high, r.score.p_pass or 0.0))

    study(learner, plan, scheduler, on_day_end)
    return points


def svg(points: list[tuple[int, float, float, float, float]], pass_raw: float) -> str:
    days = max(p[0] for p in points)

    def x(day: float) -> float:
        return PAD + (W - 2 * PAD) * day / days

    def y(v: float) -> float:
        return H - PAD + (2 * PAD - H) * v

    band = " ".join(f"{x(d):.1f},{y(hi):.1f}" for d, _, _, hi, _ in points)
    band += " " + " ".join(f"{x(d):.1f},{y(lo):.1f}" for d, _, lo, _, _ in reversed(points))
    line = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v, _, _, _ in points)
    ppass = " ".join(f"{x(d):.1f},{y(p):.1f}" for d, _, _, _, p in points)
    grid = "".join(
        f'<line x1="{PAD}" x2="{W - PAD}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>'
        f'<text x="{PAD - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.0%}</text>'
        for v in (0, 0.25, 0.5, 0.75, 1.0)
    )
    ticks = "".join(f'<text x="{x(d):.1f}" y="{H - PAD + 16}" text-anchor="middle">{d}</text>' for d in range(0, days + 1, 7))
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">
<rect width="{W}" height="{H}" fill="white"/>
<text x="{PAD}" y="20" font-size="13">Readiness of one simulated learner, exam-date mode, exam on day {days}</text>
{grid}{ticks}
<text x="{W / 2}" y="{H - 10}" text-anchor="middle">study day</text>
<polygon points="{band}" fill="#4c78a8" fill-opacity="0.2"/>
<polyline points="{line}" fill="none" stroke="#4c78a8" stroke-width="2"/>
<polyline points="{ppass}" fill="none" stroke="#f58518" stroke-width="2" stroke-dasharray="5,3"/>
<line x1="{PAD}" x2="{W - PAD}" y1="{y(pass_raw):.1f}" y2="{y(pass_raw):.1f}" stroke="#e45756" stroke-dasharray="2,2"/>
<text x="{W - PAD}" y="{y(pass_raw) - 4:.1f}" text-anchor="end" fill="#e45756">estimated pass mark</text>
<text x="{PAD + 8}" y="38" fill="#4c78a8">predicted raw score (band: 80% interval)</text>
<text x="{PAD + 8}" y="52" fill="#f58518">P(pass)</text>
</svg>
"""


def write(path: Path, seed: int = 7) -> list[tuple[int, float, float, float, float]]:
    points = trend(seed)
    path.write_text(svg(points, pass_raw=0.72))
    return points
