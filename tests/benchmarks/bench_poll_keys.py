"""Key to screen while the app polls many loopback feeds, against the same app idle.

    python tests/benchmarks/bench_poll_keys.py FEEDS ITEMS   # prints one JSON line

The real app (``tui.ui.make_app`` on a real cache and the real engine) polls FEEDS feeds of
ITEMS stories each from 127.0.0.1 while j/k are pressed through Pilot; each press is timed
from the key to the moment the article list's cursor has moved (the next frame shows it).
After the poll the same presses are timed on the idle app. Run in its own process by
``run.py --only pollkeys`` so the app's imports and threads are its own.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_fetch import FeedServer  # noqa: E402
from tests.benchmarks.measure import Result  # noqa: E402

GAP = 0.05  # seconds between presses: a steady typist


class StackSampler:
    """What the UI thread was doing during slow presses (``SINOWIRE_BENCH_TRACE=1``).

    A thread samples the main thread's stack every 10 ms; :meth:`during` names the most
    frequent innermost frames (file:line function) between two moments. It finds a stall
    by measurement, without a profiler to install. Started after the cache is set up: a
    sampled frame keeps its locals alive a moment longer, and a cursor kept alive that way
    fails the setup's next COMMIT ("SQL statements in progress").
    """

    def __init__(self) -> None:
        import threading

        self.samples: list[tuple[float, tuple[str, ...]]] = []
        self.t0 = time.perf_counter()
        self.main = threading.main_thread().ident
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        import threading
        import traceback

        names = {}
        while not self.stop.wait(0.01):
            frames = sys._current_frames()
            for ident, frame in frames.items():
                if ident == threading.get_ident():
                    continue
                if ident not in names:
                    names = {t.ident: t.name for t in threading.enumerate()}
                stack = tuple(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                              for f in traceback.extract_stack(frame)[-8:])
                self.samples.append((time.perf_counter(),
                                     (f"[{names.get(ident, ident)}]", *stack)))
            del frames, frame  # no frame (and its locals) outlives the sample

    def probe_writes(self, db: Path) -> None:
        """Every 0.1 s take and release the write lock (what a UI-thread ``set_read``
        needs): print each wait over 0.1 s, the time the UI would stall on the poll."""
        import threading

        from tui.store.sqlite import sqlite3  # the store's library: never two in one process

        def run() -> None:
            conn = sqlite3.connect(str(db), timeout=60, isolation_level=None)
            while not self.stop.wait(0.1):
                began = time.perf_counter()
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("COMMIT")
                waited = time.perf_counter() - began
                if waited > 0.1:
                    print(f"write lock waited {waited:.2f} s at {began - self.t0:.1f} s",
                          file=sys.stderr)

        threading.Thread(target=run, daemon=True).start()

    def mark(self, owner: type, name: str) -> None:
        """Print when ``owner.name`` runs and how long it takes (on stderr)."""
        original = getattr(owner, name, None)
        if original is None:  # (the screen's handlers move as the UI changes)
            return
        t0 = self.t0

        def marked(*args, **kwargs):  # type: ignore[no-untyped-def]
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                print(f"{name} at {began - t0:.1f} s took "
                      f"{time.perf_counter() - began:.3f} s", file=sys.stderr)

        setattr(owner, name, marked)

    def during(self, start: float, end: float) -> list[tuple[int, str]]:
        """The most frequent stacks between two moments: the UI thread's first (what the
        key waited behind), then the other threads' (who held the GIL meanwhile)."""
        from collections import Counter

        idle = ("_worker", "get", "_run", "wait", "select", "_serve_jobs")
        counts = Counter(stack[0] + " " + " < ".join(reversed(stack[1:]))
                         for at, stack in self.samples
                         if start <= at <= end and not stack[-1].endswith(idle))
        main = [(n, s) for s, n in counts.most_common() if s.startswith("[MainThread]")]
        rest = [(n, s) for s, n in counts.most_common() if not s.startswith("[MainThread]")]
        return main[:6] + rest[:4]


def _stats(samples: list[float]) -> dict[str, float]:
    ranked = sorted(samples)
    return {"median": statistics.median(ranked),
            "p95": ranked[min(len(ranked) - 1, round(0.95 * (len(ranked) - 1)))],
            "worst": ranked[-1], "count": len(ranked)}


