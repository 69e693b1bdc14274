"""Deleting many articles at once (retention, unsubscribing) in seconds, not minutes.

The ids to delete are in the temporary table ``doomed``. Two costs dominated a big delete:

- the search index is contentless. Made with ``contentless_delete=1`` (SQLite ≥ 3.43, see
  :mod:`tui.store.sqlite`) its rows are deleted by rowid in one statement. Without it every
  removed row had to be tokenised again to be taken out; when more than a third of the
  index goes, it is cheaper to empty it (``delete-all``) and index the articles that stay;
- the ``articles_leave_story`` trigger ran four statements per deleted row. For a big
  delete it is dropped inside the transaction, its work is done set by set, and it is
  recreated from its own stored SQL before the commit (a failure rolls all of it back).

When most of the cache goes (retention of 75k of 100k stories), three more costs came
next: the tag tables' rows (a million entity rows, a seek in two b-trees each), the
articles' eight indexes, and FTS5's merge of the segments the delete emptied. Then the
tag tables are rebuilt from the rows that stay, the articles' indexes are dropped and made
again over what stays, and the merge is paid in slices by later calls
(:func:`search_index.pay_merge_debt`). Statistics (``sqlite_stat1``/``stat4``) that a drop
would take along are put back, so the query planner sees what a plain delete leaves.
The foreign-key cascades are the fourth: see :func:`delete_doomed`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from tui.store import search_index
from tui.store.sqlite import sqlite3

REBUILD_SHARE = 1 / 3
"""Above this share of the index, empty it and index what stays instead of unindexing."""
SET_BASED_MIN = 200
"""From this many rows, the story trigger's work is done set-based."""
MOST_SHARE = 1 / 2
"""From this share of the articles, tables are rebuilt from what stays instead."""
_TRIGGER = "articles_leave_story"
_TAGS = ("article_topics", "article_regions", "article_entities")
_STATS = ("sqlite_stat1", "sqlite_stat4")


def delete_doomed(conn: sqlite3.Connection, count: int) -> None:
    """Delete the articles whose ids are in ``doomed`` (``count`` of them), with their
    bodies, tags, search index entries and story membership. Inside a transaction.

    Every table whose foreign key points at articles (found in the schema) loses its
    doomed rows here, before the articles: with ``foreign_keys`` off (retention turns it
    off for its transaction: the cascades cost a trigger program per row and table, 1 s at
    75k) nothing would cascade, and with it on nothing is left to."""
    by_rowid = search_index.deletes_by_rowid(conn)
    total = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    most = count >= MOST_SHARE * total
    rebuild = not by_rowid and count >= REBUILD_SHARE * total
    if by_rowid and most:
        search_index.delete_then_merge_later(conn)
    elif by_rowid:
        conn.execute("DELETE FROM articles_fts WHERE rowid IN (SELECT id FROM doomed)")
    elif not rebuild:
        search_index.unindex(conn, [row[0] for row in conn.execute("SELECT id FROM doomed")])
    for table in _children(conn):
        if most and table in _TAGS:
            _keep_survivors(conn, table)
        else:
            conn.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT id FROM doomed)")
    trigger = _trigger_sql(conn) if count >= SET_BASED_MIN else None
    if trigger is not None:
        conn.execute(f"DROP TRIGGER {_TRIGGER}")
        _leave_stories(conn)
    with _indexes_dropped(conn, "articles") if most else nullcontext():
        conn.execute("DELETE FROM articles WHERE id IN (SELECT id FROM doomed)")
    if trigger is not None:
        conn.execute(trigger)
    if rebuild:
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
        search_index.rebuild(conn)


def _children(conn: sqlite3.Connection) -> list[str]:
    """The tables with a foreign key to articles (all on ``article_id``)."""
    return [str(name) for (name,) in conn.execute(
        "SELECT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f "
        "WHERE m.type = 'table' AND f.\"table\" = 'articles' ORDER BY m.name")]


def _keep_survivors(conn: sqlite3.Connection, table: str) -> None:
    """``table`` made again, from its stored SQL, with the rows of the articles that stay:
    copying a quarter is cheaper than deleting three quarters from two b-trees."""
    sql = _stored_sql(conn, "table", table)
    indexes = _index_sql(conn, table)
    with _stats_kept(conn, "tbl = ?", (table,)):
        conn.execute(f"CREATE TEMP TABLE kept AS SELECT * FROM {table} "
                     "WHERE article_id NOT IN (SELECT id FROM doomed)")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(sql)
        conn.execute(f"INSERT INTO {table} SELECT * FROM temp.kept")
        conn.execute("DROP TABLE temp.kept")
        for _, index in indexes:
            conn.execute(index)


@contextmanager
def _indexes_dropped(conn: sqlite3.Connection, table: str) -> Iterator[None]:
    """Without ``table``'s own indexes for the while (its UNIQUE ones stay), then each
    made again from its stored SQL over the rows that are left."""
    indexes = _index_sql(conn, table)
    names = [name for name, _ in indexes]
    marks = ", ".join("?" for _ in names)
    with _stats_kept(conn, f"tbl = ? AND idx IN ({marks})", (table, *names)):
        for name in names:
            conn.execute(f"DROP INDEX {name}")
        yield
        for _, index in indexes:
            conn.execute(index)


@contextmanager
def _stats_kept(conn: sqlite3.Connection, where: str, params: tuple[str, ...]) -> Iterator[None]:
    """Put back the planner's statistics rows that a DROP inside takes along, and have
    this connection read them again (``ANALYZE sqlite_schema``)."""
    tables = [name for (name,) in conn.execute(
        f"SELECT name FROM sqlite_master WHERE name IN ({', '.join('?' for _ in _STATS)})",
        _STATS)]
    saved = {name: conn.execute(f"SELECT * FROM {name} WHERE {where}", params).fetchall()
             for name in tables}
    yield
    for name, rows in saved.items():
        conn.execute(f"DELETE FROM {name} WHERE {where}", params)
        if rows:
            marks = ", ".join("?" for _ in rows[0])
            conn.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
    if any(saved.values()):
        conn.execute("ANALYZE sqlite_schema")


def _stored_sql(conn: sqlite3.Connection, kind: str, name: str) -> str:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = ? AND name = ?",
                       (kind, name)).fetchone()
    return str(row[0])


def _index_sql(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """(name, SQL) of the indexes made with CREATE INDEX (not those of UNIQUE or the key)."""
    return [(str(name), str(sql)) for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name", (table,))]


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
