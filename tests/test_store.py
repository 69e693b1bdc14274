"""The store on a real SQLite file: schema, migrations, ingest rules, filters, retention."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import plain_tagger
from tests.engine_helpers import save_articles
from tui.models import Article, Filter
from tui.store import FeedExistsError, NewerSchemaError, Store, StoreError
from tui.store.schema import SCHEMA_VERSION
from tui.store.sqlite import sqlite3

NOW = 1_795_300_000


def article(n: int, **changes: object) -> Article:
    base = Article(guid=f"g{n}", title=f"Story {n}", url=f"https://example.test/{n}",
                   summary=f"summary {n}", content_text=f"body of story {n}",
                   published=NOW - n * 60)
    return replace(base, **changes)  # type: ignore[arg-type]


def save(store: Store, feed_id: int, articles: list[Article], now: int = NOW) -> tuple[int, int]:
    return save_articles(store, feed_id, articles, tagger=plain_tagger, now=now, next_due=now)


def test_new_file_is_migrated_and_versioned(tmp_path: Path) -> None:
    with Store.open(tmp_path / "new.db") as store:
        version = store.db.conn.execute("PRAGMA user_version").fetchone()[0]
        mode = store.db.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert version == SCHEMA_VERSION
        assert mode == "wal"
        assert {"feeds", "articles", "bodies", "articles_fts"} <= set(store.db.table_names())


def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    Store.open(tmp_path / "a.db").close()
    with Store.open(tmp_path / "a.db") as store:
        applied = store.db.conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
        assert applied == SCHEMA_VERSION


def test_newer_schema_is_refused_without_writing(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NewerSchemaError, match="newer version"):
        Store.open(path)
    assert path.read_bytes() == before


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="another program"):
        Store.open(path)


def test_corrupt_file_is_moved_aside_not_deleted(tmp_path: Path) -> None:
    path = tmp_path / "sinowire.db"
    path.write_bytes(b"this is not a database" * 100)
    with Store.open(path) as store:
        assert store.notice is not None and "moved to" in store.notice
        assert store.feeds() == []
    kept = list(tmp_path.glob("sinowire.db.corrupt-*"))
    assert len(kept) == 1
    assert kept[0].read_bytes().startswith(b"this is not a database")


def test_feed_urls_are_checked_and_unique(store: Store) -> None:
    store.add_feed("https://example.test/feed.xml", "Example")
    with pytest.raises(FeedExistsError):
        store.add_feed("https://example.test/feed.xml")
    for bad in ("file:///etc/passwd", "javascript:alert(1)", "http://[::1", "exa mple.com",
                "-oProxyCommand=x", "ftp://example.test/feed"):
        with pytest.raises(StoreError):
            store.add_feed(bad)


def test_same_story_twice_in_a_batch_is_stored_once(store: Store) -> None:
    feed = store.add_feed("https://example.test/feed.xml")
    dup_guid = [article(1), article(1, title="Second copy")]
    dup_link = [article(2), article(3, url="https://example.test/2")]
    assert save(store, feed.id, dup_guid + dup_link) == (2, 0)
    titles = {row.title for row in store.list_articles()}
    assert titles == {"Story 1", "Story 2"}


def test_updated_entry_keeps_read_and_starred(store: Store) -> None:
    feed = store.add_feed("https://example.test/feed.xml")
    save(store, feed.id, [article(1)])
    [row] = store.list_articles()
    store.set_read([row.id])
    store.set_starred(row.id, True)
    assert save(store, feed.id, [article(1, title="Story 1 (corrected)")]) == (0, 1)
    [after] = store.list_articles()
    assert after.id == row.id
    assert after.title == "Story 1 (corrected)"
    assert after.read and after.starred


def test_unchanged_entry_is_not_rewritten(store: Store) -> None:
    feed = store.add_feed("https://example.test/feed.xml")
    save(store, feed.id, [article(1), article(2)])
    assert save(store, feed.id, [article(1), article(2)]) == (0, 0)


def test_missing_or_absurd_dates_fall_back_to_first_seen(store: Store) -> None:
    feed = store.add_feed("https://example.test/feed.xml")
    save(store, feed.id, [article(1, published=None), article(2, published=NOW * 10)])
    assert {row.published for row in store.list_articles()} == {NOW}


def test_entry_missing_from_a_later_fetch_is_kept(store: Store) -> None:
    feed = store.add_feed("https://example.test/feed.xml")
    save(store, feed.id, [article(1), article(2)])
    save(store, feed.id, [article(2)])
    assert store.count_articles() == 2


@pytest.mark.parametrize(
    "query, expected",
    [
        ("香港", 1),  # two-character Chinese term
        ("港", 1),
        ("证监会", 1),
        ("香港证监会", 1),
        ("比特币", 1),
        ("bitcoin", 1),
        ("bitc", 1),  # prefix while typing
        ("BITCOIN ETF", 1),
        ('"spot etf"', 1),
        ("e-CNY", 1),
        ("nothing-here", 0),
    ],
)
def test_search_in_english_and_chinese(store: Store, query: str, expected: int) -> None:
    feed = store.add_feed("https://example.test/feed.xml")
    save(store, feed.id, [
        article(1, title="香港证监会批准新牌照", content_text="比特币交易平台获批。"),
        article(2, title="Bitcoin spot ETF inflows", content_text="The e-CNY pilot grows."),
        article(3, title="Unrelated", content_text="Other words entirely."),
    ])
    assert store.count_articles(Filter(search=query)) == expected


@pytest.mark.parametrize("query", ['"unbalanced', "a AND (", "NEAR(", "*", "-x", "')", "\\",
                                   '"""', "OR", "title:foo", "^bar", "a NOT b", "{x}"])
