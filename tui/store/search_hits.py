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

A search's *first page* does not need every match (:meth:`SearchHits.window`): the list is
newest first, so only the newest :data:`WINDOW` articles can be on it. Their ids fall in a
few runs (one per feed at worst: arrival order is by feed and poll), and FTS5 finds the
matches inside a rowid range by seeking, so the window's matches cost a range query per
run (``比特币`` at 100k: ~9 ms instead of ~40 for all 32k matches). The page is exact when
it fills inside the window (every match outside it is older); else the caller gathers
everything. A prefix term longer than the prefix index is merged from every term it
covers on each query, so such a search gathers everything at once.
"""

from __future__ import annotations

import re

from tui.store.database import StoreError
from tui.store.search_index import PREFIXES
from tui.store.sqlite import sqlite3

TABLE = "temp.search_hits"
WINDOW_TABLE = "temp.search_window"
WINDOW = 2000
"""Newest articles a first page is looked for in (a page is 100 rows, a third to two
thirds of articles match a common word)."""
MAX_RUNS = 64
"""More runs of ids than this in the window (a range query each): gather everything."""
RUN_GAP = 256
"""Ids this close are one run (the articles between them are read, not skipped)."""
_LONGEST_PREFIX = max(int(n) for n in PREFIXES.split())
_PREFIX_TERM = re.compile(r'"([^"]*)"\*')

Key = tuple[str, int, int]
"""(query, data_version, total_changes) a table was filled for."""


def _runs(ids: list[int]) -> list[tuple[int, int]]:
    """Sorted ids as (first, last) runs, ids at most :data:`RUN_GAP` apart joined."""
    runs: list[tuple[int, int]] = []
    for article_id in sorted(ids):
        if runs and article_id - runs[-1][1] <= RUN_GAP:
            runs[-1] = (runs[-1][0], article_id)
        else:
            runs.append((article_id, article_id))
    return runs


def _windowable(query: str) -> bool:
    """No prefix term longer than the prefix index (FTS5 merges those per query)."""
    for match in _PREFIX_TERM.finditer(query):
        words = match.group(1).split()
        if words and len(words[-1]) > _LONGEST_PREFIX:
            return False
    return True


class SearchHits:
    """The matches of the newest search on one connection: all of them in :data:`TABLE`,
    those among the newest articles in :data:`WINDOW_TABLE`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._kept: Key | None = None
        """What :data:`TABLE` was filled for."""
        self._window: tuple[Key, tuple[int, int]] | None = None
        """What :data:`WINDOW_TABLE` was filled for, and the window's oldest (published, id)."""

    def _key(self, query: str) -> Key | None:
        conn = self.conn
        if conn.in_transaction or getattr(conn, "damaged", None) is not None:
            return None
        return query, int(conn.execute("PRAGMA data_version").fetchone()[0]), conn.total_changes

    def table(self, query: str) -> str | None:
        """The table of ``query``'s matches (filled now if need be), or None where it
        cannot be kept. Raises ``sqlite3.OperationalError`` for FTS syntax the index
        rejects (or an interrupted read), like the query it stands in for."""
        key = self._key(query)
        if key is None:
            return None
        if self._kept == key:
            return TABLE
        self._kept = None
        if not self._fill(TABLE, [("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?",
                                   (query,))]):
            return None
        self._kept = self._key(query)
        return TABLE

    def window(self, query: str) -> tuple[str, tuple[int, int]] | None:
        """(table, oldest (published, id) of the window) with ``query``'s matches among
        the newest :data:`WINDOW` articles, or None: all matches are kept already (use
        :meth:`table`), the search has a long prefix term, the cache is no bigger than
        the window, its ids are in too many runs, or no table can be kept. Raises like
        :meth:`table`."""
        key = self._key(query)
        if key is None or self._kept == key or not _windowable(query):
            return None
        if self._window is not None and self._window[0] == key:
            return WINDOW_TABLE, self._window[1]
        self._window = None
        newest = self.conn.execute(
            "SELECT id, published FROM articles ORDER BY published DESC, id DESC LIMIT ?",
            (WINDOW,)).fetchall()
        runs = _runs([article_id for article_id, _published in newest])
        if len(newest) < WINDOW or len(runs) > MAX_RUNS:  # the window would be everything
            return None
        sql = ("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
               "AND rowid BETWEEN ? AND ?")
        if not self._fill(WINDOW_TABLE, [(sql, (query, low, high)) for low, high in runs]):
            return None
        oldest = (int(newest[-1][1]), int(newest[-1][0]))
        self._window = (key[0], key[1], self.conn.total_changes), oldest
        return WINDOW_TABLE, oldest

    def _fill(self, table: str, selects: list[tuple[str, tuple[object, ...]]]) -> bool:
        """Empty ``table`` and fill it from ``selects``; the other table stays valid (our
        own writes to a temporary table change nothing it holds)."""
        conn = self.conn
        before = conn.total_changes
        try:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY)")
            conn.execute(f"DELETE FROM {table}")
            for sql, params in selects:
                conn.execute(f"INSERT OR IGNORE INTO {table} {sql}", params)
            conn.commit()
        except sqlite3.OperationalError:
            conn.rollback()
            raise
        except (sqlite3.DatabaseError, StoreError):  # damage found now: ask the index itself
            conn.rollback()
            return False
        moved = conn.total_changes - before
        if self._kept is not None and self._kept[2] == before and table != TABLE:
            self._kept = (self._kept[0], self._kept[1], self._kept[2] + moved)
        if self._window is not None and self._window[0][2] == before and table != WINDOW_TABLE:
            old_key, oldest = self._window
            self._window = (old_key[0], old_key[1], old_key[2] + moved), oldest
        return True
