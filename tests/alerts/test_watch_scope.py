"""A watch carried inside the list's Filter (``Filter.watch``) narrows every list query.

The app lists a watch by composing it with the list's own filter; the result must be the
watch's articles (the store's ``watch_articles``) intersected with the list filter's, for
every kind of watch and list filter, and counts must agree with the rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ui.sample_data import seed_sample
from tui.alerts.watch import Watch
from tui.models import REGIONS, Filter, WatchScope
from tui.store import Store

TOPIC_CHOICES = ("regulation", "exchanges", "stablecoins", "cbdc", "markets", "mining")
ENTITIES = ("Hong Kong", "People's Bank of China", "e-CNY", "Binance")
SEARCHES = ("SFC", "Bitmain", "稳定币", "licenses OR miner", "")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("scope") / "sample.db"
    with Store.open(path) as seeded:
        seed_sample(seeded)
        seeded.set_read([row.id for row in seeded.list_articles(limit=5)], True)
    with Store.open(path) as opened:
        yield opened


def subsets(values: tuple[str, ...]) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(values), max_size=2)


watches = st.builds(
    lambda china, regions, topics, entities, search: Watch(
        "w", china=china, regions=tuple(sorted(regions)), topics=tuple(sorted(topics)),
        entities=tuple(sorted(entities)), search=search),
    st.booleans(), subsets(REGIONS), subsets(TOPIC_CHOICES), subsets(ENTITIES),
    st.sampled_from(SEARCHES))
list_filters = st.builds(
    Filter, china=st.booleans(), regions=subsets(REGIONS), topics=subsets(TOPIC_CHOICES),
    entity=st.sampled_from((None, *ENTITIES)), search=st.sampled_from(SEARCHES),
    unread=st.booleans())


def ids(rows: list) -> set[int]:  # type: ignore[type-arg]
    return {row.id for row in rows}


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(watch=watches, flt=list_filters)
def test_a_watch_in_the_filter_is_the_intersection(store: Store, watch: Watch,
                                                   flt: Filter) -> None:
    filters = tuple(watch.to_filters())
    composed = replace(flt, watch=WatchScope(watch.name, filters))
    expected = ids(store.watch_articles(filters, limit=10_000)) & ids(
        store.list_articles(flt, limit=10_000))
    assert ids(store.list_articles(composed, limit=10_000)) == expected
    assert store.count_articles(composed) == len(expected)


def test_a_watch_with_no_filters_matches_nothing(store: Store) -> None:
    assert store.count_articles(Filter(watch=WatchScope("none", ()))) == 0
    assert store.list_articles(Filter(watch=WatchScope("none", ()))) == []


def test_the_pickers_and_sidebar_narrow_to_the_watch(store: Store) -> None:
    scope = WatchScope("hk", tuple(Watch("hk", regions=("HK",)).to_filters()))
    flt = Filter(watch=scope)
    assert set(store.topic_counts(flt)) >= {"regulation"}
    assert store.topic_counts(flt).get("markets", 0) == 0
    names = {entity.name for entity in store.top_entities(flt, limit=40)}
    assert "Hong Kong" in names and "Bitmain" not in names
