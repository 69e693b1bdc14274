"""Tagging: China relevance with evidence, region tags, topics and entities.

Explainable rules, no model downloads, no I/O at tag time::

    from tui.tagging import Tagger, tag
    tagger = Tagger(user_entities=(), user_topics={}, china_regions=frozenset({"CN", "HK", "MO"}))
    tags = tagger.tag(title, summary, content, lang)      # -> tui.models.Tags
    tag(title, summary="", content="", lang=None)           # cached default Tagger
    Tagger.from_settings(settings)                          # from tui.config.Settings
    rules_version(...), tagger.input_hash(...)              # what a retag can skip
"""

from __future__ import annotations

from functools import lru_cache

from tui.models import Tags
from tui.tagging.tagger import Tagger
from tui.tagging.version import input_hash, rules_version

__all__ = ["Tagger", "default_tagger", "input_hash", "rules_version", "tag"]


@lru_cache(maxsize=1)
def default_tagger() -> Tagger:
    """The Tagger with no user configuration, built on first use."""
    return Tagger()


def tag(title: str, summary: str = "", content: str = "", lang: str | None = None) -> Tags:
    """Tag one article with the default Tagger."""
    return default_tagger().tag(title, summary, content, lang)
