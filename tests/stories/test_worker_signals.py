"""Grouping signals are computed in the engine's worker, next to parsing and tagging: the
writing process only groups. Driven through the real engine, worker and store file; the
fetcher hands out feed bodies (no network needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import rss
from tui.config import Settings
from tui.engine import Engine
from tui.models import FetchResult
from tui.stories import stage
from tui.stories.signals import Signals

EN = [("en-1", "Binance fined $4.3 million by Dutch central bank",
       "<p>The DNB fined Binance $4.3 million over unregistered services.</p>",
       "2026-11-20T08:00:00"),
      ("en-2", "Tether mints 1 billion USDT on Tron",
       "<p>Whale Alert saw Tether mint 1,000,000,000 USDT.</p>", "2026-11-20T09:00:00")]
ZH = [("zh-1", "币安遭荷兰央行罚款430万美元", "<p>荷兰央行对币安罚款430万美元。</p>",
       "2026-11-20T08:30:00")]


def _feed(items: list[tuple[str, str, str, str]]) -> bytes:
    return rss([{"guid": g, "title": t, "link": f"https://example.test/{g}",
                 "description": d, "date": when} for g, t, d, when in items])


def _fetcher(bodies: dict[str, bytes]) -> Any:
    def fetcher(url: str, **_kwargs: Any) -> FetchResult:
        return FetchResult(status="ok", url=url, final_url=url, body=bodies[url],
                           headers={"content-type": "application/rss+xml"})
    return fetcher


def test_new_articles_group_on_the_workers_signals(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    bodies = {"https://en.test/rss": _feed(EN), "https://zh.test/rss": _feed(ZH)}
    with Engine(Settings(parse_timeout=30.0), tmp_path / "c.db",
                fetcher=_fetcher(bodies)) as engine:
        for url in bodies:
            engine.store.add_feed(url)
        read_text: list[int] = []
        real_inputs = engine.store.grouping_inputs

        def grouping_inputs(ids):  # type: ignore[no-untyped-def]
            read_text.extend(ids)
            return real_inputs(ids)

        monkeypatch.setattr(engine.store, "grouping_inputs", grouping_inputs)
        report = engine.update()
        assert report.stories is not None and report.stories.grouped == 3
        assert read_text == []  # no article's text was read again to group it
        ids = engine.store.all_article_ids()
        stored = engine.store.story_signals(ids)
        # The worker's signals are the ones the store's text gives.
        for record in real_inputs(ids):
            again = stage._signals(record)
            worker = Signals.from_json(record["id"], json.loads(stored[record["id"]]))
            assert worker == again
        stories = {engine.store.story_of([i])[i][0] for i in ids}
    assert len(stories) == 2  # the fine in two languages is one story, the mint another