def test_search_syntax_never_raises(store: Store, query: str) -> None:
    feed = store.add_feed("https://example.test/feed.xml")
    save(store, feed.id, [article(1)])
    store.count_articles(Filter(search=query))
    store.list_articles(Filter(search=query))
    assert store.search_is_valid(query)


def test_filters_combine(store: Store) -> None:
    feed = store.add_feed("https://example.test/feed.xml")
    other = store.add_feed("https://example.test/other.xml")
    save(store, feed.id, [
        article(1, title="China mining Bitmain"),
        article(2, title="China regulation"),
        article(3, title="US mining"),
    ])
    save(store, other.id, [article(4, title="China mining elsewhere")])
    assert store.count_articles(Filter(china=True)) == 3
    assert store.count_articles(Filter(china=True, topics=frozenset({"mining"}))) == 2
    assert store.count_articles(Filter(china=True, feed_id=feed.id,
                                       topics=frozenset({"mining"}))) == 1
    assert store.count_articles(Filter(entity="bitmain")) == 1
    assert store.count_articles(Filter(regions=frozenset({"CN"}), search="elsewhere")) == 1
    first = store.list_articles(Filter(china=True))[0]
    store.set_read([first.id])
    assert store.count_articles(Filter(china=True, unread=True)) == 2
    assert store.topic_counts(Filter(china=True)) == {"mining": 2}


