"""Store methods for watches and alerts: matching new articles, claiming, bookkeeping.

A watch is a union of list Filters, so matching reuses the list's own WHERE clause
(:func:`tui.store.filters.filter_sql`), restricted to the ids an update just stored.
Claiming is ``INSERT OR IGNORE`` on UNIQUE(watch, story_key) and is committed before any
channel runs: two processes on one cache (the app's poll and a cron ``fetch``) can match
the same story, and only one of them gets the row, so a story alerts once, ever.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.models import ArticleRow, Filter
from tui.store.filters import ROW_COLUMNS, filter_sql, row_from

if TYPE_CHECKING:
    from sqlite_utils import Database

LAST_BATCH_KEY = "alerts_last_batch"


@dataclass(frozen=True)
class ClaimedAlert:
    """One alert row: a story (through one of its articles) that matched a watch."""

    id: int
    watch: str
    story_key: str
    article_id: int


class AlertMixin:
    db: Database

    if TYPE_CHECKING:
        def _write_first(self) -> AbstractContextManager[None]: ...
        def get_meta(self, key: str) -> str | None: ...
        def set_meta(self, key: str, value: str) -> None: ...

    # ---- matching ------------------------------------------------------------------

    def _story_key_sql(self) -> str:
        """SQL for an article's story key: its story when grouping has given it one.

        Story grouping adds ``articles.story_id`` in its own migration; until then (or
        for an article not grouped yet) the article is its own story. Its first-seen time
        is part of the key because SQLite may reuse the id of a deleted newest row.
        """
        cached = self.__dict__.get("_story_key_expr")
        if cached is None:
            columns = {row[1] for row in self.db.conn.execute("PRAGMA table_info(articles)")}
            cached = ("CASE WHEN a.story_id IS NOT NULL THEN 's' || a.story_id "
                      "ELSE 'a' || a.id || '@' || a.first_seen END") if "story_id" in columns \
                else "'a' || a.id || '@' || a.first_seen"
            self.__dict__["_story_key_expr"] = cached
        return cached

    def watch_where(self, filters: Sequence[Filter]) -> tuple[str, list[object]]:
        """WHERE (over alias ``a``) matching any of ``filters``; none matches nothing."""
        if not filters:
            return "0", []
        clauses, params = [], []
        for flt in filters:
            where, more = filter_sql(flt)
            clauses.append(f"({where})")
            params.extend(more)
        return "(" + " OR ".join(clauses) + ")", params

    def match_articles(self, filters: Sequence[Filter], article_ids: Sequence[int], *,
                       published_after: int | None = None) -> list[tuple[int, str]]:
        """(article id, story key) of the given articles matching ``filters``.

        One per story (its lowest article id), oldest first: five outlets carrying one
        story in one update are one alert. ``published_after`` leaves old entries out.
        """
        if not filters or not article_ids:
            return []
        self._stage_candidates(article_ids)
        where, params = self.watch_where(filters)
        if published_after is not None:
            where += " AND a.published >= ?"
            params.append(published_after)
        rows = self.db.conn.execute(
            f"SELECT min(a.id), {self._story_key_sql()} AS story FROM articles a "
            f"WHERE a.id IN (SELECT id FROM temp.alert_candidates) AND {where} "
            "GROUP BY story ORDER BY min(a.id)",
            params,
        ).fetchall()
        return [(article_id, story) for article_id, story in rows]

    def _stage_candidates(self, article_ids: Sequence[int]) -> None:
        """Put the ids in a temp table, once per distinct list (every watch reuses it)."""
        payload = json.dumps([int(i) for i in article_ids])
        if self.__dict__.get("_staged_candidates") == payload:
            return
        conn = self.db.conn
        was_open = conn.in_transaction
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS alert_candidates (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM temp.alert_candidates")
        conn.execute("INSERT OR IGNORE INTO temp.alert_candidates (id) "
                     "SELECT value FROM json_each(?)", (payload,))
        if not was_open and conn.in_transaction:
            # sqlite3 opened a deferred transaction for the temp-table writes; left open,
            # the claim after it could not wait for another process's write lock and
            # failed at once with "database is locked".
            conn.commit()
        self.__dict__["_staged_candidates"] = payload

    # ---- claiming and channel bookkeeping ------------------------------------------

    def claim_alerts(self, watch: str, matches: Sequence[tuple[int, str]], *, now: int,
                     command: bool) -> list[ClaimedAlert]:
        """Record alerts for the matches not alerted before; returns the ones this call got.

        ``command=False`` (no command configured) marks the command channel done, so a
        command set up later does not fire for old stories; so does an earlier alert of
        the same story for another watch (the command runs once per story).
        """
        if not matches:
            return []
        earlier = ("(SELECT e.watch FROM alerts e WHERE "
                   "e.story_key = json_extract(c.value, '$[1]') AND e.watch != :watch LIMIT 1)")
        with self._write_first():
            before = self.db.conn.execute("SELECT coalesce(max(id), 0) FROM alerts").fetchone()[0]
            # One statement for the batch. The command runs once per story: a second
            # watch matching a story already alerted elsewhere only counts.
            self.db.conn.execute(
                "INSERT OR IGNORE INTO alerts (watch, story_key, article_id, sent_at, "
                "command_at, channels) "
                "SELECT :watch, json_extract(c.value, '$[1]'), json_extract(c.value, '$[0]'), "
                ":now, "
                f"CASE WHEN :command AND {earlier} IS NULL THEN NULL ELSE :now END, "
                f"CASE WHEN :command AND {earlier} IS NOT NULL THEN "
                f"json_object('command', 'run for watch ' || {earlier}) ELSE '{{}}' END "
                "FROM json_each(:matches) c ORDER BY c.key",
                {"watch": watch, "now": now, "command": int(command),
                 "matches": json.dumps([[int(a), str(k)] for a, k in matches])},
            )
            rows = self.db.conn.execute(
                "SELECT id, watch, story_key, article_id FROM alerts WHERE id > ? "
                "AND watch = ? ORDER BY id", (before, watch),
            ).fetchall()
        return [ClaimedAlert(*row) for row in rows]

    def take_command_alert(self, *, now: int, since: int) -> ClaimedAlert | None:
        """The oldest alert still waiting for the command, taken (so no one else runs it)."""
        with self._write_first():
            self.db.conn.execute(
                "UPDATE alerts SET command_at = 0 WHERE command_at IS NULL AND sent_at < ?",
                (since,),
            )
            row = self.db.conn.execute(
                "UPDATE alerts SET command_at = ? WHERE id = (SELECT id FROM alerts "
                "WHERE command_at IS NULL ORDER BY id LIMIT 1) "
                "RETURNING id, watch, story_key, article_id",
                (now,),
            ).fetchone()
        return ClaimedAlert(*row) if row else None

    def take_batch(self, *, now: int, min_interval: float, since: int
                   ) -> list[ClaimedAlert] | None:
        """Alerts waiting for the batched channels, taken; None while rate-limited."""
        with self._write_first():
            self.db.conn.execute(
                "UPDATE alerts SET batch_at = 0 WHERE batch_at IS NULL AND sent_at < ?",
                (since,),
            )
            last = self.get_meta(LAST_BATCH_KEY)
            if last is not None and 0 <= now - float(last) < min_interval:
                return None
            rows = self.db.conn.execute(
                "UPDATE alerts SET batch_at = ? WHERE batch_at IS NULL "
                "RETURNING id, watch, story_key, article_id",
                (now,),
            ).fetchall()
            if rows:
                self.set_meta(LAST_BATCH_KEY, str(now))
        return sorted((ClaimedAlert(*row) for row in rows), key=lambda alert: alert.id)

    def story_watches(self, story_key: str) -> list[str]:
        """Every watch that has alerted on this story, first first."""
        return [row[0] for row in self.db.conn.execute(
            "SELECT watch FROM alerts WHERE story_key = ? ORDER BY id", (story_key,))]

    def pending_batch_count(self) -> int:
        return int(self.db.conn.execute(
            "SELECT count(*) FROM alerts WHERE batch_at IS NULL"
        ).fetchone()[0])

    def record_alert_channel(self, alert_ids: Sequence[int], channel: str,
                             result: str) -> None:
        """Note what a channel did with these alerts (``{"command": "ok", …}``)."""
        with self._write_first():
            self.db.conn.executemany(
                "UPDATE alerts SET channels = json_set(channels, ?, ?) WHERE id = ?",
                [(f"$.{channel}", result, alert_id) for alert_id in alert_ids],
            )

    def alert_channels(self, alert_id: int) -> dict[str, str]:
        row = self.db.conn.execute(
            "SELECT channels FROM alerts WHERE id = ?", (alert_id,)
        ).fetchone()
        return json.loads(row[0]) if row else {}

    # ---- what the UI and the CLI show ----------------------------------------------

    def alert_story(self, article_id: int) -> dict[str, Any] | None:
        """The fields of one article an alert carries (None if retention removed it)."""
        row = self.article_row(article_id)  # type: ignore[attr-defined]  # a mixin: Store provides it
        if row is None:
            return None
        return {"row": row, "entities": self.article_entities(article_id)}  # type: ignore[attr-defined]  # a mixin: Store provides it

    def watch_articles(self, filters: Sequence[Filter], *, also: Filter | None = None,
                       limit: int = 50) -> list[ArticleRow]:
        """Newest articles matching the watch (and ``also``, e.g. unread only)."""
        where, params = self.watch_where(filters)
        extra, more = filter_sql(also or Filter())
        rows = self.db.conn.execute(
            f"SELECT {ROW_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
            f"WHERE {where} AND {extra} ORDER BY a.published DESC, a.id DESC LIMIT ?",
            (*params, *more, limit),
        ).fetchall()
        return [row_from(r) for r in rows]

    def watch_unread(self, filters: Sequence[Filter], *, cap: int | None = None) -> int:
        """Unread articles matching the watch: the count on its virtual feed."""
        where, params = self.watch_where(filters)
        sql = f"SELECT 1 FROM articles a WHERE a.read = 0 AND {where}"
        if cap is not None:
            sql += f" LIMIT {int(cap)}"
        return int(self.db.conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0])

    def watch_last_match(self, filters: Sequence[Filter]) -> int | None:
        """Publication time of the newest article matching the watch."""
        where, params = self.watch_where(filters)
        row = self.db.conn.execute(
            f"SELECT a.published FROM articles a WHERE {where} "
            "ORDER BY a.published DESC, a.id DESC LIMIT 1",
            params,
        ).fetchone()
        return row[0] if row else None

    def watch_alert_stats(self) -> dict[str, tuple[int, int]]:
        """Per watch name: (alerts ever, time of the last one)."""
        return {
            watch: (count, last)
            for watch, count, last in self.db.conn.execute(
                "SELECT watch, count(*), max(sent_at) FROM alerts GROUP BY watch"
            )
        }

    def prune_alerts(self, *, before: int) -> int:
        """Forget alerts sent before ``before`` (for retention; a year is plenty: the
        articles are gone and their tombstones keep them from coming back)."""
        with self._write_first():
            return self.db.conn.execute(
                "DELETE FROM alerts WHERE sent_at < ?", (before,)).rowcount

    def max_article_id(self) -> int:
        """For callers without a list of new ids: note this before an update…"""
        return int(self.db.conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])

    def article_ids_after(self, article_id: int) -> list[int]:
        """…and these are the articles it stored (ids only grow)."""
        return [row[0] for row in self.db.conn.execute(
            "SELECT id FROM articles WHERE id > ? ORDER BY id", (article_id,))]
