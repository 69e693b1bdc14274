"""Fault runs shared by test_faults.py (short CI mode) and fault_run.py (long local mode).

Each run returns plain counts so the test asserts on them and the script prints them.
Everything talks to a :class:`~tests.hostile.loopback.FeedServer` on 127.0.0.1 and to
``sinowire`` subprocesses started with ``python -m tui``.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.engine_helpers import poll
from tests.hostile.loopback import FeedServer
from tui.config import Settings
from tui.engine.jobs import ArticleTagger, make_tagger
from tui.models import UpdateReport
from tui.store import Store

CONFIG = "[subscribe]\ndefaults = false\n\n[retention]\nper_feed = 1000000\n"


def make_home(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(CONFIG)
    return folder


def sinowire(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tui", "--home", str(home), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def fts_consistent(store: Store) -> tuple[bool, str]:
    """FTS integrity-check passes and articles, bodies and FTS rows are one-to-one."""
    if not store.integrity_ok():
        return False, "integrity check failed"
    conn = store.db.conn
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    bodies = conn.execute("SELECT count(*) FROM bodies").fetchone()[0]
    fts = conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
    orphans = conn.execute(
        "SELECT count(*) FROM articles_fts WHERE rowid NOT IN (SELECT id FROM articles)"
    ).fetchone()[0]
    if not articles == bodies == fts or orphans:
        return False, f"articles {articles}, bodies {bodies}, fts {fts}, orphans {orphans}"
    return True, ""


# --- kill -9 ------------------------------------------------------------------------------

@dataclass
class KillStats:
    trials: int = 0
    kills: int = 0  # the process was still running when it got SIGKILL
    completed: int = 0  # it finished first
    kills_mid_poll: int = 0  # killed after some feeds were committed and before the last
    losses: int = 0  # articles committed before a trial and missing after it
    state_losses: int = 0  # read/starred flags changed by a kill
    partial_batches: int = 0  # a feed with part of one fetch's entries
    inconsistent: list[str] = field(default_factory=list)
    articles: int = 0
    full_run_seconds: float = 0.0
    seconds: float = 0.0


def kill_trials(folder: Path, *, trials: int, feeds: int = 20, items: int = 30,
                seed: int = 1) -> KillStats:
    """``sinowire fetch`` killed with SIGKILL at a random point, ``trials`` times.

    Rolling feeds give every fetch new entries to write, so a kill can land anywhere:
    in the HTTP phase, the parse worker, a feed's transaction or retention. After each
    trial: integrity and FTS checks, every article seen before still there with its
    read/starred state, and each feed holds whole fetches only (blocks of ``items``).
    """
    stats = KillStats()
    started = time.monotonic()
    home = make_home(folder)
    server = FeedServer()
    rng = random.Random(seed)
    try:
        with Store.open(home / "sinowire.db") as store:
            for n in range(feeds):
                store.add_feed(server.url("rolling", n, items))
        t0 = time.monotonic()
        first = sinowire(home, "fetch", "--force")
        first.communicate(timeout=300)
        stats.full_run_seconds = round(time.monotonic() - t0, 2)
        for _ in range(trials):
            stats.trials += 1
            before = _snapshot_and_mark(home, rng)
            process = sinowire(home, "fetch", "--force")
            time.sleep(rng.uniform(0.02, 1.05) * stats.full_run_seconds)
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                stats.kills += 1
            else:
                stats.completed += 1
            process.communicate(timeout=120)
            added = _check_after(home, before, items, stats)
            if process.returncode == -signal.SIGKILL and 0 < added < feeds * items:
                stats.kills_mid_poll += 1
    finally:
        server.close()
    stats.seconds = round(time.monotonic() - started, 1)
    return stats


def _snapshot_and_mark(home: Path, rng: random.Random) -> dict[tuple[int, str], tuple[int, int]]:
    with Store.open(home / "sinowire.db") as store:
        ids = [r[0] for r in store.db.conn.execute("SELECT id FROM articles")]
        if ids:
            store.set_read(rng.sample(ids, min(len(ids), 5)))
            store.set_starred(rng.choice(ids), True)
        return {(f, g): (r, s) for f, g, r, s in store.db.conn.execute(
            "SELECT feed_id, guid, read, starred FROM articles")}


def _check_after(home: Path, before: dict[tuple[int, str], tuple[int, int]], items: int,
                 stats: KillStats) -> int:
    with Store.open(home / "sinowire.db") as store:
        ok, why = fts_consistent(store)
        if not ok:
            stats.inconsistent.append(f"trial {stats.trials}: {why}")
        now = {(f, g): (r, s) for f, g, r, s in store.db.conn.execute(
            "SELECT feed_id, guid, read, starred FROM articles")}
        stats.articles = len(now)
    stats.losses += sum(1 for key in before if key not in now)
    stats.state_losses += sum(1 for key, flags in before.items()
                              if key in now and now[key] != flags)
    blocks = Counter((feed_id, guid.rsplit("-", 1)[0]) for feed_id, guid in now)
    stats.partial_batches += sum(1 for count in blocks.values() if count != items)
    return len(now) - len(before)


# --- two writers --------------------------------------------------------------------------

@dataclass
class WriterStats:
    rounds: int = 0
    cli_runs: int = 0
    app_polls: int = 0
    errors: list[str] = field(default_factory=list)
    duplicates: int = 0
    lost: int = 0
    articles: int = 0
    consistent: bool = True
    seconds: float = 0.0


def concurrent_writers(folder: Path, *, rounds: int = 3, cli_processes: int = 2,
                       fixed: int = 15, rolling: int = 15, items: int = 30) -> WriterStats:
    """Cron-style ``sinowire fetch`` processes and the app's poller on one cache at once.

    Fixed feeds show duplicates (every writer sees the same entries); rolling feeds show
    losses (each successful fetch served a new block that must be stored).
    """
    stats = WriterStats()
    started = time.monotonic()
    home = make_home(folder)
    server = FeedServer()
    settings = Settings(deadline=30.0, parse_timeout=60.0)
    try:
        with Store.open(home / "sinowire.db") as store:
            for n in range(fixed):
                store.add_feed(server.url("fixed", n, items))
            for n in range(rolling):
                store.add_feed(server.url("rolling", n, items))
        tagger = make_tagger(settings)
        for _ in range(rounds):
            stats.rounds += 1
            processes = [sinowire(home, "fetch", "--force", "--json")
                         for _ in range(cli_processes)]
            reports: list[UpdateReport] = []
            thread = threading.Thread(target=_app_poll, args=(home, settings, tagger, reports))
            thread.start()
            for process in processes:
                out, err = process.communicate(timeout=600)
                stats.cli_runs += 1
                for line in out.splitlines():
                    record = json.loads(line)
                    if record.get("error"):
                        stats.errors.append(f"cli: {record['error']}")
                if process.returncode != 0 or "Traceback" in err:
                    stats.errors.append(f"cli exit {process.returncode}: {err[-300:]}")
            thread.join()
            stats.app_polls += 1
            stats.errors += [f"app: {o.error}" for r in reports for o in r.outcomes if o.error]
        with Store.open(home / "sinowire.db") as store:
            stats.consistent = fts_consistent(store)[0]
            rows = store.db.conn.execute("SELECT feed_id, guid, url FROM articles").fetchall()
            stats.articles = len(rows)
            stats.duplicates = len(rows) - len({(f, url) for f, _, url in rows})
            stored_blocks = Counter(g.rsplit("-", 1)[0] for _, g, _ in rows if g.startswith("r"))
            served = sum(count for path, count in server.requests.items()
                         if path.startswith("/rolling/"))
            fixed_rows = sum(1 for _, g, _ in rows if g.startswith("x"))
            stats.lost = (served - len(stored_blocks)) + (fixed * items - fixed_rows)
    finally:
        server.close()
    stats.seconds = round(time.monotonic() - started, 1)
    return stats


def _app_poll(home: Path, settings: Settings, tagger: ArticleTagger,
              reports: list[UpdateReport]) -> None:
    with Store.open(home / "sinowire.db") as own:  # the app's worker opens its own Store
        reports.append(poll(own, settings, tagger=tagger, force=True))


# --- the poller under load -----------------------------------------------------------------

@dataclass
class LoadStats:
    feeds: int = 0
    entries_per_feed: int = 0
    ok: int = 0
    errors: int = 0
    stored: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0  # this process's high-water mark after the poll
    rss_growth_mb: float = 0.0  # how much the poll raised it
    worker_peak_rss_mb: float = 0.0  # the parse worker's high-water mark
    traced_peak_mb: float = 0.0  # Python allocations in the polling process


def _vm_hwm_kb(default: int) -> int:
    """This process's peak resident set (VmHWM, kB), or ``default`` where /proc has none."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return default


