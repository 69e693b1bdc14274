"""Search as you type: the page walks the list's index, the count asks the index alone.

Whatever the plan, the results must be the ones a plain query gives: every article whose
text matches, newest first, and a count equal to the number of them.
"""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import plain_tagger
from tests.engine_helpers import save_articles
from tui.models import Article, Filter
from tui.store import Store
from tui.store.fts import build_query

NOW = int(time.time())
WORDS = ["bitcoin", "binance", "bitmain", "hashrate", "香港", "比特币", "stablecoin", "sec"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
                      min_size=1, max_size=25),
       query=st.sampled_from(["b", "bi", "bit", "香港", "香", "比特", "sec", "hash", "zzz",
                              "bitcoin 香港"]),
       china=st.booleans())
def test_page_and_count_agree_with_a_plain_query(
        tmp_path_factory: object, texts: list[list[str]], query: str, china: bool) -> None:
    folder = Path(tmp_path_factory.mktemp("plan"))  # type: ignore[attr-defined]
    with Store.open(folder / "c.db") as store:
        feed = store.add_feed("https://feeds.test/a.xml")
        articles = [Article(guid=str(n), title=" ".join(words), summary="", content_text="",
                            published=NOW - n * 60, lang="en")
                    for n, words in enumerate(texts)]
        save_articles(store, feed.id, articles, tagger=plain_tagger, now=NOW, next_due=0)
        flt = Filter(search=query, china=china)
        expected = [row[0] for row in store.db.conn.execute(
            "SELECT a.id FROM articles_fts s JOIN articles a ON a.id = s.rowid "
            "WHERE articles_fts MATCH ? AND (? = 0 OR a.china = 1) "
            "ORDER BY a.published DESC, a.id DESC",
            (build_query(query), int(china)))]
        assert [row.id for row in store.list_articles(flt, limit=1000)] == expected
        assert store.count_articles(flt) == len(expected)
        assert store.count_articles(flt, cap=3) == min(3, len(expected))
        assert [row.id for row in store.list_articles(flt, limit=5, offset=2)] == expected[2:7]
