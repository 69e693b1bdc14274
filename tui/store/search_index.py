"""Keeping the full-text index in step with the articles.

The index is a contentless FTS5 table: it stores the index, not a second copy of every
body (that copy was half the database). The price is that removing a row needs the exact
values that were indexed, so they are always recomputed from the stored article the same
way: title, summary, and the extracted text if there is one, else the feed's text.
Call :func:`unindex` before a row changes and :func:`index` after.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from tui.store.fts import index_text

_STORED = (
    "SELECT a.id, a.title, coalesce(b.summary, ''), "
    "coalesce(b.extracted_text, b.content_text, '') "
    "FROM articles a LEFT JOIN bodies b ON b.article_id = a.id WHERE a.id IN ({marks})"
)
_CHUNK = 500


def _values(rows: Iterable[tuple[int, str, str, str]]) -> list[tuple[int, str, str, str]]:
    return [(article_id, index_text(title), index_text(summary), index_text(body))
            for article_id, title, summary, body in rows]


def _stored_rows(conn: sqlite3.Connection, ids: list[int]) -> list[tuple[int, str, str, str]]:
    rows: list[tuple[int, str, str, str]] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
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
    """Remove the articles from the index, using the text they were indexed with."""
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
