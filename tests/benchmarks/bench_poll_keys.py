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


def _stats(samples: list[float]) -> dict[str, float]:
    ranked = sorted(samples)
    return {"median": statistics.median(ranked),
            "p95": ranked[min(len(ranked) - 1, round(0.95 * (len(ranked) - 1)))],
            "worst": ranked[-1], "count": len(ranked)}


async def _press(pilot, articles, key: str) -> float:  # type: ignore[no-untyped-def]
    before = articles.cursor
    started = time.perf_counter()
    await pilot.press(key)
    while articles.cursor == before and time.perf_counter() - started < 30:
        await asyncio.sleep(0.001)
    return time.perf_counter() - started


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

        async def scenario() -> None:
            app = make_app(engine, poll_on_start=True, auto_extract=False)
            async with app.run_test(size=(160, 45)) as pilot:
                await pilot.pause(0.2)
                articles = app.query_one("#articles")
                polling: list[float] = []
                slow: list[tuple[float, float]] = []
                result["slow"] = slow
                started = time.monotonic()
                while any(not w.is_finished for w in app.workers) or not polling:
                    if time.monotonic() - started > 1800:
                        break
                    at = time.monotonic() - started
                    polling.append(await _press(pilot, articles, "jk"[len(polling) % 2]))
                    if polling[-1] > 0.5:
                        slow.append((round(at, 1), round(polling[-1], 2)))
                    await asyncio.sleep(GAP)
                result["poll_seconds"] = time.monotonic() - started
                await app.workers.wait_for_complete()
                await pilot.pause(0.5)
                idle = []
                for n in range(max(20, min(len(polling), 100))):
                    idle.append(await _press(pilot, articles, "jk"[n % 2]))
                    await asyncio.sleep(GAP)
                result["stored"] = articles.count
                result["polling"] = _stats(polling)
                result["idle"] = _stats(idle)

        try:
            asyncio.run(scenario())
        finally:
            engine.close()
            server.terminate()
            server.wait()
    return result


def serve(feeds: int, items: int) -> None:
    """The loopback feeds, until killed; prints the base URL first."""
    with FeedServer(feeds, items, lazy=True) as server:
        print(server.url(""), flush=True)
        server.thread.join()


def rows(data: dict[str, object], feeds: int, items: int) -> list[Result]:
    """The benchmark's table rows from the child's JSON."""
    idle = data["idle"]
    polling = data["polling"]
    assert isinstance(idle, dict) and isinstance(polling, dict)
    label = f"{feeds} feeds x {items}"
    note = (f"{polling['count']} presses during a {data['poll_seconds']:.0f} s poll; "
            f"{data['stored']:,} stories listed")
    return [
        Result("key to screen, idle (floor)", idle["median"], p95=idle["p95"],
               note=f"worst {idle['worst'] * 1000:.0f} ms"),
        Result(f"key to screen while polling {label}", polling["median"], p95=polling["p95"],
               floor=idle["median"], floor_name="idle",
               note=f"worst {polling['worst'] * 1000:.0f} ms; {note}"),
        Result(f"  p95 while polling {label}", polling["p95"], floor=idle["p95"],
               floor_name="idle p95"),
    ]


def run(feeds: int, items: int) -> list[Result]:
    out = subprocess.run([sys.executable, __file__, str(feeds), str(items)],
                         capture_output=True, text=True, check=True, cwd=ROOT,
                         timeout=3600).stdout
    data = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    return rows(data, feeds, items)


if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), int(sys.argv[3]))
    else:
        print(json.dumps(measure(int(sys.argv[1]), int(sys.argv[2]))), flush=True)
