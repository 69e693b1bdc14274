"""The app's update in a child process: same cache, live progress, cancel, failures said."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import make_items, rss
from tui.config import Settings
from tui.engine import Engine
from tui.engine.child_update import ChildUpdateError
from tui.models import FeedOutcome

FAST = Settings(connect_timeout=2.0, read_timeout=5.0, deadline=10.0, parse_timeout=30.0)


def serve(httpserver: HTTPServer, count: int) -> list[str]:
    urls = []
    for n in range(count):
        httpserver.expect_request(f"/{n}.xml").respond_with_data(
            rss(make_items(4, prefix=f"child{n}")), content_type="application/rss+xml")
        urls.append(httpserver.url_for(f"/{n}.xml"))
    return urls


def test_an_update_in_a_child_stores_into_the_same_cache_with_live_progress(
        tmp_path: Path, httpserver: HTTPServer) -> None:
    with Engine(FAST, tmp_path / "c.db") as engine:
        for url in serve(httpserver, 3):
            engine.store.add_feed(url)
        seen: list[FeedOutcome] = []
        report = engine.update(in_child=True, on_progress=seen.append)
        assert [o.status for o in report.outcomes] == ["ok"] * 3
        assert [o.index for o in seen] == [1, 2, 3]
        assert report.new == 12 == engine.store.count_all()
        assert report.stories is not None and report.stories.grouped == 12
        assert engine.worker.starts == 0  # parsed, tagged and written by the child


def test_only_the_named_feeds_and_a_cancel_before_the_first_feed(
        tmp_path: Path, httpserver: HTTPServer) -> None:
    with Engine(FAST, tmp_path / "c.db") as engine:
        feeds = [engine.store.add_feed(url) for url in serve(httpserver, 3)]
        report = engine.update([feeds[1]], in_child=True)
        assert [o.feed_id for o in report.outcomes] == [feeds[1].id]
        cancel = threading.Event()
        cancel.set()
        stopped = engine.update(force=True, in_child=True, cancel=cancel)
        assert stopped.cancelled and stopped.outcomes == ()
        assert engine.store.count_all() == 4


def test_a_child_that_cannot_open_the_cache_is_an_error_not_a_hang(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    engine = Engine(FAST, blocker / "c.db")
    with pytest.raises(ChildUpdateError):
        engine.update([], in_child=True)
    engine.close()


def test_a_cancel_during_a_slow_feed_returns_at_once_and_leaves_no_process(
        tmp_path: Path, httpserver: HTTPServer) -> None:
    """Quitting the app mid-poll must not wait for a slow feed's deadline: the child gets a
    moment to stop between feeds, then it (and its parse worker) is killed; what it had
    stored stays, and the report says it was cancelled."""
    import multiprocessing
    import time

    from tests.conftest_http import RawServer

    hanging = RawServer(lambda conn, request: time.sleep(60))
    patient = Settings(connect_timeout=2.0, read_timeout=60.0, deadline=60.0,
                       parse_timeout=30.0)
    try:
        with Engine(patient, tmp_path / "c.db") as engine:
            [fast] = serve(httpserver, 1)
            engine.store.add_feed(fast)
            engine.store.add_feed(hanging.url("/slow.xml"))
            cancel = threading.Event()

            def progress(outcome: FeedOutcome) -> None:
                cancel.set()  # the fast feed is in: the user quits

            started = time.monotonic()
            report = engine.update(in_child=True, cancel=cancel, on_progress=progress)
            took = time.monotonic() - started
            assert report.cancelled
            assert took < 30, took  # not the slow feed's 60 s deadline
            assert engine.store.count_all() == 4  # the fast feed's stories stay
            assert multiprocessing.active_children() == []
    finally:
        hanging.close()
