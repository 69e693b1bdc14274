"""Keeping the full-text index in step with the articles.

The index is a contentless FTS5 table: it stores the index, not a second copy of every
body (that copy was half the database). The price is that removing a row needs the exact
values that were indexed, so they are always recomputed from the stored article the same
way: title, summary, and the extracted text if there is one, else the feed's text.
Call :func:`unindex` before a row changes and :func:`index` after.

With SQLite ≥ 3.43 the table is made with ``contentless_delete=1`` (see
:mod:`tui.store.sqlite`): a row is then removed by its rowid alone, without the text, so
unindexing and retention cost no tokenising. Which kind a cache has is read from its
schema, since a cache made on an older SQLite keeps the older kind.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui.store.fts import index_text
from tui.store.sqlite import chunks, has_contentless_delete, sqlite3

_STORED = (
    "SELECT a.id, a.title, coalesce(b.summary, ''), "
    "coalesce(b.extracted_text, b.content_text, '') "
    "FROM articles a LEFT JOIN bodies b ON b.article_id = a.id WHERE a.id IN ({marks})"
)
PREFIXES = "1 2 3"
"""Prefix indexes: ``1`` makes a one-letter search (``b*``) one doclist, not a merge of
every term that starts with b."""


def create_sql(*, contentless_delete: bool | None = None) -> str:
    """The FTS table's definition; ``contentless_delete`` when the library has it."""
    if contentless_delete is None:
        contentless_delete = has_contentless_delete()
    option = "contentless_delete = 1, " if contentless_delete else ""
    return (
        "CREATE VIRTUAL TABLE articles_fts USING fts5 (title, summary, body, content = '', "
        f"{option}prefix = '{PREFIXES}', tokenize = 'unicode61 remove_diacritics 2')"
    )


def table_sql(conn: sqlite3.Connection) -> str:
    row = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'articles_fts'"
    ).fetchone()
    return str(row[0]) if row and row[0] else ""


def deletes_by_rowid(conn: sqlite3.Connection) -> bool:
    """Was this cache's index made with ``contentless_delete=1``?"""
    return "contentless_delete" in table_sql(conn).replace(" ", "").lower()


def _values(rows: Iterable[tuple[int, str, str, str]]) -> list[tuple[int, str, str, str]]:
    return [(article_id, index_text(title), index_text(summary), index_text(body))
            for article_id, title, summary, body in rows]


def _stored_rows(conn: sqlite3.Connection, ids: list[int]) -> list[tuple[int, str, str, str]]:
    rows: list[tuple[int, str, str, str]] = []
    for chunk in chunks(ids):
        marks = ", ".join("?" for _ in chunk)
        rows += conn.execute(_STORED.format(marks=marks), chunk).fetchall()
    return rows


def index(conn: sqlite3.Connection, article_ids: Iterable[int]) -> None:
    """Add the articles' current text to the index."""
    index_rows(conn, _stored_rows(conn, list(article_ids)))


def index_rows(conn: sqlite3.Connection, rows: Iterable[tuple[int, str, str, str]]) -> None:
    """Add (id, title, summary, body) just written, without reading them back."""
    conn.executemany(
        "INSERT INTO articles_fts (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
        _values(rows),
    )


def unindex(conn: sqlite3.Connection, article_ids: Iterable[int]) -> None:
    """Remove the articles from the index (by rowid, or with the text they were indexed
    with on an index made without ``contentless_delete``)."""
    if deletes_by_rowid(conn):
        for chunk in chunks(article_ids):
            marks = ", ".join("?" for _ in chunk)
            conn.execute(f"DELETE FROM articles_fts WHERE rowid IN ({marks})", chunk)
        return
    rows = _values(_stored_rows(conn, list(article_ids)))
    conn.executemany(
        "INSERT INTO articles_fts (articles_fts, rowid, title, summary, body) "
        "VALUES ('delete', ?, ?, ?, ?)",
        rows,
    )


def rebuild(conn: sqlite3.Connection) -> int:
    """Index every article again from scratch (used by the migration that made it)."""
    last = 0
    total = 0
    while True:
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT 2000", (last,))]
        if not ids:
            return total
        index(conn, ids)
        total += len(ids)
        last = ids[-1]


DELETEMERGE_DEFAULT = 10
"""FTS5's own default: a segment with more than this percent of its rows deleted is merged
at the next flush."""
MERGE_PAGES = 1000
"""Leaf pages of merge work per :func:`pay_merge_debt` call (0.1-0.7 s on a loaded 2-core
machine); the merge after retention of 75k of 100k stories takes some 40 calls."""
_DEBT_KEY = "fts_merge_debt"


def delete_then_merge_later(conn: sqlite3.Connection) -> None:
    """Delete the ``doomed`` rows by rowid without merging the segments they leave.

    At the flush after a delete of most of the index, FTS5 merges every segment past its
    ``deletemerge`` share in one go: 2-3 s CPU (4-9 s under load) of a 75k-story
    retention. With ``deletemerge`` off for the flush only, the rows are gone from every
    search at once (tombstones) and the merge is paid a slice per later retention call
    (:func:`pay_merge_debt`).
    """
    conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('deletemerge', 0)")
    conn.execute("DELETE FROM articles_fts WHERE rowid IN (SELECT id FROM doomed)")
    conn.execute("SAVEPOINT fts_flush")  # FTS5 writes its pending deletes here
    conn.execute("RELEASE fts_flush")
    conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('deletemerge', ?)",
                 (DELETEMERGE_DEFAULT,))
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", (_DEBT_KEY,))


def pay_merge_debt(conn: sqlite3.Connection, pages: int = MERGE_PAGES) -> bool:
    """One slice of the merge a big delete left, inside the caller's transaction; True
    while some is left. Until it is paid, searches read the deleted rows' doclists too."""
    if conn.execute("SELECT 1 FROM meta WHERE key = ?", (_DEBT_KEY,)).fetchone() is None:
        return False
    before = conn.total_changes
    conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('merge', ?)", (pages,))
    if conn.total_changes - before < 2:  # FTS5's documented sign that no work was left
        conn.execute("DELETE FROM meta WHERE key = ?", (_DEBT_KEY,))
        return False
    return True
