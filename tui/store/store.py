"""The Store: sinowire's database, as typed methods over one sqlite-utils Database.

This module holds feeds, user state and retention; writing articles lives in
:mod:`tui.store.ingest` and reading them in :mod:`tui.store.queries` (both mixed in here).
Each feed's articles are written in one transaction; nothing does network I/O while a
transaction is open.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tui.models import Feed, FeedHealth
from tui.paths import subscriptions_file_for
from tui.store import search_index, subscriptions
from tui.store.alerts import AlertMixin
from tui.store.bulk_delete import delete_doomed
from tui.store.database import DatabaseDamaged, GuardedConnection, StoreError, open_database
from tui.store.ingest import IngestMixin
from tui.store.queries import QueryMixin
from tui.store.sqlite import sqlite3
from tui.store.stories import StoryMixin
from tui.store.story_list import StoryListMixin
from tui.store.story_reads import StoryReadMixin
from tui.store.user_writes import DeferredWrites
from tui.text import clean_line, safe_url

if TYPE_CHECKING:  # a cache at the current schema is opened without sqlite-utils
    from sqlite_utils import Database

# Set by tui.engine.factory once the defaults were offered; a restored list counts as that.
_DEFAULTS_KEY = "default_feeds_subscribed"

_FEED_COLUMNS = (
    "id, url, title, lang, site_url, added, etag, last_modified, last_attempt, last_success, "
    "last_error, error_count, next_due, interval_minutes, body_hash"
)


class FeedExistsError(StoreError):
    pass


class Store(IngestMixin, QueryMixin, AlertMixin, StoryMixin, StoryReadMixin, StoryListMixin):
    """One thread's handle on the database. Create one per thread; close when done."""

    def __init__(self, db: Database, path: Path | None = None, notice: str | None = None,
                 subscriptions_file: Path | None = None):
        self.db = db
        self.path = path
        self.notice = notice  # set when the cache is damaged, was moved aside or restored
        self.subscriptions_file = subscriptions_file
        """feeds.opml: rewritten on every change to the feed list (None: not kept)."""
        self._entity_ids: dict[tuple[str, str], int] = {}
        self._batch_depth = 0
        self._feeds_changed = False
        self._user_writes: DeferredWrites | None = None
        self._busy_timeout = 10.0

    @classmethod
    def open(cls, path: Path, *, busy_timeout: float = 10.0,
             subscriptions_file: Path | None = None) -> Store:
        """Open the cache; a new one gets the subscriptions back from feeds.opml."""
        db, notice = open_database(path, busy_timeout=busy_timeout)
        store = cls(db, path, notice, subscriptions_file or subscriptions_file_for(path))
        store._busy_timeout = busy_timeout
        store._sync_subscriptions()
        return store

    @property
    def damaged(self) -> str | None:
        """Why writing stopped (the cache was found damaged), else None."""
        conn = self.db.conn
        return conn.damaged if isinstance(conn, GuardedConnection) else None

    def refuse_if_damaged(self) -> None:
        if self.damaged is not None and self.path is not None:
            from tui.store.database import damage_advice

            raise DatabaseDamaged(damage_advice(self.path))

    def _sync_subscriptions(self) -> None:
        """A new cache takes the list from feeds.opml; an old one writes it if missing."""
        file = self.subscriptions_file
        if file is None or self.damaged is not None:
            return
        fresh = self.get_meta(_DEFAULTS_KEY) is None and not self.feeds()
        if not fresh:
            if not file.exists():
                subscriptions.save(file, self.feeds())
            return
        saved = subscriptions.load(file)
        if saved is None:
            return
        added = 0
        with self.batch_feed_changes():
            for item in saved:
                with contextlib.suppress(StoreError):
                    self.add_feed(item.url, item.title, item.lang)
                    added += 1
            self.set_meta(_DEFAULTS_KEY, "1")
        restored = f"{added} subscription{'' if added == 1 else 's'} restored from {file}"
        self.notice = f"{self.notice}. {restored}" if self.notice else restored

    @contextlib.contextmanager
    def batch_feed_changes(self) -> Iterator[None]:
        """Write feeds.opml once at the end instead of after every add (an import)."""
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0 and self._feeds_changed:
                self._feeds_changed = False
                self._save_subscriptions()

    def _save_subscriptions(self) -> None:
        if self._batch_depth:
            self._feeds_changed = True
        elif self.subscriptions_file is not None:
            subscriptions.save(self.subscriptions_file, self.feeds())

    def close(self) -> None:
        if self._user_writes is not None:  # a mark made just before quitting is kept
            self._user_writes.close()
        # Keeps the query planner's statistics fresh; cheap, and skipped if busy.
        with contextlib.suppress(sqlite3.Error, StoreError):
            self.db.conn.execute("PRAGMA optimize")
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

    def feed_health(self, *, stale_days: int, now: int) -> dict[int, FeedHealth]:
        """Newest item and stale verdict per feed (for ``feeds list`` and the feed pane).

        Never-fetched feeds are not stale: there is nothing to judge yet.
        """
        newest = {feed_id: (top, count) for feed_id, top, count in self.db.conn.execute(
            "SELECT feed_id, max(published), count(*) FROM articles GROUP BY feed_id")}
        cutoff = now - stale_days * 86400
        health = {}
        for feed_id, last_success in self.db.conn.execute(
                "SELECT id, last_success FROM feeds"):
            top, count = newest.get(feed_id, (None, 0))
            stale = last_success is not None and (top is None or top < cutoff)
            health[feed_id] = FeedHealth(feed_id, top, count, stale)
        return health

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
        self._save_subscriptions()
        return feed

    @contextlib.contextmanager
    def _write_first(self, *, cascades: bool = True) -> Iterator[None]:
        """A transaction that takes the write lock before it reads (BEGIN IMMEDIATE).

        In WAL mode a deferred transaction that reads and then writes cannot wait for
        another writer: if one committed in between, SQLite fails at once with "database
        is locked" and the busy timeout never applies. Retention and unsubscribing read
        the rows to delete first, so they lock first. ``cascades=False``: foreign keys off
        for the transaction (a caller that deletes every child row itself); inside an outer
        transaction SQLite ignores the switch and they stay on.
        """
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield
            return
        if not cascades:
            conn.execute("PRAGMA foreign_keys = OFF")
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        finally:
            if not cascades:
                conn.execute("PRAGMA foreign_keys = ON")

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
        self._save_subscriptions()
        return feed

    def remove_feed(self, feed_id: int) -> None:
        """Unsubscribe and drop the feed's articles (starred ones too: the user asked)."""
        with self._write_first():
            self._delete_articles("feed_id = ?", (feed_id,))
            self.db.conn.execute("DELETE FROM tombstones WHERE feed_id = ?", (feed_id,))
            self.db.conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
        self._save_subscriptions()

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

    # ---- user state --------------------------------------------------------------

    def user_write(self, write: Callable[[sqlite3.Connection], object]) -> bool:
        """A user's small write that never waits for another writer (a poll): done now
        if the write lock is free, else queued (:mod:`tui.store.user_writes`); True if
        done now."""
        if self.path is None:
            write(self.db.conn)
            return True
        if self._user_writes is None:
            self._user_writes = DeferredWrites(self.path, busy_timeout=self._busy_timeout)
        return self._user_writes.run(self.db.conn, write)

    def flush_user_writes(self, timeout: float | None = None) -> bool:
        """Wait for queued user writes to be applied (tests; before a read that needs them)."""
        return self._user_writes is None or self._user_writes.flush(timeout)

    def set_read(self, article_ids: Iterable[int], read: bool = True) -> None:
        rows = [(int(read), i) for i in article_ids]
        self.user_write(lambda conn: conn.executemany(
            "UPDATE articles SET read = ? WHERE id = ?", rows))

    def set_starred(self, article_id: int, starred: bool) -> None:
        self.user_write(lambda conn: conn.execute(
            "UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id)))

    # ---- retention ---------------------------------------------------------------

    def apply_retention(self, *, days: int, per_feed: int, now: int) -> int:
        """Delete articles older than ``days`` or beyond ``per_feed`` newest; never starred."""
        cutoff = now - days * 86400
        with self._write_first(cascades=False):  # delete_doomed deletes every child row
            search_index.pay_merge_debt(self.db.conn)  # an earlier big delete's, first
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
            self.stories_changed()  # deleted articles leave their stories
            if tombstone_at is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO tombstones (feed_id, guid, deleted_at) "
                    "SELECT feed_id, guid, ? FROM articles WHERE id IN (SELECT id FROM doomed)",
                    (tombstone_at,),
                )
            delete_doomed(conn, int(count))
        conn.execute("DELETE FROM doomed")
        return int(count)

    def vacuum(self) -> None:
        """Merge the search index's segments, then give freed pages back to the disk."""
        self.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
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
        return bool(ok)