FRAMES: list[tuple[float, int]] = []
"""When the app displayed each frame (``App._display``, called headless too) and where
the list's cursor was in it."""


def _record_frames(app) -> None:  # type: ignore[no-untyped-def]
    display = app._display

    def recorded(screen, renderable) -> None:  # type: ignore[no-untyped-def]
        if renderable is not None:
            articles = app.screen_stack[0].query_one("#articles") if len(
                app.screen_stack) == 1 else None
            FRAMES.append((time.perf_counter(), articles.cursor if articles else -1))
        display(screen, renderable)

    app._display = recorded


def _frame_after(started: float, cursor: int) -> float | None:
    """The first frame since ``started`` that shows the cursor away from ``cursor``."""
    found = None
    for at, shown in reversed(FRAMES):
        if at < started:
            break
        if shown != cursor:
            found = at
    return found


async def _press(app, articles, key: str | None = None) -> float:  # type: ignore[no-untyped-def]
    """One key, from the event handed to the driver (as a terminal's) to the first frame
    displayed after the list's cursor moved.

    Not ``pilot.press``: it waits for the whole *process* to go idle (``process_time``,
    up to a second, twice) and for every widget's queue to drain before it returns, so a
    busy background thread counted against the key (seconds at the end of a poll, when
    the reader thread counts) though the key had long been on the screen.
    """
    from textual import events

    before = articles.cursor
    # A key that can always move the cursor: a refresh may put it on the top row, where
    # "k" moves nothing and the wait below would run to its cap.
    key = key or ("j" if before == 0 else "k")
    started = time.perf_counter()
    ui_cpu, all_cpu = time.thread_time(), time.process_time()
    app._driver.send_message(events.Key(key, key))
    while articles.cursor == before and time.perf_counter() - started < 30:
        await asyncio.sleep(0.001)
    moved = time.perf_counter()
    while _frame_after(started, before) is None and time.perf_counter() - started < 30:
        await asyncio.sleep(0.001)
    took = (_frame_after(started, before) or time.perf_counter()) - started
    wall = time.perf_counter() - started
    ui_cpu, all_cpu = time.thread_time() - ui_cpu, time.process_time() - all_cpu
    SPLITS.append((took, ui_cpu / wall, (all_cpu - ui_cpu) / wall))
    if SAMPLER is not None and took > SLOW_TRACE:
        print(f"slow press {took:.2f} s (cursor moved after {moved - started:.2f} s) "
              f"at {started - SAMPLER.t0:.1f} s:", file=sys.stderr)
        for n, stack in SAMPLER.during(started, started + took):
            print(f"  {n} x {stack}", file=sys.stderr)
    return took


SPLITS: list[tuple[float, float, float]] = []
"""Each press: (key to frame, the UI thread's CPU share of it, the app's other threads'
CPU share). A slow key with a high UI share is painting; with a high share of the other
threads it waited for the GIL; with both low the process waited for a CPU (the poll's
processes or the machine's other load)."""


def _where(splits: list[tuple[float, float, float]], slower_than: float) -> dict[str, float]:
    """Where the slow presses' time went, on average (shares of their wall time)."""
    slow = [s for s in splits if s[0] > slower_than]
    if not slow:
        return {"count": 0}
    ui = statistics.mean(s[1] for s in slow)
    others = statistics.mean(s[2] for s in slow)
    return {"count": len(slow), "ui_thread_cpu": round(ui, 2),
            "other_threads_cpu": round(others, 2),
            "off_cpu": round(max(0.0, 1 - ui), 2)}


PILOT_SPLIT: list[tuple[float, float, float]] = []
"""With ``SINOWIRE_BENCH_PILOT=1``: (when, key to frame, key to ``pilot.press`` returning)."""


async def _pilot_press(pilot, app, articles) -> float:  # type: ignore[no-untyped-def]
    """The old measure, kept to show what it measured: ``pilot.press`` and the cursor."""
    before = articles.cursor
    started = time.perf_counter()
    await pilot.press("j" if before == 0 else "k")
    returned = time.perf_counter()
    while articles.cursor == before and time.perf_counter() - started < 30:
        await asyncio.sleep(0.001)
    frame = _frame_after(started, before)
    PILOT_SPLIT.append((started, (frame or returned) - started, time.perf_counter() - started))
    return time.perf_counter() - started


