"""Messages that come out of worker threads (poll, extract) into the UI thread.

Widget-local intents (a feed chosen, an entity chosen…) are nested in their widgets;
these are the ones several widgets care about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.message import Message

from tui.models import FeedOutcome, UpdateReport


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
    """The poll ended: a report, or ``error`` if the poller itself failed."""

    report: UpdateReport | None
    error: str | None = None


@dataclass
class ArticleExtracted(Message):
    """Full text for ``article_id`` was fetched (``error`` says why not)."""

    article_id: int
    error: str | None = None


@dataclass
class Deliver(Message):
    """A background query finished: run ``apply`` on the UI thread (it checks staleness)."""

    apply: Callable[[], None]
