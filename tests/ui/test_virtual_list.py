"""The article list is virtual: only the pages on screen are ever fetched."""

from __future__ import annotations

import time
from pathlib import Path

from tests.engine_helpers import save_articles
from tests.ui.conftest import AppFactory, run
from tests.ui.sample_data import FIXED_NOW
from tests.ui.test_app import articles, list_text
from tui.models import Article, Tags
from tui.store import Store
from tui.ui.widgets.article_list import CACHED_PAGES, PAGE_SIZE

ROWS = 20_000


def big_db(tmp_path: Path) -> Path:
    path = tmp_path / "big.db"
    with Store.open(path) as store:
        feed = store.add_feed("https://big.example/feed", "Big Feed", now=FIXED_NOW)
        items = [Article(guid=str(n), title=f"Story number {n}", url=f"https://big.example/{n}",
                         published=FIXED_NOW - n * 60) for n in range(ROWS)]
        save_articles(store, feed.id, items, tagger=lambda a: Tags(), now=FIXED_NOW,
                            next_due=FIXED_NOW)
    return path


def test_only_visible_pages_are_loaded(tmp_path: Path, app_for: AppFactory) -> None:
    db = big_db(tmp_path)
    calls: list[tuple[int, int]] = []

    async def scenario() -> None:
        app = app_for(db)
        original = app.store.list_story_rows  # the list is grouped by story by default

        def counting(flt=None, *, limit=50, offset=0):  # type: ignore[no-untyped-def]
            calls.append((limit, offset))
            return original(flt, limit=limit, offset=offset)

        app.store.list_story_rows = counting  # type: ignore[method-assign]
        started = time.perf_counter()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert time.perf_counter() - started < 5
            assert articles(app).count == ROWS
            assert calls == [(PAGE_SIZE, 0)]  # one page for the first screen
            await pilot.press("end")
            assert articles(app).cursor == ROWS - 1
            assert f"Story number {ROWS - 1}" in list_text(app)
            assert calls[-1] == (PAGE_SIZE, (ROWS - 1) // PAGE_SIZE * PAGE_SIZE)
            for _ in range(30):
                await pilot.press("pageup")
            assert len(articles(app)._pages) <= CACHED_PAGES
            assert all(limit == PAGE_SIZE for limit, _ in calls)
            assert len(calls) < 20

    run(scenario())


def test_cursor_survives_writes_racing_the_reload(sample_db: Path,
                                                  app_for: AppFactory) -> None:
    """A poll that writes between the list's count and its id lookup must not move the
    cursor onto another story (the reload re-checks against freshly loaded pages)."""

    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("j", "j", "enter")
            open_id = articles(app).cursor_id
            original = app.store.article_ids
            writes = iter(range(3))

            def racing(flt=None, *, limit=100_000):  # type: ignore[no-untyped-def]
                for n in writes:  # two stories land after count() but before this read
                    with Store.open(sample_db) as other:
                        feed = other.feeds()[0]
                        save_articles(other,
                            feed.id, [Article(guid=f"race{n}", title=f"Race {n}",
                                              published=FIXED_NOW)],
                            tagger=lambda a: Tags(), now=FIXED_NOW, next_due=FIXED_NOW)
                    if n == 1:
                        break
                return original(flt, limit=limit)

            app.store.article_ids = racing  # type: ignore[method-assign]
            with Store.open(sample_db) as other:  # one story arrives normally first
                save_articles(other,
                    other.feeds()[0].id, [Article(guid="pre", title="Pre", published=FIXED_NOW)],
                    tagger=lambda a: Tags(), now=FIXED_NOW, next_due=FIXED_NOW)
            app.screen.data_changed()  # type: ignore[attr-defined]
            await pilot.pause()
            assert articles(app).cursor_id == open_id
            assert articles(app).current_id == open_id
            app.screen.data_changed()  # type: ignore[attr-defined]
            await pilot.pause()
            assert articles(app).current_id == open_id

    run(scenario())


def test_search_count_is_capped_and_grows(tmp_path: Path, app_for: AppFactory) -> None:
    """A search matching 20k stories counts to 5,000 ("5,000+"), grows x4 near the end,
    and the end key counts them all."""
    import inspect

    from tests.ui.test_app import screen, static_text
    from tui.ui.widgets.article_list import SEARCH_CAP

    db = big_db(tmp_path)
    capped_store = "cap" in inspect.signature(Store.count_articles).parameters

    async def scenario() -> None:
        app = app_for(db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("slash", *"story")
            await pilot.pause(0.2)
            assert screen(app).flt.search == "story"
            if not capped_store:  # the store counts everything: no cap to show
                assert articles(app).count == ROWS
                return
            assert articles(app).count == SEARCH_CAP and articles(app).capped
            assert f"{SEARCH_CAP:,}+ stories" in static_text(app, "#filter-bar")
            await pilot.press("enter")  # keep the search, back to the list
            articles(app).move_to(SEARCH_CAP - 10)  # within a page of the capped end
            await pilot.pause()
            assert articles(app).count == SEARCH_CAP * 4
            assert f"{SEARCH_CAP * 4:,}+ stories" in static_text(app, "#filter-bar")
            await pilot.press("end")
            assert articles(app).count == ROWS and not articles(app).capped
            assert articles(app).cursor == ROWS - 1
            assert f"{ROWS:,} stories" in static_text(app, "#filter-bar")

    run(scenario())
