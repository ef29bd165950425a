"""Run every benchmark of the project and print one table: `python -m benchmarks [NAME ...]`."""

from __future__ import annotations

import importlib
import sys

from benchmarks.report import Figure, render

BENCHMARKS = ["bench_core", "bench_apkg_import"]


def main(argv: list[str]) -> int:
    chosen = argv or BENCHMARKS
    figures: list[Figure] = []
    for name in chosen:
        print(f"running {name} ...", flush=True)
        figures += importlib.import_module(f"benchmarks.{name}").run()
    print()
    print(render(figures))
    return 0 if all(f.passed is not False for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
