"""The decider's table of cases: existing rows + a batch → intents, with no database."""

from __future__ import annotations

import pytest

from tui.engine.decide import Existing, Insert, Known, Skip, Update, content_hash, decide
from tui.models import Article, Tags

NOW = 1_790_000_000
TAGS = Tags()


def art(guid: str, url: str | None = None, title: str = "t", published: int | None = None
        ) -> Article:
    return Article(guid=guid, title=title, url=url, published=published)


def known(article_id: int, article: Article) -> Known:
    return Known(article_id, article.guid, content_hash(article), article.url)


A = art("a", "https://x/a")
B = art("b", "https://x/b")

CASES = [
    # name, existing, batch, expected (kind, guid-or-id, detail)
    ("new entry", Existing(), [A], [("insert", "a")]),
    ("unchanged", Existing((known(1, A),)), [A], [("skip", "a", "unchanged")]),
    ("edited", Existing((known(1, A),)), [art("a", "https://x/a", title="edited")],
     [("update", 1, False)]),
    ("same guid twice keeps the first", Existing(), [A, art("a", "https://x/other")],
     [("insert", "a"), ("skip", "a", "duplicate")]),
    ("same link twice keeps the first", Existing(), [A, art("c", "https://x/a")],
     [("insert", "a"), ("skip", "c", "duplicate")]),
    ("tombstoned guid stays deleted", Existing(tombstones=frozenset({"a"})), [A],
     [("skip", "a", "tombstone")]),
    ("reissued guid takes over the one article with that link",
     Existing((known(7, A),)), [art("a2", "https://x/a")], [("update", 7, True)]),
    ("old guid still in the feed: a second entry, not a reissue",
     Existing((known(7, A),)), [art("a", "https://x/a-moved"), art("a2", "https://x/a")],
     [("update", 7, False), ("insert", "a2")]),
    ("two stored articles share the link: not certain, a new entry",
     Existing((known(7, A), known(8, art("z", "https://x/a")))), [art("n", "https://x/a")],
     [("insert", "n")]),
    ("mixed batch", Existing((known(1, A),)), [A, B],
     [("insert", "b"), ("skip", "a", "unchanged")]),
]


def describe(intent: Insert | Update | Skip) -> tuple[object, ...]:
    if isinstance(intent, Insert):
        return ("insert", intent.article.guid)
    if isinstance(intent, Update):
        return ("update", intent.article_id, intent.reissued)
    return ("skip", intent.guid, intent.reason)


@pytest.mark.parametrize(("name", "existing", "batch", "expected"), CASES,
                         ids=[case[0] for case in CASES])
def test_decider_cases(name: str, existing: Existing, batch: list[Article],
                       expected: list[tuple[object, ...]]) -> None:
    decision = decide(existing, [(a, TAGS) for a in batch], now=NOW)
    assert sorted(map(describe, decision.intents), key=repr) == sorted(expected, key=repr)


def test_new_entries_come_oldest_first_and_undated_count_as_now() -> None:
    batch = [art("new", published=NOW), art("old", published=NOW - 999), art("undated")]
    decision = decide(Existing(), [(a, TAGS) for a in batch], now=NOW - 1)
    assert [i.article.guid for i in decision.inserts] == ["old", "undated", "new"]


def test_an_update_carries_the_new_tags() -> None:
    tags = Tags(china=True, regions=frozenset({"HK"}))
    edited = art("a", "https://x/a", title="edited")
    [update] = decide(Existing((known(1, A),)), [(edited, tags)], now=NOW).updates
    assert update.tags is tags and update.article is edited
