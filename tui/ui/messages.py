"""Messages that come out of worker threads (poll, extract, reads) into the UI thread.

Widget-local intents (a feed chosen, an entity chosen…) are nested in their widgets;
these are the workers' results. A read's result carries its worker: a newer request in the
same group cancelled it, and the handler drops it (``stale``), so only the newest shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.worker import Worker

from tui.models import Entity, Feed, FeedOutcome, Filter, UpdateReport

if TYPE_CHECKING:
    from tui.stories.brief import Brief
    from tui.ui.widgets.feed_list import WatchRow


@dataclass
class PollStarted(Message):
    """A poll began; ``total`` feeds may be fetched."""

    total: int


@dataclass
class PollProgress(Message):
    """One feed finished (ok, not modified, error or skipped)."""

    outcome: FeedOutcome


@dataclass
class PollFinished(Message):
    """The poll ended: its report, or None if the poll worker failed or was cancelled."""

    report: UpdateReport | None


@dataclass
class ArticleExtracted(Message):
    """Full text for ``article_id`` was fetched (``error`` says why not)."""

    article_id: int
    error: str | None = None


@dataclass
class Loaded(Message):
    """Base of the reads' results: dropped when a newer request superseded ``worker``."""

    worker: Worker[Any]

    @property
    def stale(self) -> bool:
        return self.worker.is_cancelled


@dataclass
class CountsLoaded(Loaded):
    """The feeds, their unread counts and the fixed rows' totals (all, unread, china…)."""

    feeds: list[Feed]
    unread: dict[int, int]
    totals: dict[str, int]


@dataclass
class EntitiesLoaded(Loaded):
    """The top entities of the list's filter (the sidebar with no story open)."""

    entities: list[Entity]


@dataclass
class WatchesLoaded(Loaded):
    """One row per watch, its unread count capped."""

    rows: list[WatchRow]


@dataclass
class PanesLoaded(Loaded):
    """A poll's refresh of the side panes, read at once: the feeds' counts (as
    CountsLoaded's), the watch rows, and the list's top entities for ``flt`` (None with a
    story open)."""

    counts: tuple[list[Feed], dict[int, int], dict[str, int]]
    watches: list[WatchRow]
    flt: Filter
    entities: list[Entity] | None


@dataclass
class StaleLoaded(Loaded):
    """Feed id -> how long it has been quiet, for the feeds that are."""

    quiet: dict[int, str]


@dataclass
class PickerCounts(Loaded):
    """A picker's per-choice counts (posted to the picker screen)."""

    counts: dict[str, int]


@dataclass
class BriefBuilt(Loaded):
    """The brief, or why it could not be built (posted to the brief screen)."""

    brief: Brief | str
