"""Command `optimize`: fit FSRS to your own history (needs the `optimizer` extra)."""

from __future__ import annotations

import argparse
from typing import Any

from certdrill.cli import open_workspace


def register(sub: Any) -> None:
    p = sub.add_parser("optimize", help="fit FSRS parameters to your review history (extra: optimizer)")
    p.add_argument("--apply", action="store_true", help="use the fitted parameters from now on")
    p.add_argument("--json", action="store_true", help="print JSON: {reviews, parameters, applied}")
    p.set_defaults(func=cmd_optimize)


def cmd_optimize(args: argparse.Namespace) -> int:
    import json

    from certdrill.study.optimize import fit_parameters

    ws = open_workspace(args)
    with ws.session() as session:
        result = fit_parameters(session, apply=args.apply)
    if args.json:
        print(json.dumps({"reviews": result.reviews, "parameters": list(result.parameters), "applied": result.applied}))
        return 0
    print(f"fitted FSRS to {result.reviews} reviews:")
    print("  " + ", ".join(f"{p:.4f}" for p in result.parameters))
    print("applied: every later answer uses them" if result.applied else "not applied (add --apply to use them)")
    return 0
