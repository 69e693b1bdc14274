"""From parsed articles to tags: the one place the store's tagger callable is built."""

from __future__ import annotations

from collections.abc import Callable

from tui.config import Settings
from tui.models import Article, Tags

ArticleTagger = Callable[[Article], Tags]


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