def load_poll(folder: Path, *, feeds: int = 200, entries: int = 200, slow: int = 4,
              failing: int = 10, bad: int = 5, slow_seconds: float = 1.5) -> LoadStats:
    """One poll over ``feeds`` feeds of ``entries`` entries, some slow, failing or not feeds."""
    stats = LoadStats(feeds=feeds, entries_per_feed=entries)
    server = FeedServer(slow_seconds=slow_seconds)
    settings = Settings(deadline=30.0, parse_timeout=60.0)
    path = make_home(folder) / "sinowire.db"
    good = feeds - slow - failing - bad
    try:
        with Store.open(path) as store:
            for n in range(good):
                store.add_feed(server.url("fixed", n, entries))
            for kind, count in (("slow", slow), ("fail", failing), ("bad", bad)):
                for n in range(count):
                    store.add_feed(server.url(kind, n, entries))
            tagger = make_tagger(settings)
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            tracemalloc.start()
            started = time.monotonic()
            report = poll(store, settings, tagger=tagger, force=True)
            stats.seconds = round(time.monotonic() - started, 1)
            stats.traced_peak_mb = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
            tracemalloc.stop()
            after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            # ru_maxrss survives exec: a process started by a 340 MB pytest reports at least
            # that. The kernel's VmHWM belongs to this program's own memory, so use it.
            stats.peak_rss_mb = round(_vm_hwm_kb(default=after) / 1024, 1)
            stats.rss_growth_mb = round((after - before) / 1024, 1)
            stats.worker_peak_rss_mb = round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
            stats.ok = sum(1 for o in report.outcomes if o.status == "ok")
            stats.errors = report.errors
            stats.stored = store.count_articles()
    finally:
        server.close()
    return stats


if __name__ == "__main__":  # a fresh process, so the memory figures are the poll's own
    import tempfile
    from dataclasses import asdict

    kind, feeds_arg, entries_arg = sys.argv[1:4]
    assert kind == "load", "usage: python -m tests.hostile.faults load FEEDS ENTRIES"
    with tempfile.TemporaryDirectory(prefix="sinowire-load-") as tmp:
        figures = load_poll(Path(tmp), feeds=int(feeds_arg), entries=int(entries_arg))
    print(json.dumps(asdict(figures)))

