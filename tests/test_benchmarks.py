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
    # The module's table as it ends, then the whole run's table (the same rows here): read the last.
    header = max(i for i, line in enumerate(lines) if line.startswith("figure"))
    assert lines[header].split() == ["figure", "median", "reference", "ratio", "target", "result"]
    assert set(lines[header + 1]) == {"-", " "}
    rows = [line for line in lines[header + 2 :] if line.strip() and not line.startswith("--quick")]
    assert rows[0].startswith("next card + answer + commit, NORMAL") and rows[1].startswith("next card + answer + commit, FULL")
    assert rows[-1].startswith("import 10,000-question YAML deck")
    assert all(row.endswith(("pass", "FAIL", "-", "not measured")) for row in (r.rstrip() for r in rows))


def test_apkg_stage_breakdown_runs_and_prints_the_floor() -> None:
    result = subprocess.run([sys.executable, "-m", "benchmarks.apkg_stages"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    stages = {line[:46].strip(): float(line[46:]) for line in out[1:7]}
    assert "write (rows ready: SQL, cards, commit)" in stages and all(ms > 0 for ms in stages.values())
    assert any(line.startswith("floor (read + deck bookkeeping") for line in out)
