"""Stories in the store: blocking-key lookups, a batch's grouping written in bulk, a reset.

Only SQL lives here; the grouping rule is :mod:`tui.stories`. Candidates for a batch of new
articles are an index range scan of ``story_keys`` per key, within the batch's window, never a
scan of the window.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from tui.store.sqlite import chunks

if TYPE_CHECKING:
    from sqlite_utils import Database


class StoryMember(NamedTuple):
    """One report of a batch: where it goes and what is stored with it."""

    story: int
    article: int
    published: int
    title: str
    lang: str | None
    data: str  # its signals (JSON)
    evidence: str | None  # why it joined (JSON), None for a story's first report
    matched: int | None
    keys: Sequence[str]  # its blocking keys


@dataclass
class StoryBatch:
    """One batch's grouping, as :meth:`StoryMixin.story_write` writes it.

    Stories the batch started have provisional (negative) ids until written.
    """

    new: dict[int, tuple[int, str, str | None]]  # provisional id → (published, title, lang)
    members: list[StoryMember]
    merges: list[tuple[int, tuple[int, ...]]]  # (kept story, stories folded into it)
    old_story: dict[int, int]  # article → the story it was in before (re-placed reports)
    version: str = ""  # the signals' code version: stored signals are stamped with it


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
        for chunk in chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            found += self.db.conn.execute(
                f"SELECT published, id FROM articles WHERE id IN ({marks})", chunk).fetchall()
        return [article_id for _, article_id in sorted(found)]

    def grouping_inputs(self, article_ids: Sequence[int]) -> list[dict[str, Any]]:
        """What grouping reads of each article: text, time, language, tagger entities."""
        conn = self.db.conn
        out: dict[int, dict[str, Any]] = {}
        for chunk in chunks(article_ids):
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

    def story_key_rows(self, keys: Iterable[str], low: int) -> list[tuple[str, int, int, int]]:
        """Every posting (key, published, article, story) of ``keys`` published from
        ``low`` on, of grouped articles, in key order and each key's by (time, article): a
        range scan of ``story_keys`` per key, in its primary key's order (no sort). The
        window index reads each key once and then keeps it in step with grouping's own
        writes."""
        rows: list[tuple[str, int, int, int]] = []
        conn = self.db.conn
        for chunk in chunks(sorted(set(keys))):
            marks = ",".join("?" * len(chunk))
            rows += conn.execute(
                "SELECT k.key, k.published, k.article_id, a.story_id FROM story_keys k "
                f"JOIN articles a ON a.id = k.article_id WHERE k.key IN ({marks}) "
                "AND k.published >= ? AND a.story_id IS NOT NULL "
                "ORDER BY k.key, k.published, k.article_id",
                (*chunk, low)).fetchall()  # fetchall: one guarded call, not a step per row
        return rows

    @property
    def stories_generation(self) -> int:
        """Bumped by this connection's writes that move or remove grouped reports other
        than a grouping batch's own (a regroup, a re-placed report, deleted articles):
        an index kept in memory across ``group_new`` calls is stale after one."""
        return getattr(self, "_stories_generation", 0)

    def stories_changed(self) -> None:
        self._stories_generation = self.stories_generation + 1

    def story_signals(self, article_ids: Sequence[int], version: str | None = None
                      ) -> dict[int, str]:
        """article id → its stored signals (JSON); with ``version``, only the current ones:
        stamped with that code version and the article's present ``tag_hash`` (a retag or
        a rules change since makes them stale; unstamped signals are stale too)."""
        out: dict[int, str] = {}
        current = ""
        if version is not None:
            current = (" AND a.tag_hash != '' AND json_extract(s.data, '$.v') = "
                       "? || ':' || a.tag_hash")
        for chunk in chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            out.update(self.db.conn.execute(
                "SELECT s.article_id, s.data FROM story_signals s JOIN articles a "
                f"ON a.id = s.article_id WHERE s.article_id IN ({marks}){current}",
                (*chunk, version) if version is not None else chunk).fetchall())
        return out

    def story_write(self, batch: StoryBatch) -> dict[int, int]:
        """Write one batch's grouping in the caller's transaction; provisional → story id.

        New stories get their ids first, then merges fold stories, then every report's
        story, signals, evidence and keys are written with ``executemany``; the stories'
        sizes, times, titles and languages follow from the reports, in Python for the
        common case (reports joining) and from the articles where stories were folded or
        a report moved.
        """
        conn = self.db.conn
        ids: dict[int, int] = {}
        if batch.new:
            # The ids SQLite would give one insert at a time (max + 1: no AUTOINCREMENT),
            # in one statement for the batch instead of one per story.
            (top,) = conn.execute("SELECT coalesce(max(id), 0) FROM stories").fetchone()
            ids = {provisional: top + n for n, provisional in enumerate(batch.new, start=1)}
            conn.executemany(
                "INSERT INTO stories (id, first_seen, last_published, title, lang, langs, "
                "size) VALUES (?, ?, ?, ?, ?, '', 0)",
                [(ids[p], published, published, title, lang)
                 for p, (published, title, lang) in batch.new.items()])

        def real(story: int) -> int:
            return ids.get(story, story)

        refresh: set[int] = set()  # stories to recount from their articles
        for keep, others in batch.merges:
            folded = [real(o) for o in others if real(o) != real(keep)]
            for chunk in chunks(folded):
                marks = ",".join("?" * len(chunk))
                conn.execute(f"UPDATE articles SET story_id = ? WHERE story_id IN ({marks})",
                             (real(keep), *chunk))
                conn.execute(f"DELETE FROM stories WHERE id IN ({marks})", chunk)
            refresh.add(real(keep))
        members = [m._replace(story=ids[m.story]) if m.story in ids else m
                   for m in batch.members]
        moved = [m.article for m in members if m.article in batch.old_story]
        if moved:
            self.stories_changed()
        for chunk in chunks(moved):
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM story_keys WHERE article_id IN ({marks})", chunk)
        conn.executemany("UPDATE articles SET story_id = ? WHERE id = ?",
                         [(m.story, m.article) for m in members])
        conn.executemany(
            "INSERT OR REPLACE INTO story_signals (article_id, published, data, evidence, "
            f"matched) VALUES (?, ?, {_STAMPED}, ?, ?)",
            [(m.article, m.published, m.data, batch.version, m.article, m.evidence, m.matched)
             for m in members])
        conn.executemany(
            "INSERT OR IGNORE INTO story_keys (key, published, article_id) VALUES (?, ?, ?)",
            [(key, m.published, m.article) for m in members for key in m.keys])
        refresh |= {real(batch.old_story[a]) for a in moved}
        refresh |= {m.story for m in members if m.article in batch.old_story}
        joined = sorted({m.story for m in members} - refresh)
        current: dict[int, list[Any]] = {}
        for chunk in chunks(joined):
            marks = ",".join("?" * len(chunk))
            for row in conn.execute(
                "SELECT id, first_seen, last_published, title, lang, langs, size FROM stories "
                f"WHERE id IN ({marks})", chunk).fetchall():
                current[row[0]] = list(row[1:])
        for m in sorted(members, key=lambda m: (m.published, m.article)):
            row = current.get(m.story)
            if row is None:
                continue
            first, last, _title, _lang, langs, size = row
            if size == 0 or m.published < first:
                row[2], row[3] = m.title, m.lang
            row[0], row[1] = min(first, m.published), max(last, m.published)
            if m.lang and m.lang not in langs.split():
                row[4] = " ".join(sorted({*langs.split(), m.lang}))
            row[5] = size + 1
        conn.executemany(
            "UPDATE stories SET first_seen = ?, last_published = ?, title = ?, lang = ?, "
            "langs = ?, size = ? WHERE id = ?", [(*row, story) for story, row in current.items()])
        for story in sorted(refresh):
            self._refresh_story(story)
        return ids

    def _refresh_story(self, story_id: int) -> None:
        conn = self.db.conn
        first, last, size = conn.execute(
            "SELECT min(published), max(published), count(*) FROM articles WHERE story_id = ?",
            (story_id,)).fetchone()
        if not size:
            conn.execute("DELETE FROM stories WHERE id = ?", (story_id,))
            return
        # DISTINCT: a story of thousands of reports has a handful of languages (a row each,
        # not one stepped through in Python per report).
        langs = sorted({row[0] for row in conn.execute(
            "SELECT DISTINCT json_extract(s.data, '$.l') FROM articles a "
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
        version: str = "",
    ) -> None:
        """Bulk write of a whole regroup (after :meth:`reset_stories`), in the caller's txn.

        ``stories``: (id, first_seen, last_published, title, lang, langs, size); ``members``:
        (article id, story id, evidence JSON, matched); ``keys``: (key, published, article);
        ``signals``: (article id, published, JSON) for articles whose signals were recomputed,
        stamped with ``version`` (their evidence goes in the same row write).
        """
        conn = self.db.conn
        self.stories_changed()
        # In key order: each table's B-tree is then filled front to back, not at random.
        members = sorted(members)
        conn.executemany(
            "INSERT INTO stories (id, first_seen, last_published, title, lang, langs, size) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", sorted(stories))
        # Only the links that changed are written (a regroup after a small rule change
        # keeps most stories and their ids); an article the regroup did not see leaves.
        linked = dict(conn.execute(
            "SELECT id, story_id FROM articles WHERE story_id IS NOT NULL").fetchall())
        placed = {article: story for article, story, _, _ in members}
        conn.executemany("UPDATE articles SET story_id = ? WHERE id = ?",
                         [(story, article) for article, story in placed.items()
                          if linked.get(article) != story]
                         + [(None, article) for article in linked if article not in placed])
        why = {article: (evidence, matched) for article, _, evidence, matched in members}
        conn.executemany(
            "INSERT OR REPLACE INTO story_signals (article_id, published, data, evidence, "
            f"matched) VALUES (?, ?, {_STAMPED}, ?, ?)",
            [(article, published, data, version, article, *why.get(article, (None, None)))
             for article, published, data in sorted(signals)])
        fresh = {row[0] for row in signals}
        conn.executemany("UPDATE story_signals SET evidence = ?, matched = ? "
                         "WHERE article_id = ?",
                         [(evidence, matched, article)
                          for article, _, evidence, matched in members if article not in fresh])
        # Into an empty table, the article index is built once after the rows (a sort)
        # rather than kept up row by row: a quarter of the keys' write.
        empty = conn.execute("SELECT 1 FROM story_keys LIMIT 1").fetchone() is None
        if empty:
            conn.execute("DROP INDEX IF EXISTS story_keys_article")
        conn.executemany(
            "INSERT OR IGNORE INTO story_keys (key, published, article_id) VALUES (?, ?, ?)",
            sorted(keys))
        if empty:
            conn.execute("CREATE INDEX story_keys_article ON story_keys (article_id)")

    def reset_stories(self, *, keep_signals: bool = False, keep_links: bool = False) -> None:
        """Forget every story (regroup from scratch follows); signals too unless kept.

        ``keep_links`` leaves ``articles.story_id`` for :meth:`write_stories` to rewrite
        where it changed (in the same transaction), instead of clearing every one first.
        """
        conn = self.db.conn
        self.stories_changed()
        for table in ("story_keys", "stories") if keep_signals else (
                "story_keys", "story_signals", "stories"):
            conn.execute(f"DELETE FROM {table}")
        if not keep_links:
            conn.execute("UPDATE articles SET story_id = NULL WHERE story_id IS NOT NULL")


_STAMPED = ("json_set(?, '$.v', ? || ':' || "
            "coalesce((SELECT tag_hash FROM articles WHERE id = ?), ''))")
"""Signals JSON (1st parameter) stamped with the code version (2nd) and the article's
(3rd) tag hash at writing: current while both stay as they are."""
