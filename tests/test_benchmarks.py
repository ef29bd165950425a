"""`python -m benchmarks --quick` runs end to end and prints the shared table (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_bench_core_prints_the_benchmark_table() -> None:
    result = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "bench_core"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("figure"))
    assert lines[header].split() == ["figure", "median", "reference", "ratio", "target", "result"]
    assert set(lines[header + 1]) == {"-", " "}
    rows = lines[header + 2 : header + 4]
    assert rows[0].startswith("next card + answer + commit") and rows[1].startswith("import 10,000-question YAML deck")
    assert all(row.split()[-1] in ("pass", "FAIL", "-") for row in rows)
