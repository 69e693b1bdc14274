"""Faults: kill -9, two writers, load, disk full, read-only, pathological parse and page.

CI runs the short mode; ``SINOWIRE_LONG=1`` (or ``python -m tests.hostile.fault_run``) runs
the long one. Every run prints its figures; the assertions are the promises: nothing
committed is lost, no half-written feed, no lock error shown, memory bounded, others go on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import make_items, plain_tagger, rss
from tests.engine_helpers import poll
from tests.hostile.conftest import GOOD, Replies
from tests.hostile.faults import (
    LoadStats,
    concurrent_writers,
    fts_consistent,
    kill_trials,
    make_home,
    sinowire,
)
from tests.hostile.fs import Unavailable, grow, tiny_disk
from tests.hostile.loopback import FeedServer
from tests.hostile.safety import LONG
from tui.config import Settings
from tui.engine.worker import IsolatedRunner
from tui.html.extract import ExtractError, extract_url
from tui.models import Filter
from tui.store import Store

KILL_TRIALS = int(os.environ.get("SINOWIRE_KILL_TRIALS", "150" if LONG else "8"))


def test_kill_minus_9_at_random_points(tmp_path: Path) -> None:
    stats = kill_trials(tmp_path / "kill", trials=KILL_TRIALS, seed=20261122)
    print(f"\nkill -9: {stats}")
    assert stats.inconsistent == []
    assert stats.losses == 0 and stats.state_losses == 0
    assert stats.partial_batches == 0
    assert stats.kills >= KILL_TRIALS // 2, "the fetch finished before it could be killed"


def test_cron_fetch_and_app_poller_on_one_cache(tmp_path: Path) -> None:
    stats = concurrent_writers(tmp_path / "writers", rounds=8 if LONG else 2,
                               cli_processes=3 if LONG else 2)
    print(f"\ntwo writers: {stats}")
    assert stats.errors == []  # no "database is locked", no "UNIQUE constraint failed"
    assert stats.duplicates == 0 and stats.lost == 0 and stats.consistent


def test_poller_under_load_keeps_memory_bounded() -> None:
    """Run in a fresh process: ru_maxrss is a high-water mark, and this one has run others."""
    feeds = 200 if LONG else 40
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-m", "tests.hostile.faults", "load", str(feeds),
                           "200"], cwd=repo, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    stats = LoadStats(**json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"\nload: {stats}")
    good = feeds - 4 - 10 - 5
    assert stats.ok == good + 4 and stats.errors == 15
    assert stats.stored == (good + 4) * 200
    # ~150 MB measured (the process also holds the tagger for story signals).
    assert stats.peak_rss_mb < 250 and stats.traced_peak_mb < 100
    assert stats.worker_peak_rss_mb < 300


# --- disk full and read-only ---------------------------------------------------------------

def fetch_cli(home: Path) -> tuple[int, str]:
    process = sinowire(home, "fetch", "--force")
    out, err = process.communicate(timeout=300)
    return process.returncode, out + err


def whole_feeds(store: Store, items: int) -> bool:
    counts = [c for (c,) in store.db.conn.execute(
        "SELECT count(*) FROM articles GROUP BY feed_id")]
    return all(c == items for c in counts)


def test_disk_full_reports_per_feed_writes_nothing_half_and_recovers(tmp_path: Path) -> None:
    home = tmp_path / "tiny"
    server = FeedServer()
    feeds, items = 40, 40
    try:
        try:
            context = tiny_disk(home, 700)
            context.__enter__()
        except Unavailable:
            pytest.skip("no tmpfs here: see test_disk_full_simulated_with_max_page_count")
        try:
            make_home(home)
            with Store.open(home / "sinowire.db") as store:
                for n in range(feeds):
                    store.add_feed(server.url("fixed", n, items))
            code, output = fetch_cli(home)
            assert code == 0 and "Traceback" not in output
            assert "could not save: database or disk is full; will retry next poll" in output
            with Store.open(home / "sinowire.db") as store:
                assert fts_consistent(store)[0] and whole_feeds(store, items)
                stored = store.count_articles()
                assert 0 < stored < feeds * items
                first = store.list_articles(limit=1)[0].id
                store.set_starred(first, True)
            assert grow(home, 32 * 1024)  # the user frees some space
            code, output = fetch_cli(home)
            assert code == 0 and "disk is full" not in output
            with Store.open(home / "sinowire.db") as store:
                assert store.count_articles() == feeds * items and fts_consistent(store)[0]
                row = store.article_row(first)
                assert row is not None and row.starred
            print(f"\ndisk full (tmpfs 700 KB): {stored} of {feeds * items} stored, whole feeds "
                  "only; after growing the disk all stored")
        finally:
            context.__exit__(None, None, None)
    finally:
        server.close()


def test_disk_full_simulated_with_max_page_count(
    tmp_path: Path, settings: Settings, runner: IsolatedRunner
) -> None:
    """Where no tmpfs can be mounted: SQLite's page limit gives the same SQLITE_FULL."""
    server = FeedServer()
    try:
        with Store.open(tmp_path / "full.db") as store:
            for n in range(20):
                store.add_feed(server.url("fixed", n, 40))
            pages = store.db.conn.execute("PRAGMA page_count").fetchone()[0]
            store.db.conn.execute(f"PRAGMA max_page_count = {pages + 60}")
            report = poll(store, settings, tagger=plain_tagger, runner=runner)
            errors = {o.error for o in report.outcomes if o.error}
            assert errors == {"could not save: database or disk is full; will retry next poll"}
            assert fts_consistent(store)[0] and whole_feeds(store, 40)
            assert 0 < store.count_articles() < 800
            store.db.conn.execute("PRAGMA max_page_count = 1073741823")
            again = poll(store, settings, tagger=plain_tagger, runner=runner)
            assert again.errors == 0 and store.count_articles() == 800
    finally:
        server.close()


