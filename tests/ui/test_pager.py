"""The list's Textual-free model: pages, the capped count and finding a story again."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.ui.sample_data import ROWS, total
from tui.models import Filter
from tui.store import Store
from tui.ui.pager import Pager


def test_pages_are_fetched_once_and_kept_few(sample_db: Path) -> None:
    with Store.open(sample_db) as store:
        calls: list[int] = []
        original = store.list_articles

        def counting(flt=None, *, limit=50, offset=0, **kw):  # type: ignore[no-untyped-def]
            calls.append(offset)
            return original(flt, limit=limit, offset=offset, **kw)

        store.list_articles = counting  # type: ignore[method-assign]
        pager = Pager(store, page_size=5, cached_pages=2)
        pager.recount()
        assert pager.count == total()
        rows = [pager.row_at(i) for i in range(pager.count)]
        assert all(rows) and len({r.id for r in rows if r}) == total()
        assert calls == list(range(0, total(), 5))  # each page once
        assert len(pager.pages) == 2
        assert pager.row_at(-1) is None and pager.row_at(total()) is None
        stamps = [r.published for r in rows if r]
        assert stamps == sorted(stamps, reverse=True)


def test_find_and_update_row(sample_db: Path) -> None:
    with Store.open(sample_db) as store:
        pager = Pager(store, page_size=4)
        pager.show(Filter(china=True))
        pager.recount()
        china = sum(1 for r in ROWS if r[4].china)
        assert pager.count == china
        target = pager.row_at(3)
        assert target is not None
        assert pager.find(target.id, 0) == 3
        store.set_read([target.id], True)
        pager.show(Filter(china=True, unread=True))
        pager.recount()
        assert pager.find(target.id, 3) is None  # read: no longer listed
        first = pager.row_at(0)
        assert first is not None
        assert pager.update_row(first) and not pager.update_row(target)


class FakeStore:
    """Counts up to a cap like the real store; rows are just numbers."""

    def __init__(self, matches: int) -> None:
        self.matches = matches

    def count_articles(self, flt: Filter, cap: int | None = None) -> int:
        return min(self.matches, cap) if cap is not None else self.matches

    def list_articles(self, flt: Filter, *, limit: int, offset: int, **_: object) -> list:
        return list(range(offset, min(offset + limit, self.matches)))


@settings(max_examples=50)
@given(st.integers(0, 100_000), st.integers(0, 100_000))
def test_search_cap_grows_and_never_overstates(matches: int, bottom: int) -> None:
    pager = Pager(FakeStore(matches), page_size=100, search_cap=5_000)
    pager.show(Filter(search="bitcoin"))
    pager.recount()
    assert pager.count == min(matches, 5_000)
    assert pager.capped == (matches >= 5_000)
    while pager.extend(max(bottom, pager.count)):
        assert pager.count <= matches
    if pager.capped:
        pager.count_all()
    assert pager.count == matches and not pager.capped
    assert pager.clamp(10**9) == max(0, matches - 1) and pager.clamp(-5) == 0


def test_no_search_is_never_capped() -> None:
    pager = Pager(FakeStore(50_000), search_cap=10)
    pager.recount()
    assert pager.count == 50_000 and not pager.capped


def test_a_search_shows_its_first_page_before_its_count() -> None:
    pager = Pager(FakeStore(7_000), page_size=100, search_cap=5_000)
    pager.show(Filter(search="bitcoin"))
    pager.show_first_page()
    assert (pager.count, pager.capped, pager.counting) == (100, True, True)  # "100+"
    assert pager.row_at(99) == 99 and pager.row_at(100) is None
    assert not pager.extend(100)  # the end of the first page is not the end: not yet
    assert pager.finish_count()
    assert (pager.count, pager.capped, pager.counting) == (5_000, True, False)
    assert not pager.finish_count()  # counted once
    assert pager.extend(4_990) and pager.count == 7_000


def test_a_short_first_page_is_its_own_count_until_counted() -> None:
    pager = Pager(FakeStore(42), page_size=100, search_cap=5_000)
    pager.show(Filter(search="bitcoin"))
    pager.prefetch(Filter(search="bitcoin"))  # read ahead (the search box's validity check)
    pager.show_first_page()
    assert (pager.count, pager.capped, pager.counting) == (42, False, True)
    pager.finish_count()
    assert (pager.count, pager.capped, pager.counting) == (42, False, False)
