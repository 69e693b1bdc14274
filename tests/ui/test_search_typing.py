"""Search as you type: the first page is painted before the list is counted, then the
count arrives, the same as the store's count of that search."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Static

from tests.conftest import plain_tagger
from tests.engine_helpers import put_in_stories, save_articles
from tests.ui.conftest import AppFactory, run, settle
from tests.ui.sample_data import FIXED_NOW
from tui.models import Article, Filter
from tui.store import Store
from tui.ui.widgets.article_list import COUNT_PAUSE, ArticleList


def many_matches(path: Path) -> int:
    """250 reports that match "b" (some in stories), 50 that do not; returns the stories
    the grouped list has for "b", counted the old way (the index asked by every query)."""
    with Store.open(path) as store:
        feed = store.add_feed("https://feeds.test/a.xml")
        articles = [Article(guid=str(n), title=f"bitcoin report {n}" if n < 250 else
                            f"hong kong report {n}", summary="", content_text="",
                            published=FIXED_NOW - 3600 - n * 60, lang="en",
                            url=f"https://a.test/{n}") for n in range(300)]
        save_articles(store, feed.id, articles, tagger=plain_tagger, now=FIXED_NOW,
                      next_due=FIXED_NOW + 3600)
        ids = [r[0] for r in store.db.conn.execute("SELECT id FROM articles ORDER BY id")]
        put_in_stories(store, [ids[n:n + 3] for n in range(0, 90, 3)])
        store.share_search_hits = False
        stories, capped = store.count_story_rows_upto(Filter(search="b"), 5_000)
        assert not capped and stories > 100
        return stories


def test_typing_a_search_paints_the_page_then_the_count(tmp_path: Path,
                                                        app_for: AppFactory) -> None:
    path = tmp_path / "many.db"
    stories = many_matches(path)

    async def scenario() -> None:
        app = app_for(path)
        frames: list[tuple[str, int, bool, str]] = []
        display = app._display

        def recording(screen: Any, renderable: Any) -> None:
            if renderable is not None:  # what this frame shows: search, count, top row
                lst = app.query_one("#articles", ArticleList)
                bar = app.query_one("#filter-bar", Static).content
                top = lst.row_at(0)
                frames.append((lst.filter.search, lst.count, lst.capped,
                               f"{getattr(bar, 'plain', bar)} | {top.title if top else ''}"))
            display(screen, renderable)

        app._display = recording  # type: ignore[method-assign]
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("slash", "b")
            await settle(pilot)
            await pilot.pause(COUNT_PAUSE * 2)  # counted once typing pauses
            await settle(pilot)
        typed = [frame for frame in frames if frame[0] == "b"]
        assert typed, frames
        first, last = typed[0], typed[-1]
        # The first frame of the search: its first page, "100+" (counted later) ...
        assert first[1:3] == (100, True) and "100+ stories" in first[3], first
        assert "bitcoin report 0" in first[3]
        # ... then the count, the one the store gives without the kept matches.
        assert last[1:3] == (stories, False) and f"{stories:,} stories" in last[3], last
        assert "bitcoin report 0" in last[3]

    run(scenario())


def test_a_word_typed_fast_is_counted_once_for_its_last_key(tmp_path: Path,
                                                            app_for: AppFactory) -> None:
    """Counting gathers every match: a count per key would run before the next key's page.
    Keys closer together than COUNT_PAUSE count only the search typing stopped at."""
    path = tmp_path / "many.db"
    stories = many_matches(path)

    async def scenario() -> None:
        app = app_for(path)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            lst = app.query_one("#articles", ArticleList)
            counted: list[str] = []
            finish = lst.pager.finish_count

            def recording() -> bool:
                done = finish()
                if done:
                    counted.append(lst.filter.search)
                return done

            lst.pager.finish_count = recording  # type: ignore[method-assign]
            await pilot.press("slash")
            for key in "bitcoin":
                await pilot.press(key)
                assert lst.capped and lst.count == 100  # each key: its first page, "100+"
            await pilot.pause(COUNT_PAUSE * 2)
            await settle(pilot)
            assert counted == ["bitcoin"], counted
            assert (lst.count, lst.capped) == (stories, False)

    run(scenario())


def test_a_search_key_paints_the_list_and_the_bar_not_the_panes(tmp_path: Path,
                                                                app_for: AppFactory) -> None:
    """A key typed in the box changes the list, the filter bar and the box: nothing is
    laid out and no side pane, reader or header paints a line (a layout or the screen's
    own repaint would paint the whole screen before the key's first page)."""
    path = tmp_path / "many.db"
    many_matches(path)

    async def scenario() -> None:
        app = app_for(path)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("slash", "b")
            await pilot.pause(COUNT_PAUSE * 2)
            await settle(pilot)
            screen = app.screen
            painted: set[str] = set()
            layouts: list[bool] = []
            for widget in screen.query("*"):
                def spy(y: int, _render: Any = widget.render_line,
                        _name: str = widget.id or type(widget).__name__) -> Any:
                    painted.add(_name)  # called for a line not cached: a repaint
                    return _render(y)

                widget.render_line = spy  # type: ignore[method-assign]
            layout = screen._refresh_layout

            def counting(*args: Any, **kwargs: Any) -> None:
                layouts.append(True)
                layout(*args, **kwargs)

            screen._refresh_layout = counting  # type: ignore[method-assign]
            await pilot.press("i")
            await pilot.pause(COUNT_PAUSE * 2)
            await settle(pilot)
            assert app.query_one("#articles", ArticleList).filter.search == "bi"
            assert not layouts
            assert {"articles", "filter-bar"} <= painted, painted
            assert not painted & {"feeds", "entities", "reader", "status", "Header"}, painted

    run(scenario())
