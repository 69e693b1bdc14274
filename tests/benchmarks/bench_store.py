"""The store: ingest against its floors, list queries at scale, size, retention, retag."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

import feedparser

from tests.benchmarks.corpus import feed_document, fill_store
from tests.benchmarks.measure import Result, repeat
from tests.engine_helpers import save_articles
from tui.config import Settings
from tui.engine import Engine
from tui.engine.jobs import make_tagger
from tui.feeds.parse import parse_feed
from tui.models import Filter
from tui.store import Store
from tui.store.schema import SCHEMA_VERSION

HEADERS = {"content-type": "application/rss+xml"}


def ingest(feeds: int, items: int) -> list[Result]:
    """parse + normalise + tag + store, against feedparser alone and raw executemany."""
    documents = [feed_document(n, items) for n in range(feeds)]
    total = feeds * items
    started = time.perf_counter()
    for body in documents:
        feedparser.parse(io.BytesIO(body), response_headers=HEADERS)
    parse_rate = total / (time.perf_counter() - started)

    parsed = [parse_feed(body, HEADERS, f"https://bench.test/{n}.xml")
              for n, body in enumerate(documents)]
    tagger = make_tagger(Settings())
    with tempfile.TemporaryDirectory() as tmp:
        raw = sqlite3.connect(Path(tmp) / "raw.db")
        raw.execute("PRAGMA journal_mode = WAL")
        raw.execute("CREATE TABLE a (guid TEXT, title TEXT, url TEXT, summary TEXT, body TEXT)")
        rows = [(a.guid, a.title, a.url, a.summary, a.content_text)
                for p in parsed for a in p.articles]
        started = time.perf_counter()
        with raw:
            raw.executemany("INSERT INTO a VALUES (?, ?, ?, ?, ?)", rows)
        raw_rate = len(rows) / (time.perf_counter() - started)
        raw.close()

        with Store.open(fresh_cache(tmp, "s")) as store:
            feed_ids = [store.add_feed(f"https://bench.test/{n}.xml").id for n in range(feeds)]
            started = time.perf_counter()
            for feed_id, result in zip(feed_ids, parsed, strict=True):
                save_articles(store, feed_id, result.articles, tagger=tagger,
                                    now=int(time.time()), next_due=0)
            store_rate = total / (time.perf_counter() - started)

        started = time.perf_counter()
        precomputed = {(n, a.guid): tagger(a) for n, p in enumerate(parsed) for a in p.articles}
        tag_rate = total / (time.perf_counter() - started)
        with Store.open(fresh_cache(tmp, "pre")) as store:
            feed_ids = [store.add_feed(f"https://bench.test/{n}.xml").id for n in range(feeds)]
            started = time.perf_counter()
            for n, (feed_id, result) in enumerate(zip(feed_ids, parsed, strict=True)):
                save_articles(store, feed_id, result.articles,
                                    tagger=lambda a, n=n: precomputed[(n, a.guid)],
                                    now=int(time.time()), next_due=0)
            write_rate = total / (time.perf_counter() - started)

        with Store.open(fresh_cache(tmp, "full")) as store:
            feed_ids = [store.add_feed(f"https://bench.test/{n}.xml").id for n in range(feeds)]
            started = time.perf_counter()
            for feed_id, body in zip(feed_ids, documents, strict=True):
                result = parse_feed(body, HEADERS, "https://bench.test/")
                save_articles(store, feed_id, result.articles, tagger=tagger,
                                    now=int(time.time()), next_due=0)
            full_rate = total / (time.perf_counter() - started)
    return [
        Result(f"raw executemany, {total} rows (floor)", raw_rate, unit="rows/s"),
        Result("tag + store + FTS (parsed articles)", store_rate, unit="articles/s",
               floor=raw_rate, floor_name="raw executemany"),
        Result("  of which tag() alone", tag_rate, unit="articles/s"),
        Result("  of which store + FTS + tag rows (tags precomputed)", write_rate,
               unit="articles/s", floor=raw_rate, floor_name="raw executemany"),
        Result(f"feedparser parse only, {total} items (floor)", parse_rate, unit="items/s"),
        Result("parse + normalise + tag + store + FTS", full_rate, unit="articles/s",
               floor=parse_rate, floor_name="feedparser only"),
    ]


def fresh_cache(tmp: str, name: str) -> Path:
    """A cache in its own folder: caches in one folder share feeds.opml, and a new cache
    restores the feeds another one saved there."""
    folder = Path(tmp) / name
    folder.mkdir()
    return folder / "cache.db"


def build_cache(path: Path, articles: int) -> float:
    """A cache of ``articles`` tagged articles, kept between runs (rebuilt on schema change)."""
    marker = path.with_suffix(f".v{SCHEMA_VERSION}.done")
    if path.exists() and marker.exists():
        return 0.0
    if path.parent.exists():
        shutil.rmtree(path.parent)  # the cache, its WAL files and the feeds.opml beside it
    path.parent.mkdir(parents=True)
    started = time.perf_counter()
    with Store.open(path) as store:
        fill_store(store, articles)
        store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.db.conn.execute("ANALYZE")
    marker.write_text("ok")
    return time.perf_counter() - started


QUERIES: list[tuple[str, Filter]] = [
    ("newest page", Filter()),
    ("China only", Filter(china=True)),
    ("one topic (mining)", Filter(topics=frozenset({"mining"}))),
    ("rare topic (nft)", Filter(topics=frozenset({"nft"}))),
    ("one entity (Bitmain)", Filter(entity="Bitmain")),
    ("unread", Filter(unread=True)),
    ("FTS word (EN: bitcoin)", Filter(search="bitcoin")),
    ("FTS prefix while typing (EN: hashr)", Filter(search="hashr")),
    ('FTS phrase ("spot bitcoin")', Filter(search='"spot bitcoin"')),
    ("FTS Chinese term (香港)", Filter(search="香港")),
    ("China + topic + search", Filter(china=True, topics=frozenset({"regulation"}),
                                      search="licen")),
]


def queries(path: Path, label: str, runs: int) -> list[Result]:
    """What one filter change costs the list: the first page plus the total count."""
    results = []
    with Store.open(path) as store:
        conn = store.db.conn
        floor, _ = repeat(lambda: conn.execute(
            "SELECT id FROM articles ORDER BY published DESC, id DESC LIMIT 200").fetchall(),
            runs)
        fts_floor, _ = repeat(lambda: conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'bitcoin' LIMIT 50"
        ).fetchall(), runs)
        results.append(Result(f"indexed latest 200, raw SQL, {label} (floor)", floor))
        results.append(Result(f"FTS unranked first 50, raw SQL, {label} (floor)", fts_floor))
        for name, flt in QUERIES:
            median, p95 = repeat(lambda flt=flt: (store.list_articles(flt, limit=60),
                                                  store.count_articles(flt)), runs)
            results.append(Result(f"{name}: page + count, {label}", median, p95=p95,
                                  floor=floor, floor_name="latest-200"))
        median, p95 = repeat(lambda: store.topic_counts(Filter(china=True)), max(3, runs // 3))
        results.append(Result(f"topic counts under China filter, {label}", median, p95=p95))
        median, p95 = repeat(lambda: store.top_entities(Filter()), max(3, runs // 3))
        results.append(Result(f"sidebar top entities, {label}", median, p95=p95))
    return results


def copy_database(source_path: Path, target_path: Path) -> Path:
    """A consistent copy through SQLite's backup API (the benchmarks change copies only)."""
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(target_path)
    source.backup(target)
    source.close()
    target.close()
    return target_path


