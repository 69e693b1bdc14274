"""Shared checks for the hostile tests: what "display-safe" and "safe HTML" mean, in code.

One definition, used by the corpus run, the case tests and the property tests, so every
test asserts exactly the same thing about what may reach the terminal or a stored body.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import lxml.html
import pytest

from tui.models import ArticleDetail
from tui.store import Store

# C0 except TAB and LF, DEL, C1, bidi embedding/override and isolate controls.
FORBIDDEN = frozenset(
    [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0),
     *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_SCRIPT = re.compile(r"<\s*script", re.IGNORECASE)
_HANDLER = re.compile(r"<[^>]*\son\w+\s*=", re.IGNORECASE)
_JS_SCHEME = re.compile(r"^\s*(?:java|vb)script\s*:", re.IGNORECASE)

LONG = os.environ.get("SINOWIRE_LONG") == "1"
slow = pytest.mark.slow
long_only = pytest.mark.skipif(not LONG, reason="long mode only (set SINOWIRE_LONG=1)")


def bad_chars(text: str | None) -> list[str]:
    """The forbidden code points in ``text``, as U+XXXX strings (empty when clean)."""
    if not text:
        return []
    return [f"U+{ord(ch):04X}" for ch in text if ord(ch) in FORBIDDEN]


def html_problems(html: str) -> list[str]:
    """What makes stored HTML unsafe: script elements, on* attributes, script: URLs."""
    if not html:
        return []
    problems: list[str] = []
    if _SCRIPT.search(html):
        problems.append("<script in raw html")
    if _HANDLER.search(html):
        problems.append("on*= handler inside a tag")
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception as exc:  # unparseable stored HTML is itself a finding
        return [*problems, f"stored html does not parse: {type(exc).__name__}"]
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag.lower() in ("script", "iframe", "object", "embed", "base", "meta"):
            problems.append(f"<{element.tag}> element")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"{name}= attribute")
            if _JS_SCHEME.match(value or ""):
                problems.append(f"{name}={value[:40]!r}")
            if name.lower() in ("href", "src") and value and not is_http(value):
                problems.append(f"non-http {name}={value[:60]!r}")
    return problems


def is_http(url: str | None) -> bool:
    if url is None:
        return True
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def display_fields(detail: ArticleDetail) -> Iterator[tuple[str, str]]:
    """Every stored string the UI shows for an article, with a name for messages."""
    row = detail.row
    yield "title", row.title
    yield "author", row.author
    yield "feed_title", row.feed_title
    yield "summary", detail.summary
    yield "content_text", detail.content_text
    if detail.extracted_text:
        yield "extracted_text", detail.extracted_text
    if detail.extract_error:
        yield "extract_error", detail.extract_error
    for entity in detail.entities:
        yield "entity", entity.name
    for evidence in detail.evidence:
        yield "evidence.term", evidence.term
        yield "evidence.entity", evidence.entity
    for topic in row.topics:
        yield "topic", topic


def article_problems(detail: ArticleDetail) -> list[str]:
    """Everything wrong with one stored article, for display and for opening links."""
    problems = [f"{name}: {bad_chars(value)[:5]}"
                for name, value in display_fields(detail) if bad_chars(value)]
    problems += [f"content_html: {p}" for p in html_problems(detail.content_html)]
    if not is_http(detail.row.url):
        problems.append(f"url not http(s): {detail.row.url!r:.80}")
    return problems


def stored_problems(store: Store, feed_id: int) -> list[str]:
    """Check a feed row and every article stored for it."""
    problems: list[str] = []
    feed = store.feed(feed_id)
    assert feed is not None
    for name, value in (("feed.title", feed.title), ("feed.last_error", feed.last_error)):
        if bad_chars(value):
            problems.append(f"{name}: {bad_chars(value)[:5]}")
    if not is_http(feed.site_url):
        problems.append(f"feed.site_url not http(s): {feed.site_url!r:.80}")
    ids = [r[0] for r in store.db.conn.execute(
        "SELECT id FROM articles WHERE feed_id = ? ORDER BY id", (feed_id,))]
    for article_id in ids:
        detail = store.article(article_id)
        assert detail is not None
        problems += [f"article {article_id} {p}" for p in article_problems(detail)]
    return problems

