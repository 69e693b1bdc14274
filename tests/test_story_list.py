"""The grouped list's paging query against a plain Python grouping of the flat list.

On a real SQLite file: any assignment of articles to stories, any filter, any page size:
the grouped pages are the flat list with every report after its story's first (newest
matching) one dropped; the count agrees; the row keys find every story again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine_helpers import put_in_stories
from tests.ui.sample_data import seed_sample
from tui.models import Filter
from tui.store import Store
from tui.store.story_list import StoryListRow


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path: Path = tmp_path_factory.mktemp("story_list") / "s.db"
    opened = Store.open(path)
    seed_sample(opened)
    # Some read, some starred, so those filters split stories.
    ids = opened.article_ids(Filter())
    opened.set_read(ids[::3], True)
    return opened


def assign(store: Store, groups: list[int | None]) -> dict[int, int]:
    """Put the articles (newest first) in stories by label (None: not grouped); label →
    story id. Written through the store's own grouping writes."""
    store.reset_stories()
    ids = store.article_ids(Filter())
    members: dict[int, list[int]] = {}
    for article_id, label in zip(ids, groups, strict=False):
        if label is not None:
            members.setdefault(label, []).append(article_id)
    labels = list(members)
    made = put_in_stories(store, [members[label] for label in labels])
    return dict(zip(labels, made, strict=True))


def expected(store: Store, flt: Filter) -> list[tuple[int, int]]:
    """(article id, story key) of the grouped list, computed from the flat list."""
    keys = {i: store.story_key(i) for i in store.article_ids(Filter())}
    seen: set[int] = set()
    out = []
    for article_id in store.article_ids(flt):
        key = keys[article_id]
        if key not in seen:
            seen.add(key)
            out.append((article_id, key))
    return out


FILTERS = st.builds(
    Filter,
    feed_id=st.sampled_from([None, 1, 3]),
    china=st.booleans(),
    regions=st.sampled_from([frozenset(), frozenset({"HK"}), frozenset({"CN", "TW"})]),
    topics=st.sampled_from([frozenset(), frozenset({"regulation"}), frozenset({"markets"})]),
    entity=st.sampled_from([None, "Beijing", "Hong Kong"]),
    search=st.sampled_from(["", "Bitmain", "market", "香港"]),
    unread=st.booleans(),
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(groups=st.lists(st.one_of(st.none(), st.integers(0, 6)), min_size=40, max_size=40),
       flt=FILTERS, page=st.integers(1, 9))
def test_grouped_pages_are_the_flat_list_one_row_per_story(
        store: Store, groups: list[int | None], flt: Filter, page: int) -> None:
    assign(store, groups)
    want = expected(store, flt)
    assert store.count_story_rows(flt) == len(want)
    assert store.count_story_rows(flt, cap=3) == min(3, len(want))
    matching = store.article_ids(flt)
    # "At least": the stories of the newest `page` matching reports, the list's first rows.
    upto, more = store.count_story_rows_upto(flt, page)
    assert upto == len({store.story_key(i) for i in matching[:page]}) <= len(want)
    assert more == (len(matching) >= page)
    assert [k for _, k in want[:upto]] == list(dict.fromkeys(
        store.story_key(i) for i in matching[:page]))
    assert store.story_row_keys(flt) == want
    got: list[StoryListRow] = []
    while True:
        rows = store.list_story_rows(flt, limit=page, offset=len(got))
        got += rows
        if len(rows) < page:
            break
    assert [(r.id, r.story_id if r.story_id is not None else -r.id) for r in got] == want
    sizes = {key: sum(1 for i in store.article_ids(Filter()) if store.story_key(i) == key)
             for _, key in want}
    for row in got:
        key = row.story_id if row.story_id is not None else -row.id
        assert row.others == sizes[key] - 1  # the whole story, not only what matches
        assert row.feed_title not in row.outlets


def test_capped_count_and_no_filter_count(store: Store) -> None:
    assign(store, [0, 0, 1, None, 1, 1, 2] + [None] * 33)
    total = len(store.article_ids(Filter()))
    assert store.count_story_rows() == total - 3  # 0,0 and 1,1,1 fold to two rows
    assert store.count_story_rows(Filter(search="market"), cap=2) <= 2
    assert store.count_story_rows(Filter(unread=True)) == len(expected(store,
                                                                       Filter(unread=True)))


def test_story_reach_lists_other_outlets_newest_first(store: Store) -> None:
    ids = store.article_ids(Filter())  # newest first: feeds 0, 0, 1, 1, 2, ...
    assign(store, [0, None, 0, None, 0] + [None] * 35)
    top = store.list_story_rows(limit=1)[0]
    assert top.id == ids[0] and top.others == 2
    assert top.outlets == ("Asia Desk", "链报 Lianbao")
    assert store.story_report_ids(ids[0]) == [ids[4], ids[2], ids[0]]  # oldest first
    assert store.story_report_ids(ids[1]) == [ids[1]]  # not grouped: itself
    newest = store.article_row(ids[0])
    assert newest is not None and store.newest_story_time() == newest.published
