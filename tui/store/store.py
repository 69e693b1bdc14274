"""The Store: every write sinowire makes, as typed methods over one sqlite-utils Database.

Reads for the list and the reader live in :mod:`tui.store.queries` (mixed in here), so this
module is about feeds, ingest and user state. Each feed's articles are written in one
transaction; nothing does network I/O while a transaction is open.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from sqlite_utils import Database

from tui.models import Article, Feed, Tags
from tui.store.database import StoreError, open_database
from tui.store.fts import index_text
from tui.store.queries import QueryMixin
from tui.text import clean_line, safe_url

Tagger = Callable[[Article], Tags]

_FEED_COLUMNS = (
    "id, url, title, lang, site_url, added, etag, last_modified, last_attempt, last_success, "
    "last_error, error_count, next_due, interval_minutes, body_hash"
)
# Dates further in the future than this are treated as wrong and replaced by first-seen.
FUTURE_SLACK = 24 * 3600


class FeedExistsError(StoreError):
    pass


class Store(QueryMixin):
    """One thread's handle on the database. Create one per thread; close when done."""

    def __init__(self, db: Database, path: Path | None = None, notice: str | None = None):
        self.db = db
        self.path = path
        self.notice = notice  # set when a damaged database was moved aside
        self._entity_ids: dict[tuple[str, str], int] = {}

    @classmethod
    def open(cls, path: Path, *, busy_timeout: float = 10.0) -> Store:
        db, notice = open_database(path, busy_timeout=busy_timeout)
        return cls(db, path, notice)

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_meta(self, key: str) -> str | None:
        row = self.db.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # ---- feeds -------------------------------------------------------------------

    def feeds(self) -> list[Feed]:
        rows = self.db.conn.execute(f"SELECT {_FEED_COLUMNS} FROM feeds ORDER BY id").fetchall()
        return [Feed(*row) for row in rows]

    def feed(self, feed_id: int) -> Feed | None:
        row = self.db.conn.execute(
            f"SELECT {_FEED_COLUMNS} FROM feeds WHERE id = ?", (feed_id,)
        ).fetchone()
        return Feed(*row) if row else None

    def feed_by_url(self, url: str) -> Feed | None:
        row = self.db.conn.execute(
            f"SELECT {_FEED_COLUMNS} FROM feeds WHERE url = ?", (url,)
        ).fetchone()
        return Feed(*row) if row else None

    def find_feed(self, url_or_id: str) -> Feed | None:
        """A feed by URL, or by numeric id when given digits."""
        if url_or_id.isdigit():
            return self.feed(int(url_or_id))
        return self.feed_by_url(url_or_id.strip())

    def add_feed(
        self, url: str, title: str = "", lang: str | None = None, *, now: int | None = None
    ) -> Feed:
        """Subscribe. Only http(s) URLs; raises FeedExistsError for a duplicate."""
        checked = safe_url(url)
        if checked is None:
            raise StoreError(f"not an http(s) URL: {clean_line(url, 200)!r}")
        if self.feed_by_url(checked) is not None:
            raise FeedExistsError(f"already subscribed: {checked}")
        now = int(time.time()) if now is None else now
        self.db.execute(
            "INSERT INTO feeds (url, title, lang, added, next_due) VALUES (?, ?, ?, ?, 0)",
            (checked, clean_line(title, 200), lang, now),
        )
        feed = self.feed_by_url(checked)
        assert feed is not None
        return feed

    @contextlib.contextmanager
    def _write_first(self) -> Iterator[None]:
        """A transaction that takes the write lock before it reads (BEGIN IMMEDIATE).

        In WAL mode a deferred transaction that reads and then writes cannot wait for
        another writer: if one committed in between, SQLite fails at once with "database
        is locked" and the busy timeout never applies. Retention and unsubscribing read
        the rows to delete first, so they lock first.
        """
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        self.db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.db.conn.execute("COMMIT")
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")
            raise

    def move_feed(self, feed_id: int, new_url: str) -> Feed:
        """Point a subscription at a new URL, keeping its articles and read/starred state.

        Unsubscribing and subscribing again would delete the articles (starred ones too).
        Validators and the body hash belong to the old URL, so they are cleared and the
        feed is due at once.
        """
        checked = safe_url(new_url)
        if checked is None:
            raise StoreError(f"not an http(s) URL: {clean_line(new_url, 200)!r}")
        other = self.feed_by_url(checked)
        if other is not None and other.id != feed_id:
            raise FeedExistsError(f"already subscribed: {checked}")
        self.db.execute(
            "UPDATE feeds SET url = ?, etag = NULL, last_modified = NULL, body_hash = NULL, "
            "next_due = 0, error_count = 0, last_error = NULL WHERE id = ?",
            (checked, feed_id),
        )
        feed = self.feed(feed_id)
        if feed is None:
            raise StoreError(f"no such feed: {feed_id}")
        return feed

    def remove_feed(self, feed_id: int) -> None:
        """Unsubscribe and drop the feed's articles (starred ones too: the user asked)."""
        with self._write_first():
            self._delete_articles("feed_id = ?", (feed_id,))
            self.db.conn.execute("DELETE FROM tombstones WHERE feed_id = ?", (feed_id,))
            self.db.conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    def record_fetch(
        self,
        feed_id: int,
        *,
        now: int,
        next_due: int,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        body_hash: str | None = None,
    ) -> None:
        """Bookkeeping after an attempt that stored no articles (error or not modified)."""
        if error is not None:
            self.db.execute(
                "UPDATE feeds SET last_attempt = ?, last_error = ?, "
                "error_count = error_count + 1, next_due = ? WHERE id = ?",
                (now, clean_line(error, 500), next_due, feed_id),
            )
            return
        self.db.execute(
            "UPDATE feeds SET last_attempt = ?, last_success = ?, last_error = NULL, "
            "error_count = 0, next_due = ?, etag = coalesce(?, etag), "
            "last_modified = coalesce(?, last_modified), body_hash = coalesce(?, body_hash) "
            "WHERE id = ?",
            (now, now, next_due, etag, last_modified, body_hash, feed_id),
        )

    # ---- ingest ------------------------------------------------------------------

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
            "updated, lang, content_hash, china, china_score, regions, topics, evidence) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
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
        self._write_fts(article_id, article, insert=True)
        self._write_tag_rows(article_id, tags)
        return True

    def _update_article(
        self, article_id: int, article: Article, digest: str, tags: Tags, now: int
    ) -> None:
        self.db.conn.execute(
            "UPDATE articles SET guid = ?, url = ?, title = ?, author = ?, updated = ?, "
            "lang = ?, content_hash = ?, china = ?, china_score = ?, regions = ?, topics = ?, "
            "evidence = ?, published = CASE WHEN ? IS NOT NULL THEN ? ELSE published END "
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
        self._write_fts(article_id, article, insert=False)
        self._clear_tag_rows(article_id)
        self._write_tag_rows(article_id, tags)

    def _write_fts(self, article_id: int, article: Article, *, insert: bool) -> None:
        if not insert:
            self.db.conn.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
        body = article.content_text if article.content_text else ""
        self.db.conn.execute(
            "INSERT INTO articles_fts (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
            (article_id, index_text(article.title), index_text(article.summary),
             index_text(body)),
        )

    def _clear_tag_rows(self, article_id: int) -> None:
        for table in ("article_topics", "article_regions", "article_entities"):
            self.db.conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))

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
        tagger: Tagger,
        *,
        batch: int = 500,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Re-tag every cached article (after the gazetteer or config changed)."""
        total = self.db.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        done = 0
        last_id = 0
        while True:
            rows = self.db.conn.execute(
                "SELECT a.id, a.guid, a.title, a.lang, b.summary, b.content_text "
                "FROM articles a LEFT JOIN bodies b ON b.article_id = a.id "
                "WHERE a.id > ? ORDER BY a.id LIMIT ?",
                (last_id, batch),
            ).fetchall()
            if not rows:
                break
            tagged = [
                (row[0], tagger(Article(guid=row[1], title=row[2], lang=row[3],
                                        summary=row[4] or "", content_text=row[5] or "")))
                for row in rows
            ]
            with self.db.atomic():
                for article_id, tags in tagged:
                    self.db.conn.execute(
                        "UPDATE articles SET china = ?, china_score = ?, regions = ?, "
                        "topics = ?, evidence = ? WHERE id = ?",
                        (*_tag_columns(tags), article_id),
                    )
                    self._clear_tag_rows(article_id)
                    self._write_tag_rows(article_id, tags)
            done += len(rows)
            last_id = rows[-1][0]
            if progress:
                progress(done, total)
        return done

    # ---- user state --------------------------------------------------------------

    def set_read(self, article_ids: Iterable[int], read: bool = True) -> None:
        ids = list(article_ids)
        with self.db.atomic():
            self.db.conn.executemany(
                "UPDATE articles SET read = ? WHERE id = ?", [(int(read), i) for i in ids]
            )

    def set_starred(self, article_id: int, starred: bool) -> None:
        self.db.execute(
            "UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id)
        )

    def save_extracted(
        self, article_id: int, *, text: str | None, error: str | None, now: int
    ) -> None:
        """Cache full text (or why it failed) so the page is fetched only once."""
        with self.db.atomic():
            self.db.conn.execute(
                "UPDATE bodies SET extracted_text = coalesce(?, extracted_text), "
                "extract_error = ?, extracted_at = ? WHERE article_id = ?",
                (text, error, now, article_id),
            )
            if text:
                row = self.db.conn.execute(
                    "SELECT title, summary FROM articles_fts WHERE rowid = ?", (article_id,)
                ).fetchone()
                if row:
                    self.db.conn.execute(
                        "DELETE FROM articles_fts WHERE rowid = ?", (article_id,)
                    )
                    self.db.conn.execute(
                        "INSERT INTO articles_fts (rowid, title, summary, body) "
                        "VALUES (?, ?, ?, ?)",
                        (article_id, row[0], row[1], index_text(text)),
                    )

    # ---- retention ---------------------------------------------------------------

    def apply_retention(self, *, days: int, per_feed: int, now: int) -> int:
        """Delete articles older than ``days`` or beyond ``per_feed`` newest; never starred."""
        cutoff = now - days * 86400
        with self._write_first():
            removed = self._delete_articles(
                "starred = 0 AND (published < ? OR id IN (SELECT id FROM ("
                "  SELECT id, row_number() OVER (PARTITION BY feed_id "
                "  ORDER BY published DESC, id DESC) AS position FROM articles"
                ") WHERE position > ?))",
                (cutoff, per_feed),
                tombstone_at=now,
            )
            self.db.conn.execute(
                "DELETE FROM tombstones WHERE deleted_at < ?", (cutoff - 365 * 86400,)
            )
            self.db.conn.execute(
                "DELETE FROM entities WHERE id NOT IN (SELECT entity_id FROM article_entities)"
            )
        self._entity_ids.clear()
        return removed

    def _delete_articles(
        self, where: str, params: tuple[object, ...], tombstone_at: int | None = None
    ) -> int:
        conn = self.db.conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS doomed (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM doomed")
        conn.execute(f"INSERT INTO doomed SELECT id FROM articles WHERE {where}", params)
        count = conn.execute("SELECT count(*) FROM doomed").fetchone()[0]
        if count:
            if tombstone_at is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO tombstones (feed_id, guid, deleted_at) "
                    "SELECT feed_id, guid, ? FROM articles WHERE id IN (SELECT id FROM doomed)",
                    (tombstone_at,),
                )
            conn.execute("DELETE FROM articles_fts WHERE rowid IN (SELECT id FROM doomed)")
            for table in ("article_topics", "article_regions", "article_entities", "bodies"):
                conn.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT id FROM doomed)")
            conn.execute("DELETE FROM articles WHERE id IN (SELECT id FROM doomed)")
        conn.execute("DELETE FROM doomed")
        return count

    def vacuum(self) -> None:
        self.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.vacuum()

    def integrity_ok(self) -> bool:
        ok = self.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # The FTS check is an INSERT, so sqlite3 opens a transaction for it; left open, it
        # swallowed every later write on this connection (rolled back at close).
        was_open = self.db.conn.in_transaction
        try:
            self.db.conn.execute(
                "INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')"
            )
        except Exception:
            return False
        finally:
            if not was_open and self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")
        return ok


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
    )