def size_and_retention(path: Path, articles: int) -> list[Result]:
    """Bytes per article as built, then after retention to 90 days and VACUUM (on a copy)."""
    size = os.path.getsize(path)
    results = [Result(f"database size per article, {articles:,} articles", size / articles / 1024,
                      unit="KB", note=f"{size / 1e6:.0f} MB total")]
    with tempfile.TemporaryDirectory() as tmp:
        copy = copy_database(path, Path(tmp) / "copy.db")
        with Store.open(copy) as store:
            started = time.perf_counter()
            removed = store.apply_retention(days=90, per_feed=100_000, now=int(time.time()))
            retention_seconds = time.perf_counter() - started
            left = store.count_articles()
            started = time.perf_counter()
            store.vacuum()
            vacuum_seconds = time.perf_counter() - started
        after = os.path.getsize(copy)
        results.append(Result(f"retention to 90 days: removed {removed:,}", retention_seconds,
                              unit="s"))
        results.append(Result("VACUUM after retention", vacuum_seconds, unit="s"))
        results.append(Result(f"size per article after retention + vacuum ({left:,} left)",
                              after / max(left, 1) / 1024, unit="KB",
                              note=f"{after / 1e6:.0f} MB total"))
    return results


def retag(path: Path, articles: int) -> list[Result]:
    """Retag twice: nothing changed (the common case), then a config change that re-tags
    every article mentioning bitcoin (a new user topic)."""
    changed_settings = Settings(user_topics={"watchlist": ("bitcoin",)})
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = copy_database(path, Path(tmp) / "copy.db")
        for label, settings in (("no tag changes", Settings()),
                                ("new user topic on 'bitcoin'", changed_settings)):
            with Engine(settings, copy) as engine:
                before = engine.store.db.conn.total_changes
                started = time.perf_counter()
                count = engine.retag()
                seconds = time.perf_counter() - started
                writes = engine.store.db.conn.total_changes - before
            results.append(Result(f"retag {count:,} articles, {label}", seconds, unit="s",
                                  note=f"{count / seconds:,.0f} articles/s, {writes:,} rows "
                                       "written"))
    return results
