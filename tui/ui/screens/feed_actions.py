"""Feed management on the main screen: subscribe, unsubscribe (confirmed), feed status.

A mixin with ``on_*`` handlers (Textual collects ``@on`` only from message pumps).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.content import Content

from tui.models import Feed, Filter
from tui.store import Store
from tui.text import clean_line
from tui.ui.widgets.feed_list import FeedList
from tui.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from tui.ui.filter_state import FilterState

if TYPE_CHECKING:
    from tui.ui.widgets.reader import Reader


class FeedActionsMixin:
    """Needs the screen's store, filter state and refresh methods."""

    store: Store
    demo: bool
    flt: Filter
    filters: FilterState
    open_id: int | None
    if TYPE_CHECKING:  # the screen's pane, a read-only property on MainScreen

        @property
        def reader(self) -> Reader: ...

    app: Any
    query_one: Any
    notify: Any
    refresh_chrome: Callable[[], None]
    data_changed: Callable[[], None]
    apply_filter: Callable[..., None]
    start_poll: Callable[..., bool]

    def action_add_feed(self) -> None:
        def added(feed: Feed | None) -> None:
            if feed is None:
                return
            self.refresh_chrome()
            self.notify(f"Subscribed to {clean_line(feed.url, 100)}", markup=False)
            if not self.demo:
                self.start_poll(force=True, feeds=[feed])

        from tui.ui.screens.add_feed import AddFeedScreen  # dialogs load when first used

        self.app.push_screen(AddFeedScreen(self.store), added)

    def on_feed_list_highlighted(self, event: FeedList.Highlighted) -> None:
        """Show the highlighted feed's last error and next poll in the status line."""
        status = self.query_one("#status", StatusLine)
        status.feed = event.feed
        status.render_status()

    def action_remove_feed(self) -> None:
        """D pressed outside the feed pane (the pane's own binding handles it there)."""
        self.notify("D removes the feed highlighted in the feed pane: go there with "
                    "shift+tab (or [ to show it), highlight a feed, then press D.")

    def on_feed_list_remove_requested(self, event: FeedList.RemoveRequested) -> None:
        feed = event.feed
        question = Content.assemble(
            "Unsubscribe from ", (clean_line(feed.display_title, 80), "bold"),
            " and delete its stories (starred ones too)?")

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(feed)

        from tui.ui.screens.confirm import ConfirmScreen

        self.app.push_screen(ConfirmScreen(question, "Remove"), answered)

    def _remove(self, feed: Feed) -> None:
        self.store.remove_feed(feed.id)
        self.query_one("#status", StatusLine).feed = None
        self.filters.history = [f for f in self.filters.history if f.feed_id != feed.id]
        if self.flt.feed_id == feed.id:
            self.apply_filter(replace(self.flt, feed_id=None), push=False)
        if self.open_id is not None and self.store.article_row(self.open_id) is None:
            self.open_id = None
            self.reader.show(None)
        self.data_changed()
        self.notify(f"Removed {clean_line(feed.display_title, 80)}", markup=False)
