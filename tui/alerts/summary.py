"""What the feed pane and ``sinowire watches`` show for each watch, in one call.

The UI lists watches as virtual feeds with an unread count and a mark for new alerts;
the CLI prints the same numbers. Both ask here so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui.alerts.watch import Watch
from tui.models import Filter
from tui.store import Store


@dataclass(frozen=True)
class WatchSummary:
    watch: Watch
    filters: tuple[Filter, ...]  # pass to store.watch_articles() to list the watch
    unread: int
    last_match: int | None  # publication time of the newest matching article
    alerts: int  # alerts ever sent for this watch
    last_alert: int | None


def watch_summaries(store: Store, watches: Sequence[Watch], *, unread_cap: int | None = None
                    ) -> list[WatchSummary]:
    """One summary per watch, in config order. ``unread_cap`` bounds each count."""
    feed_ids = {feed.url: feed.id for feed in store.feeds()}
    stats = store.watch_alert_stats()
    summaries = []
    for watch in watches:
        filters = tuple(watch.to_filters(feed_ids))
        count, last_alert = stats.get(watch.name, (0, None))
        summaries.append(WatchSummary(
            watch=watch, filters=filters,
            unread=store.watch_unread(filters, cap=unread_cap),
            last_match=store.watch_last_match(filters),
            alerts=count, last_alert=last_alert,
        ))
    return summaries
