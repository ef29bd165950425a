"""Run every benchmark of the project and print one table: `python -m benchmarks [--quick] [NAME ...]`."""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys

from benchmarks.report import Figure, render

# Each module has `run(quick: bool = False) -> list[Figure]` (quick: small sizes, a smoke check).
BENCHMARKS = ["bench_core", "bench_tui", "bench_cli", "bench_apkg_import", "bench_import_memory", "bench_reliability",
              "bench_readiness", "bench_sync"]


def run_one(name: str, *, quick: bool) -> list[Figure]:
    run = importlib.import_module(f"benchmarks.{name}").run
    if "quick" in inspect.signature(run).parameters:
        figures: list[Figure] = run(quick=quick)
    else:  # a module without a quick mode runs at its full size
        figures = run()
    return figures


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: checks the benchmarks run, not speed")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmark modules (default: {' '.join(BENCHMARKS)})")
    args = parser.parse_args(argv)
    figures: list[Figure] = []
    for name in args.names or BENCHMARKS:
        print(f"running {name}{' (quick)' if args.quick else ''} ...", flush=True)
        found = run_one(name, quick=args.quick)
        print(render(found), flush=True)  # as each module ends: a long run keeps what it has measured
        figures += found
    print()
    print(render(figures))
    if args.quick:
        print("\n--quick: small sizes; ratios are not comparable with the targets")
    return 0 if args.quick or all(f.passed is not False for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
