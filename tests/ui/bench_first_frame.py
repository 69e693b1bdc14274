"""Measure time to first frame and memory for the app on a given or generated database.

    python tests/ui/bench_first_frame.py --make 100000 /tmp/big.db   # build a big cache
    python tests/ui/bench_first_frame.py /tmp/big.db                 # measure

Not collected by pytest. Each measurement runs in a fresh process so imports and caches
are counted the way a user would see them.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from pathlib import Path

START = time.perf_counter()
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.engine_helpers import save_articles  # noqa: E402
from tui.config import Settings  # noqa: E402
from tui.models import Article, Entity, Tags  # noqa: E402
from tui.store import Store  # noqa: E402

TOPICS = ("mining", "regulation", "exchanges", "markets", "defi", "cbdc")


def make(db: Path, count: int, feeds: int = 20) -> None:
    now = int(time.time())
    with Store.open(db) as store:
        ids = [store.add_feed(f"https://bench{n}.example/feed", f"Bench feed {n}").id
               for n in range(feeds)]
        per_feed = count // feeds
        for index, feed_id in enumerate(ids):
            batch = [
                Article(guid=f"{index}-{n}", title=f"Story {n} from feed {index}: Bitmain "
                        f"and the PBoC on {TOPICS[n % len(TOPICS)]}",
                        url=f"https://bench{index}.example/{n}", summary="A short summary.",
                        published=now - (index * per_feed + n) * 30)
                for n in range(per_feed)
            ]

            def tagger(article: Article) -> Tags:
                n = int(article.guid.split("-")[1])
                china = n % 3 == 0
                return Tags(china=china, china_score=2.0 if china else 0.0,
                            regions=frozenset({"CN"}) if china else frozenset(),
                            topics=frozenset({TOPICS[n % len(TOPICS)]}),
                            entities=(Entity("Bitmain", "ORG"),) if n % 5 == 0 else ())

            save_articles(store, feed_id, batch, tagger=tagger, now=now, next_due=now + 3600)
            print(f"feed {index + 1}/{feeds}", flush=True)


async def measure(db: Path, live: bool) -> None:
    from tui.engine import Engine
    from tui.ui import make_app

    # live: the normal (non-demo) app, minus the network poll, so start-up work is counted.
    app = make_app(Engine(Settings(), db, demo=not live), poll_on_start=False)
    first_frame: list[float] = []

    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        first_frame.append(time.perf_counter() - START)
        t0 = time.perf_counter()
        await pilot.press("end")
        end_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        await pilot.press("c")
        china_ms = (time.perf_counter() - t0) * 1000
        count = app.screen.query_one("#articles").count  # type: ignore[attr-defined]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    label = f"{db.name}{' (live)' if live else ''}"
    print(f"{label}: {count:,} China rows; first frame {first_frame[0]:.2f} s after process "
          f"start; end key {end_ms:.0f} ms; China filter {china_ms:.0f} ms; "
          f"peak RSS {rss:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("--make", type=int, default=0)
    parser.add_argument("--live", action="store_true", help="non-demo app (no poll)")
    args = parser.parse_args()
    if args.make:
        make(args.db, args.make)
        return 0
    asyncio.run(measure(args.db, args.live))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
