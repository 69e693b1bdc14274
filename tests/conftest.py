"""Shared fixtures: a temporary home, a real SQLite store, feed documents built in code."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from tests.conftest_http import Handler, RawServer
from tui.config import Settings
from tui.models import Article, Entity, Tags
from tui.store import Store

os.environ.setdefault("TEXTUAL", "")  # never inherit a developer's devtools setting


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """SINOWIRE_HOME pointing at an empty folder, so nothing touches the real user dirs."""
    monkeypatch.setenv("SINOWIRE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "test.db") as opened:
        yield opened


@pytest.fixture
def settings() -> Settings:
    return Settings(connect_timeout=2.0, read_timeout=2.0, deadline=5.0, parse_timeout=10.0)


def plain_tagger(article: Article) -> Tags:
    """A predictable tagger for store tests: 'china' in the title means CN."""
    china = "china" in article.title.lower()
    return Tags(
        china=china,
        china_score=0.9 if china else 0.0,
        regions=frozenset({"CN"}) if china else frozenset(),
        topics=frozenset({"mining"}) if "mining" in article.title.lower() else frozenset(),
        entities=(Entity("Bitmain", "ORG", 1),) if "bitmain" in article.title.lower() else (),
    )


def rss(items: list[dict[str, str]], *, title: str = "Test Feed") -> bytes:
    """An RSS 2.0 document; item keys: guid, title, link, description, date (ISO)."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>https://example.test/</link>",
    ]
    for item in items:
        parts.append("<item>")
        if "guid" in item:
            parts.append(f"<guid isPermaLink=\"false\">{escape(item['guid'])}</guid>")
        parts.append(f"<title>{escape(item.get('title', 'Untitled'))}</title>")
        if "link" in item:
            parts.append(f"<link>{escape(item['link'])}</link>")
        if "description" in item:
            parts.append(f"<description>{escape(item['description'])}</description>")
        if "date" in item:
            when = datetime.fromisoformat(item["date"]).replace(tzinfo=UTC)
            parts.append(f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")


def make_items(count: int, prefix: str = "item", start: int = 0) -> list[dict[str, str]]:
    return [
        {
            "guid": f"{prefix}-{n}",
            "title": f"Story {n} about {prefix}",
            "link": f"https://example.test/{prefix}/{n}",
            "description": f"<p>Paragraph for story {n}.</p>",
            "date": f"2026-11-{1 + n % 20:02d}T{n % 24:02d}:00:00",
        }
        for n in range(start, start + count)
    ]


@pytest.fixture
def raw_server() -> Iterator[Callable[[Handler], RawServer]]:
    """Factory: ``raw_server(handler)`` starts a server that is closed after the test."""
    servers: list[RawServer] = []

    def start(handler: Handler) -> RawServer:
        server = RawServer(handler)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
