"""The update's shape: the worker parses the next feed while the store writes this one.

Driven through the real engine, store file and worker; the only stand-ins are a fetcher
that hands out bodies (no network needed for the shape) and a hook on the store's write.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_items, rss
from tui.config import Settings
from tui.engine import Engine
from tui.models import FetchResult

FAST = Settings(parse_timeout=30.0)


def bodies_fetcher(bodies: dict[str, bytes]) -> Any:
    def fetcher(url: str, **_kwargs: Any) -> FetchResult:
        return FetchResult(status="ok", url=url, final_url=url, body=bodies[url],
                           headers={"content-type": "application/rss+xml"})
    return fetcher


def test_the_next_feed_is_parsed_while_this_one_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    urls = [f"https://feeds.test/{n}.xml" for n in range(3)]
    bodies = {url: rss(make_items(3, prefix=f"f{n}")) for n, url in enumerate(urls)}
    parsing: list[str] = []
    parsed_ahead = threading.Event()
    with Engine(FAST, tmp_path / "c.db", fetcher=bodies_fetcher(bodies)) as engine:
        ids = {engine.store.add_feed(url).id: url for url in urls}
        real_run = engine.worker.run

        def run(func, body, headers, url, *, timeout):  # type: ignore[no-untyped-def]
            parsing.append(url)
            if len(parsing) >= 2:
                parsed_ahead.set()
            return real_run(func, body, headers, url, timeout=timeout)

        monkeypatch.setattr(engine.worker, "run", run)
        real_write = engine.store.write_feed
        written: list[str] = []

        def write_feed(feed_id, decision, **kwargs):  # type: ignore[no-untyped-def]
            if not written:
                # A sequential update would never parse feed 2 before feed 1 is written.
                assert parsed_ahead.wait(20), "the worker waited for the store"
            written.append(ids[feed_id])
            return real_write(feed_id, decision, **kwargs)

        monkeypatch.setattr(engine.store, "write_feed", write_feed)
        report = engine.update()
    assert [o.status for o in report.outcomes] == ["ok"] * 3
    assert report.new == 9
    assert written == parsing  # stored in the order they were parsed, each once
    assert report.stories is not None and report.stories.grouped == 9


def test_cancel_stops_between_feeds_with_the_parser_ahead(tmp_path: Path) -> None:
    urls = [f"https://feeds.test/{n}.xml" for n in range(6)]
    bodies = {url: rss(make_items(2, prefix=f"c{n}")) for n, url in enumerate(urls)}
    cancel = threading.Event()
    with Engine(FAST, tmp_path / "c.db", fetcher=bodies_fetcher(bodies)) as engine:
        for url in urls:
            engine.store.add_feed(url)
        report = engine.update(cancel=cancel,
                               on_progress=lambda outcome: cancel.set())
        assert report.cancelled
        assert len(report.outcomes) == 1
        stored = engine.store.count_all()
    assert stored == 2  # the feeds parsed ahead were not written
