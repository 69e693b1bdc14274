"""Writing articles: one feed's decided intents per transaction, with tags and search index.

The store knows nothing about tagging or deciding: it is handed tags and intents (from
``tui.engine``) and writes them, so the write lock is held only for the writes and nothing
here does network I/O.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from tui.models import Article, Tags, TopicEvidence
from tui.store import search_index
from tui.store.masks import region_mask, topic_mask

if TYPE_CHECKING:
    from sqlite_utils import Database

    from tui.engine.decide import Decision, Existing
    from tui.store.sqlite import sqlite3

ArticleBatch = list[tuple[int, Article]]
TagBatch = list[tuple[int, Tags]]
Rescored = tuple[int, str, str, frozenset[str], tuple[TopicEvidence, ...]]
"""An article re-scored for topics alone: (id, stored hash, new hash, topics, evidence)."""
# Dates further in the future than this are treated as wrong and replaced by first-seen.
FUTURE_SLACK = 24 * 3600


TAG_CONFIG_KEY = "tag_config:"
"""Meta keys ``tag_config:<rules version>``: the tagging config that version digests."""


class IngestMixin:
    db: Database
    _entity_ids: dict[tuple[str, str], int]

    if TYPE_CHECKING:
        def get_meta(self, key: str) -> str | None: ...

    def existing(self, feed_id: int) -> Existing:
        """What the decider needs to know about a feed's stored articles."""
        from tui.engine.decide import Existing, Known

        articles = tuple(
            Known(id=row[0], guid=row[1], digest=row[2], url=row[3])
            for row in self.db.conn.execute(
                "SELECT id, guid, content_hash, url FROM articles WHERE feed_id = ?", (feed_id,))
        )
        tombstones = frozenset(row[0] for row in self.db.conn.execute(
            "SELECT guid FROM tombstones WHERE feed_id = ?", (feed_id,)))
        return Existing(articles, tombstones)

    def write_feed(
        self,
        feed_id: int,
        decision: Decision,
        *,
        now: int,
        next_due: int,
        feed_title: str = "",
        site_url: str | None = None,
        lang: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        body_hash: str | None = None,
    ) -> tuple[list[int], int]:
        """Carry out one feed's intents and its bookkeeping in one transaction.

        Returns (ids of the articles inserted, number updated). An update keeps read/starred.
        """
        with self.db.atomic():
            new = self._insert_articles(feed_id, decision, now)
            for update in decision.updates:
                self._update_article(update.article_id, update.article, update.digest,
                                     update.tags, now)
            self.db.conn.execute(
                "UPDATE feeds SET title = CASE WHEN ? != '' THEN ? ELSE title END, "
                "site_url = coalesce(?, site_url), lang = coalesce(lang, ?), "
                "last_attempt = ?, last_success = ?, last_error = NULL, error_count = 0, "
                "next_due = ?, etag = ?, last_modified = ?, body_hash = ? WHERE id = ?",
                (feed_title, feed_title, site_url, lang, now, now, next_due, etag,
                 last_modified, body_hash, feed_id),
            )
        return new, len(decision.updates)

    def _insert_articles(self, feed_id: int, decision: Decision, now: int) -> list[int]:
        """Insert the feed's new articles; returns the ids of those stored.

        An article another writer stored since we looked is skipped: ``sinowire fetch``
        from cron and the app's poller may save the same feed at once, both see the entry
        as new before either commits, and the second used to fail the whole feed with
        "UNIQUE constraint failed". The first copy stands.

        Each article row is inserted alone (its id comes back), with its topic evidence and
        tag hash in the same row; bodies, the search index and the tag rows then go in one
        ``executemany`` each for the whole feed, in the same order as one article at a time
        (so every table's rows and ids are the same), with a fraction of the statements.
        """
        conn = self.db.conn
        new: list[int] = []
        bodies: list[tuple[int, str, str, str]] = []
        texts: list[tuple[int, str, str, str]] = []
        rows = _TagRows()
        for insert in decision.inserts:
            article, tags = insert.article, insert.tags
            published = _sane_time(article.published or article.updated, now)
            cursor = conn.execute(
                "INSERT INTO articles (feed_id, guid, url, title, author, published, "
                "first_seen, updated, lang, content_hash, china, china_score, regions, "
                "topics, evidence, topic_mask, region_mask, topic_evidence, tag_hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (feed_id, guid) DO NOTHING",
                (feed_id, article.guid, article.url, article.title, article.author, published,
                 now, article.updated, article.lang, insert.digest, *_tag_columns(tags),
                 topic_evidence_json(tags), tags.input_hash),
            )
            if cursor.rowcount == 0:
                continue
            article_id = cursor.lastrowid
            assert article_id is not None
            new.append(article_id)
            bodies.append((article_id, article.summary, article.content_html,
                           article.content_text))
            texts.append((article_id, article.title, article.summary, article.content_text))
            rows.add(article_id, tags, self._entity_id)
        conn.executemany(
            "INSERT INTO bodies (article_id, summary, content_html, content_text) "
            "VALUES (?, ?, ?, ?)",
            bodies,
        )
        search_index.index_rows(conn, texts)
        rows.write(conn)
        return new

    def _update_article(
        self, article_id: int, article: Article, digest: str, tags: Tags, now: int
    ) -> None:
        search_index.unindex(self.db.conn, [article_id])
        self.db.conn.execute(
            "UPDATE articles SET guid = ?, url = ?, title = ?, author = ?, updated = ?, "
            "lang = ?, content_hash = ?, china = ?, china_score = ?, regions = ?, topics = ?, "
            "evidence = ?, topic_mask = ?, region_mask = ?, "
            "published = CASE WHEN ? IS NOT NULL THEN ? ELSE published END "
            "WHERE id = ?",
            (article.guid, article.url, article.title, article.author, article.updated,
             article.lang, digest, *_tag_columns(tags), article.published,
             _sane_time(article.published, now), article_id),
        )
        self.db.conn.execute(
            "UPDATE bodies SET summary = ?, content_html = ?, content_text = ? "
            "WHERE article_id = ?",
            (article.summary, article.content_html, article.content_text, article_id),
        )
        search_index.index(self.db.conn, [article_id])
        self._replace_tag_rows(article_id, tags)

    def _replace_tag_rows(self, article_id: int, tags: Tags) -> None:
        for table in ("article_topics", "article_regions", "article_entities"):
            self.db.conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
        self._write_tag_rows(article_id, tags)

    def _write_tag_rows(self, article_id: int, tags: Tags) -> None:
        rows = _TagRows()
        rows.add(article_id, tags, self._entity_id)
        rows.write(self.db.conn)
        self.db.conn.execute(
            "UPDATE articles SET topic_evidence = ?, tag_hash = ? WHERE id = ?",
            (topic_evidence_json(tags), tags.input_hash, article_id),
        )

    def _entity_id(self, name: str, kind: str) -> int:
        key = (name, kind)
        cached = self._entity_ids.get(key)
        if cached is not None:
            return cached
        conn = self.db.conn
        row = conn.execute(
            "SELECT id FROM entities WHERE name = ? AND type = ?", (name, kind)
        ).fetchone()
        if row is None:
            cursor = conn.execute(
                "INSERT INTO entities (name, type, key) VALUES (?, ?, ?)",
                (name, kind, name.casefold()),
            )
            entity_id = cursor.lastrowid
        else:
            entity_id = row[0]
        assert entity_id is not None
        self._entity_ids[key] = entity_id
        return entity_id

    def write_tags(self, tagged: TagBatch,
                   restamp: Iterable[tuple[int, str, str]] = (),
                   rescored: list[Rescored] | None = None) -> int:
        """Store new tags for articles whose tags changed; returns how many were rewritten.

        ``restamp`` is ``(id, stored hash, new hash)`` for articles known to keep their tags
        under new rules: only the hash moves, and only if no writer changed it meanwhile.
        ``rescored`` articles are known to keep all but their topics: only topics, topic
        evidence and the hash are written, on the same condition.
        """
        changed = self._changed_tags(tagged)
        rewritten = {article_id for article_id, _tags in changed}
        with self.db.atomic():
            if rescored:
                self._write_topics(rescored)
            for article_id, tags in changed:
                self._store_tags(article_id, tags)
            # Same tags under new rules: only the hash (and the topic evidence) move on.
            self.db.conn.executemany(
                "UPDATE articles SET topic_evidence = ?1, tag_hash = ?2 "
                "WHERE id = ?3 AND (topic_evidence != ?1 OR tag_hash != ?2)",
                [(topic_evidence_json(tags), tags.input_hash, article_id)
                 for article_id, tags in tagged if article_id not in rewritten])
            self.db.conn.executemany(
                "UPDATE articles SET tag_hash = ?3 WHERE id = ?1 AND tag_hash = ?2", restamp)
        return len(changed)

    def _write_topics(self, rescored: list[Rescored]) -> None:
        """Topics, topic evidence and the hash of articles whose stored hash is still the
        one they were re-scored from; topic rows only where the topics moved."""
        conn = self.db.conn
        ids = [row[0] for row in rescored]
        stored = {row[0]: (row[1], row[2]) for row in conn.execute(
            "SELECT id, topics, tag_hash FROM articles WHERE id BETWEEN ? AND ?",
            (min(ids), max(ids)))}
        updates, cleared, moved = [], [], _TagRows()  # moved: the topic rows written anew
        for article_id, had, now, topics, evidence in rescored:
            topics_now, hash_now = stored.get(article_id, (None, None))
            if hash_now != had:
                continue  # a writer tagged it meanwhile: its tags are newer than ours
            text = " ".join(sorted(topics))
            updates.append((text, topic_mask(topics), _topic_evidence_json(evidence), now,
                            article_id))
            if text != topics_now:
                moved.topics += [(topic, article_id) for topic in topics]
                cleared.append((article_id,))
        conn.executemany("UPDATE articles SET topics = ?, topic_mask = ?, topic_evidence = ?, "
                         "tag_hash = ? WHERE id = ?", updates)
        conn.executemany("DELETE FROM article_topics WHERE article_id = ?", cleared)
        moved.write(conn)

    def tag_configs(self) -> dict[str, str]:
        """The tagging configs noted with :meth:`note_tag_config`: rules version → record."""
        rows = self.db.conn.execute(
            "SELECT substr(key, ?), value FROM meta WHERE key GLOB ?",
            (len(TAG_CONFIG_KEY) + 1, TAG_CONFIG_KEY + "*")).fetchall()
        return {row[0]: row[1] for row in rows}

    def note_tag_config(self, version: str, record: str) -> None:
        """Note that tag hashes made under ``version`` were made from ``record``, so a
        retag can tell what changed since (read first: once noted, nothing is written)."""
        key = TAG_CONFIG_KEY + version
        if self.get_meta(key) is None:
            with self.db.atomic():
                self.db.conn.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, record))

    def forget_tag_configs(self, keep: str) -> None:
        """Drop every noted config but ``keep`` (a retag has re-stamped all the rest)."""
        with self.db.atomic():
            self.db.conn.execute("DELETE FROM meta WHERE key GLOB ? AND key != ?",
                                 (TAG_CONFIG_KEY + "*", TAG_CONFIG_KEY + keep))

    def _store_tags(self, article_id: int, tags: Tags) -> None:
        self.db.conn.execute(
            "UPDATE articles SET china = ?, china_score = ?, regions = ?, "
            "topics = ?, evidence = ?, topic_mask = ?, region_mask = ? WHERE id = ?",
            (*_tag_columns(tags), article_id),
        )
        self._replace_tag_rows(article_id, tags)

    def _changed_tags(self, tagged: TagBatch) -> TagBatch:
        """Only the articles whose tags differ from what is stored (most do not)."""
        if not tagged:
            return tagged
        ids = [article_id for article_id, _tags in tagged]
        low, high = min(ids), max(ids)
        stored = {
            row[0]: tuple(row[1:])
            for row in self.db.conn.execute(
                "SELECT id, china, china_score, regions, topics, evidence, topic_mask, "
                "region_mask FROM articles WHERE id BETWEEN ? AND ?", (low, high))
        }
        entities: dict[int, list[tuple[str, str, int]]] = {}
        for article_id, name, kind, count in self.db.conn.execute(
            "SELECT ae.article_id, e.name, e.type, ae.count FROM article_entities ae "
            "JOIN entities e ON e.id = ae.entity_id WHERE ae.article_id BETWEEN ? AND ?",
            (low, high),
        ):
            entities.setdefault(article_id, []).append((name, kind, count))
        changed = []
        for article_id, tags in tagged:
            same_columns = stored.get(article_id) == _tag_columns(tags)
            same_entities = sorted(entities.get(article_id, [])) == sorted(
                (e.name, e.type, e.count) for e in tags.entities)
            if not (same_columns and same_entities):
                changed.append((article_id, tags))
        return changed

    def taggable_batches(self, batch: int = 500
                         ) -> Iterator[tuple[ArticleBatch, frozenset[int], dict[int, str]]]:
        """Every article's taggable text, ``batch`` at a time, in id order.

        The content is the extracted full text where there is one (so a retag keeps what
        full text found), else the feed's text; the second item names the full-text ids,
        the third each article's stored ``tag_hash`` (a retag skips those that match).
        """
        last_id = 0
        while True:
            rows = self.db.conn.execute(
                "SELECT a.id, a.guid, a.title, a.lang, b.summary, "
                "coalesce(b.extracted_text, b.content_text), b.extracted_text IS NOT NULL, "
                "a.tag_hash "
                "FROM articles a LEFT JOIN bodies b ON b.article_id = a.id "
                "WHERE a.id > ? ORDER BY a.id LIMIT ?",
                (last_id, batch),
            ).fetchall()
            if not rows:
                return
            yield ([(row[0], Article(guid=row[1], title=row[2], lang=row[3],
                                     summary=row[4] or "", content_text=row[5] or ""))
                    for row in rows],
                   frozenset(row[0] for row in rows if row[6]),
                   {row[0]: row[7] for row in rows if row[7]})
            last_id = rows[-1][0]

    def count_all(self) -> int:
        return int(self.db.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def save_extracted(
        self, article_id: int, *, text: str | None, error: str | None, now: int,
        tags: Tags | None = None,
    ) -> None:
        """Cache full text (or why it failed) so the page is fetched only once; with
        ``tags`` (computed from the full text) the article's tags are replaced too."""
        with self.db.atomic():
            if tags is not None:
                self._store_tags(article_id, tags)
            if text:
                search_index.unindex(self.db.conn, [article_id])
            self.db.conn.execute(
                "UPDATE bodies SET extracted_text = coalesce(?, extracted_text), "
                "extract_error = ?, extracted_at = ? WHERE article_id = ?",
                (text, error, now, article_id),
            )
            if text:
                search_index.index(self.db.conn, [article_id])


class _TagRows:
    """Topic, region and entity rows of one or more articles, written with one
    ``executemany`` per table: the one home of the tag rows' SQL."""

    def __init__(self) -> None:
        self.topics: list[tuple[str, int]] = []
        self.regions: list[tuple[str, int]] = []
        self.entities: list[tuple[int, int, int]] = []

    def add(self, article_id: int, tags: Tags, entity_id: Callable[[str, str], int]) -> None:
        self.topics += [(topic, article_id) for topic in tags.topics]
        self.regions += [(region, article_id) for region in tags.regions]
        self.entities += [(entity_id(e.name, e.type), article_id, e.count)
                          for e in tags.entities]

    def write(self, conn: sqlite3.Connection) -> None:
        conn.executemany(
            "INSERT OR IGNORE INTO article_topics (topic, article_id) VALUES (?, ?)",
            self.topics)
        conn.executemany(
            "INSERT OR IGNORE INTO article_regions (region, article_id) VALUES (?, ?)",
            self.regions)
        conn.executemany(
            "INSERT OR IGNORE INTO article_entities (entity_id, article_id, count) "
            "VALUES (?, ?, ?)",
            self.entities)


def _sane_time(value: int | None, now: int) -> int:
    if value is None or value > now + FUTURE_SLACK or value < 0:
        return now
    return value


def topic_evidence_json(tags: Tags) -> str:
    """``[[topic, score, [[term, field], …]], …]``: why each topic applies."""
    return _topic_evidence_json(tags.topic_evidence)


def _topic_evidence_json(evidence: Iterable[TopicEvidence]) -> str:
    return json.dumps(
        [[t.topic, t.score, [list(pair) for pair in t.terms]] for t in evidence],
        ensure_ascii=False,
    )


def _tag_columns(tags: Tags) -> tuple[object, ...]:
    evidence = json.dumps(
        [[e.term, e.entity, e.field, e.region, e.weight] for e in tags.evidence],
        ensure_ascii=False,
    )
    return (
        int(tags.china),
        round(float(tags.china_score), 4),
        " ".join(sorted(tags.regions)),
        " ".join(sorted(tags.topics)),
        evidence,
        topic_mask(tags.topics),
        region_mask(tags.regions),
    )
