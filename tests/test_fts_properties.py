"""Property tests: any text the user types becomes a valid FTS query, never an error."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import plain_tagger
from tests.engine_helpers import save_articles
from tui.models import Article, Filter
from tui.store import Store, search_index
from tui.store.fts import build_query, index_text
from tui.store.sqlite import sqlite3
from tui.text import clean_line, clean_text, safe_url

_DB = sqlite3.connect(":memory:")
_DB.execute("CREATE VIRTUAL TABLE t USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2')")
_DB.execute("INSERT INTO t (body) VALUES (?)", (index_text("香港 bitcoin e-CNY 比特币"),))
# The table exactly as the store makes it (prefix indexes, contentless_delete if available).
_DB.execute(search_index.create_sql())
_DB.execute("INSERT INTO articles_fts (rowid, title, summary, body) VALUES (1, '', '', ?)",
            (index_text("香港 bitcoin e-CNY 比特币"),))

NOW = int(time.time())
FORBIDDEN = set(range(0x00, 0x09)) | set(range(0x0B, 0x20)) | set(range(0x7F, 0xA0)) | set(
    range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_query_is_valid_fts(text: str) -> None:
    query = build_query(text)
    if query is not None:
        _DB.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,)).fetchall()
        _DB.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?",
                    (query,)).fetchall()


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


# Search as you type, by class of text: Latin words, Chinese runs, words with digits and
# diacritics, mixed. Every prefix typed of a word in a story finds that story (one letter
# and one Chinese character included), and after retention removes the story none does.
LATIN = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéü", min_size=1, max_size=9)
CHINESE = st.text(alphabet="香港比特币监管中国交易所矿", min_size=1, max_size=5)
DIGITS = st.from_regex(r"[a-z]{1,4}[0-9]{1,3}", fullmatch=True)
WORD = st.one_of(LATIN, CHINESE, DIGITS)


def _typed(word: str) -> list[str]:
    """What the search box holds after each key while typing ``word``."""
    return [word[:end] for end in range(1, len(word) + 1)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(WORD, min_size=1, max_size=6), other=st.lists(WORD, max_size=6),
       pick=st.integers(0, 5))
def test_every_prefix_typed_finds_the_story_until_retention_removes_it(
        words: list[str], other: list[str], pick: int) -> None:
    word = words[pick % len(words)]
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "c.db") as store:
        feed = store.add_feed("https://feeds.test/a.xml")
        old = Article(guid="old", title=" ".join(words), summary="",
                      content_text=" ".join(other), published=NOW - 86400 * 400, lang="en")
        new = Article(guid="new", title="Unrelated", summary="", content_text="",
                      published=NOW, lang="en")
        save_articles(store, feed.id, [old, new], tagger=plain_tagger, now=NOW, next_due=0)
        [old_id] = [r.id for r in store.list_articles() if r.title == old.title]
        for typed in _typed(word):
            found = [r.id for r in store.list_articles(Filter(search=typed), limit=10)]
            assert old_id in found, (typed, words)
            assert store.count_articles(Filter(search=typed), cap=10) >= 1
        assert store.apply_retention(days=100, per_feed=100, now=NOW) == 1
        for typed in _typed(word):
            assert old_id not in [r.id for r in store.list_articles(Filter(search=typed))]
        assert store.integrity_ok()
