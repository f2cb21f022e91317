"""Timings, their medians and 95th percentiles, targets, and the results table."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


def p95(samples: Sequence[float]) -> float:
    """The 95th percentile, nearest-rank (with few samples: the largest but rarely)."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


@dataclass
class Measurement:
    """Repeated timings (seconds) or sizes (MB) of one scenario at one database size."""

    scenario: str
    size: str
    samples: list[float]
    unit: str = "s"  # "s" (shown as s or ms) or "MB"
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else math.nan

    @property
    def p95(self) -> float:
        return p95(self.samples) if self.samples else math.nan

    def show(self, value: float) -> str:
        if math.isnan(value):
            return "—"
        if self.unit == "MB":
            return f"{value:.0f} MB"
        if value < 1:
            return f"{value * 1000:.1f} ms"
        return f"{value:.2f} s"


@dataclass
class Verdict:
    """A target and whether the measurements meet it."""

    target: str
    met: bool | None  # None: not measured (skipped)
    detail: str = ""


@dataclass
class Row:
    measurement: Measurement
    verdict: Verdict | None = None


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def add(self, measurement: Measurement, verdict: Verdict | None = None) -> Measurement:
        self.rows.append(Row(measurement, verdict))
        return measurement

    def find(self, scenario: str, size: str) -> Measurement | None:
        for row in self.rows:
            if row.measurement.scenario == scenario and row.measurement.size == size:
                return row.measurement
        return None

    def table(self) -> str:
        """A Markdown table: scenario, size, runs, median, p95, target, met."""
        lines = [
            "| scenario | size | runs | median | p95 | target | met |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in self.rows:
            m, v = row.measurement, row.verdict
            met = "" if v is None else {True: "yes", False: "**no**", None: "—"}[v.met]
            target = "" if v is None else v.target + (f" ({v.detail})" if v.detail else "")
            name = m.scenario + (f" — {m.note}" if m.note else "")
            lines.append(
                f"| {name} | {m.size} | {len(m.samples)} | {m.show(m.median)} "
                f"| {m.show(m.p95)} | {target} | {met} |"
            )
        return "\n".join(lines)


def at_most(
    limit: float, *, on: Callable[[Measurement], float] = lambda m: m.median
) -> Callable[[Measurement], bool]:
    return lambda m: on(m) <= limit
