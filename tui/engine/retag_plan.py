"""What a retag must tag again after the user edited their tagging config.

Every stored ``tag_hash`` digests the rules version, and the version digests the user's
config (entities, topic terms, China regions): after one added entity every hash differs,
yet only the articles that mention it can tag differently. So the store keeps each config
it tagged with, by version (:func:`remember`); a retag finds which one an article's hash
was made under, and if that config differs from today's only in user entities or topic
terms, an article whose text contains none of the terms added, removed or changed keeps
its tags and gets only the new hash. Anything else (built-in rules, China regions,
entities reordered or listed twice, a config the store does not know) tags as before.

Why skipping is sound: the tagger can react to a user term only where the term occurs in
the article. Its automaton matches the term's ``fold_key`` in the lower-cased simplified
text (``fold_exact`` in the simplified text); datelines, cashtags, token symbols and amounts
look up surfaces written in the text. :func:`fold` is coarser than all of these (casefold
after the same NFKC and Traditional→simplified folding: ``casefold(c.lower()) ==
casefold(c)`` for every code point), and :func:`article_text` keeps all the text where the
tagger caps the body and drops a summary repeated by the content. A term with a line break
could straddle two fields as the tagger joins them, so such an edit tags everything.

When the edit is of user topic terms alone (the same entities in the same order, the same
regions), an article that mentions an edited term is re-scored for topics only
(:meth:`Tagger.retopic`): topic terms live only in the matcher's topic layer, so its entity
hits, China score and entities are those stored, and only topics, their evidence and the
hash are written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass

from tui.config import UserEntity
from tui.engine.jobs import TagConfig
from tui.models import Article
from tui.tagging import version
from tui.tagging.normalize import nfkc, strip_html, to_simplified

MANY_TERMS = 16
"""From this many changed terms one Aho-Corasick pass beats a substring test per term."""


def config_version(config: TagConfig) -> str:
    """The rules version a tagger built from ``config`` stamps into every hash."""
    return version.rules_version(config.user_entities, dict(config.user_topics),
                                 config.china_regions)


def record(config: TagConfig) -> str:
    """``config`` as JSON for the meta table (:func:`from_record` reads it back)."""
    return json.dumps({
        "builtin": version.builtin_digest(),
        "entities": [asdict(entity) for entity in config.user_entities],
        "topics": [[slug, list(terms)] for slug, terms in config.user_topics],
        "regions": sorted(config.china_regions),
    }, ensure_ascii=False, sort_keys=True)


def from_record(text: str, expected_version: str) -> TagConfig | None:
    """The config of a meta record, or None when it cannot be trusted: unreadable, made
    under other built-in rules, or not digesting to ``expected_version`` (a record that
    reads back as anything but the config it was made from would make a retag unsound)."""
    try:
        data = json.loads(text)
        if data["builtin"] != version.builtin_digest():
            return None
        config = TagConfig(
            tuple(UserEntity(**{**e, "aliases": tuple(e["aliases"])}) for e in data["entities"]),
            tuple((str(slug), tuple(terms)) for slug, terms in data["topics"]),
            frozenset(data["regions"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    return config if config_version(config) == expected_version else None


def fold(text: str) -> str:
    """The coarsest of the tagger's matching folds (see the module's docstring)."""
    return to_simplified(nfkc(text)).casefold()


def article_text(article: Article) -> str:
    """An article's text as the tagger reads it (HTML stripped, fields joined by a line
    break, the title on one line), folded, uncapped."""
    title = strip_html(article.title or "").replace("\n", " ")
    return fold(f"{title}\n{strip_html(article.summary or '')}\n"
                f"{strip_html(article.content_text or '')}")


def changed_terms(old: TagConfig, new: TagConfig) -> frozenset[str] | None:
    """The folded surfaces of every user entity and topic term added, removed or changed
    from ``old`` to ``new``; None when the edit is not one of terms alone."""
    if old.china_regions != new.china_regions:
        return None
    old_entities, new_entities = old.user_entities, new.user_entities
    olds, news = set(old_entities), set(new_entities)
    if len(olds) != len(old_entities) or len(news) != len(new_entities):
        return None  # an entity listed twice: which copy wins depends on the order
    if [e for e in old_entities if e in news] != [e for e in new_entities if e in olds]:
        return None  # reordered: on a shared alias the first entity's reading wins
    changed = [e for e in old_entities if e not in news] + [
        e for e in new_entities if e not in olds]
    surfaces = set(_entity_surfaces(changed))
    old_topics, new_topics = dict(old.user_topics), dict(new.user_topics)
    for slug in old_topics.keys() | new_topics.keys():
        surfaces |= set(old_topics.get(slug, ())) ^ set(new_topics.get(slug, ()))
    terms = frozenset(fold(s) for s in surfaces if s.strip())
    if any("\n" in term for term in terms):
        return None
    return frozenset(term for term in terms if term.strip())


def topics_only(old: TagConfig, new: TagConfig) -> bool:
    """Whether ``old`` and ``new`` differ in user topic terms alone, so China and entities
    tag the same under both (user topic terms go only into the matcher's topic layer)."""
    return old.user_entities == new.user_entities and old.china_regions == new.china_regions


def _entity_surfaces(entities: list[UserEntity]) -> list[str]:
    """Every surface the tagger matches for these entities, parsed by the tagger itself
    (``?``, ``=``, ``*weight`` and ``!anti`` are markup, not text)."""
    if not entities:
        return []
    from tui.tagging import Tagger

    entries = Tagger(user_entities=entities).entries[: len(entities)]
    return [alias.surface for entry in entries for alias in entry.aliases]


def contains_any(terms: Iterable[str]) -> Callable[[str], bool]:
    """A test: does a folded text contain any of ``terms``?"""
    needles = sorted(terms)
    if not needles:
        return lambda _text: False
    if len(needles) < MANY_TERMS:
        return lambda text: any(needle in text for needle in needles)
    import ahocorasick_rs

    automaton = ahocorasick_rs.AhoCorasick(needles)
    return lambda text: bool(automaton.find_matches_as_indexes(text))


@dataclass(frozen=True)
class Earlier:
    """A config articles were tagged under: its version, and which of its articles a
    change to today's must tag again (None: all of them)."""

    version: str
    mentions: Callable[[str], bool] | None
    topics_only: bool = False
    """The change is of user topic terms alone: an article that mentions one needs only
    its topics scored again."""


class RetagPlan:
    """Splits stored articles into those to tag, those to re-stamp, those to leave."""

    def __init__(self, current: str, earlier: Iterable[Earlier]) -> None:
        self.current = current
        self.earlier = tuple(e for e in earlier if e.version != current)

    @classmethod
    def for_store(cls, config: TagConfig, known: Mapping[str, str]) -> RetagPlan:
        """The plan for tagging with ``config`` a store that knows the ``known`` configs
        (version → :func:`record`)."""
        current = config_version(config)
        earlier = []
        for old_version, text in known.items():
            old = from_record(text, old_version)
            terms = changed_terms(old, config) if old is not None else None
            earlier.append(Earlier(old_version, None if terms is None else contains_any(terms),
                                   terms is not None and old is not None
                                   and topics_only(old, config)))
        return cls(current, earlier)

    def split(self, items: list[tuple[int, Article]], stored: Mapping[int, str]
              ) -> tuple[list[tuple[int, Article]], list[tuple[int, Article, str, str]],
                         list[tuple[int, str, str]]]:
        """``(to tag, to re-score for topics, to re-stamp)``: the (id, article) pairs whose
        tags may change; ``(id, article, stored hash, new hash)`` for those whose topics
        alone may (an edit of topic terms only); ``(id, stored hash, new hash)`` for those
        whose tags cannot (only the hash moves). Articles whose stored hash is today's are
        in none."""
        to_tag: list[tuple[int, Article]] = []
        retopic: list[tuple[int, Article, str, str]] = []
        restamp: list[tuple[int, str, str]] = []
        for article_id, article in items:
            had = stored.get(article_id, "")
            hash_under = version.input_hasher(article.title, article.summary,
                                              article.content_text, article.lang)
            now = hash_under(self.current)
            if had == now:
                continue
            made = next((e for e in self.earlier if had and hash_under(e.version) == had),
                        None)
            if made is None or made.mentions is None:
                to_tag.append((article_id, article))
            elif not made.mentions(article_text(article)):
                restamp.append((article_id, had, now))
            elif made.topics_only:
                retopic.append((article_id, article, had, now))
            else:
                to_tag.append((article_id, article))
        return to_tag, retopic, restamp
