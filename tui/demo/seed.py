"""Fill a store from the bundled demo feeds, through the same parse → tag → store path."""

from __future__ import annotations

import time

from tui.config import Settings
from tui.demo import DEMO_FEEDS, read_demo_feed
from tui.engine.jobs import make_tagger
from tui.feeds.parse import body_hash, parse_feed
from tui.store import Store

NEVER = 2**62  # demo feeds are never polled


def seed_demo(store: Store, settings: Settings, *, now: int | None = None) -> int:
    """Subscribe and load every demo feed; returns the number of articles stored."""
    now = int(time.time()) if now is None else now
    tagger = make_tagger(settings)
    total = 0
    for demo in DEMO_FEEDS:
        feed = store.feed_by_url(demo.url) or store.add_feed(demo.url, demo.title, demo.lang)
        body = read_demo_feed(demo.filename)
        parsed = parse_feed(body, {"content-type": "application/rss+xml"}, demo.url)
        new, _updated = store.save_articles(
            feed.id, parsed.articles, tagger=tagger, now=now, next_due=NEVER,
            feed_title=demo.title, site_url=parsed.site_url, lang=demo.lang,
            body_hash=body_hash(body),
        )
        total += new
    return total
