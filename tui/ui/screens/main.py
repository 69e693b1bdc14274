"""The main screen: owns the filter (and its undo stack) and routes pane messages.

Data flows down (the screen pushes the Filter and the open article into the panes);
intent flows up (panes post Opened/Chosen messages). On each key the UI thread reads
only what the list needs (a page and a count: indexed, paged queries); the feed pane's
counts, the sidebar and the pickers' counts follow from exclusive thread workers (a newer
request cancels the older one), each posting a typed message. Polling and extraction are
thread workers too, each thread with its own Store (see ``tui.ui.workers``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.message_pump import MessagePump
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Input
from textual.worker import Worker, get_current_worker

from tui.engine import Engine
from tui.models import REGIONS, TOPICS, Feed, Filter
from tui.store import Store
from tui.ui.filter_state import FilterState
from tui.ui.format import Clock
from tui.ui.keys import BY_ID, FEED_KEYS, SCREEN_KEYS, bindings
from tui.ui.messages import ArticleExtracted, CountsLoaded, EntitiesLoaded, PickerCounts
from tui.ui.screens.article_actions import ArticleActionsMixin
from tui.ui.screens.feed_actions import FeedActionsMixin
from tui.ui.screens.polling import PollingMixin
from tui.ui.screens.story_actions import StoryActionsMixin
from tui.ui.screens.watches import WatchActionsMixin
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.entity_sidebar import EntitySidebar
from tui.ui.widgets.feed_list import WATCH_PREFIX, FeedList
from tui.ui.widgets.filter_bar import FilterBar, SearchBox
from tui.ui.widgets.panes import Panes
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.status_line import StatusLine
from tui.ui.workers import read_store

T = TypeVar("T")


class MainScreen(ArticleActionsMixin, FeedActionsMixin, WatchActionsMixin, PollingMixin,
                 StoryActionsMixin, Screen[None]):
    """Feeds | list over reader | entities, with the filter bar and the status line."""

    BINDINGS = bindings(SCREEN_KEYS + tuple(replace(k, show=False) for k in FEED_KEYS))
    """Screen-wide keys; D outside the feed pane says where to use it."""

    flt: reactive[Filter] = reactive(Filter, init=False)
    """What the list shows; watch_flt pushes it into the panes."""
    relevance: reactive[bool] = reactive(False, init=False)
    """Search results best match first (b) instead of newest first."""

    def __init__(self, engine: Engine, store: Store, clock: Clock, *,
                 auto_extract: bool, cancel_event: threading.Event) -> None:
        super().__init__()
        self.engine = engine
        self.store = store
        self.settings = engine.settings
        self.db_path = engine.db_path
        self.clock = clock
        self.demo = engine.demo
        self.auto_extract = auto_extract
        self.cancel_event = cancel_event
        self.filters = FilterState()
        """The filter, its undo stack and which of its fields escape clears next."""
        self.open_id: int | None = None
        self._search_base: Filter | None = None
        self._search_pushed = False
        self._counts: CountsLoaded | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(id="filter-bar")
        yield SearchBox(id="search")
        with Panes(id="panes"):
            yield FeedList(id="feeds")
            with Vertical(id="middle"):
                yield ArticleList(self.store, self.clock, id="articles")
                yield Reader(self.engine, self.clock,
                             auto_extract=self.auto_extract, id="reader")
            yield EntitySidebar(id="entities")
        yield StatusLine(self.clock, id="status")
        yield Footer()

    # ---- panes -------------------------------------------------------------------

    @property
    def articles(self) -> ArticleList:
        return self.query_one("#articles", ArticleList)

    @property
    def reader(self) -> Reader:
        return self.query_one("#reader", Reader)

    def on_mount(self) -> None:
        self.query_one("#feeds", FeedList).border_title = "Feeds"
        self.articles.border_title = "Stories"
        self.reader.border_title = "Story"
        status = self.query_one("#status", StatusLine)
        status.demo = self.demo
        self.articles.set_filter(self.flt)
        self._show_filter_bar()
        self.articles.focus()
        # The first frame needs only the list: counts, entities and status come after it.
        self.call_after_refresh(self.refresh_chrome)
        self.set_interval(30, status.render_status)
        self.set_interval(60, self.articles.refresh)  # relative times age

    def read(self, group: str, description: str, query: Callable[[Store], T],
             result: Callable[[Worker[None], T], Message], *, to: MessagePump | None = None,
             later: bool = False) -> None:
        """Run ``query`` in a thread worker of ``group`` (exclusive: a newer request
        cancels this one) and post ``result(worker, value)`` to ``to`` (this screen).
        ``later``: start once the UI has painted what it has, so the two do not share
        the CPU. Failures go to the app's ``on_worker_state_changed``."""
        engine, target = self.engine, to or self

        def work() -> None:
            value = read_store(engine, query)
            worker = get_current_worker()
            if not worker.is_cancelled:
                target.post_message(result(worker, value))

        def start() -> None:
            self.run_worker(work, name=group, group=group, description=description,
                            thread=True, exclusive=True, exit_on_error=False)

        if later:
            self.call_after_refresh(start)
        else:
            start()

    def data_changed(self) -> None:
        """The store changed underneath (poll, extraction): refresh, keeping the cursor."""
        self.articles.reload(keep_id=self.articles.cursor_id)
        self.refresh_chrome()

    def refresh_chrome(self, *, counts: bool = True) -> None:
        """The filter bar now; the feed pane's counts and status (``counts``: they change
        with the data, not with the filter) and, with no story open, the sidebar, as soon
        as the background reader has them (only the newest request of each)."""
        self._show_filter_bar()
        if counts:
            self.read("counts", "Counting unread stories", _counts,
                      lambda worker, c: CountsLoaded(worker, *c), later=True)
            self.refresh_watch_counts()
        if self.open_id is None:
            flt = self.flt
            self.read("entities", "Listing entities",
                      lambda store: store.top_entities(flt, limit=40), EntitiesLoaded,
                      later=True)

    def _show_filter_bar(self) -> None:
        flt = self.flt
        feed = self.store.feed(flt.feed_id) if flt.feed_id is not None else None
        self.query_one("#filter-bar", FilterBar).show(
            flt, feed.display_title if feed else None, self.articles.count,
            capped=self.articles.capped, relevance=self.relevance,
            keys=self.user_keys, grouped=self.articles.grouped)

    def on_counts_loaded(self, counts: CountsLoaded) -> None:
        if counts.stale:
            return
        feeds = counts.feeds
        self._counts = counts
        self.query_one("#feeds", FeedList).show_feeds(feeds, counts.unread, counts.totals,
                                                      self._selected())
        status = self.query_one("#status", StatusLine)
        status.failing = sum(1 for f in feeds if f.last_error)
        if status.last_update is None:
            status.last_update = max((f.last_success or 0 for f in feeds), default=0) or None
        status.render_status()

    def on_entities_loaded(self, loaded: EntitiesLoaded) -> None:
        if self.open_id is None and not loaded.stale:
            self.query_one("#entities", EntitySidebar).show_entities(
                loaded.entities, "Entities · list", self.flt.entity)

    def _selected(self) -> str:
        flt = self.flt
        if flt.watch is not None:
            return WATCH_PREFIX + flt.watch.name
        if flt.feed_id is not None:
            return f"feed-{flt.feed_id}"
        if flt.starred:
            return "starred"
        if flt.china:
            return "china"
        return "unread" if flt.unread else "all"

    # ---- filters -----------------------------------------------------------------

    def apply_filter(self, new: Filter, *, push: bool = True) -> None:
        """Show ``new``; the old filter goes on the undo stack (undo pops it)."""
        if self.filters.apply(new, push=push):
            self.flt = new

    def watch_flt(self, flt: Filter) -> None:
        """The filter is the screen's state: every change flows down into the panes."""
        self.articles.set_filter(flt, keep_id=self.open_id)
        self.refresh_chrome(counts=False)
        counts = self._counts
        if counts is not None:  # the feed pane marks the chosen view
            self.query_one("#feeds", FeedList).show_feeds(counts.feeds, counts.unread,
                                                          counts.totals, self._selected())

    def action_toggle_china(self) -> None:
        self.apply_filter(replace(self.flt, china=not self.flt.china))

    def action_toggle_unread(self) -> None:
        self.apply_filter(replace(self.flt, unread=not self.flt.unread))

    def action_clear_filters(self) -> None:
        self._close_search(keep=False)
        self.apply_filter(Filter())

    def action_clear_last(self) -> None:
        """Escape, as its label says: leave the box or side pane, close the open story,
        else turn off the newest filter that is on."""
        if self.query_one("#search", SearchBox).has_focus:
            self._close_search(keep=False)
        elif isinstance(self.focused, FeedList | EntitySidebar):
            self._back_to_list()  # esc leaves a side pane first
        elif self.open_id is not None:
            self.open_id = None
            self.reader.show(None)
            self.articles.focus()
            self.refresh_chrome(counts=False)
        elif self.filters.clear_last() is not None:
            self.flt = self.filters.current

    def action_undo(self) -> None:
        if self.filters.undo():
            self.flt = self.filters.current
        else:
            self.notify("Nothing to undo.")

    def action_toggle_relevance(self) -> None:
        self.relevance = not self.relevance
        self.articles.set_filter(self.flt, keep_id=self.open_id, relevance=self.relevance)
        self._show_filter_bar()
        if not self.flt.search.strip():
            order = "best match first" if self.relevance else "newest first"
            self.notify(f"Searches will list {order}.")

    def action_pick_topics(self) -> None:
        from tui.ui.screens.topics import PickerScreen  # dialogs load when first used

        names = list(TOPICS) + sorted(t for t in self.settings.user_topics if t not in TOPICS)
        picker = PickerScreen("Topics (any of)", names, self.flt.topics,
                              apply_key=self._key_for("topics"), keys=self.user_keys)
        self.app.push_screen(
            picker, lambda chosen: self._picked("topics", chosen))
        flt = self.flt  # the counts (a scan of the filtered list) follow the open picker
        self.read("picker", "Counting topics", lambda store: store.topic_counts(flt),
                  PickerCounts, to=picker)

    def action_pick_regions(self) -> None:
        from tui.ui.screens.topics import PickerScreen

        picker = PickerScreen("Regions (any of; TW is never folded into China)", list(REGIONS),
                              self.flt.regions, apply_key=self._key_for("regions"),
                              keys=self.user_keys)
        self.app.push_screen(picker, lambda chosen: self._picked("regions", chosen))
        flt = self.flt
        self.read("picker", "Counting regions", lambda store: {
            r: store.count_articles(replace(flt, regions=frozenset({r}))) for r in REGIONS
        }, PickerCounts, to=picker)

    @property
    def user_keys(self) -> dict[str, str]:
        """The remapping in force (checked by the app; refused entries left out)."""
        return dict(getattr(self.app, "user_keys", {}))

    def _key_for(self, binding_id: str) -> str:
        return self.user_keys.get(binding_id, BY_ID[binding_id].keys).split(",")[0]

    def _picked(self, field: str, chosen: frozenset[str] | None) -> None:
        if chosen is not None:
            changes: dict[str, Any] = {field: chosen}
            self.apply_filter(replace(self.flt, **changes))

    @on(FeedList.Chosen)
    def choose_feed(self, event: FeedList.Chosen) -> None:
        base = replace(self.flt, feed_id=None, starred=False, china=False, unread=False,
                       watch=None)
        if event.kind == "feed" and event.feed is not None:
            base = replace(base, feed_id=event.feed.id)
        elif event.kind == "watch":  # narrowed by the watch, composed with the filters on
            base = replace(base, watch=event.watch)
        elif event.kind in ("unread", "china", "starred"):
            flags: dict[str, Any] = {event.kind: True}
            base = replace(base, **flags)
        self.apply_filter(base)
        self.articles.focus()

    @on(EntitySidebar.Chosen)
    def choose_entity(self, event: EntitySidebar.Chosen) -> None:
        same = self.flt.entity and self.flt.entity.casefold() == event.name.casefold()
        self.apply_filter(replace(self.flt, entity=None if same else event.name))
        self._back_to_list()

    # ---- search ------------------------------------------------------------------

    def action_search(self) -> None:
        box = self.query_one("#search", SearchBox)
        if self._search_base is None:
            self._search_base = self.flt
            self._search_pushed = False
        box.add_class("-active")
        box.value = self.flt.search
        box.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        # No fixed debounce: the newest text is searched as soon as the keys queued so far
        # are handled (a key typed meanwhile makes the older callback a no-op), and the
        # character and the results are painted in one frame.
        self.call_later(self._run_search, event.value)

    def _run_search(self, text: str) -> None:
        box = self.query_one("#search", SearchBox)
        if self._search_base is None or text != box.value or text == self.flt.search:
            return
        new = replace(self.flt, search=text)
        try:
            self.articles.precount(new)  # also the validity check: one query, not two
        except sqlite3.OperationalError:  # FTS syntax the index rejects
            box.add_class("-invalid")
            return
        box.remove_class("-invalid")
        # One undo step per search session, not one per keystroke.
        self.apply_filter(new, push=not self._search_pushed)
        self._search_pushed = True

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._run_search(event.value)
        self._close_search(keep=True)

    def _close_search(self, *, keep: bool) -> None:
        box = self.query_one("#search", SearchBox)
        self._search_base = None
        box.remove_class("-active")
        if not keep and self.flt.search:  # "esc to clear" clears, it does not restore
            self.apply_filter(replace(self.flt, search=""), push=not self._search_pushed)
        self.articles.focus()

    # ---- the open article ----------------------------------------------------------

    @on(ArticleList.Opened)
    def open_article(self, event: ArticleList.Opened) -> None:
        self.show_article(event.row.id, mark_read=True)

    def show_article(self, article_id: int, *, mark_read: bool = False) -> None:
        if mark_read:
            self.store.set_read(self.read_ids(article_id), True)
        detail = self.store.article(article_id)
        if detail is None:
            return
        self.open_id = article_id
        self.articles.update_row(detail.row)
        self.reader.switch_keys = self.switch_keys()
        self.reader.show(detail, story=self.story_for(article_id))
        self.query_one("#entities", EntitySidebar).show_entities(
            detail.entities, "Entities · story", self.flt.entity)
        self.refresh_chrome()

    @on(ArticleList.Recounted)
    def _recounted(self) -> None:
        self._show_filter_bar()

    @on(ArticleExtracted)
    def _extracted(self, event: ArticleExtracted) -> None:
        self.reader.extracted(self.store.article(event.article_id), event.error)

    def action_open_next(self) -> None:
        self.articles.action_cursor_down()
        self.articles.action_open()

    def action_open_previous(self) -> None:
        self.articles.action_cursor_up()
        self.articles.action_open()

    def action_reader_page(self) -> None:
        if self.open_id is None:
            self.articles.action_open()
        else:
            self.reader.scroll_page_down(animate=False)

    def action_refresh(self) -> None:
        self.start_poll(force=True)

    def action_focus_entities(self) -> None:
        self.query_one(Panes).pop_sidebar()  # on a narrow terminal: for this pick only
        self.query_one("#entities", EntitySidebar).focus()

    def _back_to_list(self) -> None:
        self.query_one(Panes).restore()
        self.articles.focus()

    def action_toggle_feeds(self) -> None:
        self.query_one(Panes).toggle("feeds")

    def action_toggle_sidebar(self) -> None:
        self.query_one(Panes).toggle("entities")

    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.user_keys))



Counts = tuple[list[Feed], dict[int, int], dict[str, int]]


def _counts(store: Store) -> Counts:
    """Background: the feeds and the feed pane's unread counts."""
    feeds = store.feeds()
    unread = store.unread_counts()
    totals = {
        "all": sum(unread.values()),
        "unread": sum(unread.values()),
        "china": store.count_articles(Filter(china=True, unread=True)),
        "starred": store.count_articles(Filter(starred=True)),
    }
    return feeds, unread, totals
