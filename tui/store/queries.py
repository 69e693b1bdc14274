"""Read queries for the article list, the reader and the sidebar.

Lists are read a page at a time. Without a search they are in ``published DESC, id DESC``
order, walking the covering ``articles_list`` index, where every filter but the entity is a
check on the index entry itself (topics and regions are bitmasks), so the walk stops as soon
as the page is full. A search walks the same index, each entry looked up in the search's
matches (:mod:`tui.store.search_hits`): for the first page only the matches among the
newest articles, for the rest every match, gathered once per search. Counts can be capped
so that a common word is not counted to the end.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.models import (
    TOPICS,
    ArticleDetail,
    ArticleRow,
    Entity,
    Evidence,
    Filter,
    TopicEvidence,
)
from tui.store.filters import ROW_COLUMNS, filter_sql, list_source, row_from
from tui.store.fts import build_query
from tui.store.masks import TOPIC_BITS
from tui.store.search_hits import SearchHits
from tui.store.sqlite import sqlite3

if TYPE_CHECKING:
    from sqlite_utils import Database

Window = tuple[str, str, list[object]]
"""(matches table, clause keeping a walk among the newest articles, its parameters)."""

class QueryMixin:
    db: Database
    share_search_hits = True
    """Keep a search's matches for the list's next queries (:mod:`tui.store.search_hits`);
    False asks the index in every query, as before (the benchmarks' and tests' old path)."""

    def _search_hits(self) -> SearchHits:
        hits: SearchHits | None = self.__dict__.get("_kept_hits")
        if hits is None or hits.conn is not self.db.conn:
            hits = self.__dict__["_kept_hits"] = SearchHits(self.db.conn)
        return hits

    def _hits(self, flt: Filter, relevance: bool = False) -> str | None:
        """The table of ``flt``'s search matches for a newest-first list query, or None
        (no search, a ranked one, or no table can be kept: the query asks the index)."""
        query = build_query(flt.search) if flt.search.strip() else None
        if query is None or relevance or not self.share_search_hits:
            return None
        return self._search_hits().table(query)

    def _window(self, flt: Filter, offset: int, relevance: bool) -> Window | None:
        """For a newest-first search's first page: the matches among the newest articles
        and the clause keeping the walk inside them (:meth:`SearchHits.window`), or None."""
        query = build_query(flt.search) if flt.search.strip() else None
        if query is None or relevance or offset or not self.share_search_hits:
            return None
        found = self._search_hits().window(query)
        if found is None:
            return None
        table, (published, article_id) = found
        return (table, " AND (a.published > ? OR (a.published = ? AND a.id >= ?))",
                [published, published, article_id])

    def _first_page(self, flt: Filter, limit: int, offset: int, relevance: bool,
                    fetch: Callable[[str | None, str, list[object]], list[Any]]) -> list[Any]:
        """``fetch(hits, extra clause, its parameters)``: inside the newest articles first
        (exact when that fills the page: every other match is older), else over all."""
        window = self._window(flt, offset, relevance)
        if window is not None:
            rows = fetch(*window)
            if len(rows) >= limit:
                return rows
        return fetch(self._hits(flt, relevance), "", [])

    def _page(self, sql: tuple[str, str, list[object], str], columns: str, bound: str,
              bound_params: list[object], limit: int, offset: int) -> list[Any]:
        """One page of a list source (:func:`list_source`'s FROM, WHERE, parameters, ORDER)
        with ``bound`` (a window's clause) added: the flat and the grouped list's read."""
        source, where, params, order = sql
        return self.db.conn.execute(
            f"SELECT {columns} FROM {source} JOIN feeds f ON f.id = a.feed_id "
            f"WHERE {where}{bound} ORDER BY {order} LIMIT ? OFFSET ?",
            (*params, *bound_params, limit, offset),
        ).fetchall()

    def list_articles(self, flt: Filter | None = None, *, limit: int = 50,
                      offset: int = 0, relevance: bool = False) -> list[ArticleRow]:
        """A page of the list: newest first (``relevance``: best search match first)."""
        flt = flt or Filter()
        common = self._entity_is_common(flt)

        def fetch(hits: str | None, bound: str, bound_params: list[object]) -> list[Any]:
            return self._page(list_source(flt, common, relevance, hits), ROW_COLUMNS,
                              bound, bound_params, limit, offset)

        return [row_from(r) for r in self._first_page(flt, limit, offset, relevance, fetch)]

    def _entity_is_common(self, flt: Filter) -> bool:
        """Does the entity appear in more than ~2% of articles? (decides the plan)

        Asked for the page and again for the count on every filter change, so the answer
        is kept per entity; it only picks a plan, so a slightly stale one is harmless.
        """
        if not flt.entity:
            return False
        key = flt.entity.casefold()
        plans: dict[str, bool] = self.__dict__.setdefault("_entity_plans", {})
        if key not in plans:
            plans[key] = self._entity_mentioned_widely(key)
        return plans[key]

    def _entity_mentioned_widely(self, key: str) -> bool:
        mentions = self.db.conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM article_entities WHERE entity_id IN "
            "(SELECT id FROM entities WHERE key = ?) LIMIT 20000)",
            (key,),
        ).fetchone()[0]
        if mentions < 500:
            return False
        total = self.db.conn.execute("SELECT max(id) FROM articles").fetchone()[0] or 1
        return bool(mentions * 50 > total)

    def count_articles(self, flt: Filter | None = None, *, cap: int | None = None) -> int:
        """How many articles match; with ``cap``, counting stops there (returns <= cap)."""
        flt = flt or Filter()
        query = build_query(flt.search) if flt.search.strip() else None
        if query is not None and flt == Filter(search=flt.search):
            # Search alone: the index counts its own matches (one row per article), no join.
            sql = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
            if cap is not None:
                sql = ("SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts "
                       "MATCH ? LIMIT ?)")
                return int(self.db.conn.execute(sql, (query, cap)).fetchone()[0])
            return int(self.db.conn.execute(sql, (query,)).fetchone()[0])
        source, where, params, _order = list_source(flt, self._entity_is_common(flt),
                                                     hits=self._hits(flt))
        if cap is None:
            sql = f"SELECT count(*) FROM {source} WHERE {where}"
        else:
            sql = f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT ?)"
            params = [*params, cap]
        return int(self.db.conn.execute(sql, params).fetchone()[0])

    def article_ids(self, flt: Filter | None = None, *, limit: int = 100_000,
                    relevance: bool = False) -> list[int]:
        flt = flt or Filter()
        source, where, params, order = list_source(flt, relevance=relevance,
                                                    hits=self._hits(flt, relevance))
        return [
            r[0]
            for r in self.db.conn.execute(
                f"SELECT a.id FROM {source} WHERE {where} ORDER BY {order} LIMIT ?",
                (*params, limit),
            )
        ]

    def article_row(self, article_id: int) -> ArticleRow | None:
        row = self.db.conn.execute(
            f"SELECT {ROW_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
            "WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        return row_from(row) if row else None

    def article(self, article_id: int) -> ArticleDetail | None:
        row = self.article_row(article_id)
        if row is None:
            return None
        body = self.db.conn.execute(
            "SELECT summary, content_html, content_text, extracted_text, extract_error "
            "FROM bodies WHERE article_id = ?",
            (article_id,),
        ).fetchone() or ("", "", "", None, None)
        guid, evidence_json, lang = self.db.conn.execute(
            "SELECT guid, evidence, lang FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        evidence = tuple(
            Evidence(term=e[0], entity=e[1], field=e[2], region=e[3], weight=e[4])
            for e in json.loads(evidence_json or "[]")
        )
        return ArticleDetail(
            row=row,
            summary=body[0],
            content_html=body[1],
            content_text=body[2],
            extracted_text=body[3],
            extract_error=body[4],
            evidence=evidence,
            entities=tuple(self.article_entities(article_id)),
            guid=guid,
            topic_evidence=self.topic_evidence(article_id),
            lang=lang,
        )

    def topic_evidence(self, article_id: int) -> tuple[TopicEvidence, ...]:
        """Why each topic of the article applies (stored by the tagger as JSON)."""
        row = self.db.conn.execute(
            "SELECT topic_evidence FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        try:
            data = json.loads(row[0]) if row and row[0] else []
            return tuple(
                TopicEvidence(t[0], float(t[1]), tuple((str(a), str(b)) for a, b in t[2]))
                for t in data
            )
        except (ValueError, TypeError, IndexError):
            return ()

    def article_entities(self, article_id: int) -> list[Entity]:
        return [
            Entity(name, kind, count)
            for name, kind, count in self.db.conn.execute(
                "SELECT e.name, e.type, ae.count FROM article_entities ae "
                "JOIN entities e ON e.id = ae.entity_id WHERE ae.article_id = ? "
                "ORDER BY ae.count DESC, e.name",
                (article_id,),
            )
        ]

    def top_entities(self, flt: Filter | None = None, *, limit: int = 40,
                     scan: int = 2000) -> list[Entity]:
        """Most-mentioned entities over the newest ``scan`` articles matching the filter."""
        source, where, params, order = list_source(flt or Filter())
        rows = self.db.conn.execute(
            "SELECT e.name, e.type, count(*) AS articles FROM article_entities ae "
            "JOIN entities e ON e.id = ae.entity_id WHERE ae.article_id IN ("
            f"  SELECT a.id FROM {source} WHERE {where} ORDER BY {order} LIMIT ?) "
            "GROUP BY ae.entity_id ORDER BY articles DESC, e.name LIMIT ?",
            (*params, scan, limit),
        ).fetchall()
        return [Entity(name, kind, count) for name, kind, count in rows]

    def topic_counts(self, flt: Filter | None = None) -> dict[str, int]:
        """Articles per topic under the filter (ignoring its own topic choice)."""
        base = flt or Filter()
        without_topics = Filter(**{**base.__dict__, "topics": frozenset()})
        source, where, params, _order = list_source(without_topics)
        counts: dict[str, int] = {}
        for mask, n in self.db.conn.execute(
            f"SELECT a.topic_mask, count(*) FROM {source} WHERE {where} GROUP BY a.topic_mask",
            params,
        ):
            for topic in TOPICS:
                if mask & TOPIC_BITS[topic]:
                    counts[topic] = counts.get(topic, 0) + n
        user_topics = [t for t in self._stored_topics() if t not in TOPIC_BITS]
        user_rows = []
        if user_topics:  # topics from config, which have no bit: ask the tag table
            user_rows = self.db.conn.execute(
                f"SELECT t.topic, count(*) FROM article_topics t WHERE t.topic IN "
                f"({', '.join('?' for _ in user_topics)}) AND t.article_id IN "
                f"(SELECT a.id FROM {source} WHERE {where}) GROUP BY t.topic",
                [*user_topics, *params],
            ).fetchall()
        counts.update(dict(user_rows))
        return counts

    def _stored_topics(self) -> list[str]:
        """Distinct topics in the tag table, by index seeks (one per topic, not per row)."""
        topics: list[str] = []
        current = ""
        while True:
            row = self.db.conn.execute(
                "SELECT min(topic) FROM article_topics WHERE topic > ?", (current,)
            ).fetchone()
            if row is None or row[0] is None or len(topics) > 200:
                return topics
            current = row[0]
            topics.append(current)

    def unread_counts(self) -> dict[int, int]:
        return dict(
            self.db.conn.execute(
                "SELECT feed_id, count(*) FROM articles WHERE read = 0 GROUP BY feed_id"
            ).fetchall()
        )

    def mark_read(self, flt: Filter, read: bool = True) -> int:
        """Mark every article matching the filter; returns how many change. Never waits
        for a poll's write lock (``user_write``): if it is queued, the count is read."""
        where, params = filter_sql(flt)
        args = (int(read), *params, int(read))
        changed: list[int] = []

        def write(conn: sqlite3.Connection) -> None:
            changed.append(conn.execute(
                f"UPDATE articles SET read = ? WHERE id IN (SELECT a.id FROM articles a "
                f"WHERE {where}) AND read != ?", args).rowcount)

        if self.user_write(write):  # type: ignore[attr-defined]  # the Store provides it
            return changed[0]
        return int(self.db.conn.execute(
            f"SELECT count(*) FROM articles a WHERE {where} AND a.read != ?",
            (*params, int(read))).fetchone()[0])

    def search_is_valid(self, text: str) -> bool:
        query = build_query(text)
        if query is None:
            return True
        try:
            self.db.conn.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? LIMIT 1", (query,)
            ).fetchall()
        except sqlite3.OperationalError:
            return False
        return True
