"""feedparser's strict parser reads through the buffered expat driver, and the text is whole."""

from __future__ import annotations

import io
import xml.sax
from xml.sax.handler import ContentHandler

import feedparser
import feedparser.api

import tui.feeds.parse  # noqa: F401  (registers the driver)
from tui.feeds.saxdriver import BufferedExpatParser


class _Pieces(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []

    def characters(self, content: str) -> None:
        self.pieces.append(content)


def test_feedparser_gets_the_buffered_reader() -> None:
    reader = xml.sax.make_parser(feedparser.api.PREFERRED_XML_PARSERS)
    assert isinstance(reader, BufferedExpatParser)


def test_escaped_markup_arrives_in_one_piece() -> None:
    reader = xml.sax.make_parser(feedparser.api.PREFERRED_XML_PARSERS)
    handler = _Pieces()
    reader.setContentHandler(handler)
    reader.parse(io.BytesIO(b"<d>&lt;p&gt;a &amp; b&lt;/p&gt;\nline two</d>"))
    assert handler.pieces == ["<p>a & b</p>\nline two"]


def test_a_feed_still_parses_strictly() -> None:
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T &amp; U</title>'
            b"<item><title>A</title><description>&lt;p&gt;x&lt;/p&gt;</description></item>"
            b"</channel></rss>")
    parsed = feedparser.parse(io.BytesIO(body))
    assert not parsed.bozo
    assert parsed.feed.title == "T & U"
    assert parsed.entries[0].summary == "<p>x</p>"
