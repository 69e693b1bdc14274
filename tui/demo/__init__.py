"""Bundled demo feeds for ``sinowire --demo``.

The demo must work with no network at all, so four feeds (two RSS 2.0 in English, one Atom in
English, one RSS in simplified Chinese) ship as package data. Every story was written for this
project and describes no real event; links point at the ``.invalid`` TLD, which never resolves.
The stories are dated in the ten days before :data:`DEMO_AS_OF`, and they exercise every topic
and the tagger's pitfalls (Ethereum's "Shanghai" upgrade, "bone china", "data mining", …).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

__all__ = ["DEMO_AS_OF", "DEMO_FEEDS", "DemoFeed", "demo_feed_for_url", "demo_watches_toml",
           "read_demo_feed"]

DEMO_BASE_URL = "https://demo.sinowire.invalid/"
DEMO_AS_OF = datetime(2026, 11, 22, tzinfo=UTC)
"""The demo stories were written as if it were this moment; all are dated before it."""


@dataclass(frozen=True)
class DemoFeed:
    """One bundled feed: the file that holds it and the URL it pretends to live at."""

    filename: str
    title: str
    lang: str

    @property
    def url(self) -> str:
        return DEMO_BASE_URL + self.filename


DEMO_FEEDS: tuple[DemoFeed, ...] = (
    DemoFeed("chain_ledger.xml", "Chain Ledger Daily", "en"),
    DemoFeed("asia_desk.xml", "Asia Crypto Desk", "en"),
    DemoFeed("lianbao.xml", "链报快讯", "zh"),
    DemoFeed("global_wire.xml", "Global Token Wire", "en"),
)

_FILENAMES = frozenset(feed.filename for feed in DEMO_FEEDS)


def read_demo_feed(filename: str) -> bytes:
    """Return the bytes of a bundled feed, read from package data (works from a wheel or zip).

    Only the names in :data:`DEMO_FEEDS` are served, so a caller can never read other files.
    """
    if filename not in _FILENAMES:
        raise FileNotFoundError(f"no demo feed named {filename!r}")
    return resources.files(__name__).joinpath(filename).read_bytes()


def demo_feed_for_url(url: str) -> DemoFeed | None:
    """The demo feed that pretends to live at ``url``, so a demo fetcher can serve it offline."""
    return next((feed for feed in DEMO_FEEDS if feed.url == url), None)


def demo_watches_toml() -> str:
    """The demo's example ``[[watch]]`` tables (hong-kong, e-CNY), as config.toml text."""
    return resources.files(__name__).joinpath("watches.toml").read_text(encoding="utf-8")
