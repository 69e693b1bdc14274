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
from tui.models import Article, Entity, Tags
from tui.store import Store, bulk_delete, search_index
from tui.store.sqlite import has_contentless_delete, sqlite3
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


def fill(store: Store, per_feed: list[int], batch: int = 10**6) -> None:
    """Feeds with the given numbers of articles, grouped; each has a unique searchable word.
    Saved ``batch`` at a time (each save is a segment of the search index)."""
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
        for start in range(0, len(articles), batch):
            save_articles(store, feed.id, articles[start:start + batch], tagger=plain_tagger,
                          now=NOW, next_due=0)
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


def varied_tagger(article: Article) -> Tags:
    """Tags that differ per article: shared and lone entities, topics, regions."""
    n = int(article.guid.split("-")[1])
    return Tags(china=n % 2 == 0, china_score=0.5 * (n % 3),
                regions=frozenset({"CN", "HK"} if n % 2 == 0 else {"US"}),
                topics=frozenset({("mining", "regulation", "exchanges")[n % 3]}),
                entities=(Entity(f"Shared{n % 4}", "ORG", 1),
                          Entity(f"Lone{article.guid}", "PERSON", 2)))


def fill_varied(store: Store, per_feed: list[int], starred: set[int]) -> None:
    """Feeds of tagged, grouped articles, some starred, with the planner's statistics."""
    for f, count in enumerate(per_feed):
        feed = store.add_feed(f"https://feeds.test/{f}.xml")
        articles = [Article(
            guid=f"{f}-{n}", title=f"{SUBJECTS[n % len(SUBJECTS)]} uniq{f}x{n}",
            summary=f"{SUBJECTS[(n + 1) % len(SUBJECTS)]} uniq{f}x{n}.",
            content_text=f"Body uniq{f}x{n}.", published=NOW - 3600 * (n + 1) - f * 60,
            lang="en") for n in range(count)]
        save_articles(store, feed.id, articles, tagger=varied_tagger, now=NOW, next_due=0)
    group_new(store, None)
    for article_id in starred:
        store.set_starred(article_id, True)
    store.db.conn.execute("ANALYZE")


USER_TABLES = ("articles", "bodies", "article_topics", "article_regions", "article_entities",
               "entities", "tombstones", "stories", "story_keys", "story_signals")


def snapshot(store: Store, words: list[str]) -> dict[str, object]:
    """Everything retention may change, as data: rows, schema, statistics, search hits."""
    conn = store.db.conn
    out: dict[str, object] = {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}")))
                              for t in USER_TABLES}
    out["schema"] = sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    for stat in ("sqlite_stat1", "sqlite_stat4"):
        out[stat] = sorted(map(tuple, conn.execute(f"SELECT * FROM {stat}")))
    out["search"] = [conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
                                  "ORDER BY rowid", (f'"{w}"',)).fetchall() for w in words]
    out["foreign keys"] = (conn.execute("PRAGMA foreign_keys").fetchone(),
                           conn.execute("PRAGMA foreign_key_check").fetchall())
    out["plans"] = [conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall() for sql in (
        "SELECT id FROM articles WHERE feed_id = 1 ORDER BY published DESC LIMIT 5",
        "SELECT article_id FROM article_entities WHERE entity_id = 2")]
    return out


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(per_feed=st.lists(st.integers(0, 12), min_size=1, max_size=3),
       keep=st.integers(0, 12), starred=st.sets(st.integers(1, 30), max_size=4),
       by_rowid=st.sampled_from(KINDS))
def test_the_rebuilding_path_leaves_the_database_the_row_by_row_path_leaves(
        per_feed: list[int], keep: int, starred: set[int], by_rowid: bool) -> None:
    """Rebuilt tag tables, dropped-and-made indexes and the deferred index merge against
    plain deletes with the trigger per row (the path every delete took before)."""
    words = [f"uniq{f}x{n}" for f, count in enumerate(per_feed) for n in range(count)]
    after = []
    for most_share, set_based_min in ((0.0, 1), (2.0, 10**9)):
        with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch, \
                open_store(Path(tmp) / "c.db", by_rowid, patch) as store:
            patch.setattr(bulk_delete, "MOST_SHARE", most_share)
            patch.setattr(bulk_delete, "SET_BASED_MIN", set_based_min)
            fill_varied(store, per_feed, starred)
            store.apply_retention(days=10_000, per_feed=keep, now=NOW)
            after.append(snapshot(store, words))
    rebuilt, row_by_row = after
    for key in row_by_row:
        assert rebuilt[key] == row_by_row[key], key


@pytest.mark.skipif(not has_contentless_delete(), reason="needs SQLite ≥ 3.43")
def test_a_big_delete_defers_the_index_merge_and_later_retention_pays_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_store(tmp_path / "c.db", True, monkeypatch) as store:
        conn = store.db.conn
        fill(store, [40, 60], batch=5)  # many segments, so there is something to merge
        monkeypatch.setattr(search_index, "MERGE_PAGES", 1)
        pages = conn.execute("SELECT count(*) FROM articles_fts_data").fetchone()[0]
        store.apply_retention(days=10_000, per_feed=5, now=NOW)
        assert conn.execute("SELECT v FROM articles_fts_config WHERE k = 'deletemerge'"
                            ).fetchone() == (search_index.DELETEMERGE_DEFAULT,)
        assert store.get_meta("fts_merge_debt") == "1"
        calls = 1
        while store.get_meta("fts_merge_debt") is not None:
            assert calls < 500
            check_consistent(store, [40, 60], 5)  # right while the merge is unpaid
            store.apply_retention(days=10_000, per_feed=5, now=NOW)
            calls += 1
        assert calls >= 2  # not all in the delete's own call
        assert conn.execute("SELECT count(*) FROM articles_fts_data").fetchone()[0] < pages
        check_consistent(store, [40, 60], 5)


def test_retention_deletes_the_rows_of_every_table_that_points_at_articles(
        tmp_path: Path) -> None:
    """Retention runs with foreign keys off: nothing cascades, so a child table the
    schema gains later must be found in the schema, not in a list."""
    with Store.open(tmp_path / "c.db") as store:
        conn = store.db.conn
        conn.execute("CREATE TABLE notes (article_id INTEGER NOT NULL "
                     "REFERENCES articles(id) ON DELETE CASCADE, note TEXT)")
        fill(store, [30])
        with conn:
            conn.execute("INSERT INTO notes SELECT id, 'x' FROM articles")
        for keep in (20, 5):  # a small delete, then most of the cache
            store.apply_retention(days=10_000, per_feed=keep, now=NOW)
            assert conn.execute("SELECT count(*) FROM notes").fetchone() == (keep,)
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)


def test_a_failed_retention_deletes_nothing_and_turns_foreign_keys_back_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.store import store as store_module

    def fail_halfway(conn: sqlite3.Connection, count: int) -> None:
        conn.execute("DELETE FROM article_topics")
        raise sqlite3.OperationalError("disk I/O error")

    with Store.open(tmp_path / "c.db") as store:
        fill(store, [30])
        monkeypatch.setattr(store_module, "delete_doomed", fail_halfway)
        with pytest.raises(sqlite3.OperationalError):
            store.apply_retention(days=10_000, per_feed=5, now=NOW)
        conn = store.db.conn
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert store.count_all() == 30
        assert conn.execute("SELECT count(*) FROM article_topics").fetchone()[0] > 0
