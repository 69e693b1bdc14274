"""From parsed articles to tags: the tagger callable, and tagging in the parse worker.

Tagging is pure CPU work. Run in the app's poll thread it holds the GIL for seconds on a
big poll and the keyboard stalls, so the poller tags in the isolated worker process, next
to parsing; the app process only writes the results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tui.config import Settings, UserEntity
from tui.feeds.parse import parse_feed
from tui.models import Article, ParsedFeed, Tags

ArticleTagger = Callable[[Article], Tags]


@dataclass(frozen=True)
class TagConfig:
    """What a Tagger is built from: picklable and hashable, so a worker can cache it."""

    user_entities: tuple[UserEntity, ...] = ()
    user_topics: tuple[tuple[str, tuple[str, ...]], ...] = ()
    china_regions: frozenset[str] = frozenset({"CN", "HK", "MO"})

    @classmethod
    def from_settings(cls, settings: Settings) -> TagConfig:
        return cls(settings.user_entities, tuple(sorted(settings.user_topics.items())),
                   settings.china_regions)

    def settings(self) -> Settings:
        return Settings(user_entities=self.user_entities, user_topics=dict(self.user_topics),
                        china_regions=self.china_regions)


def make_tagger(settings: Settings) -> ArticleTagger:
    """A callable Article → Tags using the gazetteer plus the user's own terms."""
    from tui.tagging import Tagger

    tagger = Tagger.from_settings(settings)

    def tag_article(article: Article) -> Tags:
        summary = article.summary
        # Feeds often send the first paragraph as the summary: count it once.
        if summary and article.content_text.startswith(summary[:200]):
            summary = ""
        return tagger.tag(article.title, summary, article.content_text, article.lang)

    return tag_article


_WORKER_TAGGERS: dict[TagConfig, ArticleTagger] = {}


def _worker_tagger(config: TagConfig) -> ArticleTagger:
    """The worker process's tagger for ``config``, built once (~50 ms) and kept."""
    tagger = _WORKER_TAGGERS.get(config)
    if tagger is None:
        tagger = _WORKER_TAGGERS[config] = make_tagger(config.settings())
    return tagger


def parse_and_tag(
    body: bytes, headers: dict[str, str], url: str, config: TagConfig | None
) -> tuple[ParsedFeed, tuple[Tags, ...]]:
    """Parse a feed and tag every article (runs in the isolated worker process)."""
    parsed = parse_feed(body, headers, url)
    if config is None:
        return parsed, ()
    tagger = _worker_tagger(config)
    return parsed, tuple(tagger(article) for article in parsed.articles)


def tag_batch(config: TagConfig, items: list[tuple[int, Article]]) -> list[tuple[int, Tags]]:
    """Tag (id, article) pairs; runs in a worker process for ``retag``."""
    tagger = _worker_tagger(config)
    return [(article_id, tagger(article)) for article_id, article in items]


def parallel_tagger(settings: Settings, workers: int | None = None):  # type: ignore[no-untyped-def]
    """A batch tagger for ``Store.retag`` that tags on every core while the caller writes.

    At most two batches per worker are in flight, so memory stays bounded on a big cache.
    """
    import multiprocessing
    import os
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    config = TagConfig.from_settings(settings)
    count = workers or max(1, min(4, os.cpu_count() or 1))

    def run(batches):  # type: ignore[no-untyped-def]
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
            pending: deque = deque()
            for items in batches:
                pending.append(pool.submit(tag_batch, config, items))
                if len(pending) >= 2 * count:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()

    return run
