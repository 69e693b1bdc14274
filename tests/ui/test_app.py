"""Pilot tests: every key and filter changes what the list and the reader show."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from tests.ui.conftest import AppFactory, run, settle
from tests.ui.sample_data import ROWS, total
from tui.models import Filter
from tui.store import Store
from tui.ui.app import SinowireApp
from tui.ui.screens.main import MainScreen
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.entity_sidebar import EntitySidebar
from tui.ui.widgets.feed_list import FeedList

CHINA_ROWS = sum(1 for r in ROWS if r[4].china)


def screen(app: SinowireApp) -> MainScreen:
    assert isinstance(app.screen, MainScreen)
    return app.screen


def articles(app: SinowireApp) -> ArticleList:
    return app.query_one("#articles", ArticleList)


def list_text(app: SinowireApp) -> str:
    widget = articles(app)
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


def static_text(app: SinowireApp, selector: str) -> str:
    content = app.query_one(selector, Static).content
    return getattr(content, "plain", str(content))


def reader_text(app: SinowireApp) -> str:
    return static_text(app, "#reader-text")


def test_starts_on_cached_data(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert articles(app).count == total()
            text = list_text(app)
            assert "PBoC reiterates ban on crypto trading" in text
            assert "5m" in text and "CN" in text and "regulation" in text
            assert "All stories" in static_text(app, "#filter-bar")
            feed_list = app.query_one("#feeds", FeedList)
            assert feed_list.option_count == 4 + 4  # virtual feeds, then the feeds

    run(scenario())


def test_china_unread_and_clear(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("c")
            assert screen(app).flt.china
            assert articles(app).count == CHINA_ROWS
            assert "China" in static_text(app, "#filter-bar")
            assert "Ether ETF" not in list_text(app)
            await pilot.press("enter")  # open (and read) the first China story
            await pilot.press("u")
            assert articles(app).count == CHINA_ROWS - 1
            assert "unread" in static_text(app, "#filter-bar")
            await pilot.press("escape")  # closes the open story first
            assert screen(app).open_id is None and screen(app).flt.unread
            await pilot.press("escape")  # then clears the last filter that is on
            assert articles(app).count == CHINA_ROWS
            await pilot.press("u", "x")
            assert screen(app).flt == Filter()
            assert articles(app).count == total()
            await pilot.press("z")  # x is undoable (z)
            assert screen(app).flt.unread and screen(app).flt.china

    run(scenario())


def test_open_article_shows_evidence_and_marks_read(sample_db: Path,
                                                  app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            text = reader_text(app)
            assert "PBoC reiterates ban on crypto trading" in text
            assert "Why China:" in text
            assert "PBoC → People's Bank of China (title)" in text
            assert "regions: CN" in text
            sidebar = app.query_one("#entities", EntitySidebar)
            assert "People's Bank of China" in sidebar._names.values()
            row_id = articles(app).current_id
            assert row_id is not None
        with Store.open(sample_db) as store:
            row = store.article_row(row_id)
            assert row is not None and row.read

    run(scenario())


def test_mark_read_and_star_persist(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("j")
            assert articles(app).cursor == 1
            row_id = articles(app).current_id
            await pilot.press("m", "s")
            assert "★" in articles(app).render_line(1).text
            await pilot.press("a")  # mark the whole list read: many, so it asks first
            await pilot.press("y")
        with Store.open(sample_db) as store:
            row = store.article_row(row_id)
            assert row is not None and row.read and row.starred
            assert store.count_articles(Filter(unread=True)) == 0

    run(scenario())


def test_cursor_keys(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("end")
            assert articles(app).cursor == total() - 1
            await pilot.press("home", "down", "down", "k")
            assert articles(app).cursor == 1
            await pilot.press("pagedown")
            assert articles(app).cursor > 5
            await pilot.press("pageup", "pageup")
            assert articles(app).cursor == 0

    run(scenario())


def test_topic_and_region_pickers(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("t", "space", "a")  # mining is first and highlighted
            assert screen(app).flt.topics == frozenset({"mining"})
            assert articles(app).count == 1
            assert "topics: mining" in static_text(app, "#filter-bar")
            await pilot.press("x", "g")
            regions = app.screen.query_one("#choices")
            regions.highlighted = [o.value for o in regions._options].index("TW")
            await pilot.press("space", "g")  # the opening key applies too
            assert screen(app).flt.regions == frozenset({"TW"})
            assert "Taiwan FSC" in list_text(app)
            assert articles(app).count == 1
            await pilot.press("t", "escape")  # cancel keeps the filter
            assert screen(app).flt.regions == frozenset({"TW"})

    run(scenario())


def test_search_english_and_chinese(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("slash")
            assert isinstance(app.focused, Input)
            await pilot.press(*"Hong Kong", *["backspace"] * 9)  # keys type, not act
            assert screen(app).open_id is None and not screen(app).flt.unread
            await pilot.press(*"Bitmain")
            await pilot.pause(0.4)
            assert screen(app).flt.search == "Bitmain"
            assert articles(app).count == 1
            assert 'search: “Bitmain”' in static_text(app, "#filter-bar")
            await pilot.press("enter")
            assert isinstance(app.focused, ArticleList)
            await pilot.press("escape")  # clears the search (the last filter that is on)
            assert screen(app).flt.search == ""
            for term, expected in (("比特币", "比特币价格突破新高"), ("香港", "香港金管局")):
                await pilot.press("slash")
                app.query_one("#search", Input).value = term
                await pilot.pause(0.4)
                assert articles(app).count >= 1, term
                assert expected in list_text(app)
                await pilot.press("escape")  # escape in the box clears the search
                assert screen(app).flt.search == ""

    run(scenario())


def test_entity_filter_from_sidebar(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            await pilot.press("e")
            sidebar = app.query_one("#entities", EntitySidebar)
            assert app.focused is sidebar
            option_id = next(k for k, v in sidebar._names.items() if v == "Bitmain")
            sidebar.highlighted = sidebar.get_option_index(option_id)
            await pilot.press("enter")
            assert screen(app).flt.entity == "Bitmain"
            assert articles(app).count == 1
            assert "entity: Bitmain" in static_text(app, "#filter-bar")
            await pilot.press("escape")
            assert screen(app).flt.entity is None

    run(scenario())


def test_feed_pane_choices(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            feeds = app.query_one("#feeds", FeedList)
            feeds.focus()
            feeds.highlighted = feeds.get_option_index("china")
            await pilot.press("enter")
            assert screen(app).flt.china
            feeds.focus()
            feed_index = next(i for i in range(feeds.option_count)
                              if (feeds.get_option_at_index(i).id or "").startswith("feed-"))
            feeds.highlighted = feed_index
            await pilot.press("enter")
            flt = screen(app).flt
            assert flt.feed_id is not None and not flt.china
            assert "feed: Global Wire" in static_text(app, "#filter-bar")
            assert "Global Wire" in static_text(app, "#status")

    run(scenario())


def test_pane_toggles_and_small_terminal(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert not app.query_one("#feeds").display
            assert not app.query_one("#entities").display
            await pilot.press("left_square_bracket")
            assert app.query_one("#feeds").display
            await pilot.press("right_square_bracket", "right_square_bracket")
            assert not app.query_one("#entities").display

    run(scenario())


def test_help_screen_and_keymap(sample_db: Path, app_for: AppFactory) -> None:
    from tui.config import Settings

    async def scenario() -> None:
        app = app_for(sample_db, settings=Settings(keys={"china_only": "C", "bogus": "z"}))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("c")
            assert not screen(app).flt.china  # remapped away
            await pilot.press("C")
            assert screen(app).flt.china
            await pilot.press("question_mark")
            text = app.screen.query_one(Static).content.plain  # type: ignore[union-attr]
            assert "China only" in text or "Show only China" in text
            assert "[china_only]" in text
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)

    run(scenario())


def test_open_in_browser_validates(sample_db: Path, app_for: AppFactory,
                                   monkeypatch) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url))

    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("o")
            assert opened == ["https://news.example/a/0"]

    run(scenario())


def test_refresh_in_demo_mode_does_not_poll(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db, demo=True)
        async with app.run_test(size=(120, 40)) as pilot:
            assert app.sub_title == "DEMO DATA — no network"
            await settle(pilot)
            await pilot.press("r")
            assert not screen(app).polling
            await settle(pilot)
            assert "DEMO DATA" in static_text(app, "#status")

    run(scenario())


def test_demo_data_end_to_end(demo_db: tuple[Path, float], app_for: AppFactory) -> None:
    """The real pipeline's demo data: China filter, evidence, Chinese search, entity."""
    db, now = demo_db

    async def scenario() -> None:
        app = app_for(db, demo=True, clock=lambda: now)
        async with app.run_test(size=(160, 45)) as pilot:
            everything = articles(app).count
            assert everything > 50
            await pilot.press("c")
            china = articles(app).count
            assert 0 < china < everything
            await pilot.press("enter")
            assert "Why China:" in reader_text(app)
            await pilot.press("x", "slash")
            app.query_one("#search", Input).value = "比特币"
            await pilot.pause(0.4)
            assert 0 < articles(app).count < everything
            await pilot.press("enter", "x")
            await settle(pilot)
            sidebar = app.query_one("#entities", EntitySidebar)
            first = sidebar.get_option_index(next(iter(sidebar._names)))
            sidebar.focus()
            sidebar.highlighted = first
            await pilot.press("enter")
            assert screen(app).flt.entity
            assert 0 < articles(app).count < everything

    run(scenario())


def test_reading_flow_keys(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("space")  # nothing open: opens the highlighted story
            first = screen(app).open_id
            assert first is not None
            await pilot.press("J")
            assert screen(app).open_id != first and articles(app).cursor == 1
            await pilot.press("K")
            assert screen(app).open_id == first
            await pilot.press("escape")  # no filter to undo: closes the story
            assert screen(app).open_id is None
            assert "No story open" in reader_text(app)

    run(scenario())


def test_entity_pick_on_a_narrow_terminal(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(80, 24)) as pilot:
            sidebar = app.query_one("#entities", EntitySidebar)
            assert not sidebar.display
            await pilot.press("e")
            assert sidebar.display and app.focused is sidebar
            await pilot.press("escape")  # back to the list; the sidebar hides again
            assert not sidebar.display and isinstance(app.focused, ArticleList)
            await pilot.press("e")
            await settle(pilot)
            option_id = next(k for k, v in sidebar._names.items() if v == "Bitmain")
            sidebar.highlighted = sidebar.get_option_index(option_id)
            await pilot.press("enter")
            assert screen(app).flt.entity == "Bitmain"
            assert not sidebar.display

    run(scenario())