def test_paging_is_stable_and_complete(store: Store) -> None:
    feed = store.add_feed("https://example.test/feed.xml")
    save(store, feed.id, [article(n, published=NOW - (n // 3) * 60) for n in range(100)])
    seen = []
    for offset in range(0, 100, 7):
        seen += [row.id for row in store.list_articles(limit=7, offset=offset)]
    assert len(seen) == len(set(seen)) == 100


def test_retention_keeps_starred_and_tombstones_the_rest(store: Store) -> None:
    feed = store.add_feed("https://example.test/feed.xml")
    old = NOW - 400 * 86400
    save(store, feed.id, [article(1, published=old), article(2, published=old), article(3)])
    starred = next(r for r in store.list_articles() if r.title == "Story 2")
    store.set_starred(starred.id, True)
    removed = store.apply_retention(days=180, per_feed=100, now=NOW)
    assert removed == 1
    assert {r.title for r in store.list_articles()} == {"Story 2", "Story 3"}
    # The feed still lists the old entry: it must not come back.
    assert save(store, feed.id, [article(1, published=old)], now=NOW + 60) == (0, 0)
    assert store.count_articles(Filter(search="Story 1")) == 0


def test_retention_per_feed_cap(store: Store) -> None:
    feed = store.add_feed("https://example.test/feed.xml")
    save(store, feed.id, [article(n) for n in range(30)])
    store.apply_retention(days=3650, per_feed=10, now=NOW)
    assert store.count_articles() == 10
    assert store.integrity_ok()


def test_reader_while_writer_writes_sees_no_lock_errors(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    with Store.open(path) as setup:
        feed_id = setup.add_feed("https://example.test/feed.xml").id
    errors: list[BaseException] = []
    stop = threading.Event()

    def write() -> None:
        with Store.open(path) as writer:
            for batch in range(40):
                save(writer, feed_id, [article(batch * 50 + n) for n in range(50)])
        stop.set()

    def read() -> None:
        with Store.open(path, busy_timeout=0.5) as reader:
            while not stop.is_set():
                try:
                    reader.list_articles(Filter(search="story"), limit=50)
                    reader.count_articles()
                except sqlite3.Error as exc:  # pragma: no cover - the failure we test for
                    errors.append(exc)
                time.sleep(0.001)

    threads = [threading.Thread(target=write), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with Store.open(path) as check:
        assert check.count_articles() == 2000


def test_remove_feed_removes_its_articles(store: Store) -> None:
    feed = store.add_feed("https://example.test/feed.xml")
    save(store, feed.id, [article(1, title="China mining Bitmain")])
    store.remove_feed(feed.id)
    assert store.count_articles() == 0
    assert store.count_articles(Filter(search="Bitmain")) == 0
    assert store.integrity_ok()


def test_extracted_text_is_cached_and_searchable(store: Store) -> None:
    feed = store.add_feed("https://example.test/feed.xml")
    save(store, feed.id, [article(1)])
    [row] = store.list_articles()
    store.save_extracted(row.id, text="Full text mentions Xiong'an pilot", error=None, now=NOW)
    detail = store.article(row.id)
    assert detail is not None and detail.extracted_text.startswith("Full text")
    assert store.count_articles(Filter(search="xiong")) == 1
    store.save_extracted(row.id, text=None, error="HTTP 404", now=NOW)
    detail = store.article(row.id)
    assert detail is not None
    assert detail.extracted_text.startswith("Full text") and detail.extract_error == "HTTP 404"


def test_user_topics_and_common_entities_are_counted_and_filtered(store: Store) -> None:
    """Topics from config have no bitmask; a very common entity takes the row-by-row plan."""
    from tui.models import Entity, Tags

    def tagger(a: Article) -> Tags:
        return Tags(topics=frozenset({"ai", "mining"} if "AI" in a.title else {"mining"}),
                    entities=(Entity("Bitmain", "ORG", 1),))

    feed = store.add_feed("https://example.test/feed.xml")
    save_articles(store, feed.id, [article(n, title=f"AI story {n}" if n % 2 else f"Story {n}")
                                  for n in range(600)],
                        tagger=tagger, now=NOW, next_due=NOW)
    assert store.topic_counts() == {"mining": 600, "ai": 300}
    assert store.count_articles(Filter(topics=frozenset({"ai"}))) == 300
    assert store.count_articles(Filter(topics=frozenset({"ai", "nft"}))) == 300
    assert store._entity_is_common(Filter(entity="bitmain"))
    assert store.count_articles(Filter(entity="bitmain")) == 600
    assert store.count_articles(Filter(entity="bitmain"), cap=50) == 50
    assert len(store.list_articles(Filter(entity="BITMAIN", search="AI"), limit=10)) == 10


def test_retag_rewrites_only_what_changed(store: Store) -> None:
    from tui.models import Entity, Tags

    feed = store.add_feed("https://example.test/feed.xml")
    save_articles(store, feed.id, [article(n) for n in range(10)],
                        tagger=lambda a: Tags(entities=(Entity("X", "ORG", 1),)),
                        now=NOW, next_due=NOW)
    def retag(tags: Tags) -> int:
        return sum(store.write_tags([(article_id, tags) for article_id, _ in items])
                   for items, _full, _hashes in store.taggable_batches(4))

    before = store.db.conn.total_changes
    assert retag(Tags(entities=(Entity("X", "ORG", 1),))) == 0
    assert store.db.conn.total_changes == before  # same tags: nothing written
    assert retag(Tags(china=True, regions=frozenset({"CN"}),
                      entities=(Entity("Y", "ORG", 2),))) == 10
    assert store.count_articles(Filter(china=True)) == 10
    assert store.count_articles(Filter(entity="y")) == 10
    assert store.count_articles(Filter(entity="x")) == 0


# ---- the search index's kind (contentless_delete) and its migration -----------------------

SCHEMA_FIXTURES = Path(__file__).resolve().parent / "data" / "schemas"


@pytest.mark.parametrize("version", [2, 3])
def test_migration_rebuilds_the_index_once_with_the_new_options(
        version: int, tmp_path: Path) -> None:
    """An existing cache gets the one-letter prefix index and, where the library has it,
    contentless_delete; what it found before it still finds, and a delete is by rowid."""
    import json
    import shutil

    from tui.store import search_index
    from tui.store.sqlite import has_contentless_delete

    fixture = SCHEMA_FIXTURES / f"schema-{version}.db"
    expected = json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))
    path = tmp_path / "sinowire.db"
    shutil.copy(fixture, path)
    with Store.open(path) as store:
        conn = store.db.conn
        sql = search_index.table_sql(conn)
        assert "prefix = '1 2 3'" in sql
        assert search_index.deletes_by_rowid(conn) is has_contentless_delete()
        for query, hits in expected["search"].items():
            assert store.count_articles(Filter(search=query)) == hits
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == articles
        assert store.integrity_ok()
        # One letter finds every article with a word starting with it.
        words = " ".join(r.title for r in store.list_articles(limit=1000)).lower().split()
        letter = next(w[0] for w in words if w[0].isascii() and w[0].isalpha())
        with_letter = {r.id for r in store.list_articles(limit=1000)
                       if any(w.startswith(letter) for w in r.title.lower().split())}
        found = {r.id for r in store.list_articles(Filter(search=letter), limit=1000)}
        assert with_letter <= found
        store.apply_retention(days=0, per_feed=0, now=int(time.time()))
        remaining = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == remaining
        for query in expected["search"]:
            hits = store.count_articles(Filter(search=query))
            assert hits <= remaining
        assert store.integrity_ok()


def test_a_cache_with_contentless_delete_on_an_old_sqlite_gives_a_clear_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.store import database
    from tui.store.sqlite import has_contentless_delete

    if not has_contentless_delete():
        pytest.skip("this SQLite cannot make a contentless_delete index")
    path = tmp_path / "sinowire.db"
    with Store.open(path) as store:
        feed = store.add_feed("https://feeds.test/a.xml")
        save_articles(store, feed.id, [Article(guid="a", title="Bitcoin in Hong Kong")],
                      tagger=plain_tagger, now=int(time.time()), next_due=0)
    # The premise, with the real old library where this Python has one: it fails late,
    # at the first search, with SQLite's own words.
    import sqlite3 as stdlib_sqlite3

    if stdlib_sqlite3.sqlite_version_info < (3, 43, 0):
        old = stdlib_sqlite3.connect(path)
        with pytest.raises(stdlib_sqlite3.OperationalError, match="contentless_delete"):
            old.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'b*'")
        old.close()
    monkeypatch.setattr(database, "has_contentless_delete", lambda: False)
    monkeypatch.setattr(database.sqlite3, "sqlite_version", "3.40.1")
    with pytest.raises(StoreError, match=r"SQLite 3\.43\.0 or newer.*pysqlite3-binary"):
        Store.open(path)
    monkeypatch.undo()
    with Store.open(path) as store:  # and nothing was written to it by the refusal
        assert store.count_articles(Filter(search="hong")) == 1
