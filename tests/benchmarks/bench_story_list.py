"""The grouped list (one row per story) against the flat list: first page, a deep page, count.

    python -m tests.benchmarks.bench_story_list --quick     # 3,000 articles, seconds
    python -m tests.benchmarks.bench_story_list             # 100,000 articles

A third of the articles are put in stories of two to four reports (through the store's own
grouping write), the rest stay alone, like a cache where most news has one outlet.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.benchmarks.corpus import fill_store
from tests.engine_helpers import put_in_stories
from tui.models import Filter
from tui.store import Store


def group_some(store: Store, seed: int = 5) -> int:
    """Put about a third of the articles in stories of 2-4 reports; returns the stories."""
    rng = random.Random(seed)
    rows = store.db.conn.execute(
        "SELECT id, published, title FROM articles ORDER BY published").fetchall()
    groups: list[list[int]] = []
    index = 0
    while index < len(rows):
        size = rng.choice((1, 1, 1, 1, 2, 3, 4))
        groups.append([article_id for article_id, _published, _title in rows[index:index + size]])
        index += size
    put_in_stories(store, groups)
    stories = len(groups)
    return stories


def timed(call: Callable[[], object], runs: int) -> float:
    """Median milliseconds of ``runs`` calls."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    articles = 3_000 if args.quick else 100_000
    runs = 5 if args.quick else 15
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.db")
        started = time.perf_counter()
        fill_store(store, articles, body_size=300)
        stories = group_some(store)
        print(f"{articles:,} articles, {stories:,} rows grouped "
              f"(built in {time.perf_counter() - started:.0f} s)")
        print(f"{'filter':<16}{'flat p1':>9}{'story p1':>10}{'flat p50':>10}{'story p50':>11}"
              f"{'flat n':>9}{'story n':>9}   (ms, median of {runs})")
        for name, flt in (("none", Filter()), ("china", Filter(china=True)),
                          ("unread", Filter(unread=True)),
                          ("search 比特币", Filter(search="比特币"))):
            deep = min(50 * 100, max(0, store.count_story_rows(flt) - 100))
            cells = [
                timed(lambda f=flt: store.list_articles(f, limit=100), runs),
                timed(lambda f=flt: store.list_story_rows(f, limit=100), runs),
                timed(lambda f=flt, d=deep: store.list_articles(f, limit=100, offset=d), runs),
                timed(lambda f=flt, d=deep: store.list_story_rows(f, limit=100, offset=d), runs),
                timed(lambda f=flt: store.count_articles(f, cap=5000 if f.search else None),
                      runs),
                # What the app's list counts: exact with no filter, else "at least" from
                # the newest 5,000 matching reports.
                timed(lambda f=flt: store.count_story_rows(f) if f.is_empty()
                      else store.count_story_rows_upto(f, 5000), runs),
            ]
            print(f"{name:<16}" + "".join(f"{c:>10.1f}" for c in cells))
        store.close()


if __name__ == "__main__":
    main()
