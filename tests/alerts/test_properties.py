"""Properties: any parsed-TOML value is accepted or refused with ConfigError (nothing
else), and a watch matches exactly what the article list shows for its filters."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.engine_helpers import save_articles
from tui.alerts import Watch, parse_notify, parse_watches
from tui.alerts.watch import WATCH_KEYS
from tui.config import ConfigError
from tui.engine.jobs import make_tagger
from tui.models import REGIONS, TOPICS, Article
from tui.models import Filter as ListFilter
from tui.store import Store

toml_scalars = st.one_of(st.booleans(), st.integers(), st.floats(allow_nan=False),
                         st.text(max_size=20), st.sampled_from([*REGIONS, *TOPICS, "hk", ""]))
toml_values = st.recursive(toml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)
watch_tables = st.dictionaries(st.one_of(st.sampled_from(WATCH_KEYS), st.text(max_size=8)),
                               toml_values, max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(watch_tables, max_size=3), toml_values))
def test_any_watch_array_is_parsed_or_refused_cleanly(raw: object) -> None:
    try:
        watches = parse_watches(raw, "config.toml")
    except ConfigError as exc:
        assert str(exc).startswith("config.toml") and "\n" not in str(exc)
        return
    for watch in watches:
        assert watch.query() and watch.name.strip() == watch.name


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.dictionaries(st.sampled_from(
    ["desktop", "command", "command_timeout", "terminal", "terminal_protocol", "min_interval",
     "max_age_hours", "x"]), toml_values, max_size=4), toml_values))
def test_any_notify_table_is_parsed_or_refused_cleanly(raw: object) -> None:
    try:
        notify = parse_notify(raw, "config.toml")
    except ConfigError as exc:
        assert str(exc).startswith("config.toml: [notify]")
        return
    assert notify.command is None or all(isinstance(a, str) and a for a in notify.command)


CORPUS = [
    "HKMA grants first stablecoin issuer licences in Hong Kong",
    "PBoC expands e-CNY pilot to more cities",
    "Bitmain ships new mining rigs to Texas",
    "Ethereum developers schedule upgrade",
    "Taiwan FSC tightens crypto exchange rules",
    "香港证监会发出新牌照",
    "Binance faces probe in Hong Kong over stablecoin listings",
    "OKX expands in Dubai as China ban holds",
    "Macau casino operator explores digital yuan payments",
    "SEC sues DeFi protocol over token sale",
]


@pytest.fixture(scope="module")
def corpus_store() -> Iterator[tuple[Store, list[int], dict[str, int]]]:
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "c.db")
        tagger = make_tagger(__import__("tui.config", fromlist=["Settings"]).Settings())
        urls = {}
        for number in range(2):
            feed = store.add_feed(f"https://feed{number}.example/rss")
            urls[feed.url] = feed.id
            save_articles(store, feed.id, [
                Article(guid=f"{number}-{i}", title=t, summary=t, url=f"{feed.url}/{i}",
                        published=int(time.time()) - 60 * i)
                for i, t in enumerate(CORPUS[number::2])
            ], tagger=tagger, now=int(time.time()), next_due=0)
        yield store, store.article_ids_after(0), urls
        store.close()


def sometimes(strategy):  # type: ignore[no-untyped-def]
    """Mostly empty, so combinations stay loose enough to match something."""
    return st.one_of(st.just(()), st.just(()), strategy)


watches = st.builds(
    Watch, name=st.just("w"), china=st.booleans(),
    regions=sometimes(st.lists(st.sampled_from(REGIONS), unique=True, max_size=2).map(tuple)),
    topics=sometimes(st.lists(st.sampled_from(TOPICS), unique=True, max_size=3).map(tuple)),
    entities=sometimes(st.lists(st.sampled_from(["HKMA", "Bitmain", "e-CNY", "Hong Kong",
                                                 "nobody"]), unique=True, max_size=2)
                       .map(tuple)),
    search=st.sampled_from(["", "", "", "Hong Kong", "牌照", "stablecoin OR mining",
                            "e-CNY OR 香港"]),
    feeds=sometimes(st.lists(st.sampled_from(["https://feed0.example/rss",
                                              "https://feed1.example/rss"]),
                             unique=True, max_size=2).map(tuple)),
)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(watch=watches, subset=st.lists(st.integers(0, len(CORPUS) - 1), unique=True))
def test_a_watch_matches_what_the_list_shows(corpus_store, watch: Watch,  # type: ignore[no-untyped-def]
                                             subset: list[int]) -> None:
    store, ids, urls = corpus_store
    chosen = [ids[i] for i in subset]
    filters = watch.to_filters(urls)
    listed: set[int] = set()
    for flt in filters:
        listed |= set(store.article_ids(flt))
    matched = {article_id for article_id, _ in store.match_articles(filters, chosen)}
    event("matches" if matched else "no match")
    assert matched == listed & set(chosen)
    assert {r.id for r in store.watch_articles(filters, limit=100)} == listed
    assert store.watch_unread(filters) == len(listed)
    assert all(isinstance(f, ListFilter) for f in filters)
