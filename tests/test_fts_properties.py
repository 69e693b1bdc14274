"""Property tests: any text the user types becomes a valid FTS query, never an error."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.store.fts import build_query, index_text
from tui.store.sqlite import sqlite3
from tui.text import clean_line, clean_text, safe_url

_DB = sqlite3.connect(":memory:")
_DB.execute("CREATE VIRTUAL TABLE t USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2')")
_DB.execute("INSERT INTO t (body) VALUES (?)", (index_text("香港 bitcoin e-CNY 比特币"),))

FORBIDDEN = set(range(0x00, 0x09)) | set(range(0x0B, 0x20)) | set(range(0x7F, 0xA0)) | set(
    range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_query_is_valid_fts(text: str) -> None:
    query = build_query(text)
    if query is not None:
        _DB.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,)).fetchall()


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_sanitised_text_has_no_terminal_controls(text: str) -> None:
    for cleaned in (clean_text(text), clean_line(text)):
        assert not any(ord(ch) in FORBIDDEN for ch in cleaned)
        assert clean_text(cleaned) == cleaned  # idempotent
    assert "\n" not in clean_line(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_safe_url_only_returns_http_urls(text: str) -> None:
    url = safe_url(text)
    if url is not None:
        assert url.lower().startswith(("http://", "https://"))
        assert not any(ch.isspace() for ch in url)
