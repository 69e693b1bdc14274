"""The app: first frame and memory (vs a bare Textual app), and key-to-screen latency.

Each measurement runs in a fresh process (app_probe.py), so imports and memory are the
app's own, not the benchmark runner's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.benchmarks.measure import Result

PROBE = Path(__file__).with_name("app_probe.py")
ROOT = Path(__file__).resolve().parents[2]


def _probe(*args: str) -> tuple[float, float, float]:
    """(wall seconds to the first frame, MB resident then, CPU seconds till then)."""
    started = time.time()
    out = subprocess.run([sys.executable, str(PROBE), *args], capture_output=True, text=True,
                         check=True, cwd=ROOT, timeout=120).stdout
    line = [x for x in out.splitlines() if x.startswith("{")][-1]
    data = json.loads(line)
    return data["first_frame"] - started, data["rss_mb"], data["cpu"]


def compile_bytecode() -> None:
    """Compile tui/ as an install does: Textual's modules come compiled from their wheel,
    and a checkout run with ``PYTHONDONTWRITEBYTECODE`` (as this machine's is) would otherwise
    compile sinowire's ~70 modules on every start (~0.1 s) and count it as the app's."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "tui")],
                   check=True, cwd=ROOT, timeout=300)


def first_frame(databases: dict[str, Path], runs: int) -> list[Result]:
    """Median process-start-to-first-frame and RSS for each cache and for a bare app,
    alternated (bare, then each cache, per round) so load changes hit all alike."""
    compile_bytecode()
    samples: dict[str, list[tuple[float, float, float]]] = {"bare": []} | {
        k: [] for k in databases}
    for _ in range(runs):
        samples["bare"].append(_probe("--bare"))
        for label, path in databases.items():
            samples[label].append(_probe(str(path)))
    results = []
    bare = sorted(samples["bare"])
    bare_time = bare[len(bare) // 2][0]
    bare_rss = bare[len(bare) // 2][1]
    bare_cpu = sorted(c for _, _, c in bare)[len(bare) // 2]
    results.append(Result("first frame: bare Textual app", bare_time, unit="s",
                          note=f"CPU {bare_cpu:.2f} s"))
    for label in databases:
        ranked = sorted(samples[label])
        median_time, median_rss, _ = ranked[len(ranked) // 2]
        cpu = sorted(c for _, _, c in ranked)[len(ranked) // 2]
        results.append(Result(f"first frame: sinowire, {label}", median_time,
                              p95=ranked[-1][0], unit="s", floor=bare_time, floor_name="bare",
                              note=f"CPU {cpu:.2f} s, {cpu / bare_cpu:.2f}x bare's"))
        results.append(Result(f"RSS after first frame: sinowire, {label}", median_rss,
                              unit="MB", floor=bare_rss, floor_name="bare"))
    results.insert(1, Result("RSS after first frame: bare Textual app", bare_rss, unit="MB"))
    return results


def _keys_probe(*args: str) -> dict:  # type: ignore[type-arg]
    out = subprocess.run([sys.executable, str(PROBE), *args], capture_output=True, text=True,
                         check=True, cwd=ROOT, timeout=1800).stdout
    return json.loads([x for x in out.splitlines() if x.startswith("{")][-1])


def _stats(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return samples[len(samples) // 2], p95


def key_latency(db_path: Path, label: str, rounds: int) -> list[Result]:
    """Key event to the frame showing its result, timed inside the app (see app_probe).

    "list": the first frame with the list's new page and count (or the screen the key
    opens). "all": with the background reader's feed counts, sidebar or picker counts
    in too. A search also gets a row for "page": its first page on screen (before its
    count). The floor is a bare DataTable moving its cursor, timed the same way.
    """
    bare = _keys_probe("--keys-bare", str(rounds))["timings"]["down"]["list"]
    floor, floor_p95 = _stats(bare)
    results = [Result("key to frame: bare DataTable cursor down (floor)", floor, p95=floor_p95)]
    data = _keys_probe("--keys", str(db_path), str(rounds))
    for name, stops in data["timings"].items():
        if name.startswith("(") or not stops["list"]:
            continue  # set-up keys between the measured ones
        median, p95 = _stats(stops["list"])
        all_median, all_p95 = _stats(stops["all"]) if stops["all"] else (median, p95)
        note = "" if all_p95 - p95 < 0.002 else (
            f"everything (counts, sidebar) in: {all_median * 1000:.0f} ms, "
            f"p95 {all_p95 * 1000:.0f} ms")
        if name.startswith("search") and stops.get("page"):
            page_median, page_p95 = _stats(stops["page"])
            cpu_median, cpu_p95 = _stats(stops["page_cpu"])
            results.append(Result(f"{name} → first page, {label}", page_median,
                                  p95=page_p95, floor=floor, floor_name="bare",
                                  note=f"CPU {cpu_median * 1000:.0f} ms, p95 "
                                       f"{cpu_p95 * 1000:.0f} ms"))
            name = f"{name} → count"
        results.append(Result(f"{name}, {label}", median, p95=p95, floor=floor,
                              floor_name="bare", note=note))
    results.append(Result(f"RSS after the key session, {label}", data["rss_mb"], unit="MB"))
    results.append(Result(f"RSS after end and back to the top, {label}",
                          data["rss_after_end_and_back_mb"], unit="MB",
                          note=f"peak {data['rss_peak_mb']:.1f} MB"))
    return results


def full_text(pages: int) -> list[Result]:
    """``f`` on a story to its full text on screen, pages served from loopback (see
    app_probe's full-text mode): the first press (it starts the parse worker) and the
    rest, each split at the moment the extracted story reaches the UI thread."""
    samples = _keys_probe("--full-text", str(pages))["samples"]
    if not samples:
        return [Result("full text: no page extracted", 0.0, note="check the corpus")]
    first, rest = samples[0], samples[1:] or samples
    totals = [s["total"] for s in rest]
    median, p95 = _stats(totals)
    engine_median, _ = _stats([s["engine"] for s in rest])
    paint_median, paint_p95 = _stats([s["paint"] for s in rest])
    cpu_median, _ = _stats([s["cpu"] for s in rest])
    return [
        Result("full text: f → text on screen, first press (starts the parse worker)",
               first["total"], note=f"engine {first['engine'] * 1000:.0f} ms"),
        Result(f"full text: f → text on screen, {len(rest)} more pages (EN/ZH)", median,
               p95=p95,
               note=f"target 100 ms; fetch+extract+tag+store {engine_median * 1000:.0f} ms, "
                    f"then paint {paint_median * 1000:.0f} ms (p95 {paint_p95 * 1000:.0f}); "
                    f"app CPU {cpu_median * 1000:.0f} ms"),
    ]