class MarkProbe:
    """While the app polls, every 0.1 s: how long a mark (``Store.set_read``, as the UI
    thread makes it) takes, beside how long the write lock itself was waited for (what a
    mark waited before user writes were deferred: the floor it must stay under)."""

    def __init__(self, db: Path, article_id: int) -> None:
        import threading

        self.db, self.article_id = db, article_id
        self.marks: list[float] = []
        self.locks: list[float] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from tui.store import Store
        from tui.store.sqlite import sqlite3  # the store's library: never two in one process

        conn = sqlite3.connect(str(self.db), timeout=60, isolation_level=None)
        with Store.open(self.db) as store:
            while not self.stop.wait(0.1):
                began = time.perf_counter()
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("COMMIT")
                self.locks.append(time.perf_counter() - began)
                began = time.perf_counter()
                store.set_read([self.article_id], False)
                self.marks.append(time.perf_counter() - began)
        conn.close()

    def finish(self) -> None:
        self.stop.set()
        self.thread.join()


def measure(feeds: int, items: int) -> dict[str, object]:
    from tests.conftest import plain_tagger
    from tests.engine_helpers import save_articles
    from tui.config import Settings
    from tui.engine import Engine
    from tui.models import Article
    from tui.store import Store
    from tui.ui import make_app

    result: dict[str, object] = {}
    # The server runs in its own process: building its documents is Python work that would
    # otherwise take the app's GIL and be counted against the app.
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(feeds), str(items)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert server.stdout is not None
    base = server.stdout.readline().strip()
    try:
        with tempfile.TemporaryDirectory(prefix="sinowire-pollkeys-") as tmp:
            db = Path(tmp) / "cache" / "sinowire.db"
            db.parent.mkdir()
            with Store.open(db) as store, store.batch_feed_changes():
                # Already cached stories, so there is a list to move in from the first second.
                local = store.add_feed("https://local.test/feed.xml", "Already cached")
                now = int(time.time())
                save_articles(store, local.id, [
                    Article(guid=f"c{n}", title=f"Cached story {n}", published=now - 3600 + n)
                    for n in range(100)], tagger=plain_tagger, now=now, next_due=2**40)
                for n in range(feeds):
                    store.add_feed(f"{base}/feed/{n}.xml")
            engine = Engine(Settings(deadline=60.0, parse_timeout=120.0), db)

            if SAMPLER is not None:
                from tui.ui.screens.main import MainScreen

                SAMPLER.start()
                SAMPLER.probe_writes(db)

                for name in ("on_poll_finished", "data_changed", "_show_counts",
                             "_show_entities"):
                    SAMPLER.mark(MainScreen, name)

            async def scenario() -> None:
                app = make_app(engine, poll_on_start=True, auto_extract=False)
                _record_frames(app)
                async with app.run_test(size=(160, 45)) as pilot:
                    await pilot.pause(0.2)
                    articles = app.query_one("#articles")
                    polling: list[float] = []
                    slow: list[tuple[float, float]] = []
                    result["slow"] = slow
                    started = time.monotonic()
                    origin = time.perf_counter()
                    probe = MarkProbe(db, 1)
                    while any(not w.is_finished for w in app.workers) or not polling:
                        if time.monotonic() - started > 1800:
                            break
                        at = time.monotonic() - started
                        if PILOT:
                            polling.append(await _pilot_press(pilot, app, articles))
                        else:
                            polling.append(await _press(app, articles))
                        if polling[-1] > 0.5:
                            slow.append((round(at, 1), round(polling[-1], 2)))
                        await asyncio.sleep(GAP)
                    result["poll_seconds"] = time.monotonic() - started
                    poll_splits = SPLITS[:]
                    probe.finish()
                    result["marks"] = _stats(probe.marks)
                    result["lock_waits"] = _stats(probe.locks)
                    await app.workers.wait_for_complete()
                    await pilot.pause(0.5)
                    idle = []
                    for _ in range(max(20, min(len(polling), 100))):
                        idle.append(await _press(app, articles))
                        await asyncio.sleep(GAP)
                    result["stored"] = articles.count
                    result["polling"] = _stats(polling)
                    if PILOT:
                        result["pilot_split"] = [(round(at - origin, 1), round(f, 3), round(p, 3))
                                                 for at, f, p in PILOT_SPLIT if p > 0.5]
                    result["idle"] = _stats(idle)
                    # The polling presses slower than 1.5x idle p95: what their time was.
                    result["slow_split"] = _where(poll_splits, 1.5 * result["idle"]["p95"])

            try:
                asyncio.run(scenario())
            finally:
                engine.close()
    finally:
        server.terminate()  # also when the setup fails: no server left behind
        server.wait()
    return result


