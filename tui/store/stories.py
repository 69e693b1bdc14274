"""Stories in the store: blocking-key lookups, assignments with evidence, story lists.

Only SQL lives here; the grouping rule is :mod:`tui.stories`. Candidates for a new article are
an index range scan of ``story_keys`` per key, within the window, never a scan of the window.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

_CHUNK = 500  # SQLite's default limit on host parameters is far above this


@dataclass(frozen=True)
class StoryReport:
    """One article of a story, as a list of its reports shows it."""

    article_id: int
    title: str
    outlet: str
    url: str | None
    published: int
    lang: str | None
    china: bool
    regions: tuple[str, ...]
    topics: tuple[str, ...]
    read: bool
    evidence: dict[str, Any] | None  # how it joined the story (None for the first report)


@dataclass(frozen=True)
class StoryRow:
    id: int
    first_seen: int
    last_published: int
    title: str
    lang: str | None
    langs: tuple[str, ...]
    size: int
    reports: tuple[StoryReport, ...] = ()

    @property
    def china(self) -> bool:
        return any(r.china for r in self.reports)

    @property
    def topics(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for report in self.reports:
            for topic in report.topics:
                seen.setdefault(topic)
        return tuple(seen)


class StoryMixin:
    db: Database

    # ---- grouping at ingest ------------------------------------------------------

    def ungrouped_ids(self, limit: int | None = None) -> list[int]:
        """Articles not in a story yet, oldest first (the order grouping wants)."""
        sql = "SELECT id FROM articles WHERE story_id IS NULL ORDER BY published, id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [row[0] for row in self.db.conn.execute(sql)]

    def all_article_ids(self) -> list[int]:
        return [row[0] for row in self.db.conn.execute("SELECT id FROM articles")]

    def by_published(self, article_ids: Sequence[int]) -> list[int]:
        """The given articles, oldest first."""
        found: list[tuple[int, int]] = []
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            found += self.db.conn.execute(
                f"SELECT published, id FROM articles WHERE id IN ({marks})", chunk).fetchall()
        return [article_id for _, article_id in sorted(found)]

    def grouping_inputs(self, article_ids: Sequence[int]) -> list[dict[str, Any]]:
        """What grouping reads of each article: text, time, language, tagger entities."""
        conn = self.db.conn
        out: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            for row in conn.execute(
                "SELECT a.id, a.title, b.summary, b.content_text, a.published, "
                "coalesce(a.lang, f.lang) FROM articles a JOIN feeds f ON f.id = a.feed_id "
                f"LEFT JOIN bodies b ON b.article_id = a.id WHERE a.id IN ({marks})", chunk
            ):
                out[row[0]] = {"id": row[0], "title": row[1], "summary": row[2] or "",
                               "content": row[3] or "", "published": row[4], "lang": row[5],
                               "entities": []}
            for article_id, name, kind in conn.execute(
                "SELECT ae.article_id, e.name, e.type FROM article_entities ae "
                f"JOIN entities e ON e.id = ae.entity_id WHERE ae.article_id IN ({marks})",
                chunk,
            ):
                out[article_id]["entities"].append((name, kind))
        return [out[i] for i in article_ids if i in out]

    def story_lookup(
        self, keys: Iterable[str], published: int, window: int, cap: int
    ) -> tuple[dict[str, int], dict[int, list[tuple[int, int]]]]:
        """(articles per key in the window, story → [(article id, keys shared)]).

        Two indexed queries for all keys: ``key IN (…)`` with the window on ``published``
        is a range scan of ``story_keys`` per key. The first only counts (in SQLite, so a
        key that thousands of reports carry, "bitcoin", costs no Python per report); the
        second reads the postings of the keys rare enough to block on.
        """
        keys = list(keys)
        counts: dict[str, int] = dict.fromkeys(keys, 0)
        if not keys:
            return counts, {}
        span = (published - window, published + window)
        marks = ",".join("?" * len(keys))
        for key, count in self.db.conn.execute(
            f"SELECT key, count(*) FROM story_keys WHERE key IN ({marks}) "
            "AND published BETWEEN ? AND ? GROUP BY key", (*keys, *span)
        ).fetchall():  # fetchall: one guarded call, not a Python step per row
            counts[key] = count
        rare = [key for key in keys if 0 < counts[key] <= cap]
        shared: dict[int, int] = {}
        if rare:
            marks = ",".join("?" * len(rare))
            for (article_id,) in self.db.conn.execute(
                f"SELECT article_id FROM story_keys WHERE key IN ({marks}) "
                "AND published BETWEEN ? AND ?", (*rare, *span)
            ).fetchall():
                shared[article_id] = shared.get(article_id, 0) + 1
        stories: dict[int, list[tuple[int, int]]] = {}
        for chunk in _chunks(sorted(shared)):
            marks = ",".join("?" * len(chunk))
            for article_id, story_id in self.db.conn.execute(
                f"SELECT id, story_id FROM articles WHERE id IN ({marks}) "
                "AND story_id IS NOT NULL", chunk
            ).fetchall():
                stories.setdefault(story_id, []).append((article_id, shared[article_id]))
        return counts, stories

    def story_signals(self, article_ids: Sequence[int]) -> dict[int, str]:
        """article id → its stored signals (JSON)."""
        out: dict[int, str] = {}
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            out.update(self.db.conn.execute(
                f"SELECT article_id, data FROM story_signals WHERE article_id IN ({marks})",
                chunk))
        return out

    def story_assign(
        self,
        article_id: int,
        story_id: int | None,
        *,
        published: int,
        title: str,
        lang: str | None,
        data: str,
        keys: Iterable[str],
        evidence: str | None,
        matched: int | None,
    ) -> int:
        """Put an article in a story (a new one when ``story_id`` is None); return its id."""
        conn = self.db.conn
        if story_id is None:
            cursor = conn.execute(
                "INSERT INTO stories (first_seen, last_published, title, lang, langs, size) "
                "VALUES (?, ?, ?, ?, ?, 0)", (published, published, title, lang, lang or ""))
            story_id = cursor.lastrowid
            assert story_id is not None
            conn.execute("UPDATE stories SET langs = '' WHERE id = ?", (story_id,))
        old = conn.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        conn.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article_id))
        conn.execute(
            "INSERT OR REPLACE INTO story_signals (article_id, published, data, evidence, matched) "
            "VALUES (?, ?, ?, ?, ?)", (article_id, published, data, evidence, matched))
        conn.execute("DELETE FROM story_keys WHERE article_id = ?", (article_id,))
        conn.executemany(
            "INSERT OR IGNORE INTO story_keys (key, published, article_id) VALUES (?, ?, ?)",
            [(key, published, article_id) for key in keys])
        if old and old[0] is not None:  # re-placed: recount both stories from their articles
            self._refresh_story(story_id)
            if old[0] != story_id:
                self._refresh_story(old[0])
            return story_id
        # The common case, one statement: a new report joins (or starts) a story.
        conn.execute(
            "UPDATE stories SET size = size + 1, "
            "title = CASE WHEN size = 0 OR ? < first_seen THEN ? ELSE title END, "
            "lang = CASE WHEN size = 0 OR ? < first_seen THEN ? ELSE lang END, "
            "first_seen = min(first_seen, ?), last_published = max(last_published, ?), "
            "langs = CASE WHEN ? = '' OR instr(' ' || langs || ' ', ' ' || ? || ' ') > 0 "
            "THEN langs ELSE trim(langs || ' ' || ?) END WHERE id = ?",
            (published, title, published, lang, published, published, lang or "", lang or "",
             lang or "", story_id))
        return story_id

    def story_merge(self, keep: int, others: Iterable[int]) -> None:
        """Fold stories into ``keep`` (a new report showed they are one)."""
        others = [o for o in others if o != keep]
        for other in others:
            self.db.conn.execute("UPDATE articles SET story_id = ? WHERE story_id = ?",
                                 (keep, other))
            self.db.conn.execute("DELETE FROM stories WHERE id = ?", (other,))
        self._refresh_story(keep)

    def _refresh_story(self, story_id: int) -> None:
        conn = self.db.conn
        first, last, size = conn.execute(
            "SELECT min(published), max(published), count(*) FROM articles WHERE story_id = ?",
            (story_id,)).fetchone()
        if not size:
            conn.execute("DELETE FROM stories WHERE id = ?", (story_id,))
            return
        langs = sorted({row[0] for row in conn.execute(
            "SELECT json_extract(s.data, '$.l') FROM articles a "
            "JOIN story_signals s ON s.article_id = a.id WHERE a.story_id = ?", (story_id,))
            if row[0]})
        title, lang = conn.execute(
            "SELECT a.title, json_extract(s.data, '$.l') FROM articles a "
            "LEFT JOIN story_signals s ON s.article_id = a.id WHERE a.story_id = ? "
            "ORDER BY a.published, a.id LIMIT 1", (story_id,)).fetchone()
        conn.execute(
            "UPDATE stories SET first_seen = ?, last_published = ?, size = ?, langs = ?, "
            "title = ?, lang = ? WHERE id = ?",
            (first, last, size, " ".join(langs), title, lang, story_id))

    def write_stories(
        self,
        stories: Sequence[tuple[int, int, int, str, str | None, str, int]],
        members: Sequence[tuple[int, int, str | None, int | None]],
        keys: Iterable[tuple[str, int, int]],
        signals: Sequence[tuple[int, int, str]] = (),
    ) -> None:
        """Bulk write of a whole regroup (after :meth:`reset_stories`), in the caller's txn.

        ``stories``: (id, first_seen, last_published, title, lang, langs, size); ``members``:
        (article id, story id, evidence JSON, matched); ``keys``: (key, published, article);
        ``signals``: (article id, published, JSON) for articles whose signals were recomputed.
        """
        conn = self.db.conn
        conn.executemany(
            "INSERT INTO stories (id, first_seen, last_published, title, lang, langs, size) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", stories)
        conn.executemany("UPDATE articles SET story_id = ? WHERE id = ?",
                         [(story, article) for article, story, _, _ in members])
        conn.executemany(
            "INSERT OR REPLACE INTO story_signals (article_id, published, data) "
            "VALUES (?, ?, ?)", signals)
        conn.executemany("UPDATE story_signals SET evidence = ?, matched = ? "
                         "WHERE article_id = ?",
                         [(evidence, matched, article)
                          for article, _, evidence, matched in members])
        conn.executemany(
            "INSERT OR IGNORE INTO story_keys (key, published, article_id) VALUES (?, ?, ?)",
            keys)

    def reset_stories(self, *, keep_signals: bool = False) -> None:
        """Forget every story (regroup from scratch follows); signals too unless kept."""
        conn = self.db.conn
        for table in ("story_keys", "stories") if keep_signals else (
                "story_keys", "story_signals", "stories"):
            conn.execute(f"DELETE FROM {table}")
        conn.execute("UPDATE articles SET story_id = NULL WHERE story_id IS NOT NULL")

    # ---- reading stories ---------------------------------------------------------

    def stories_since(self, since: int, *, china: bool = False, topics: Iterable[str] = (),
                      limit: int = 200) -> list[StoryRow]:
        """Stories with a report published at or after ``since``, newest first, with reports."""
        where = ["last_published >= ?"]
        params: list[Any] = [since]
        if china:
            where.append("EXISTS (SELECT 1 FROM articles a WHERE a.story_id = stories.id "
                         "AND a.china = 1)")
        topic_list = list(topics)
        if topic_list:
            marks = ",".join("?" * len(topic_list))
            where.append("EXISTS (SELECT 1 FROM articles a JOIN article_topics t "
                         "ON t.article_id = a.id WHERE a.story_id = stories.id "
                         f"AND t.topic IN ({marks}))")
            params.extend(topic_list)
        rows = self.db.conn.execute(
            "SELECT id, first_seen, last_published, title, lang, langs, size FROM stories "
            f"WHERE {' AND '.join(where)} ORDER BY last_published DESC, id DESC LIMIT ?",
            (*params, int(limit))).fetchall()
        return self._with_reports(rows)

    def story(self, story_id: int) -> StoryRow | None:
        rows = self.db.conn.execute(
            "SELECT id, first_seen, last_published, title, lang, langs, size FROM stories "
            "WHERE id = ?", (story_id,)).fetchall()
        found = self._with_reports(rows)
        return found[0] if found else None

    def story_of(self, article_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """article id → (story id, story size), for articles in a story."""
        out: dict[int, tuple[int, int]] = {}
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            for article_id, story_id, size in self.db.conn.execute(
                "SELECT a.id, a.story_id, s.size FROM articles a JOIN stories s "
                f"ON s.id = a.story_id WHERE a.id IN ({marks})", chunk
            ):
                out[article_id] = (story_id, size)
        return out

    def _with_reports(self, rows: list[tuple[Any, ...]]) -> list[StoryRow]:
        if not rows:
            return []
        reports: dict[int, list[StoryReport]] = {row[0]: [] for row in rows}
        for chunk in _chunks(list(reports)):
            marks = ",".join("?" * len(chunk))
            for (story_id, article_id, title, outlet, url, published, lang, china, regions,
                 topics, read, evidence) in self.db.conn.execute(
                "SELECT a.story_id, a.id, a.title, f.title, a.url, a.published, "
                "coalesce(json_extract(s.data, '$.l'), a.lang, f.lang), a.china, a.regions, "
                "a.topics, a.read, s.evidence FROM articles a JOIN feeds f ON f.id = a.feed_id "
                "LEFT JOIN story_signals s ON s.article_id = a.id "
                f"WHERE a.story_id IN ({marks}) ORDER BY a.published, a.id", chunk
            ):
                reports[story_id].append(StoryReport(
                    article_id, title, outlet, url, published, lang, bool(china),
                    tuple(regions.split()), tuple(topics.split()), bool(read),
                    json.loads(evidence) if evidence else None))
        return [StoryRow(row[0], row[1], row[2], row[3], row[4], tuple(sorted(row[5].split())),
                         row[6], tuple(reports[row[0]])) for row in rows]


def _chunks(items: Sequence[int]) -> Iterable[list[int]]:
    items = list(items)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
