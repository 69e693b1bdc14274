"""The app: first frame and memory (vs a bare Textual app), and key-to-screen latency."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

from tests.benchmarks.measure import Result

PROBE = Path(__file__).with_name("app_probe.py")
ROOT = Path(__file__).resolve().parents[2]


def _probe(*args: str) -> tuple[float, float]:
    started = time.time()
    out = subprocess.run([sys.executable, str(PROBE), *args], capture_output=True, text=True,
                         check=True, cwd=ROOT, timeout=120).stdout
    line = [x for x in out.splitlines() if x.startswith("{")][-1]
    data = json.loads(line)
    return data["first_frame"] - started, data["rss_mb"]


def first_frame(databases: dict[str, Path], runs: int) -> list[Result]:
    """Median process-start-to-first-frame and RSS for each cache and for a bare app."""
    results = []
    bare = sorted(_probe("--bare") for _ in range(runs))
    bare_time = bare[len(bare) // 2][0]
    bare_rss = bare[len(bare) // 2][1]
    results.append(Result("first frame: bare Textual app", bare_time, unit="s"))
    for label, path in databases.items():
        samples = sorted(_probe(str(path)) for _ in range(runs))
        median_time, median_rss = samples[len(samples) // 2]
        results.append(Result(f"first frame: sinowire, {label}", median_time,
                              p95=samples[-1][0], unit="s", floor=bare_time, floor_name="bare"))
        results.append(Result(f"RSS after first frame: sinowire, {label}", median_rss,
                              unit="MB", floor=bare_rss, floor_name="bare"))
    results.insert(1, Result("RSS after first frame: bare Textual app", bare_rss, unit="MB"))
    return results


async def _key_latencies(db_path: Path, rounds: int) -> dict[str, list[float]]:
    from tui.config import Settings
    from tui.ui.app import SinowireApp

    app = SinowireApp(Settings(), db_path, poll_on_start=False, auto_extract=False)
    timings: dict[str, list[float]] = {}

    async def timed(name: str, pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        await pilot.press(*keys)
        await pilot.pause()
        timings.setdefault(name, []).append(time.perf_counter() - started)

    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        for _ in range(rounds):
            await timed("scroll one row (j)", pilot, "j")
            await timed("scroll a page (pagedown)", pilot, "pagedown")
            await timed("open article (enter)", pilot, "enter")
            await timed("back to list (escape)", pilot, "escape")
            await timed("filter: China on (c)", pilot, "c")
            await timed("filter: China off (c)", pilot, "c")
            await timed("filter: unread on (u)", pilot, "u")
            await timed("filter: unread off (u)", pilot, "u")
    return timings


async def _bare_latency(rounds: int) -> list[float]:
    """The floor: Pilot driving a minimal app whose focused DataTable moves one row."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_column("title")
            for n in range(200):
                table.add_row(f"row {n}")

    samples = []
    async with Bare().run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        for _ in range(rounds * 4):
            started = time.perf_counter()
            await pilot.press("down")
            await pilot.pause()
            samples.append(time.perf_counter() - started)
    return samples


def key_latency(db_path: Path, label: str, rounds: int) -> list[Result]:
    floor_samples = sorted(asyncio.run(_bare_latency(rounds)))
    floor = floor_samples[len(floor_samples) // 2]
    results = [Result("Pilot press + pause on a bare DataTable (floor)", floor)]
    timings = asyncio.run(_key_latencies(db_path, rounds))
    for name, samples in timings.items():
        samples.sort()
        p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
        median = samples[len(samples) // 2]
        results.append(Result(f"{name}, {label}", median, p95=p95, floor=floor,
                              floor_name="bare",
                              note=f"app's own share ≈ {(median - floor) * 1000:.0f} ms"))
    return results
