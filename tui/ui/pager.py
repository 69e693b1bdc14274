"""The article list's model: a filter's rows in cached pages, with a capped count (no Textual).

The list widget is a virtual view: it asks for the rows it paints and the pager fetches
only the pages they fall in, keeping the newest few. With a search the count is capped
(a common word matches most of the cache and counting every match costs more than
showing them): the list is "5,000+" long and the cap grows four times whenever the view
comes within a page of its end. Finding a story again after the data changed is here too.

A new search shows its first page before it is counted (:meth:`Pager.show_first_page`):
the list is "100+" long until :meth:`Pager.finish_count` (asked once that page is on
screen, skipped when another key came first) says how long. Both read the search's matches
gathered once by the store (``tui.store.search_hits``), so the count costs a few ms.

Grouped (the default in the app), each row is a story: its newest report that matches,
from the store's grouped queries (one row per story in SQL, the same paging); a story is
found again by its story, since a newer report may have become its row.

It lives in ``tui/ui`` (not the core) because its page size and caps are tuned for a
screen; it imports no Textual, so it has plain unit tests (tests/ui/test_pager.py).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import fields, replace
from typing import Any

from tui.models import ArticleRow, Filter
from tui.store.sqlite import sqlite3

PAGE_SIZE = 100
SEARCH_CAP = 5_000
CACHED_PAGES = 12


class Pager:
    """Rows of one filter (and order) from a Store, a page at a time."""

    def __init__(self, store: Any, *, page_size: int = PAGE_SIZE,
                 cached_pages: int = CACHED_PAGES, search_cap: int = SEARCH_CAP,
                 grouped: bool = False) -> None:
        self.store = store
        self.grouped = grouped
        """One row per story (else one per report)."""
        self.page_size = page_size
        self.cached_pages = cached_pages
        self.search_cap = search_cap
        self.filter = Filter()
        self.relevance = False
        """Search results best match first (else newest first, like every list)."""
        self.count = 0
        self.capped = False
        """True when ``count`` is a cap (more stories match): the header says "5,000+"."""
        self.cap: int | None = search_cap
        self.counting = False
        """The count is the first page's length, not counted yet (see :meth:`finish_count`)."""
        self.pages: OrderedDict[int, list[ArticleRow]] = OrderedDict()
        self._fetched: tuple[tuple[Filter, bool, bool], list[ArticleRow]] | None = None
        """A first page read ahead by :meth:`prefetch`, for the view it was read for."""

    def show(self, flt: Filter, relevance: bool | None = None,
             grouped: bool | None = None) -> bool:
        """Switch to ``flt`` (order, grouping); True if that changed what is listed."""
        changed = flt != self.filter or (relevance is not None and relevance != self.relevance)
        if grouped is not None and grouped != self.grouped:
            changed = True
            self.grouped = grouped
        if relevance is not None:
            self.relevance = relevance
        if changed:
            self.cap = self.search_cap
            self.filter = flt
        return changed

    def _order(self, flt: Filter | None = None) -> dict[str, bool]:
        """The store's ordering keyword, only when it is not the default (newest first)."""
        flt = flt or self.filter
        return {"relevance": True} if self.relevance and flt.search.strip() else {}

    # ---- counting ------------------------------------------------------------------

    def prefetch(self, flt: Filter) -> None:
        """Read ``flt``'s first page ahead of :meth:`show` (:meth:`show_first_page` uses it).

        Raises ``sqlite3.OperationalError`` for a search the full-text index rejects, so
        the search box can say so without a separate validity query.
        """
        self._fetched = ((flt, self.relevance, self.grouped), self._page(flt, 0))

    def show_first_page(self) -> None:
        """The filter's first page now, its count later (:meth:`finish_count`): till then
        the count is the page's length, "100+" when the page is full."""
        fetched, self._fetched = self._fetched, None
        self.pages.clear()
        if fetched is not None and fetched[0] == (self.filter, self.relevance, self.grouped):
            page = fetched[1]
        else:
            page = self._page(self.filter, 0)
        self.pages[0] = page
        self.count, self.capped = len(page), len(page) >= self.page_size
        self.counting = True

    def finish_count(self) -> bool:
        """Count what :meth:`show_first_page` showed; True if the count was still to do.
        The pages stay (the count reads the same kept matches)."""
        if not self.counting:
            return False
        self.count, self.capped = self._count(self.filter, self.cap)
        self.counting = False
        return True

    def _count(self, flt: Filter, cap: int | None) -> tuple[int, bool]:
        """(count, capped): capped only with a search, where counting every match is slow;
        grouped, with any filter: the stories among the newest ``cap`` matching reports."""
        if self.grouped:  # capped by the reports looked at (grouping every match is slow)
            if cap is None or flt.is_empty():  # no filter: the stories table's count
                return self.store.count_story_rows(flt), False
            return self.store.count_story_rows_upto(flt, cap)
        counter = self.store.count_articles
        if cap is None or not flt.search.strip():
            return counter(flt), False
        try:
            count = counter(flt, cap=cap)
        except TypeError:  # a store without capped counts
            return counter(flt), False
        return count, count >= cap

    def recount(self) -> None:
        """Drop the cached pages and count the filter again."""
        self.pages.clear()
        self._fetched = None
        self.counting = False
        self.count, self.capped = self._count(self.filter, self.cap)

    def extend(self, bottom: int) -> bool:
        """Within a page of a capped end (``bottom``: the lowest row in view): count on to
        four times as far. True if the count grew. (Not before the first count.)"""
        if (not self.capped or self.counting or self.cap is None
                or bottom < self.count - self.page_size):
            return False
        self.cap *= 4
        self.recount()
        return True

    def count_all(self) -> bool:
        """Count every match once (the user asked for the end); True if it was capped."""
        if not self.capped:
            return False
        self.cap = None
        self.recount()
        return True

    # ---- rows ----------------------------------------------------------------------

    def clamp(self, index: int) -> int:
        return max(0, min(index, self.count - 1)) if self.count else 0

    def row_at(self, index: int) -> ArticleRow | None:
        if index < 0 or index >= self.count:
            return None
        page_no, offset = divmod(index, self.page_size)
        page = self.pages.get(page_no)
        if page is None:
            page = self.pages[page_no] = self._page(self.filter, page_no)
            while len(self.pages) > self.cached_pages:
                self.pages.popitem(last=False)
        else:
            self.pages.move_to_end(page_no)
        return page[offset] if offset < len(page) else None

    def _page(self, flt: Filter, page_no: int) -> list[ArticleRow]:
        lister = self.store.list_story_rows if self.grouped else self.store.list_articles
        return list(lister(flt, limit=self.page_size, offset=page_no * self.page_size,
                           **self._order(flt)))

    def first_page_index(self, article_id: int | None) -> int | None:
        """Where ``article_id`` is on the first page, if it is there (a search's cheap look)."""
        if article_id is None or self.row_at(0) is None:
            return None
        page = self.pages.get(0, [])
        if self.grouped:
            key = self.store.story_key(article_id)
            return next((i for i, row in enumerate(page)
                         if _key(row) == key), None)
        return next((i for i, row in enumerate(page) if row.id == article_id), None)

    def find(self, article_id: int, hint: int) -> int | None:
        """The row of ``article_id`` now (``hint``: where it was), or None if not listed.
        Grouped, the row of its story (which may now show a newer report)."""
        key = self.store.story_key(article_id) if self.grouped else article_id

        def is_it(row: ArticleRow | None) -> bool:
            if row is None:
                return False
            return _key(row) == key if self.grouped else row.id == article_id

        if is_it(self.row_at(hint)):
            return hint
        # New stories arrive at the top, so the article usually moved down a little.
        # (A search's ids come from the full-text index: look less far for them.)
        window = 1000 if self.filter.search.strip() else max(hint + 2000, 5000)
        try:
            if self.grouped:
                keys = [k for _, k in self.store.story_row_keys(self.filter, limit=window,
                                                                 **self._order())]
            else:
                keys = self.store.article_ids(self.filter, limit=window, **self._order())
        except sqlite3.OperationalError:
            return None
        try:
            index = keys.index(key)
        except ValueError:
            return None
        # The poller may have written between these reads: confirm the index against the
        # pages the list will actually show (loaded now), looking a little either side.
        self.pages.clear()
        for offset in range(0, 51):
            for candidate in (index + offset, index - offset):
                if is_it(self.row_at(candidate)):
                    return candidate
        return index

    def update_row(self, row: ArticleRow) -> bool:
        """Replace a cached row (after read/star changes); True if it was cached."""
        for page in self.pages.values():
            for i, cached in enumerate(page):
                if cached.id == row.id:
                    # A story row keeps its story part (the row passed in is a report's).
                    page[i] = replace(cached, **{f.name: getattr(row, f.name)
                                                 for f in fields(ArticleRow)})
                    return True
        return False


def _key(row: ArticleRow) -> int:
    """A grouped row's story key: its story, or minus its id when not grouped yet."""
    story = getattr(row, "story_id", None)
    return story if story is not None else -row.id
