"""The update decider: what to do with one feed's parsed, tagged batch. Pure: no I/O.

Given what the store holds for a feed (``Existing``) and the batch, it returns intents the
store carries out in one transaction. Kept apart from the store so every rule here (the same
entry twice in one fetch, an edited entry, a feed that re-issued its GUIDs, a story the user
deleted that the feed still lists) is a table of cases in a unit test, not a database test.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from tui.models import Article, Tags


@dataclass(frozen=True)
class Known:
    """A stored article of the feed, as far as deciding needs it."""

    id: int
    guid: str
    digest: str
    url: str | None = None


@dataclass(frozen=True)
class Existing:
    """What the store holds for one feed: its articles and the GUIDs it must not revive."""

    articles: tuple[Known, ...] = ()
    tombstones: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Insert:
    article: Article
    digest: str
    tags: Tags


@dataclass(frozen=True)
class Update:
    """Rewrite a stored article (edited entry, or ``reissued``: same story, new GUID)."""

    article_id: int
    article: Article
    digest: str
    tags: Tags
    reissued: bool = False


@dataclass(frozen=True)
class Skip:
    guid: str
    reason: str  # "unchanged", "duplicate" (same GUID or link earlier in the batch), "tombstone"


Intent = Insert | Update | Skip


@dataclass(frozen=True)
class Decision:
    inserts: tuple[Insert, ...] = ()
    updates: tuple[Update, ...] = ()
    skipped: tuple[Skip, ...] = field(default=())

    @property
    def intents(self) -> tuple[Intent, ...]:
        return (*self.inserts, *self.updates, *self.skipped)


def decide(existing: Existing, batch: Sequence[tuple[Article, Tags]], *, now: int) -> Decision:
    """Intents for one feed's batch.

    Duplicates within the batch (same GUID or same link) keep the first. A changed entry is
    an update that keeps read/starred. A feed that re-issues its GUIDs (a CMS migration)
    would show every story again as new and unread; so an entry with an unknown GUID whose
    link is the link of exactly one stored article, whose own GUID has left the feed, is
    taken to be that article. Anything less certain is a new entry. New entries come oldest
    first, so ids follow publication time within a batch.
    """
    by_guid = {known.guid: known for known in existing.articles}
    by_link: dict[str, list[Known]] = {}
    for stored in existing.articles:
        if stored.url:
            by_link.setdefault(stored.url, []).append(stored)
    batch_guids = {article.guid for article, _tags in batch}
    claimed: set[int] = set()
    seen_guids: set[str] = set()
    seen_links: set[str] = set()
    inserts: list[Insert] = []
    updates: list[Update] = []
    skipped: list[Skip] = []
    for article, tags in batch:
        if article.guid in seen_guids or (article.url and article.url in seen_links):
            skipped.append(Skip(article.guid, "duplicate"))
            continue
        seen_guids.add(article.guid)
        if article.url:
            seen_links.add(article.url)
        if article.guid in existing.tombstones:
            skipped.append(Skip(article.guid, "tombstone"))
            continue
        digest = content_hash(article)
        known = by_guid.get(article.guid)
        if known is None:
            moved = _reissued(by_link.get(article.url or ""), batch_guids, claimed)
            if moved is not None:
                claimed.add(moved.id)
                updates.append(Update(moved.id, article, digest, tags, reissued=True))
            else:
                inserts.append(Insert(article, digest, tags))
        elif known.digest != digest:
            updates.append(Update(known.id, article, digest, tags))
        else:
            skipped.append(Skip(article.guid, "unchanged"))
    inserts.sort(key=lambda intent: intent.article.published or now)
    return Decision(tuple(inserts), tuple(updates), tuple(skipped))


def content_hash(article: Article) -> str:
    """A stable digest of what the feed said, to tell an edited entry from an unchanged one."""
    payload = json.dumps(
        [article.title, article.url, article.author, article.summary, article.content_html,
         article.published, article.updated],
        ensure_ascii=False,
    )
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def _reissued(same_link: list[Known] | None, batch_guids: set[str],
              claimed: set[int]) -> Known | None:
    """The one stored article a new GUID replaces, or None when that is not certain."""
    if not same_link or len(same_link) != 1:
        return None
    known = same_link[0]
    if known.guid in batch_guids or known.id in claimed:
        return None  # the old entry is still in the feed: two entries share a link
    return known
