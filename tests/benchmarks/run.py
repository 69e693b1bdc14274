"""sinowire's benchmarks: prints Markdown tables (median, p95, floor, ratio to the floor).

    python tests/benchmarks/run.py            # full: 100k-article cache (builds it once, ~5 min)
    python tests/benchmarks/run.py --quick    # small sizes, well under a minute (CI runs this)
    python tests/benchmarks/run.py --only queries --articles 10000
    SINOWIRE_BENCH_DIR=/tmp/mine python tests/benchmarks/run.py   # keep big caches there

The "newsboat" section compares with newsboat when it is installed (Debian/Ubuntu:
``apt-get install newsboat``; tmux too for the first-screen rows); it installs nothing.

Everything is local: feeds come from 127.0.0.1, caches are SQLite files under the system's
temporary folder (the big one is kept between runs and rebuilt when the schema changes).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks import bench_app, bench_extract, bench_fetch, bench_store  # noqa: E402
from tests.benchmarks.measure import print_table  # noqa: E402

SECTIONS = ("fetch", "newsboat", "pollkeys", "ingest", "queries", "cli", "size", "retag",
            "app", "extract", "stories")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    parser.add_argument("--articles", type=int, help="cache size for queries/app/size/retag")
    parser.add_argument("--only", action="append", choices=SECTIONS, help="run only these")
    parser.add_argument("--cache-dir", type=Path, default=os.environ.get("SINOWIRE_BENCH_DIR"),
                        help="where the big caches are kept between runs (default: "
                             "$SINOWIRE_BENCH_DIR, else TMPDIR/sinowire-bench)")
    args = parser.parse_args()
    os.environ.pop("SINOWIRE_HOME", None)
    chosen = set(args.only or SECTIONS)
    articles = args.articles or (2_000 if args.quick else 100_000)
    runs = 5 if args.quick else 30
    cache_dir = Path(args.cache_dir or Path(tempfile.gettempdir()) / "sinowire-bench")
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache = cache_dir / f"cache-{articles}" / "sinowire.db"  # own folder: its own feeds.opml

    if "fetch" in chosen:
        rows = bench_fetch.fetch(20, 50) if not args.quick else bench_fetch.fetch(5, 10)
        if not args.quick:
            rows += bench_fetch.fetch(100, 50)
        print_table("Fetch (loopback server)", rows)
    if "newsboat" in chosen:
        from tests.benchmarks import bench_newsboat

        size = (10, 20) if args.quick else (100, 50)
        rows = bench_newsboat.side_by_side(*size, rounds=3)
        if not args.quick:
            rows += bench_newsboat.big_screen(cache_dir, 100, 1000)
        print_table("Side by side with newsboat (same loopback feeds, same run)", rows)
    if "pollkeys" in chosen:
        from tests.benchmarks import bench_poll_keys

        size = (20, 20) if args.quick else (200, 200)
        print_table("Keys while the app polls (Pilot, loopback feeds)",
                    bench_poll_keys.run(*size))
    if "ingest" in chosen:
        sizes = (5, 20) if args.quick else (20, 50)
        print_table("Ingest", bench_store.ingest(*sizes))
    if chosen & {"queries", "cli", "size", "retag", "app"}:
        built = bench_store.build_cache(cache, articles)
        if built:
            print(f"\n(built a {articles:,}-article cache in {built:.0f} s: {cache})")
    if "queries" in chosen:
        print_table(f"Queries at {articles:,} articles",
                    bench_store.queries(cache, f"{articles // 1000}k", runs))
        print_table(f"Search as you type, grouped as the app lists it, {articles:,} articles",
                    bench_store.typing_grouped(cache, f"{articles // 1000}k",
                                               max(5, runs // 2)))
    if "cli" in chosen:
        print_table("Command line", bench_fetch.cli_list(cache, articles))
    if "size" in chosen:
        print_table("Database size and retention", bench_store.size_and_retention(cache, articles))
    if "retag" in chosen:
        print_table("Retag", bench_store.retag(cache, articles))
    if "app" in chosen:
        empty = cache_dir / "empty" / "sinowire.db"
        if not empty.exists():
            empty.parent.mkdir(exist_ok=True)
            from tui.store import Store

            Store.open(empty).close()
        probes = 3 if args.quick else 7
        print_table("App start-up", bench_app.first_frame(
            {"empty cache": empty, f"{articles:,} articles": cache}, probes))
        print_table("Key to screen", bench_app.key_latency(cache, f"{articles // 1000}k",
                                                           2 if args.quick else 10))
        print_table("Full text of a downloaded page (loopback)",
                    bench_app.full_text(8 if args.quick else 24))
    if "extract" in chosen:
        bench_extract.report(quick=args.quick)
    if "stories" in chosen:
        from tests.benchmarks import bench_stories

        bench_stories.run(None, quick=args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
