"""The XML reader feedparser's strict parser gets: Python's expat reader, text buffered.

Unbuffered, expat hands feedparser character data in pieces split at every entity reference
and line end; an entry body escaped as ``&lt;p&gt;…`` arrives in a hundred pieces, each a
call through feedparser's handlers. With ``buffer_text`` the same characters come in one
piece per run of text (events stay in order: the buffer is flushed before any other), and
feedparser joins the pieces anyway, so what it returns is the same. xml.sax.make_parser finds
this module by name through ``feedparser.api.PREFERRED_XML_PARSERS``.
"""

from __future__ import annotations

from typing import Any
from xml.sax.expatreader import ExpatParser


class BufferedExpatParser(ExpatParser):
    """ExpatParser whose expat parser buffers character data."""

    def reset(self) -> None:
        super().reset()
        self._parser.buffer_text = True  # type: ignore[attr-defined]  # set by reset()


def create_parser(*args: Any, **kwargs: Any) -> BufferedExpatParser:
    """The factory xml.sax.make_parser calls."""
    return BufferedExpatParser(*args, **kwargs)


__all__ = ["BufferedExpatParser", "create_parser"]
