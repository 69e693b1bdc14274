"""One search's matches, gathered once per connection and shared by the list's queries.

Typing a search asks the list for its first page, then its count (and, scrolling, more
pages, the keys to find the cursor's story again). Each of those used to gather every match
of the FTS query anew (``a.id IN (SELECT rowid … MATCH ?)`` builds a b-tree of up to every
article), and a grouped query twice (the "no newer report of this story matches" check has
its own). At 100k articles that b-tree is most of each query: 10-25 ms for a common word,
more for a Chinese phrase. Here the matches go once into a temporary table of this
connection, and every list query of that search looks its ids up there (a page then costs
well under a millisecond, the capped count a few).

The table is kept while the query text is the same, no other connection has committed
(``PRAGMA data_version``) and this connection has changed nothing (``total_changes``);
else it is filled again. It is only filled outside a transaction (a rollback would empty it
behind our back) and never on a cache marked damaged (which refuses every write): there the
caller asks the index itself, as before.
"""

from __future__ import annotations

from tui.store.database import StoreError
from tui.store.sqlite import sqlite3

TABLE = "temp.search_hits"


class SearchHits:
    """The matches of the newest search on one connection, in :data:`TABLE`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._kept: tuple[str, int, int] | None = None
        """(query, data_version, total_changes) the table was filled for."""

    def table(self, query: str) -> str | None:
        """The table of ``query``'s matches (filled now if need be), or None where it
        cannot be kept. Raises ``sqlite3.OperationalError`` for FTS syntax the index
        rejects (or an interrupted read), like the query it stands in for."""
        conn = self.conn
        if conn.in_transaction or getattr(conn, "damaged", None) is not None:
            return None
        version = int(conn.execute("PRAGMA data_version").fetchone()[0])
        if self._kept == (query, version, conn.total_changes):
            return TABLE
        self._kept = None
        try:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY)")
            conn.execute(f"DELETE FROM {TABLE}")
            conn.execute(f"INSERT INTO {TABLE} SELECT rowid FROM articles_fts "
                         "WHERE articles_fts MATCH ?", (query,))
            conn.commit()
        except sqlite3.OperationalError:
            conn.rollback()
            raise
        except (sqlite3.DatabaseError, StoreError):  # damage found now: ask the index itself
            conn.rollback()
            return None
        self._kept = (query, version, conn.total_changes)
        return TABLE
