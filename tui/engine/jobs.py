"""The jobs the engine's worker process runs: parse and tag a feed, tag articles.

Tagging is pure CPU work on untrusted text. Run in the app's process it holds the GIL for
seconds on a big poll and the keyboard stalls, so it runs in the worker next to parsing. The
worker's tagger is built once, by ``init_worker``, from the TagConfig the engine starts the
worker with; jobs carry only their input.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tui.config import Settings, UserEntity
from tui.models import Article, ParsedFeed, Tags, TopicEvidence

if TYPE_CHECKING:
    from tui.store.ingest import Rescored
    from tui.stories.signals import Signals

FULL_TEXT_FIELD = "full text"
"""The evidence field for a hit in extracted full text (the feed's own text says "body")."""


@dataclass(frozen=True)
class TagConfig:
    """What a tagger is built from: picklable, so the worker can build its own."""

    user_entities: tuple[UserEntity, ...] = ()
    user_topics: tuple[tuple[str, tuple[str, ...]], ...] = ()
    china_regions: frozenset[str] = Settings().china_regions

    @classmethod
    def from_settings(cls, settings: Settings) -> TagConfig:
        return cls(settings.user_entities, tuple(sorted(settings.user_topics.items())),
                   settings.china_regions)

    def build(self) -> ArticleTagger:
        return make_tagger(Settings(user_entities=self.user_entities,
                                    user_topics=dict(self.user_topics),
                                    china_regions=self.china_regions))


class ArticleTagger:
    """Article → Tags with the gazetteer plus the user's own terms; also says what an
    article's ``tag_hash`` would be, so a retag can skip what would not change."""

    def __init__(self, settings: Settings) -> None:
        from tui.tagging import Tagger

        self._tagger = Tagger.from_settings(settings)

    def __call__(self, article: Article) -> Tags:
        return self._tagger.tag(article.title, article.summary, article.content_text,
                                article.lang)

    def retopic(self, article: Article) -> tuple[frozenset[str], tuple[TopicEvidence, ...]]:
        """Only the topics and their evidence (full text or not: topic evidence names no
        field "full text")."""
        return self._tagger.retopic(article.title, article.summary, article.content_text,
                                    article.lang)

    def input_hash(self, article: Article) -> str:
        return self._tagger.input_hash(article.title, article.summary, article.content_text,
                                       article.lang)


def make_tagger(settings: Settings) -> ArticleTagger:
    """The tagger for ``settings`` (about 50 ms to build: build it once)."""
    return ArticleTagger(settings)


def tag_full_text(tagger: ArticleTagger, article: Article) -> Tags:
    """Tags from an article whose content is extracted full text: its hits say so."""
    tags = tagger(article)
    evidence = tuple(replace(e, field=FULL_TEXT_FIELD) if e.field == "body" else e
                     for e in tags.evidence)
    return replace(tags, evidence=evidence)


_TAGGER: ArticleTagger | None = None


def init_worker(config: TagConfig | None) -> None:
    """Worker initializer: build the tagger once for the worker's life, and import the
    parser and the grouping signals now (the worker is started ahead of the first feed,
    so this overlaps the first requests instead of delaying the first parse)."""
    global _TAGGER
    _TAGGER = config.build() if config is not None else None
    for module in ("tui.feeds.parse", "tui.stories.signals"):
        importlib.import_module(module)


def _worker_tagger() -> ArticleTagger:
    global _TAGGER
    if _TAGGER is None:  # a worker started without a config tags with the defaults
        _TAGGER = TagConfig().build()
    return _TAGGER


def parse_and_tag(body: bytes, headers: dict[str, str], url: str
                  ) -> tuple[ParsedFeed, tuple[Tags, ...]]:
    """Parse a feed and tag every article (runs in the worker process)."""
    from tui.feeds.parse import parse_feed  # feedparser: only where feeds are parsed

    parsed = parse_feed(body, headers, url)
    tagger = _worker_tagger()
    return parsed, tuple(tagger(article) for article in parsed.articles)


def parse_tag_and_sign(body: bytes, headers: dict[str, str], url: str
                       ) -> tuple[ParsedFeed, tuple[Tags, ...], tuple[Signals, ...]]:
    """``parse_and_tag`` plus each article's grouping signals (shingles, entities, amounts,
    dates), so the writing process only groups (runs in the worker process)."""
    from tui.stories.signals import signals_of_article

    parsed, tags = parse_and_tag(body, headers, url)
    return parsed, tags, tuple(signals_of_article(article, one, parsed.lang)
                               for article, one in zip(parsed.articles, tags, strict=True))


def tag_batch(items: list[tuple[int, Article]], full_text_ids: frozenset[int] = frozenset(),
              stored_hashes: dict[int, str] | None = None) -> list[tuple[int, Tags]]:
    """Tag (id, article) pairs; ids in ``full_text_ids`` carry extracted text as content.

    An article whose stored ``tag_hash`` equals the hash of its inputs under the current
    rules is skipped (left out of the result): its tags cannot have changed.
    """
    tagger = _worker_tagger()
    known = stored_hashes or {}
    tagged = []
    for article_id, article in items:
        if known.get(article_id) and known[article_id] == tagger.input_hash(article):
            continue
        tagged.append((article_id, tag_full_text(tagger, article)
                       if article_id in full_text_ids else tagger(article)))
    return tagged


def tag_batch_with(config: TagConfig, items: list[tuple[int, Article]],
                   full_text_ids: frozenset[int] = frozenset(),
                   stored_hashes: dict[int, str] | None = None) -> list[tuple[int, Tags]]:
    """``tag_batch`` for a process pool whose workers had no initializer (``retag``)."""
    global _TAGGER
    if _TAGGER is None:
        init_worker(config)
    return tag_batch(items, full_text_ids, stored_hashes)


RetagJob = tuple[list[tuple[int, Article]], frozenset[int],
                 list[tuple[int, Article, str, str]]]
"""One ``retag`` pool job: ``(to tag, full-text ids, to re-score for topics)``, the last
as ``(id, article, stored hash, new hash)``."""


def retag_batch(config: TagConfig, batch: RetagJob
                ) -> tuple[list[tuple[int, Tags]], list[Rescored]]:
    """One ``retag`` pool job: tags of the articles to tag, topics of those to re-score."""
    items, full_text_ids, retopic = batch
    tagged = tag_batch_with(config, items, full_text_ids)
    tagger = _worker_tagger()
    return tagged, [(article_id, had, now, *tagger.retopic(article))
                    for article_id, article, had, now in retopic]


def sign_batch(records: list[dict[str, Any]]) -> list[Signals]:
    """Grouping signals of stored articles' inputs (``regroup`` on every core: a pool job).
    Needs no tagger: the entities are the stored ones."""
    from tui.stories.stage import signals_of_records

    return signals_of_records(records)
