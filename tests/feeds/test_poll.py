"""The poller against a real HTTP server on 127.0.0.1 and a real SQLite file."""

from __future__ import annotations

import threading
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import make_items, plain_tagger, rss
from tests.engine_helpers import poll
from tui.config import Settings
from tui.engine.worker import IsolatedRunner
from tui.feeds.schedule import due_feeds, next_due_after_error, next_due_after_success
from tui.models import Feed
from tui.store import Store


@pytest.fixture(scope="module")
def runner():
    with IsolatedRunner() as shared:
        yield shared


def run_poll(store: Store, settings: Settings, runner: IsolatedRunner, **kwargs):
    return poll(store, settings, tagger=plain_tagger, runner=runner, **kwargs)


def test_first_fetch_stores_articles_then_304_writes_nothing(
    httpserver: HTTPServer, store: Store, settings: Settings, runner: IsolatedRunner
) -> None:
    seen_headers: list[dict[str, str]] = []

    def handler(request: Request) -> Response:
        seen_headers.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(rss(make_items(5)), headers={"ETag": '"v1"',
                        "Last-Modified": "Sat, 21 Nov 2026 10:00:00 GMT"},
                        content_type="application/rss+xml")

    httpserver.expect_request("/feed.xml").respond_with_handler(handler)
    feed = store.add_feed(httpserver.url_for("/feed.xml"))
    report = run_poll(store, settings, runner)
    assert [o.status for o in report.outcomes] == ["ok"]
    assert report.new == 5
    stored = store.feed(feed.id)
    assert stored is not None and stored.etag == '"v1"' and stored.last_success
    changes_before = store.db.conn.total_changes
    report = run_poll(store, settings, runner, force=True)
    assert [o.status for o in report.outcomes] == ["not_modified"]
    assert seen_headers[1]["If-None-Match"] == '"v1"'
    assert seen_headers[1]["If-Modified-Since"] == "Sat, 21 Nov 2026 10:00:00 GMT"
    assert "sinowire/" in seen_headers[0]["User-Agent"]
    # Only the feed's bookkeeping row is touched by a 304; no article is written.
    assert store.db.conn.total_changes - changes_before == 1
    assert store.count_articles() == 5


def test_errors_back_off_and_keep_old_articles(
    httpserver: HTTPServer, store: Store, settings: Settings, runner: IsolatedRunner
) -> None:
    httpserver.expect_ordered_request("/f").respond_with_data(
        rss(make_items(3)), content_type="application/rss+xml")
    httpserver.expect_ordered_request("/f").respond_with_data("boom", status=500)
    httpserver.expect_ordered_request("/f").respond_with_data(
        "<html><body>Login</body></html>", content_type="text/html")
    httpserver.expect_ordered_request("/f").respond_with_data(
        rss(make_items(3))[:-60], content_type="application/rss+xml")
    feed = store.add_feed(httpserver.url_for("/f"))
    run_poll(store, settings, runner)
    for expected in ("500", "HTML page", "truncated"):
        before = int(time.time())
        report = run_poll(store, settings, runner, force=True)
        [outcome] = report.outcomes
        assert outcome.status == "error" and expected in (outcome.error or "")
        stored = store.feed(feed.id)
        assert stored is not None and stored.last_error and expected in stored.last_error
        assert stored.next_due >= before + 25 * 60
        assert store.count_articles() == 3
    assert store.feed(feed.id).error_count == 3  # type: ignore[union-attr]


def test_retry_after_sets_next_due(
    httpserver: HTTPServer, store: Store, settings: Settings, runner: IsolatedRunner
) -> None:
    httpserver.expect_request("/busy").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7200"})
    feed = store.add_feed(httpserver.url_for("/busy"))
    now = int(time.time())
    run_poll(store, settings, runner)
    stored = store.feed(feed.id)
    assert stored is not None and stored.next_due >= now + 7200


def test_same_body_is_not_parsed_again(
    httpserver: HTTPServer, store: Store, settings: Settings, runner: IsolatedRunner
) -> None:
    httpserver.expect_request("/same").respond_with_data(
        rss(make_items(2)), content_type="application/rss+xml")
    store.add_feed(httpserver.url_for("/same"))
    assert run_poll(store, settings, runner).outcomes[0].status == "ok"
    feeds = store.feeds()
    report = run_poll(store, settings, runner, feeds=feeds)
    assert report.outcomes[0].status == "not_modified"


def test_progress_reports_each_feed_and_cancel_stops_between_feeds(
    httpserver: HTTPServer, store: Store, settings: Settings, runner: IsolatedRunner
) -> None:
    for n in range(6):
        httpserver.expect_request(f"/f{n}").respond_with_data(
            rss(make_items(2, prefix=f"f{n}")), content_type="application/rss+xml")
        store.add_feed(httpserver.url_for(f"/f{n}"))
    cancel = threading.Event()
    seen = []

    def progress(outcome) -> None:
        seen.append((outcome.index, outcome.total))
        if outcome.index == 2:
            cancel.set()

    report = run_poll(store, settings, runner, on_progress=progress, cancel=cancel)
    assert seen == [(1, 6), (2, 6)]
    assert report.cancelled and len(report.outcomes) == 2


def test_one_request_per_host_at_a_time(
    httpserver: HTTPServer, store: Store, settings: Settings, runner: IsolatedRunner
) -> None:
    active = 0
    peak = 0
    lock = threading.Lock()

    def handler(request: Request) -> Response:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.1)
        with lock:
            active -= 1
        return Response(rss(make_items(1, prefix=request.path.strip("/"))),
                        content_type="application/rss+xml")

    for n in range(5):
        httpserver.expect_request(f"/h{n}").respond_with_handler(handler)
        store.add_feed(httpserver.url_for(f"/h{n}"))
    report = run_poll(store, settings.with_changes(concurrency=4), runner)
    assert len(report.outcomes) == 5
    assert peak == 1


def test_unreachable_feed_fails_fast_and_others_go_on(
    httpserver: HTTPServer, store: Store, settings: Settings, runner: IsolatedRunner
) -> None:
    httpserver.expect_request("/ok").respond_with_data(
        rss(make_items(2)), content_type="application/rss+xml")
    store.add_feed("http://127.0.0.1:9/closed-port.xml")
    store.add_feed(httpserver.url_for("/ok"))
    started = time.monotonic()
    report = run_poll(store, settings, runner)
    assert time.monotonic() - started < 10
    statuses = sorted(o.status for o in report.outcomes)
    assert statuses == ["error", "ok"]


def test_schedule_rules() -> None:
    feeds = [Feed(id=1, url="a", next_due=100), Feed(id=2, url="b", next_due=50),
             Feed(id=3, url="c", next_due=500)]
    assert [f.id for f in due_feeds(feeds, 200)] == [2, 1]
    assert [f.id for f in due_feeds(feeds, 200, force=True)] == [2, 1, 3]
    assert 1800 <= next_due_after_success(0, 30) <= 1980
    assert next_due_after_success(0, 30, server_delay=7200) == 7200
    waits = [next_due_after_error(0, 30, n) for n in range(8)]
    assert waits[1] > waits[0] and waits[-1] <= 24 * 3600 * 1.1
    assert next_due_after_error(0, 30, 0, server_delay=86400) >= 86400