def serve(feeds: int, items: int) -> None:
    """The loopback feeds, until killed; prints the base URL first.

    At a lower priority than the app: the servers stand for remote hosts, whose CPU is
    not the reader's; on a 2-core machine their Python would otherwise be counted
    against the keys as a third process competing for the CPU."""
    import os

    os.nice(10)
    with FeedServer(feeds, items, lazy=True) as server:
        print(server.url(""), flush=True)
        server.thread.join()


def rows(data: dict[str, object], feeds: int, items: int) -> list[Result]:
    """The benchmark's table rows from the child's JSON."""
    idle = data["idle"]
    polling = data["polling"]
    assert isinstance(idle, dict) and isinstance(polling, dict)
    label = f"{feeds} feeds x {items}"
    slow = data.get("slow") or []
    at = ", ".join(f"{t:.0f} s" for t, _ in slow[:4])  # type: ignore[union-attr]
    note = (f"{polling['count']} presses during a {data['poll_seconds']:.0f} s poll; "
            f"{data['stored']:,} stories listed; keys over 0.5 s at {at or 'none'} "
            "into the poll")
    return [
        Result("key to screen, idle (floor)", idle["median"], p95=idle["p95"],
               note=f"worst {idle['worst'] * 1000:.0f} ms"),
        Result(f"key to screen while polling {label}", polling["median"], p95=polling["p95"],
               floor=idle["median"], floor_name="idle",
               note=f"worst {polling['worst'] * 1000:.0f} ms; {note}"),
        Result(f"  p95 while polling {label}", polling["p95"], floor=idle["p95"],
               floor_name="idle p95", note=_split_note(data.get("slow_split"))),
        Result("  the poll's write lock, waited for", data["lock_waits"]["median"],  # type: ignore[index]
               p95=data["lock_waits"]["p95"],  # type: ignore[index]
               note=f"worst {data['lock_waits']['worst'] * 1000:.0f} ms: what a mark "  # type: ignore[index]
                    "waited on the UI thread before"),
        Result("  a mark (set_read) while polling", data["marks"]["median"],  # type: ignore[index]
               p95=data["marks"]["p95"], floor=data["lock_waits"]["worst"],  # type: ignore[index]
               floor_name="worst lock wait",
               note=f"worst {data['marks']['worst'] * 1000:.0f} ms; "  # type: ignore[index]
                    f"{data['marks']['count']} marks"),  # type: ignore[index]
    ]


def _split_note(split: object) -> str:
    """Where the keys slower than 1.5x idle p95 spent their time (shares of wall time)."""
    if not isinstance(split, dict) or not split.get("count"):
        return "no key slower than 1.5x idle p95"
    return (f"{split['count']} keys over 1.5x idle p95: UI thread on CPU "
            f"{split['ui_thread_cpu']:.0%}, other app threads {split['other_threads_cpu']:.0%}, "
            f"UI thread off CPU {split['off_cpu']:.0%}")


def run(feeds: int, items: int) -> list[Result]:
    out = subprocess.run([sys.executable, __file__, str(feeds), str(items)],
                         capture_output=True, text=True, check=True, cwd=ROOT,
                         timeout=3600).stdout
    data = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    return rows(data, feeds, items)


SAMPLER: StackSampler | None = None
PILOT = False
SLOW_TRACE = 0.3
"""Presses slower than this (seconds) are traced; ``SINOWIRE_BENCH_TRACE=0.05`` sets it."""

if __name__ == "__main__":
    import os

    trace = os.environ.get("SINOWIRE_BENCH_TRACE", "")
    if trace and sys.argv[1] != "--serve":
        SAMPLER = StackSampler()
        if trace.replace(".", "", 1).isdigit() and float(trace) < 1:
            SLOW_TRACE = float(trace)
    PILOT = bool(os.environ.get("SINOWIRE_BENCH_PILOT"))
    if sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), int(sys.argv[3]))
    else:
        print(json.dumps(measure(int(sys.argv[1]), int(sys.argv[2]))), flush=True)
