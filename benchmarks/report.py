"""One table for every benchmark: figure, median, reference, ratio, target, pass or fail."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    median: float
    unit: str
    reference: float | None
    reference_name: str
    target_ratio: float | None  # pass when median / reference <= target_ratio

    @property
    def ratio(self) -> float | None:
        return None if not self.reference else self.median / self.reference

    @property
    def passed(self) -> bool | None:
        if self.ratio is None or self.target_ratio is None:
            return None
        return self.ratio <= self.target_ratio


def _result(f: Figure) -> str:
    if f.target_ratio is not None and f.reference is None:
        return "not measured"  # a target whose reference could not be run here: neither pass nor FAIL
    return {True: "pass", False: "FAIL", None: "-"}[f.passed]


def render(figures: list[Figure]) -> str:
    rows = [("figure", "median", "reference", "ratio", "target", "result")]
    for f in figures:
        ref = f"{f.reference:.3g} {f.unit} ({f.reference_name})" if f.reference is not None else f.reference_name
        rows.append((
            f.name, f"{f.median:.3g} {f.unit}", ref,
            f"{f.ratio:.2f}x" if f.ratio is not None else "-",
            f"<= {f.target_ratio:g}x" if f.target_ratio is not None else "-",
            _result(f),
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
