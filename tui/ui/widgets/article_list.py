"""The article list: a virtual Line-API view over the store, paged on demand.

Only the visible rows are ever rendered and only the pages they fall in are fetched, so
a 100k-article cache opens as fast as an empty one (a DataTable of 100k rows takes ~22 s).
With a search active the count is capped (a common word matches most of the cache, and
counting every match costs more than showing them): the list is "5,000+" long and grows
by four times whenever the view comes within a page of its end.
Grouped (the default) each row is a story, its newest matching report, its outlet marked
``+N`` (the other reports) and, after the title where the width allows, the story's languages
and the other outlets: ``en/zh · Asia Crypto Desk, 链报快讯``; flat, one row per report.
This module scrolls, keeps the cursor and asks the pager for rows and counts; what one row
says and where is :mod:`tui.ui.widgets.article_row`'s.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

from tui.models import ArticleRow, Filter
from tui.store import Store
from tui.ui.format import Clock, relative_time
from tui.ui.keys import LIST_KEYS, bindings
from tui.ui.pager import CACHED_PAGES, PAGE_SIZE, SEARCH_CAP, Pager
from tui.ui.widgets.article_row import row_text

__all__ = ["CACHED_PAGES", "PAGE_SIZE", "SEARCH_CAP", "ArticleList"]

CACHED_STRIPS = 400  # rendered rows kept: scrolling and toggling a filter back reuse them
COUNT_PAUSE = 0.12
"""Seconds a search waits, after its first page, before it is counted: while a word is typed
each key's count would run before the next key's page (counting gathers every match), so a
search is counted once typing pauses; "100+" shows till then."""


class ArticleList(ScrollView, can_focus=True):
    """Virtual list of articles for one Filter, with a cursor kept by article id."""

    BINDINGS = bindings(LIST_KEYS)
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--read",
        "article-list--dim",
        "article-list--mark",
        "article-list--star",
        "article-list--region",
        "article-list--chip",
        "article-list--story",
    }
    DEFAULT_CSS = """
    ArticleList { overflow-x: hidden; overflow-y: auto; }
    ArticleList > .article-list--cursor { background: $block-cursor-blurred-background; }
    ArticleList:focus > .article-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    ArticleList > .article-list--unread { text-style: bold; }
    ArticleList > .article-list--read { color: $text-muted; }
    ArticleList > .article-list--dim { color: $text-muted; }
    ArticleList > .article-list--mark { color: $text-accent; }
    ArticleList > .article-list--star { color: $text-warning; }
    ArticleList > .article-list--region { color: $text-error; text-style: bold; }
    ArticleList > .article-list--chip { color: $text-secondary; }
    ArticleList > .article-list--story { color: $text-accent; }
    """

    @dataclass
    class Opened(Message):
        """The user opened a row (enter or click)."""

        row: ArticleRow

    class Recounted(Message):
        """A capped count grew (the filter bar shows the new figure)."""

    def __init__(self, store: Store, clock: Clock, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock
        self.pager = Pager(store, grouped=True)
        """The rows, their cached pages and the count: the list's Textual-free model."""
        self.cursor = 0
        self.cursor_id: int | None = None
        """The article under the cursor, remembered: rows may shift under a live poll."""
        self._strips: OrderedDict[tuple[object, ...], Strip] = OrderedDict()
        self._count_timer: Timer | None = None

    # ---- data (the pager's) ----------------------------------------------------------

    @property
    def filter(self) -> Filter:
        return self.pager.filter

    @property
    def _filter(self) -> Filter:
        return self.pager.filter

    @property
    def count(self) -> int:
        return self.pager.count

    @property
    def capped(self) -> bool:
        return self.pager.capped

    @property
    def relevance(self) -> bool:
        return self.pager.relevance

    @property
    def grouped(self) -> bool:
        """One row per story (else one per report)."""
        return self.pager.grouped

    def set_grouped(self, grouped: bool, *, keep_id: int | None = None) -> None:
        """Group the list by story or flatten it, the cursor staying on ``keep_id``'s row
        (its story's row when grouping, the report itself when flattening)."""
        if self.pager.show(self.filter, grouped=grouped):
            self._strips.clear()
            self.reload(keep_id=keep_id if keep_id is not None else self.cursor_id,
                        else_top=True)

    @property
    def _pages(self) -> OrderedDict[int, list[ArticleRow]]:
        return self.pager.pages

    def set_filter(self, flt: Filter, *, keep_id: int | None = None,
                   relevance: bool | None = None) -> None:
        """Show another filter (or order): the top of the list, cursor on the first row,
        unless ``keep_id`` (the open story) is still listed, then the cursor stays on it."""
        if not self.pager.show(flt, relevance):
            self.reload(keep_id=self.cursor_id)
        elif flt.search.strip():
            self._show_search(keep_id)
        else:
            self.reload(keep_id=keep_id, else_top=True)

    def _show_search(self, keep_id: int | None) -> None:
        """A new search: the cursor on the open story only if that is on the first page
        (each keystroke is a new search: one page, then one count once typing pauses for
        ``COUNT_PAUSE``, unless another key came first)."""
        self.pager.show_first_page()
        self._set_virtual_size()
        index = self.pager.first_page_index(keep_id)
        if index is None:
            self.scroll_to(y=0, animate=False)
        self.move_to(index or 0)
        if self._count_timer is not None:
            self._count_timer.stop()
        self._count_timer = self.set_timer(COUNT_PAUSE, partial(self._count_search, self.filter))

    def _count_search(self, flt: Filter) -> None:
        """The shown search's count, once typing paused after its first page (on this thread:
        the store gathers every match here, 15-40 ms at 100k, and keeps them on this
        connection for the pages after the first)."""
        shown = self.count
        if flt != self.filter or not self.pager.finish_count():
            return  # a newer search (or a reload) came first
        # The rows on screen are the same: only the scrollbar and the filter bar change,
        # unless the count came out shorter than the page (rows to blank).
        self._set_virtual_size(repaint=self.count < shown)
        self.post_message(self.Recounted())
        if self.capped:
            self._extend_if_near_end()

    def prefetch(self, flt: Filter) -> None:
        """Read ``flt``'s first page ahead of :meth:`set_filter`; raises for a search the
        full-text index rejects."""
        self.pager.prefetch(flt)

    def reload(self, keep_id: int | None = None, *, else_top: bool = False) -> None:
        """Re-count and drop cached pages; keep the cursor on ``keep_id`` if it is listed
        (else on the same row, or with ``else_top`` on the first row, scrolled to the top)."""
        old_cursor = self.cursor
        self.pager.recount()
        index = self.pager.find(keep_id, old_cursor) if keep_id is not None else None
        if index is not None and index >= self.count:  # rows arrived while we looked
            self.pager.recount()
        self._set_virtual_size()
        if index is None and else_top:
            self.scroll_to(y=0, animate=False)
            self.move_to(0)
            return
        height = self.scrollable_content_region.height
        at_top_and_visible = self.scroll_y == 0 and index is not None and index < height
        if index is not None and index != old_cursor and not at_top_and_visible:
            # Stories arrived above: scroll by as much, so the open row does not jump.
            # (At the top with the row still in view, show the new stories instead.)
            self.scroll_to(y=max(0, self.scroll_y + index - old_cursor), animate=False)
        self.move_to(old_cursor if index is None else index)

    def row_at(self, index: int) -> ArticleRow | None:
        return self.pager.row_at(index)

    def update_row(self, row: ArticleRow) -> None:
        """Replace a cached row (after read/star changes) without re-querying the list."""
        if self.pager.update_row(row):
            self.refresh()

    @property
    def current_row(self) -> ArticleRow | None:
        return self.row_at(self.cursor)

    @property
    def current_id(self) -> int | None:
        row = self.current_row
        return row.id if row else None

    # ---- cursor --------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        self.cursor = self.pager.clamp(index)
        self.cursor_id = self.current_id
        height = self.scrollable_content_region.height or 1
        if self.cursor < self.scroll_y:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= self.scroll_y + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)
        self.refresh()
        if self.capped:
            self._extend_if_near_end()

    def _step(self, index: int) -> None:
        """j/k inside the view: repaint the cursor's old and new rows, not all of them.

        A whole list is ~45 rows through Textual's line pipeline (~4 ms a key here, more
        while a poll shares the CPU); a step changes two. Anything else (a scroll, a
        capped search's end) is :meth:`move_to`.
        """
        old, new = self.cursor, self.pager.clamp(index)
        top, height = int(self.scroll_y), self.scrollable_content_region.height
        if self.capped or not (top <= old < top + height and top <= new < top + height):
            self.move_to(index)
            return
        self.cursor = new
        self.cursor_id = self.current_id
        if new != old:
            self.refresh_lines(old)
            self.refresh_lines(new)

    def action_cursor_down(self) -> None:
        self._step(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._step(self.cursor - 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self.move_to(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        if self.pager.count_all():  # the user asked for the real end: count it all once
            self._set_virtual_size()
            self.post_message(self.Recounted())
        self.move_to(self.count - 1)

    def _extend_if_near_end(self) -> None:
        """Within a page of a capped end: count on to four times as far."""
        bottom = max(self.cursor, int(self.scroll_y) + self.scrollable_content_region.height)
        if self.pager.extend(bottom):
            self._set_virtual_size()
            self.post_message(self.Recounted())

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.capped:
            self.call_later(self._extend_if_near_end)

    def action_open(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.Opened(row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = int(self.scroll_y) + offset.y
        if 0 <= index < self.count:
            self.focus()
            self.move_to(index)
            self.action_open()

    # ---- rendering -----------------------------------------------------------------

    def _set_virtual_size(self, *, repaint: bool = True) -> None:
        size = Size(self.scrollable_content_region.width, self.count)
        if size == self.virtual_size:
            return
        # A longer or shorter list is a repaint, not a layout of the whole screen (~25 ms
        # at 160x45): Textual's own no-layout path. A scrollbar that appears or goes
        # still asks for its layout itself.
        self.set_reactive(Widget.virtual_size, size)
        self._scroll_update(size)
        if repaint:
            self.refresh()

    def on_resize(self) -> None:
        self._set_virtual_size()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        if self.count == 0:
            return self._message_line(y, width)
        row = self.row_at(index)
        if row is None:
            return Strip.blank(width, self.rich_style)
        selected = index == self.cursor
        age = relative_time(self._clock(), row.published)
        key = (row, width, selected, selected and self.has_focus, age, self._filter.topics)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = self._row_strip(row, width, selected)
            if len(self._strips) > CACHED_STRIPS:
                self._strips.popitem(last=False)
        return strip

    def notify_style_update(self) -> None:
        self._strips.clear()  # a theme or focus style changed: rows render anew
        super().notify_style_update()

    def _message_line(self, y: int, width: int) -> Strip:
        if y != 1:
            return Strip.blank(width, self.rich_style)
        if self._filter.is_empty():
            message = "  No stories yet. They appear here as feeds are polled (r polls now)."
        else:
            message = "  No stories match these filters. esc clears the last, x all, z undoes."
        text = Text(message, style=self.get_component_rich_style("article-list--dim",
                                                                 partial=True))
        return self._strip(text, width, self.rich_style)

    def _row_strip(self, row: ArticleRow, width: int, selected: bool) -> Strip:
        def style(name: str) -> Style:
            # Partial styles carry no background, so the cursor background shows through.
            return self.get_component_rich_style(name, partial=True)

        base = self.rich_style + style(
            "article-list--read" if row.read else "article-list--unread"
        )
        if selected:
            base = base + style("article-list--cursor")
        line = row_text(row, width, self._clock(), self._filter.topics, style)
        return self._strip(line, width, base)

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        text.stylize_before(base)
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = [s for s in text.render(self.app.console) if s.text != "\n"]
        styled = Segment.apply_style(segments, base)
        return Strip(styled).adjust_cell_length(width, base).simplify()
