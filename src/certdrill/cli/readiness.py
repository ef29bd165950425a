"""Commands `readiness` (per-domain readiness, predicted score, P(pass)) and `exam-date` (show or set it)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from certdrill.cli import open_workspace
from certdrill.core.text import counted
from certdrill.errors import CertdrillError

if TYPE_CHECKING:
    from certdrill.core.exam_readiness import Readiness
    from certdrill.core.readiness import DomainReadiness


def register(sub: Any) -> None:
    p = sub.add_parser("readiness", help="per-domain readiness for the exam, predicted score and P(pass)")
    p.add_argument("deck", nargs="?", metavar="DECK", help="a deck id (default: every deck you have studied)")
    p.add_argument("--exam-date", metavar="YYYY-MM-DD", help="judge readiness for this date (default: the deck's exam date, else today)")
    p.add_argument("--json", action="store_true", help="print JSON (shape in docs/readiness.md)")
    p.set_defaults(func=cmd_readiness)

    p = sub.add_parser("exam-date", help="show or set a deck's exam date: pace new questions and time reviews for exam day")
    p.add_argument("deck", metavar="DECK", help="a deck id")
    p.add_argument("date", nargs="?", metavar="YYYY-MM-DD",
                   help="the exam date (without it: show the date set and what it asks of each day)")
    p.add_argument("--minutes-per-day", type=int, metavar="N",
                   help="minutes you can study each day (default 30; without a date: change them for the date set)")
    p.add_argument("--clear", action="store_true", help="remove the exam date: normal scheduling resumes")
    p.add_argument("--json", action="store_true", help="print the plan as JSON (shape in docs/readiness.md)")
    p.set_defaults(func=cmd_exam_date)


def _parse_date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CertdrillError(f"{what} must be a date like 2026-12-15, not '{text}'") from None


def cmd_readiness(args: argparse.Namespace) -> int:
    import json

    from certdrill.study.readiness import readiness_report, studied_deck_ids

    exam_date = _parse_date(args.exam_date, "--exam-date") if args.exam_date else None
    ws = open_workspace(args)
    scheduler_settings = ws.scheduler_settings()
    with ws.reading() as con:
        deck_ids = [args.deck] if args.deck else studied_deck_ids(con)
        reports = [readiness_report(con, deck_id=d, now=ws.now(), tz=ws.tz, exam_date=exam_date,
                                    scheduler_settings=scheduler_settings) for d in deck_ids]
    if args.json:
        print(json.dumps({"decks": [r.to_json() for r in reports]}, indent=2, ensure_ascii=False))
        return 0
    if not reports:
        print("No decks yet. Import one with: certdrill import PATH")
    for i, report in enumerate(reports):
        if i:
            print()
        print("\n".join(render(report)))
    return 0


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _domain_line(d: DomainReadiness, width: int) -> str:
    # Too little evidence: no point estimate (as on the dashboard), only the interval it lies in.
    estimate = "   ?" if d.too_little_evidence else f"{d.estimate:>4.0%}"
    interval = f"{d.low:.0%}-{d.high:.0%}"
    weakest = ", ".join(t.id for t in d.weakest_tasks)
    return (f"  {d.name:<{width}}  {d.weight:>4.0%}  {estimate}  {interval:>9}  {d.seen:>4}/{d.questions:<4}"
            f"  {_pct(d.first_try_accuracy):>5}  {_pct(d.recall_at_exam):>6}  {d.tasks_covered:>2}/{d.tasks_total:<2}"
            f"  {d.due:>4}  {weakest}")


def render(r: Readiness) -> list[str]:
    """The readiness report as text lines."""
    from certdrill.core.readiness import MEANING, TOO_LITTLE

    head = f"{r.deck_id}  {r.title}"
    if r.exam_code:
        head += f"  [{r.exam_code}, {r.exam_status}" + (f"; successor {r.successor}" if r.successor else "") + "]"
    lines = [head]
    if r.exam_status == "retired":
        lines.append(f"  note: this exam is retired; its successor is {r.successor or 'not named'}")
    when = f"exam on {r.exam_at.date().isoformat()}" if r.exam_at and r.exam_at > r.now else "if the exam were today"
    lines.append(f"  readiness {when}, per domain")
    lines.append(f"  est = {MEANING}")
    width = max([len(d.name) for d in r.domains] + [6])
    lines.append(f"  {'domain':<{width}}  {'wt':>4}  {'est':>4}  {'80% int':>9}  {'seen':>9}  {'first':>5}  "
                 f"{'recall':>6}  {'tasks':>5}  {'due':>4}  weakest tasks")
    lines += [_domain_line(d, width) for d in r.domains]
    mock_answers = sum(d.mock_answers for d in r.domains)
    if mock_answers:
        right = sum(d.mock_correct for d in r.domains) / mock_answers
        lines.append(f"  mock exams: {right:.0%} right over {mock_answers} answers, counted in the estimate "
                     "(docs/readiness.md)")
    if any(d.too_little_evidence for d in r.domains):
        lines.append("  ? too little evidence for an estimate, only its 80% interval: answer more questions "
                     "(or take a mock exam)")
    s = r.score
    if r.too_little_evidence:
        lines.append(f"  predicted score and P(pass): {TOO_LITTLE}")
    elif s.scale is not None:
        lines.append(f"  predicted score: {s.scale.convert(s.raw):.0f} (80%: {s.scale.convert(s.raw_low):.0f}-"
                     f"{s.scale.convert(s.raw_high):.0f}); {s.scale.describe()}")
    else:
        lines.append(f"  predicted score: {s.raw:.0%} (80%: {s.raw_low:.0%}-{s.raw_high:.0%}); no pass mark known")
    if s.p_pass is not None and not r.too_little_evidence:
        lines.append(f"  P(pass): {s.p_pass:.0%}" + (" (against an estimated pass mark)" if s.scale and s.scale.estimated else ""))
    if r.actions:
        lines.append("  what would raise it most:")
        lines += [f"    {i}. {a.text} (+{100 * a.gain:.1f} points of the raw score)" for i, a in enumerate(r.actions, 1)]
    return lines


def cmd_exam_date(args: argparse.Namespace) -> int:
    import json

    from certdrill.core.clock import study_date
    from certdrill.study.exam_date import exam_plan, retired_exam_note, set_exam_date, stored_exam_date

    if args.clear and args.date is not None:
        raise CertdrillError("give either an exam date (YYYY-MM-DD) or --clear, not both")
    ws = open_workspace(args)
    now = ws.now()
    today = date.fromisoformat(study_date(now, ws.tz))
    with ws.session() as session:
        current = stored_exam_date(session, deck_id=args.deck)
        showing = args.date is None and not args.clear and args.minutes_per_day is None
        if not showing:
            if args.clear:
                exam_date = None
            elif args.date is not None:
                exam_date = _parse_date(args.date, "the exam date")
            elif current is None:  # only --minutes-per-day: they belong to a date
                raise CertdrillError(f"{args.deck} has no exam date: give one (YYYY-MM-DD) with --minutes-per-day")
            else:
                exam_date = current
            set_exam_date(session, deck_id=args.deck, exam_date=exam_date, minutes_per_day=args.minutes_per_day,
                          today=today, now=now)
            current = exam_date
        plan = exam_plan(session, deck_id=args.deck, now=now, tz=ws.tz)
        retired = retired_exam_note(session, deck_id=args.deck) if plan is not None and not showing else None
    if retired:
        print(f"certdrill: warning: {retired}", file=sys.stderr)
    if args.json:
        print(json.dumps({"deck": args.deck, "exam_date": current.isoformat() if current else None,
                          "plan": None if plan is None else plan.to_json()}, indent=2))
        return 0
    if plan is None:
        if args.clear:
            print(f"{args.deck}: exam date cleared; normal scheduling")
        elif current is not None:
            print(f"{args.deck}: the exam date {current} has passed; normal scheduling")
        else:
            print(f"{args.deck}: no exam date set; normal scheduling (set one with: certdrill exam-date {args.deck} "
                  "YYYY-MM-DD)")
        return 0
    print(f"{args.deck}: exam on {plan.exam_date} ({counted(plan.days_left, 'day')}); "
          f"{counted(plan.unseen, 'unseen question')}, "
          f"{plan.new_per_day} new a day so that all are met a week before; {plan.minutes_per_day} minutes a day")
    if plan.over_cap:
        print(f"certdrill: warning: {plan.new_per_day} new questions a day likely take more than "
              f"{plan.minutes_per_day} minutes; allow more time or choose a later date", file=sys.stderr)
    return 0