def test_database_turned_read_only_mid_run_loses_nothing(
    tmp_path: Path, settings: Settings, runner: IsolatedRunner, httpserver: HTTPServer
) -> None:
    served = Replies(httpserver, "/f.xml", GOOD, (rss(make_items(6)), "application/rss+xml"))
    with Store.open(tmp_path / "ro.db") as store:
        feed = store.add_feed(served.url)
        poll(store, settings, tagger=plain_tagger, runner=runner)
        store.set_read([store.list_articles()[0].id])
        store.db.conn.execute("PRAGMA query_only = ON")  # as if the disk went read-only
        report = poll(store, settings, tagger=plain_tagger, runner=runner, force=True)
        assert [o.error for o in report.outcomes] == [
            "could not save: the database is read-only; will retry next poll"]
        store.db.conn.execute("PRAGMA query_only = OFF")
        assert store.count_articles() == 3 and store.count_articles(Filter(unread=True)) == 2
        assert fts_consistent(store)[0]
        stored = store.feed(feed.id)
        assert stored is not None and stored.next_due <= time.time() + 3600  # still due soon


# --- pathological parse and page ---------------------------------------------------------------

REDOS = ('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><guid>1</guid>'
         f"<title>t</title><author>a@{'a.' * 16000}!</author></item></channel></rss>").encode()


def test_redos_feed_is_bounded_reported_and_others_go_on(
    httpserver: HTTPServer, tmp_path: Path, settings: Settings
) -> None:
    bad = Replies(httpserver, "/redos.xml", GOOD, (REDOS, "application/rss+xml"))
    with Store.open(tmp_path / "r.db") as store, IsolatedRunner() as runner:
        victim = store.add_feed(bad.url)
        poll(store, settings, tagger=plain_tagger, runner=runner)
        assert store.count_articles() == 3
        others = []
        for n in range(3):
            Replies(httpserver, f"/ok{n}.xml", (rss(make_items(4, prefix=f"ok{n}")),
                                                  "application/rss+xml"))
            others.append(store.add_feed(httpserver.url_for(f"/ok{n}.xml")))
        quick = settings.with_changes(parse_timeout=1.5)
        started = time.monotonic()
        report = poll(store, quick, tagger=plain_tagger, runner=runner, force=True)
        took = time.monotonic() - started
        by_feed = {o.feed_id: o for o in report.outcomes}
        assert by_feed[victim.id].error == "parsing took longer than 1.5 s; skipped"
        assert all(by_feed[f.id].status == "ok" and by_feed[f.id].new == 4 for f in others)
        assert store.count_articles() == 3 + 12  # the victim's old articles stay
        assert took < 1.5 + 10, took
        print(f"\nReDoS feed: cut off at 1.5 s, whole poll {took:.1f} s, 3 other feeds stored")


def test_slow_page_extraction_does_not_hold_up_polling(
    httpserver: HTTPServer, tmp_path: Path, settings: Settings
) -> None:
    page = ("<html><body>" + "<div><p>x</p></div>" * 200_000 + "</body></html>").encode()
    httpserver.expect_request("/page").respond_with_data(page, content_type="text/html")
    for n in range(3):
        Replies(httpserver, f"/f{n}.xml", (rss(make_items(5, prefix=f"p{n}")),
                                             "application/rss+xml"))
    errors: list[str] = []

    def extract() -> None:  # the app's extraction worker: its own runner
        with IsolatedRunner() as own:
            try:
                extract_url(httpserver.url_for("/page"), settings.with_changes(
                    parse_timeout=8.0), runner=own)
            except ExtractError as exc:
                errors.append(str(exc))

    thread = threading.Thread(target=extract)
    thread.start()
    with Store.open(tmp_path / "p.db") as store, IsolatedRunner() as runner:
        for n in range(3):
            store.add_feed(httpserver.url_for(f"/f{n}.xml"))
        started = time.monotonic()
        report = poll(store, settings, tagger=plain_tagger, runner=runner)
        polled = time.monotonic() - started
        assert report.errors == 0 and store.count_articles() == 15
    thread.join(timeout=30)
    assert errors and "took too long" in errors[0]
    assert polled < 8.0, polled  # the poll did not wait for the 8 s extraction


class CrashingRunner:
    """A parse worker that blows up on one feed (a bug in feedparser, say)."""

    def __init__(self, real: IsolatedRunner, poison: str) -> None:
        self.real, self.poison = real, poison

    def start(self) -> None:
        self.real.start()

    def run(self, func, body: bytes, headers, url: str, *args, timeout: float):  # type: ignore[no-untyped-def]
        if self.poison in url:
            raise RuntimeError("unexpected parser failure")
        return self.real.run(func, body, headers, url, *args, timeout=timeout)


def test_a_parser_crash_is_one_feed_error_not_the_end_of_the_poll(
    httpserver: HTTPServer, store: Store, settings: Settings, runner: IsolatedRunner
) -> None:
    for name in ("a", "poison", "b"):
        Replies(httpserver, f"/{name}.xml", (rss(make_items(2, prefix=name)),
                                               "application/rss+xml"))
        store.add_feed(httpserver.url_for(f"/{name}.xml"))
    report = poll(store, settings, tagger=plain_tagger,
                  runner=CrashingRunner(runner, "poison"))  # type: ignore[arg-type]
    assert sorted(o.status for o in report.outcomes) == ["error", "ok", "ok"]
    assert [o.error for o in report.outcomes if o.error] == [
        "could not parse the feed (RuntimeError)"]
    assert store.count_articles() == 4
