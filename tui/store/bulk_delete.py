"""Deleting many articles at once (retention, unsubscribing) in seconds, not minutes.

The ids to delete are in the temporary table ``doomed``. Two costs dominated a big delete:

- the search index is contentless. Made with ``contentless_delete=1`` (SQLite ≥ 3.43, see
  :mod:`tui.store.sqlite`) its rows are deleted by rowid in one statement. Without it every
  removed row had to be tokenised again to be taken out; when more than a third of the
  index goes, it is cheaper to empty it (``delete-all``) and index the articles that stay;
- the ``articles_leave_story`` trigger ran four statements per deleted row. For a big
  delete it is dropped inside the transaction, its work is done set by set, and it is
  recreated from its own stored SQL before the commit (a failure rolls all of it back).
"""

from __future__ import annotations

from tui.store import search_index
from tui.store.sqlite import sqlite3

REBUILD_SHARE = 1 / 3
"""Above this share of the index, empty it and index what stays instead of unindexing."""
SET_BASED_MIN = 200
"""From this many rows, the story trigger's work is done set-based."""
_TRIGGER = "articles_leave_story"


def delete_doomed(conn: sqlite3.Connection, count: int) -> None:
    """Delete the articles whose ids are in ``doomed`` (``count`` of them), with their
    bodies, tags, search index entries and story membership. Inside a transaction."""
    by_rowid = search_index.deletes_by_rowid(conn)
    rebuild = False
    if by_rowid:
        conn.execute("DELETE FROM articles_fts WHERE rowid IN (SELECT id FROM doomed)")
    else:
        total = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        rebuild = count >= REBUILD_SHARE * total
    if not by_rowid and not rebuild:
        search_index.unindex(conn, [row[0] for row in conn.execute("SELECT id FROM doomed")])
    for table in ("article_topics", "article_regions", "article_entities", "bodies"):
        conn.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT id FROM doomed)")
    trigger = _trigger_sql(conn) if count >= SET_BASED_MIN else None
    if trigger is not None:
        conn.execute(f"DROP TRIGGER {_TRIGGER}")
        _leave_stories(conn)
    conn.execute("DELETE FROM articles WHERE id IN (SELECT id FROM doomed)")
    if trigger is not None:
        conn.execute(trigger)
    if rebuild:
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
        search_index.rebuild(conn)


def _trigger_sql(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                       (_TRIGGER,)).fetchone()
    return row[0] if row else None


def _leave_stories(conn: sqlite3.Connection) -> None:
    """What ``articles_leave_story`` does per row, for every doomed row at once."""
    conn.execute("DELETE FROM story_keys WHERE article_id IN (SELECT id FROM doomed)")
    conn.execute("DELETE FROM story_signals WHERE article_id IN (SELECT id FROM doomed)")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS doomed_stories "
                 "(id INTEGER PRIMARY KEY, gone INTEGER NOT NULL)")
    conn.execute("DELETE FROM doomed_stories")
    conn.execute("INSERT INTO doomed_stories SELECT story_id, count(*) FROM articles "
                 "WHERE id IN (SELECT id FROM doomed) AND story_id IS NOT NULL "
                 "GROUP BY story_id")
    conn.execute("UPDATE stories SET size = size - (SELECT gone FROM doomed_stories d "
                 "WHERE d.id = stories.id) WHERE id IN (SELECT id FROM doomed_stories)")
    conn.execute("DELETE FROM stories WHERE id IN (SELECT id FROM doomed_stories) "
                 "AND size <= 0")
    conn.execute("DELETE FROM doomed_stories")
