"""Benchmarks for the core: fetch, ingest and list. Prints a table; not part of the test run.

    python tests/benchmarks/run.py            # full sizes
    python tests/benchmarks/run.py --quick    # a few seconds (CI runs this so it never rots)

Everything is local: feeds are served from 127.0.0.1, the cache is a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import feedparser  # noqa: E402

from tests.benchmarks.corpus import feed_document  # noqa: E402
from tui.config import Settings  # noqa: E402
from tui.feeds.ingest import make_tagger  # noqa: E402
from tui.feeds.parse import parse_feed  # noqa: E402
from tui.store import Store  # noqa: E402


class FeedServer:
    """Serves /feed/N.xml with an ETag; answers 304 to a matching If-None-Match."""

    def __init__(self, feeds: int, items: int):
        self.documents = {f"/feed/{n}.xml": feed_document(n, items) for n in range(feeds)}
        documents = self.documents

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = documents.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()

    def url(self, path: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"


def sinowire(home: Path, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "tui", "--home", str(home), *args],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    return time.perf_counter() - started, result.stdout


def bench_fetch(feeds: int, items: int) -> list[tuple[str, str]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp, FeedServer(feeds, items) as server:
        home = Path(tmp)
        (home / "config.toml").write_text("[subscribe]\ndefaults = false\n")
        for path in server.documents:
            sinowire(home, "feeds", "add", server.url(path))
        cold, out = sinowire(home, "fetch")
        warm, out304 = sinowire(home, "fetch", "--force")
        startup, _ = sinowire(home, "paths")
        rows.append((f"sinowire fetch, {feeds} feeds x {items} items, cold", f"{cold:.2f} s"))
        rows.append((f"sinowire fetch --force, {feeds} feeds, all 304", f"{warm:.2f} s"))
        rows.append(("  (process start-up alone: sinowire paths)", f"{startup:.2f} s"))
        assert "0 failed" in out and "0 failed" in out304, (out, out304)
    return rows


def bench_ingest(feeds: int, items: int) -> list[tuple[str, str]]:
    documents = [feed_document(n, items) for n in range(feeds)]
    headers = {"content-type": "application/rss+xml"}
    started = time.perf_counter()
    for body in documents:
        feedparser.parse(io.BytesIO(body), response_headers=headers)
    feedparser_seconds = time.perf_counter() - started
    settings = Settings()
    tagger = make_tagger(settings)
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "b.db") as store:
        started = time.perf_counter()
        for n, body in enumerate(documents):
            feed = store.add_feed(f"https://bench.test/{n}.xml")
            parsed = parse_feed(body, headers, feed.url)
            store.save_articles(feed.id, parsed.articles, tagger=tagger, now=int(time.time()),
                                next_due=0)
        ingest_seconds = time.perf_counter() - started
        count = store.count_articles()
    total = feeds * items
    return [
        (f"feedparser parse only, {total} items", f"{total / feedparser_seconds:,.0f} items/s"),
        (f"ingest (parse + normalise + tag + store + FTS), {count} items",
         f"{count / ingest_seconds:,.0f} items/s"),
    ]


def bench_list(articles: int) -> list[tuple[str, str]]:
    from tests.benchmarks.corpus import fill_store

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        (home / "config.toml").write_text("[subscribe]\ndefaults = false\n")
        with Store.open(home / "sinowire.db") as store:
            fill_store(store, articles)
            from tui.models import Filter

            timings = []
            for _ in range(20):
                started = time.perf_counter()
                store.list_articles(Filter(), limit=50)
                timings.append(time.perf_counter() - started)
        cli = [sinowire(home, "list", "--limit", "50")[0] for _ in range(3)]
        startup = [sinowire(home, "paths")[0] for _ in range(3)]
    return [
        (f"newest 50 query at {articles:,} articles (median)",
         f"{statistics.median(timings) * 1000:.2f} ms"),
        (f"sinowire list --limit 50 at {articles:,} articles (median of 3)",
         f"{statistics.median(cli):.2f} s"),
        ("  (process start-up alone)", f"{statistics.median(startup):.2f} s"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    args = parser.parse_args()
    os.environ.pop("SINOWIRE_HOME", None)
    rows: list[tuple[str, str]] = []
    if args.quick:
        rows += bench_fetch(4, 10)
        rows += bench_ingest(4, 25)
        rows += bench_list(1000)
    else:
        rows += bench_fetch(20, 50)
        rows += bench_ingest(20, 50)
        rows += bench_list(10_000)
    width = max(len(name) for name, _ in rows)
    print(f"{'benchmark':{width}}  result")
    for name, value in rows:
        print(f"{name:{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
