"""Watches on the main screen: their rows in the feed pane, saving the filter as one,
removing one, and marking the ones a poll alerted on.

A helper the main screen holds (its handlers and actions call in here). config.toml is the
source of truth: after every save or removal the engine's watches are read back from it, so
the alert stage of the next poll uses them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual.content import Content

from tui.alerts.summary import watch_summaries
from tui.alerts.watch import Watch
from tui.config import ConfigError
from tui.models import Filter, WatchScope
from tui.store import Store
from tui.text import clean_line
from tui.ui.messages import PollFinished, StaleLoaded, WatchesLoaded
from tui.ui.widgets.feed_list import FeedList, WatchRow

if TYPE_CHECKING:
    from tui.ui.screens.main import MainScreen

UNREAD_CAP = 1000
"""A watch's count stops here ("999+"): a broad watch on a huge cache stays cheap."""
HEALTH_EVERY = 60.0
"""Seconds between stale checks (a scan of every feed's newest story); a poll forces one."""


def watch_rows(store: Store, watches: Sequence[Watch]) -> list[WatchRow]:
    """A worker's read: one row per watch, in config order, counts capped."""
    return [
        WatchRow(WatchScope(s.watch.name, s.filters), min(s.unread, UNREAD_CAP),
                 capped=s.unread >= UNREAD_CAP)
        for s in watch_summaries(store, watches, unread_cap=UNREAD_CAP)
    ]


def stale_feeds(store: Store, *, stale_days: int, now: int) -> dict[int, str]:
    """A worker's read: feed id -> how long it has been quiet ("45 days"; "empty": it answers
    but has never held a story). Short: it is the second line of a narrow pane."""
    stale = {}
    for feed_id, health in store.feed_health(stale_days=stale_days, now=now).items():
        if not health.stale:
            continue
        if health.newest_item is None:
            stale[feed_id] = "empty"
        else:
            days = max(0, now - health.newest_item) // 86400
            stale[feed_id] = f"{days} day{'' if days == 1 else 's'}"
    return stale


class Watches:
    """The watch rows, saving and removing watches; MainScreen's actions call these."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._health_at: float | None = None

    @property
    def config_path(self) -> Path | None:
        """Where watches are saved: the home's config.toml (the demo's is a temp file)."""
        paths = self.screen.engine.paths
        return paths.config_file if paths is not None else None

    def refresh_watch_counts(self) -> None:
        """The watches' unread counts and (at most once a minute, or after a poll: opening a
        story changes no feed's age) the stale feeds, in workers."""
        watches, pane = self.screen.engine.watches, self.screen.query_one("#feeds", FeedList)
        self.screen.read("watches", "Counting the watches",
                         lambda store: watch_rows(store, watches), WatchesLoaded, to=pane,
                         later=True)
        self.check_health()

    def check_health(self) -> None:
        """The stale feeds, in a worker, at most once a minute or after a poll."""
        pane = self.screen.query_one("#feeds", FeedList)
        checked, moment = self._health_at, time.monotonic()
        if self.screen.demo or (checked is not None and moment - checked < HEALTH_EVERY):
            return  # (demo feeds are never polled: their age says nothing)
        self._health_at = moment
        days, now = self.screen.engine.settings.stale_days, int(self.screen.clock())
        self.screen.read("health", "Checking feed ages",
                         lambda store: stale_feeds(store, stale_days=days, now=now),
                         StaleLoaded, to=pane, later=True)

    def poll_finished(self, event: PollFinished) -> None:
        """A poll raised alerts: mark their watches (the toast is the poller's)."""
        alerts = event.report.alerts if event.report is not None else None
        if alerts is not None and alerts.marks:
            self.screen.query_one("#feeds", FeedList).mark_alerts(alerts.marks)
        self._health_at = None  # feeds answered (or not): the next refresh re-checks ages

    # ---- save --------------------------------------------------------------------

    def save_watch(self) -> None:
        from tui.ui.screens.save_watch import PREVIEW_NAME, SaveWatchScreen, watch_for

        notify = self.screen.notify
        flt = self.screen.flt
        if flt.watch is not None:
            notify(f"The list shows the watch {clean_line(flt.watch.name, 60)}: a watch "
                   "cannot hold another. Choose All or a feed, set the filters, then save.",
                   markup=False)
            return
        feed = self.screen.store.feed(flt.feed_id) if flt.feed_id is not None else None
        feed_url = feed.url if feed is not None else None
        try:
            watch_for(PREVIEW_NAME, flt, feed_url)
        except ConfigError:
            notify("Nothing to save: the list shows every story. Narrow it first "
                   "(China, topics, regions, a search, an entity or a feed), then save "
                   "it as a watch.", severity="warning")
            return
        path = self.config_path
        if path is None:
            notify("Watches are saved in config.toml, and this session has none.",
                   severity="warning")
            return

        def saved(watch: Watch | None) -> None:
            if watch is None:
                return
            self._reload_watches(path)
            if self.screen.demo:
                notify(f"Saved the watch {watch.name} to the demo's config: it is in "
                       "the feed pane (the demo never polls, so it will not alert).",
                       markup=False)
            else:
                notify(f"Saved the watch {watch.name} to {path}: it is in the feed "
                       "pane, and new stories that match it will alert.", markup=False)

        self.screen.app.push_screen(
            SaveWatchScreen(flt, feed_url=feed_url, path=path, demo=self.screen.demo,
                            taken=[w.name for w in self.screen.engine.watches]), saved)

    # ---- remove ------------------------------------------------------------------

    def remove_requested(self, event: FeedList.RemoveWatchRequested) -> None:
        name = event.name
        path = self.config_path
        if path is None:
            self.screen.notify("Watches live in config.toml, and this session has none.")
            return
        question = Content.assemble(
            "Delete the watch ", (clean_line(name, 60), "bold"),
            "? Its saved filter is taken out of config.toml; no story is deleted.")

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete_watch(name, path)

        from tui.ui.screens.confirm import ConfirmScreen

        self.screen.app.push_screen(ConfirmScreen(question, "Delete"), answered)

    def _delete_watch(self, name: str, path: Path) -> None:
        try:
            from tui.alerts.configfile import delete_watch  # the config writer: on use

            delete_watch(path, name)
        except (ConfigError, OSError) as exc:
            self.screen.notify(clean_line(str(exc), 300), severity="error", markup=False)
            return
        self._reload_watches(path)

        def gone(flt: Filter) -> bool:
            return flt.watch is not None and flt.watch.name.casefold() == name.casefold()

        self.screen.filters.history = [f for f in self.screen.filters.history if not gone(f)]
        if gone(self.screen.flt):
            self.screen.apply_filter(replace(self.screen.flt, watch=None), push=False)
        self.screen.notify(f"Deleted the watch {name}", markup=False)

    def _reload_watches(self, path: Path) -> None:
        """The engine's watches, read back from the file just edited; then the pane."""
        try:
            from tui.alerts.configfile import load_watch_config

            watches, _notify = load_watch_config(path)
        except ConfigError as exc:
            self.screen.notify(clean_line(str(exc), 300), severity="error", markup=False)
        else:
            self.screen.engine.watches = tuple(watches)
        self.refresh_watch_counts()
