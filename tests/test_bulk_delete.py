"""Retention's big deletes: the search index and the stories stay exactly right.

On an index made with ``contentless_delete=1`` (a current SQLite) rows leave the index by
rowid. On one made without it (an older SQLite) a big delete empties the search index and
indexes the survivors, a small one unindexes row by row. A big delete does the story
trigger's work set-based with the trigger dropped for the while. Every path must leave the
same cache behind: survivors found by search and removed rows not, story sizes equal to
their members, the trigger back. Both index kinds are made with the real library here.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import plain_tagger
from tests.engine_helpers import save_articles
from tui.models import Article
from tui.store import Store, bulk_delete, search_index
from tui.store.sqlite import has_contentless_delete
from tui.stories.stage import group_new

NOW = int(time.time())
KINDS = [False, True] if has_contentless_delete() else [False]
"""Index kinds this library can make: without and with ``contentless_delete``."""


def open_store(path: Path, by_rowid: bool, patch: pytest.MonkeyPatch) -> Store:
    """A cache whose search index is of the given kind (chosen when its migrations run)."""
    patch.setattr(search_index, "has_contentless_delete", lambda: by_rowid)
    store = Store.open(path)
    assert search_index.deletes_by_rowid(store.db.conn) is by_rowid
    return store
SUBJECTS = ["PBOC bans bitcoin mining in Sichuan", "Hong Kong SFC licenses HashKey exchange",
            "Binance fined in France over AML", "Tether mints one billion USDT"]


def fill(store: Store, per_feed: list[int]) -> None:
    """Feeds with the given numbers of articles, grouped; each has a unique searchable word."""
    for f, count in enumerate(per_feed):
        feed = store.add_feed(f"https://feeds.test/{f}.xml")
        articles = []
        for n in range(count):
            word = f"uniq{f}x{n}"
            articles.append(Article(
                guid=f"{f}-{n}", title=f"{SUBJECTS[n % len(SUBJECTS)]} {word}",
                summary=f"{SUBJECTS[n % len(SUBJECTS)]}, report {word}.",
                content_text=f"Body of {word}. " + SUBJECTS[(n + f) % len(SUBJECTS)],
                published=NOW - 3600 * (n + 1) - f * 60, lang="en"))
        save_articles(store, feed.id, articles, tagger=plain_tagger, now=NOW, next_due=0)
    group_new(store, None)


def check_consistent(store: Store, per_feed: list[int], keep: int) -> None:
    conn = store.db.conn
    for f, count in enumerate(per_feed):
        for n in range(count):
            found = conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts "
                                 "MATCH ?", (f'"uniq{f}x{n}"',)).fetchone()[0]
            assert found == (1 if n < keep else 0), (f, n, keep)
    assert store.count_all() == sum(min(count, keep) for count in per_feed)
    assert store.integrity_ok()
    sizes = dict(conn.execute("SELECT id, size FROM stories"))
    members = dict(conn.execute("SELECT story_id, count(*) FROM articles "
                                "WHERE story_id IS NOT NULL GROUP BY story_id"))
    assert sizes == members
    orphans = conn.execute("SELECT count(*) FROM story_keys WHERE article_id NOT IN "
                           "(SELECT id FROM articles)").fetchone()[0]
    assert orphans == 0
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                        "AND name = 'articles_leave_story'").fetchone()[0] == 1


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(per_feed=st.lists(st.integers(0, 12), min_size=1, max_size=3),
       keep=st.integers(0, 12), set_based_min=st.sampled_from([1, 10_000]),
       by_rowid=st.sampled_from(KINDS))
def test_retention_leaves_index_and_stories_right_on_every_path(
        per_feed: list[int], keep: int, set_based_min: int, by_rowid: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch, \
            open_store(Path(tmp) / "c.db", by_rowid, patch) as store:
        patch.setattr(bulk_delete, "SET_BASED_MIN", set_based_min)
        fill(store, per_feed)
        store.apply_retention(days=10_000, per_feed=keep, now=NOW)
        check_consistent(store, per_feed, keep)
        # The trigger is back: a later one-row delete still keeps the stories right.
        store.apply_retention(days=10_000, per_feed=max(0, keep - 1), now=NOW)
        check_consistent(store, per_feed, max(0, keep - 1))


@pytest.mark.parametrize("by_rowid", KINDS)
def test_a_big_delete_rebuilds_the_index_only_without_contentless_delete(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, by_rowid: bool) -> None:
    calls: list[str] = []
    real_unindex = bulk_delete.search_index.unindex
    real_rebuild = bulk_delete.search_index.rebuild
    # (its migrations build the index too)
    with open_store(tmp_path / "c.db", by_rowid, monkeypatch) as store:
        monkeypatch.setattr(bulk_delete.search_index, "unindex", lambda conn, ids: (
            calls.append("unindex"), real_unindex(conn, ids)))
        monkeypatch.setattr(bulk_delete.search_index, "rebuild", lambda conn: (
            calls.append("rebuild"), real_rebuild(conn))[1])
        fill(store, [30])
        assert store.apply_retention(days=10_000, per_feed=10, now=NOW) == 20
        assert calls == ([] if by_rowid else ["rebuild"])
        check_consistent(store, [30], 10)
        calls.clear()
        assert store.apply_retention(days=10_000, per_feed=8, now=NOW) == 2
        assert calls == ([] if by_rowid else ["unindex"])
        check_consistent(store, [30], 8)
