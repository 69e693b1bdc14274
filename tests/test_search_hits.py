"""A search's matches kept once per connection (tui/store/search_hits.py) give the same
rows and counts as asking the index in every query, and follow the data as it changes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import plain_tagger
from tests.engine_helpers import put_in_stories, save_articles
from tui.models import Article, Filter
from tui.store import Store, search_hits
from tui.store.database import marker_for
from tui.store.search_index import unindex

NOW = int(time.time())
WORDS = ["bitcoin", "binance", "bitmain", "hashrate", "香港", "比特币", "stablecoin", "sec",
         "hong", "kong"]
TEXTS = ["b", "bi", "bit", "bitc", "香", "香港", "比", "比特币", "h", "ha", "hash", "s", "sec",
         "zzz", "bitcoin 香港", '"hong kong"', "k"]


def fill(store: Store, texts: list[list[str]], groups: list[int]) -> None:
    """One article per text (newest first); consecutive articles grouped by ``groups``'s
    sizes, the rest alone."""
    feed = store.add_feed("https://feeds.test/a.xml")
    articles = [Article(guid=str(n), title=" ".join(words), summary="", content_text="",
                        published=NOW - n * 60, lang="en", url=f"https://a.test/{n}")
                for n, words in enumerate(texts)]
    save_articles(store, feed.id, articles, tagger=plain_tagger, now=NOW, next_due=0)
    ids = [row[0] for row in store.db.conn.execute("SELECT id FROM articles ORDER BY id")]
    stories, start = [], 0
    for size in groups:
        if start + size > len(ids):
            break
        stories.append(ids[start:start + size])
        start += size
    if stories:
        put_in_stories(store, stories)


def answers(store: Store, flt: Filter) -> list[object]:
    """Everything the list asks for a search: pages, counts (capped and not), keys."""
    return [
        store.list_story_rows(flt, limit=1000),
        store.list_story_rows(flt, limit=3, offset=2),
        store.count_story_rows(flt),
        store.count_story_rows(flt, cap=4),
        store.count_story_rows_upto(flt, 5),
        store.story_row_keys(flt),
        store.list_articles(flt, limit=1000),
        store.count_articles(flt),
        store.count_articles(flt, cap=3),
        store.article_ids(flt),
    ]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "c.db") as opened:
        yield opened


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
                      min_size=1, max_size=30),
       groups=st.lists(st.integers(1, 4), max_size=8),
       searches=st.lists(st.sampled_from(TEXTS), min_size=1, max_size=6),
       china=st.booleans(), unread=st.booleans())
def test_kept_matches_answer_like_the_index(tmp_path_factory: pytest.TempPathFactory,
                                            texts: list[list[str]], groups: list[int],
                                            searches: list[str], china: bool,
                                            unread: bool) -> None:
    folder = tmp_path_factory.mktemp("hits")
    with Store.open(folder / "c.db") as store:
        fill(store, texts, groups)
        for text in searches:  # typed one after another: the table is refilled each time
            flt = Filter(search=text, china=china, unread=unread)
            store.share_search_hits = False
            old = answers(store, flt)
            store.share_search_hits = True
            assert answers(store, flt) == old, text


def match_statements(store: Store) -> list[str]:
    seen: list[str] = []
    store.db.conn.set_trace_callback(
        lambda sql: seen.append(sql) if "MATCH" in sql.upper() else None)
    return seen


def test_one_search_asks_the_index_once(store: Store) -> None:
    fill(store, [["bitcoin"], ["binance"], ["香港"]] * 40, [2, 3])
    seen = match_statements(store)
    flt = Filter(search="b")
    store.list_story_rows(flt, limit=100)
    store.count_story_rows_upto(flt, 5000)
    store.list_story_rows(flt, limit=100, offset=100)
    store.story_row_keys(flt, limit=1000)
    assert len(seen) == 1
    store.list_story_rows(Filter(search="bi"), limit=100)  # the next key: its own matches
    assert len(seen) == 2


def test_kept_matches_follow_another_connections_writes(store: Store, tmp_path: Path) -> None:
    fill(store, [["bitcoin"], ["香港"]], [])
    flt = Filter(search="bitcoin")
    assert store.count_story_rows(flt) == 1
    assert store.db.conn.execute("SELECT count(*) FROM temp.search_hits").fetchone()[0] == 1
    with Store.open(tmp_path / "c.db") as poller:  # the poll's connection writes
        feed = poller.add_feed("https://feeds.test/b.xml")
        save_articles(poller, feed.id, [Article(guid="new", title="bitcoin again", summary="",
                                                content_text="", published=NOW + 60, lang="en")],
                      tagger=plain_tagger, now=NOW, next_due=0)
    assert store.count_story_rows(flt) == 2
    assert store.list_story_rows(flt)[0].title == "bitcoin again"


def test_kept_matches_follow_this_connections_writes(store: Store) -> None:
    fill(store, [["bitcoin"], ["bitcoin"], ["香港"]], [])
    flt = Filter(search="bitcoin")
    assert store.count_story_rows(flt) == 2
    newest = store.list_articles(flt)[0].id
    with store.db.conn:  # unindexed by this very connection (no other one committed)
        unindex(store.db.conn, [newest])
    assert store.count_story_rows(flt) == 1
    assert [row.id for row in store.list_story_rows(flt)] != [newest]


def test_inside_a_transaction_the_index_is_asked(store: Store) -> None:
    fill(store, [["bitcoin"], ["香港"]], [])
    flt = Filter(search="bitcoin")
    store.db.conn.execute("BEGIN")
    try:
        assert store.count_story_rows(flt) == 1
        assert not store.db.conn.execute(
            "SELECT count(*) FROM sqlite_temp_master WHERE name = 'search_hits'").fetchone()[0]
    finally:
        store.db.conn.rollback()


def test_a_cache_marked_damaged_is_searched_without_writing(store: Store,
                                                           tmp_path: Path) -> None:
    fill(store, [["bitcoin"], ["香港"]], [])
    marker_for(tmp_path / "c.db").write_text("found by the poller", encoding="utf-8")
    flt = Filter(search="bitcoin")  # the temporary table is a write: refused, so not kept
    assert [row.title for row in store.list_story_rows(flt)] == ["bitcoin"]
    assert store.count_story_rows_upto(flt, 10) == (1, False)
    assert not store.db.conn.execute(
        "SELECT count(*) FROM sqlite_temp_master WHERE name = 'search_hits'").fetchone()[0]


def first_pages(store: Store, flt: Filter) -> list[object]:
    """What a new search asks first: a short first page, flat and grouped."""
    return [store.list_story_rows(flt, limit=3), store.list_story_rows(flt, limit=1),
            store.list_articles(flt, limit=3), store.list_articles(flt, limit=2)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.tuples(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
                                st.integers(0, 40), st.booleans()),
                      min_size=1, max_size=30),
       groups=st.lists(st.integers(1, 4), max_size=8),
       searches=st.lists(st.sampled_from(TEXTS), min_size=1, max_size=5),
       window=st.integers(1, 12), gap=st.integers(0, 3), unread=st.booleans())
def test_a_first_page_from_the_newest_articles_is_the_first_page(
        tmp_path_factory: pytest.TempPathFactory, texts: list[tuple[list[str], int, bool]],
        groups: list[int], searches: list[str], window: int, gap: int,
        unread: bool) -> None:
    """Published times unrelated to arrival, two feeds, ids in many runs: the first page
    looked for among the newest ``window`` articles (or, not filled there, among all) is
    the page the index gives, and so is everything asked after it."""
    folder = tmp_path_factory.mktemp("window")
    with (Store.open(folder / "c.db") as store,
          mock.patch.object(search_hits, "WINDOW", window),
          mock.patch.object(search_hits, "RUN_GAP", gap)):
        feeds = [store.add_feed(f"https://feeds.test/{n}.xml").id for n in range(2)]
        for n, (words, minutes, second_feed) in enumerate(texts):
            save_articles(store, feeds[second_feed],
                          [Article(guid=str(n), title=" ".join(words), summary="",
                                   content_text="", published=NOW - minutes * 60, lang="en",
                                   url=f"https://a.test/{n}")],
                          tagger=plain_tagger, now=NOW, next_due=0)
        ids = [row[0] for row in store.db.conn.execute("SELECT id FROM articles ORDER BY id")]
        stories, start = [], 0
        for size in groups:
            if start + size <= len(ids):
                stories.append(ids[start:start + size])
                start += size
        if stories:
            put_in_stories(store, stories)
        for text in searches:
            flt = Filter(search=text, unread=unread)
            store.share_search_hits = False
            old = first_pages(store, flt) + answers(store, flt)
            store.share_search_hits = True
            assert first_pages(store, flt) + answers(store, flt) == old, text


def test_a_first_page_reads_only_the_newest_matches(store: Store) -> None:
    """A common word's first page is found among the newest articles (a range query per
    run of their ids), and only the count then gathers every match."""
    fill(store, [["bitcoin"], ["binance"], ["香港"]] * 40, [2, 3])
    seen = match_statements(store)
    flt = Filter(search="b")
    with mock.patch.object(search_hits, "WINDOW", 30):
        page = store.list_story_rows(flt, limit=10)
        assert seen and all("BETWEEN" in sql for sql in seen), seen
        assert store.db.conn.execute(
            "SELECT count(*) FROM temp.search_window").fetchone()[0] == 20  # 2 of 3 match
        store.count_story_rows_upto(flt, 5000)
        assert sum("BETWEEN" not in sql for sql in seen) == 1
        store.share_search_hits = False
        assert page == store.list_story_rows(flt, limit=10)


def test_a_long_prefix_gathers_every_match_at_once(store: Store) -> None:
    """``bitcoin*`` is merged from every term it covers on each query: one gathering, not
    one per run of ids."""
    fill(store, [["bitcoin"], ["binance"], ["香港"]] * 40, [])
    seen = match_statements(store)
    with mock.patch.object(search_hits, "WINDOW", 30):
        store.list_story_rows(Filter(search="bitco"), limit=10)
    assert len(seen) == 1 and "BETWEEN" not in seen[0]


def test_a_match_read_beside_the_window_is_not_taken_for_a_newer_one(store: Store) -> None:
    """The range query for the window's ids (10 and 12) also reads 11, an old match; the
    page must not take it for the second newest, which is 1 (outside every range)."""
    feed = store.add_feed("https://feeds.test/a.xml")
    minutes = {1: 10, 10: 0, 11: 500, 12: 1}
    titles = {1: "bitcoin", 10: "bitcoin", 11: "bitcoin", 12: "香港"}
    for n in range(1, 13):  # one at a time: ids 1 to 12 in this order
        save_articles(store, feed.id, [Article(
            guid=str(n), title=titles.get(n, "hong kong"), summary="", content_text="",
            published=NOW - minutes.get(n, 1000) * 60, lang="en", url=f"https://a.test/{n}")],
            tagger=plain_tagger, now=NOW, next_due=0)
    guid_of = dict(store.db.conn.execute("SELECT id, guid FROM articles"))
    assert all(str(article_id) == guid for article_id, guid in guid_of.items())
    flt = Filter(search='"bitcoin"')  # a whole word (a prefix this long is not windowed)
    with mock.patch.object(search_hits, "WINDOW", 2), mock.patch.object(search_hits,
                                                                        "RUN_GAP", 5):
        flat = [guid_of[row.id] for row in store.list_articles(flt, limit=2)]
        grouped = [guid_of[row.id] for row in store.list_story_rows(flt, limit=2)]
    assert flat == grouped == ["10", "1"]
