"""Test shorthands over the engine: the old one-call ``poll`` and ``save_articles``.

Both go through the real engine path (worker parse and tag, the decider, the store's write);
they only spare a test the lines that build an Engine on a store's file.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from tui.config import Settings
from tui.engine import Engine
from tui.engine.decide import decide
from tui.engine.worker import IsolatedRunner
from tui.feeds.fetch import fetch
from tui.models import Article, Feed, FeedOutcome, Tags, UpdateReport
from tui.store import Store


def poll(store: Store, settings: Settings, *, tagger: Any = None,
         runner: IsolatedRunner | None = None, feeds: list[Feed] | None = None,
         force: bool = False, on_progress: Callable[[FeedOutcome], None] | None = None,
         cancel: threading.Event | None = None, fetcher: Callable[..., Any] = fetch,
         clock: Callable[[], float] = time.time) -> UpdateReport:
    """``Engine.update`` through ``store``'s own connection (``tagger`` is ignored: the
    worker tags), so a test's connection settings (a page cap, read-only) apply."""
    assert store.path is not None, "poll() needs a store on a file"
    engine = Engine(settings, store.path, worker=runner, fetcher=fetcher, clock=clock)
    engine.use_store(store)
    try:
        return engine.update(feeds, force=force, on_progress=on_progress, cancel=cancel)
    finally:
        engine.close()


def save_articles(store: Store, feed_id: int, articles: Sequence[Article], *,
                  tagger: Callable[[Article], Tags], now: int, next_due: int,
                  **bookkeeping: Any) -> tuple[int, int]:
    """Tag in-process, decide, write: returns (new, updated) like the old store method."""
    batch = [(article, tagger(article)) for article in articles]
    decision = decide(store.existing(feed_id), batch, now=now)
    new_ids, updated = store.write_feed(feed_id, decision, now=now, next_due=next_due,
                                        **bookkeeping)
    return len(new_ids), updated


def put_in_stories(store: Store, stories: Sequence[Sequence[int]], *,
                   evidence: str | None = None) -> list[int]:
    """Put article ids in stories (one list per story) through the store's own grouping
    write, as the grouping stage does; returns the story ids. ``evidence`` is stored for
    every report but a story's first."""
    from tui.store.stories import StoryBatch, StoryMember

    batch = StoryBatch(new={}, members=[], merges=[], old_story={})
    for n, article_ids in enumerate(stories):
        provisional = -1 - n
        for position, article_id in enumerate(article_ids):
            row = store.article_row(article_id)
            assert row is not None, article_id
            if position == 0:
                batch.new[provisional] = (row.published, row.title, "en")
            batch.members.append(StoryMember(
                story=provisional, article=article_id, published=row.published,
                title=row.title, lang="en", data="{}",
                evidence=evidence if position else None, matched=None, keys=()))
    with store.db.atomic():
        ids = store.story_write(batch)
    return [ids[-1 - n] for n in range(len(stories))]
