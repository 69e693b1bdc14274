"""Small timing helpers shared by the benchmarks: repeat, median, p95, table printing."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Result:
    name: str
    median: float  # seconds, or a rate when ``unit`` is a rate
    p95: float | None = None
    unit: str = "ms"
    floor: float | None = None  # same unit, measured in the same run
    floor_name: str = ""
    note: str = ""

    def cells(self) -> list[str]:
        def show(value: float | None) -> str:
            if value is None:
                return ""
            if self.unit == "ms":
                return f"{value * 1000:.2f} ms"
            if self.unit == "s":
                return f"{value:.2f} s"
            if self.unit == "MB":
                return f"{value:.1f} MB"
            if self.unit == "KB":
                return f"{value:.1f} KB"
            return f"{value:,.0f} {self.unit}"

        ratio = ""
        if self.floor:
            ratio = f"{self.median / self.floor:.2f}x {self.floor_name}".strip()
        return [self.name, show(self.median), show(self.p95), show(self.floor), ratio,
                self.note]


def repeat(func: Callable[[], object], times: int) -> tuple[float, float]:
    """Median and p95 wall-clock seconds of ``func`` over ``times`` runs (after one warm-up)."""
    func()
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


def print_table(title: str, results: list[Result]) -> None:
    header = ["benchmark", "median", "p95", "floor", "ratio", "note"]
    rows = [header] + [r.cells() for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    print(f"\n## {title}\n")
    for number, row in enumerate(rows):
        print("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |")
        if number == 0:
            print("| " + " | ".join("-" * w for w in widths) + " |")
