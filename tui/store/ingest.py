"""Writing articles: one feed's batch per transaction, tags and the search index with them.

Tags are computed before the transaction opens, so the write lock is held only for the
writes; nothing here does network I/O.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from tui.models import Article, Tags
from tui.store import search_index
from tui.store.masks import region_mask, topic_mask

if TYPE_CHECKING:
    from sqlite_utils import Database

Tagger = Callable[[Article], Tags]
ArticleBatch = list[tuple[int, Article]]
TagBatch = list[tuple[int, Tags]]
BatchTagger = Callable[[Iterator[ArticleBatch]], Iterator[TagBatch]]
# Dates further in the future than this are treated as wrong and replaced by first-seen.
FUTURE_SLACK = 24 * 3600


class IngestMixin:
    db: Database
    _entity_ids: dict[tuple[str, str], int]

    def save_articles(
        self,
        feed_id: int,
        articles: Sequence[Article],
        *,
        tagger: Tagger,
        now: int,
        next_due: int,
        feed_title: str = "",
        site_url: str | None = None,
        lang: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        body_hash: str | None = None,
    ) -> tuple[int, int]:
        """Upsert one feed's articles and its bookkeeping in one transaction.

        Returns (new, updated). Duplicates within the batch (same guid or same link) keep
        the first. An updated entry keeps read/starred state. Tags are computed before the
        transaction opens so the write lock is held only for the writes.

        A feed that re-issues its GUIDs (a CMS migration, ids with timestamps) would show
        every story again as new and unread. So an entry with an unknown GUID whose link
        is the link of exactly one stored article, whose own GUID is no longer in the feed,
        is taken to be that article: it is updated in place and takes the new GUID, and
        read/starred stay. Anything less certain is stored as a new entry.
        """
        existing: dict[str, tuple[int, str]] = {}
        by_link: dict[str, list[tuple[int, str, str]]] = {}
        for guid, article_id, digest, url in self.db.conn.execute(
            "SELECT guid, id, content_hash, url FROM articles WHERE feed_id = ?", (feed_id,)
        ):
            existing[guid] = (article_id, digest)
            if url:
                by_link.setdefault(url, []).append((article_id, digest, guid))
        batch_guids = {article.guid for article in articles}
        claimed: set[int] = set()
        tombstoned = {
            row[0]
            for row in self.db.conn.execute(
                "SELECT guid FROM tombstones WHERE feed_id = ?", (feed_id,)
            )
        }
        inserts: list[tuple[Article, str, Tags]] = []
        updates: list[tuple[int, Article, str, Tags]] = []
        seen_guids: set[str] = set()
        seen_links: set[str] = set()
        for article in articles:
            if article.guid in seen_guids or (article.url and article.url in seen_links):
                continue
            seen_guids.add(article.guid)
            if article.url:
                seen_links.add(article.url)
            if article.guid in tombstoned:
                continue
            digest = content_hash(article)
            known = existing.get(article.guid)
            if known is None:
                moved = _reissued(by_link.get(article.url or ""), batch_guids, claimed)
                if moved is not None:
                    claimed.add(moved)
                    updates.append((moved, article, digest, tagger(article)))
                    continue
                inserts.append((article, digest, tagger(article)))
            elif known[1] != digest:
                updates.append((known[0], article, digest, tagger(article)))
        # Oldest first, so article ids follow publication time within a batch: search
        # results are listed by id, newest first.
        inserts.sort(key=lambda item: item[0].published or now)
        new = 0
        with self.db.atomic():
            for article, digest, tags in inserts:
                new += self._insert_article(feed_id, article, digest, tags, now)
            for article_id, article, digest, tags in updates:
                self._update_article(article_id, article, digest, tags, now)
            self.db.conn.execute(
                "UPDATE feeds SET title = CASE WHEN ? != '' THEN ? ELSE title END, "
                "site_url = coalesce(?, site_url), lang = coalesce(lang, ?), "
                "last_attempt = ?, last_success = ?, last_error = NULL, error_count = 0, "
                "next_due = ?, etag = ?, last_modified = ?, body_hash = ? WHERE id = ?",
                (feed_title, feed_title, site_url, lang, now, now, next_due, etag,
                 last_modified, body_hash, feed_id),
            )
        return new, len(updates)

    def _insert_article(
        self, feed_id: int, article: Article, digest: str, tags: Tags, now: int
    ) -> bool:
        """Insert one new article; False if another writer stored it since we looked.

        ``sinowire fetch`` from cron and the app's poller may save the same feed at once:
        both see the entry as new before either commits, and the second used to fail the
        whole feed with "UNIQUE constraint failed". The first copy stands.
        """
        published = _sane_time(article.published or article.updated, now)
        cursor = self.db.conn.execute(
            "INSERT INTO articles (feed_id, guid, url, title, author, published, first_seen, "
            "updated, lang, content_hash, china, china_score, regions, topics, evidence, "
            "topic_mask, region_mask) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (feed_id, guid) DO NOTHING",
            (feed_id, article.guid, article.url, article.title, article.author, published,
             now, article.updated, article.lang, digest, *_tag_columns(tags)),
        )
        if cursor.rowcount == 0:
            return False
        article_id = cursor.lastrowid
        assert article_id is not None
        self.db.conn.execute(
            "INSERT INTO bodies (article_id, summary, content_html, content_text) "
            "VALUES (?, ?, ?, ?)",
            (article_id, article.summary, article.content_html, article.content_text),
        )
        search_index.index_rows(self.db.conn, [(article_id, article.title, article.summary,
                                                 article.content_text)])
        self._write_tag_rows(article_id, tags)
        return True

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
        conn = self.db.conn
        conn.executemany(
            "INSERT OR IGNORE INTO article_topics (topic, article_id) VALUES (?, ?)",
            [(topic, article_id) for topic in tags.topics],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO article_regions (region, article_id) VALUES (?, ?)",
            [(region, article_id) for region in tags.regions],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO article_entities (entity_id, article_id, count) "
            "VALUES (?, ?, ?)",
            [(self._entity_id(e.name, e.type), article_id, e.count) for e in tags.entities],
        )
        conn.execute(
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

    def retag(
        self,
        tagger: Tagger | None = None,
        *,
        tag_batches: BatchTagger | None = None,
        batch: int = 500,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Re-tag every cached article (after the gazetteer or config changed).

        With ``tag_batches`` (an iterator transform, e.g. a process pool) the tagging runs
        elsewhere while this thread writes; otherwise ``tagger`` tags here.
        """
        total = self.db.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        if tag_batches is None:
            assert tagger is not None, "retag needs a tagger or tag_batches"
            one = tagger

            def tag_batches(batches: Iterator[ArticleBatch]) -> Iterator[TagBatch]:
                for items in batches:
                    yield [(article_id, one(article)) for article_id, article in items]

        done = 0
        for tagged in tag_batches(self._article_batches(batch)):
            changed = self._changed_tags(tagged)
            with self.db.atomic():
                for article_id, tags in changed:
                    self.db.conn.execute(
                        "UPDATE articles SET china = ?, china_score = ?, regions = ?, "
                        "topics = ?, evidence = ?, topic_mask = ?, region_mask = ? "
                        "WHERE id = ?",
                        (*_tag_columns(tags), article_id),
                    )
                    self._replace_tag_rows(article_id, tags)
            done += len(tagged)
            if progress:
                progress(done, total)
        return done

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

    def _article_batches(self, batch: int) -> Iterator[ArticleBatch]:
        """Every article's taggable text, ``batch`` at a time, in id order."""
        last_id = 0
        while True:
            rows = self.db.conn.execute(
                "SELECT a.id, a.guid, a.title, a.lang, b.summary, b.content_text "
                "FROM articles a LEFT JOIN bodies b ON b.article_id = a.id "
                "WHERE a.id > ? ORDER BY a.id LIMIT ?",
                (last_id, batch),
            ).fetchall()
            if not rows:
                return
            yield [(row[0], Article(guid=row[1], title=row[2], lang=row[3],
                                    summary=row[4] or "", content_text=row[5] or ""))
                   for row in rows]
            last_id = rows[-1][0]

    def save_extracted(
        self, article_id: int, *, text: str | None, error: str | None, now: int
    ) -> None:
        """Cache full text (or why it failed) so the page is fetched only once."""
        with self.db.atomic():
            if text:
                search_index.unindex(self.db.conn, [article_id])
            self.db.conn.execute(
                "UPDATE bodies SET extracted_text = coalesce(?, extracted_text), "
                "extract_error = ?, extracted_at = ? WHERE article_id = ?",
                (text, error, now, article_id),
            )
            if text:
                search_index.index(self.db.conn, [article_id])


def content_hash(article: Article) -> str:
    """A stable digest of what the feed said, to tell an edited entry from an unchanged one."""
    payload = json.dumps(
        [article.title, article.url, article.author, article.summary, article.content_html,
         article.published, article.updated],
        ensure_ascii=False,
    )
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def _reissued(
    same_link: list[tuple[int, str, str]] | None, batch_guids: set[str], claimed: set[int]
) -> int | None:
    """The one stored article a new GUID replaces, or None when that is not certain."""
    if not same_link or len(same_link) != 1:
        return None
    article_id, _digest, old_guid = same_link[0]
    if old_guid in batch_guids or article_id in claimed:
        return None  # the old entry is still in the feed: two entries share a link
    return article_id


def _sane_time(value: int | None, now: int) -> int:
    if value is None or value > now + FUTURE_SLACK or value < 0:
        return now
    return value


def topic_evidence_json(tags: Tags) -> str:
    """``[[topic, score, [[term, field], …]], …]``: why each topic applies."""
    return json.dumps(
        [[t.topic, t.score, [list(pair) for pair in t.terms]] for t in tags.topic_evidence],
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
