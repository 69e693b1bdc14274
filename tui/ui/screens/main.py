"""The main screen: owns the filter (and its undo stack) and routes keys and pane messages.

Data flows down (the feed pane and the sidebar ``data_bind`` the screen's filter and open
story; the list and the reader are told); intent flows up (panes post Opened/Chosen
messages). What the keys do lives in typed helpers that hold the screen (``Poller``,
``Search``, ``ArticleActions``, ``FeedActions``, ``StoryActions``, ``Watches``). On each
key the UI thread reads only what the list needs (a page and a count: indexed, paged
queries); the feed pane's counts, the sidebar and the pickers' counts follow from
exclusive thread workers (a newer request cancels the older one), each posting a typed
message. Polling and extraction are thread workers too, each thread with its own Store
(see ``tui.ui.workers``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.message_pump import MessagePump
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, Input
from textual.worker import Worker

from tui.engine import Engine
from tui.models import Filter
from tui.store import Store
from tui.ui import messages as msg
from tui.ui.filter_state import FilterState, chosen_view
from tui.ui.format import Clock
from tui.ui.keys import FEED_KEYS, SCREEN_KEYS, bindings
from tui.ui.screens.article_actions import ArticleActions
from tui.ui.screens.feed_actions import FeedActions
from tui.ui.screens.polling import Poller
from tui.ui.screens.search import Search
from tui.ui.screens.story_actions import StoryActions
from tui.ui.screens.watches import Watches, watch_rows
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.entity_sidebar import EntitySidebar
from tui.ui.widgets.feed_list import FeedList
from tui.ui.widgets.filter_bar import FilterBar, SearchBox
from tui.ui.widgets.footer import OnceFooter
from tui.ui.widgets.panes import Panes
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.status_line import StatusLine
from tui.ui.workers import feed_counts, start_read

T = TypeVar("T")


class MainScreen(Screen[None]):
    """Feeds | list over reader | entities, with the filter bar and the status line."""

    BINDINGS = bindings(SCREEN_KEYS + tuple(replace(k, show=False) for k in FEED_KEYS))
    """Screen-wide keys; D outside the feed pane says where to use it."""

    flt: reactive[Filter] = reactive(Filter, init=False, repaint=False)
    """What the list shows; watch_flt pushes it into the panes. (The screen draws nothing
    of it: a repaint would paint every pane again, ~10 ms a search key at 160x45.)"""
    relevance: reactive[bool] = reactive(False, init=False)
    """Search results best match first (b) instead of newest first."""
    open_id: reactive[int | None] = reactive(None, init=False)
    """The story open in the reader (the sidebar shows its entities while it is)."""

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
        self.polling = False
        """A poll is running (the poller starts and ends it; tests set it)."""
        self.poller = Poller(self)
        self.search = Search(self)
        self.stories = StoryActions(self)
        self.article_actions = ArticleActions(self)
        self.feed_actions = FeedActions(self)
        self.watch_actions = Watches(self)

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(id="filter-bar")
        yield SearchBox(id="search")
        with Panes(id="panes"):
            yield FeedList(id="feeds").data_bind(MainScreen.flt)
            with Vertical(id="middle"):
                yield ArticleList(self.store, self.clock, id="articles")
                yield Reader(self.engine, self.clock,
                             auto_extract=self.auto_extract, id="reader")
            yield EntitySidebar(id="entities").data_bind(MainScreen.flt, MainScreen.open_id)
        yield StatusLine(self.clock, id="status")
        yield OnceFooter()

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
        self.show_filter_bar()
        self.articles.focus()
        # The first frame needs only the list: counts, entities and status come after it.
        self.call_after_refresh(self.refresh_chrome)
        self.set_interval(30, status.render_status)
        self.set_interval(60, self.articles.refresh)  # relative times age

    def read(self, group: str, description: str, query: Callable[[Store], T],
             result: Callable[[Worker[None], T], Message], *, to: MessagePump | None = None,
             later: bool = False) -> None:
        """A store read in an exclusive thread worker (``tui.ui.workers.start_read``)."""
        start_read(self, self.engine, group, description, query, result, to=to, later=later)

    def data_changed(self, *, together: bool = False) -> None:
        """The store changed underneath (poll, extraction): refresh, keeping the cursor.

        ``together`` (a running poll's refreshes): one worker reads the side panes, and
        the list reloads with them when they arrive, so the refresh is one frame; four
        (the list, then each pane's result) were four frames a key could wait behind.
        """
        if not together:
            self.articles.reload(keep_id=self.articles.cursor_id)
            self.refresh_chrome()
            return
        flt, watches, entities = self.flt, self.engine.watches, self.open_id is None

        def panes(store: Store) -> tuple[Any, ...]:
            return (feed_counts(store), watch_rows(store, watches), flt,
                    store.top_entities(flt, limit=40) if entities else None)

        self.read("panes", "Refreshing the panes", panes,
                  lambda worker, read: msg.PanesLoaded(worker, *read))

    def on_panes_loaded(self, loaded: msg.PanesLoaded) -> None:
        """A poll's refresh, all of it at once (one frame), between two keys while the
        poll runs (its last refresh at once)."""
        if self.polling:
            self.poller.between_keys(partial(self._show_panes, loaded))
        else:
            self._show_panes(loaded)

    def _show_panes(self, loaded: msg.PanesLoaded) -> None:
        if loaded.stale:
            return
        self.articles.reload(keep_id=self.articles.cursor_id)
        self.show_filter_bar()
        pane = self.query_one("#feeds", FeedList)
        pane.show_feeds(*loaded.counts)
        pane.show_watches(loaded.watches)
        self.query_one("#status", StatusLine).counted(loaded.counts[0])
        if loaded.entities is not None and self.open_id is None and loaded.flt == self.flt:
            self.query_one("#entities", EntitySidebar).show_entities(
                loaded.entities, "Entities · list", self.flt.entity)

    def refresh_chrome(self, *, counts: bool = True) -> None:
        """The filter bar now; the feed pane's counts and status (``counts``: they change
        with the data, not with the filter) and, with no story open, the sidebar, as soon
        as their workers have them (only the newest request of each)."""
        self.show_filter_bar()
        if counts:
            self.read("counts", "Counting unread stories", feed_counts,
                      lambda worker, c: msg.CountsLoaded(worker, *c),
                      to=self.query_one("#feeds", FeedList), later=True)
            self.watch_actions.refresh_watch_counts()
        if self.open_id is None:
            flt = self.flt
            self.read("entities", "Listing entities",
                      lambda store: store.top_entities(flt, limit=40), msg.EntitiesLoaded,
                      to=self.query_one("#entities", EntitySidebar), later=True)

    def show_filter_bar(self) -> None:
        flt = self.flt
        feed = self.store.feed(flt.feed_id) if flt.feed_id is not None else None
        self.query_one("#filter-bar", FilterBar).show(
            flt, feed.display_title if feed else None, self.articles.count,
            capped=self.articles.capped, relevance=self.relevance,
            keys=self.user_keys, grouped=self.articles.grouped)

    def on_counts_loaded(self, counts: msg.CountsLoaded) -> None:
        """The feed pane has shown them (it got the message first); now the status."""
        if not counts.stale:
            self.query_one("#status", StatusLine).counted(counts.feeds)

    # ---- filters -----------------------------------------------------------------

    def apply_filter(self, new: Filter, *, push: bool = True) -> None:
        """Show ``new``; the old filter goes on the undo stack (undo pops it)."""
        if self.filters.apply(new, push=push):
            self.flt = new

    def watch_flt(self, flt: Filter) -> None:
        """The filter is the screen's state: every change flows down into the panes."""
        self.articles.set_filter(flt, keep_id=self.open_id)
        self.refresh_chrome(counts=False)

    def action_toggle_china(self) -> None:
        self.apply_filter(replace(self.flt, china=not self.flt.china))

    def action_toggle_unread(self) -> None:
        self.apply_filter(replace(self.flt, unread=not self.flt.unread))

    def action_clear_filters(self) -> None:
        self.search.close(keep=False)
        self.apply_filter(Filter())

    def action_clear_last(self) -> None:
        """Escape, as its label says: leave the box or side pane, close the open story,
        else turn off the newest filter that is on."""
        if self.query_one("#search", SearchBox).has_focus:
            self.search.close(keep=False)
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
        self.show_filter_bar()
        if not self.flt.search.strip():
            order = "best match first" if self.relevance else "newest first"
            self.notify(f"Searches will list {order}.")

    def action_pick_topics(self) -> None:
        from tui.ui.screens.topics import pick_topics  # dialogs load when first used

        pick_topics(self)

    def action_pick_regions(self) -> None:
        from tui.ui.screens.topics import pick_regions

        pick_regions(self)

    @property
    def user_keys(self) -> dict[str, str]:
        """The remapping in force (checked by the app; refused entries left out)."""
        return dict(getattr(self.app, "user_keys", {}))

    @on(FeedList.Chosen)
    def choose_feed(self, event: FeedList.Chosen) -> None:
        feed_id = event.feed.id if event.feed is not None else None
        self.apply_filter(chosen_view(self.flt, event.kind, feed_id, event.watch))
        self.articles.focus()

    @on(EntitySidebar.Chosen)
    def choose_entity(self, event: EntitySidebar.Chosen) -> None:
        same = self.flt.entity and self.flt.entity.casefold() == event.name.casefold()
        self.apply_filter(replace(self.flt, entity=None if same else event.name))
        self._back_to_list()

    # ---- search ------------------------------------------------------------------

    def action_search(self) -> None:
        self.search.open()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search.changed(event.value)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.search.submitted(event.value)

    # ---- the open article ----------------------------------------------------------

    @on(ArticleList.Opened)
    def open_article(self, event: ArticleList.Opened) -> None:
        self.show_article(event.row.id, mark_read=True)

    def show_article(self, article_id: int, *, mark_read: bool = False) -> None:
        if mark_read:
            self.store.set_read(self.stories.read_ids(article_id), True)
        detail = self.store.article(article_id)
        if detail is None:
            return
        self.open_id = article_id
        self.articles.update_row(detail.row)
        self.reader.switch_keys = self.stories.switch_keys()
        self.reader.show(detail, story=self.stories.story_for(article_id))
        self.query_one("#entities", EntitySidebar).show_entities(
            detail.entities, "Entities · story", self.flt.entity)
        self.refresh_chrome()

    @on(ArticleList.Recounted)
    def _recounted(self) -> None:
        self.show_filter_bar()

    @on(msg.ArticleExtracted)
    def _extracted(self, event: msg.ArticleExtracted) -> None:
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
        self.poller.start(force=True)

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

    # ---- what the helpers do (they hold this screen; the keys and messages land here) ----

    def action_toggle_read(self) -> None:
        self.article_actions.toggle_read()

    def action_toggle_star(self) -> None:
        self.article_actions.toggle_star()

    def action_mark_visible_read(self) -> None:
        self.article_actions.mark_visible_read()

    def action_open_browser(self) -> None:
        self.article_actions.open_browser()

    def action_copy_link(self) -> None:
        self.article_actions.copy_link()

    def action_pick_link(self) -> None:
        self.article_actions.pick_link()

    def action_toggle_evidence(self) -> None:
        self.article_actions.toggle_evidence()

    def action_full_text(self) -> None:
        self.article_actions.full_text()

    def action_toggle_grouped(self) -> None:
        self.stories.toggle_grouped()

    def action_next_report(self) -> None:
        self.stories.next_report()

    def action_previous_report(self) -> None:
        self.stories.previous_report()

    def action_brief(self) -> None:
        self.stories.brief()

    def action_add_feed(self) -> None:
        self.feed_actions.add_feed()

    def action_remove_feed(self) -> None:
        self.feed_actions.remove_feed()

    def action_save_watch(self) -> None:
        self.watch_actions.save_watch()

    def on_feed_list_highlighted(self, event: FeedList.Highlighted) -> None:
        self.feed_actions.highlighted(event)

    def on_feed_list_remove_requested(self, event: FeedList.RemoveRequested) -> None:
        self.feed_actions.remove_requested(event)

    def on_feed_list_remove_watch_requested(self, event: FeedList.RemoveWatchRequested) -> None:
        self.watch_actions.remove_requested(event)

    def on_poll_started(self, event: msg.PollStarted) -> None:
        self.poller.started(event)

    def on_poll_progress(self, event: msg.PollProgress) -> None:
        self.poller.progress(event)

    def on_poll_finished(self, event: msg.PollFinished) -> None:
        self.poller.finished(event)
        self.watch_actions.poll_finished(event)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.poller.worker_changed(event)  # (the app reports failures)
