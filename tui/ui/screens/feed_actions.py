"""Feed management on the main screen: subscribe, unsubscribe (confirmed), feed status.

A helper the main screen holds: its actions and the feed pane's messages call in here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual.content import Content

from tui.models import Feed
from tui.text import clean_line
from tui.ui.widgets.feed_list import FeedList
from tui.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from tui.ui.screens.main import MainScreen


class FeedActions:
    """Subscribing and unsubscribing; MainScreen's actions and handlers call these."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def add_feed(self) -> None:
        def added(feed: Feed | None) -> None:
            if feed is None:
                return
            self.screen.refresh_chrome()
            self.screen.notify(f"Subscribed to {clean_line(feed.url, 100)}", markup=False)
            if not self.screen.demo:
                self.screen.poller.start(force=True, feeds=[feed])

        from tui.ui.screens.add_feed import AddFeedScreen  # dialogs load when first used

        self.screen.app.push_screen(AddFeedScreen(self.screen.store), added)

    def highlighted(self, event: FeedList.Highlighted) -> None:
        """Show the highlighted feed's last error and next poll in the status line."""
        status = self.screen.query_one("#status", StatusLine)
        status.feed = event.feed
        status.render_status()

    def remove_feed(self) -> None:
        """D pressed outside the feed pane (the pane's own binding handles it there)."""
        self.screen.notify("D removes the feed highlighted in the feed pane: go there with "
                           "shift+tab (or [ to show it), highlight a feed, then press D.")

    def remove_requested(self, event: FeedList.RemoveRequested) -> None:
        feed = event.feed
        question = Content.assemble(
            "Unsubscribe from ", (clean_line(feed.display_title, 80), "bold"),
            " and delete its stories (starred ones too)?")

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(feed)

        from tui.ui.screens.confirm import ConfirmScreen

        self.screen.app.push_screen(ConfirmScreen(question, "Remove"), answered)

    def _remove(self, feed: Feed) -> None:
        screen = self.screen
        screen.store.remove_feed(feed.id)
        screen.query_one("#status", StatusLine).feed = None
        screen.filters.history = [f for f in screen.filters.history if f.feed_id != feed.id]
        if screen.flt.feed_id == feed.id:
            screen.apply_filter(replace(screen.flt, feed_id=None), push=False)
        if screen.open_id is not None and screen.store.article_row(screen.open_id) is None:
            screen.open_id = None
            screen.reader.show(None)
        screen.data_changed()
        screen.notify(f"Removed {clean_line(feed.display_title, 80)}", markup=False)
