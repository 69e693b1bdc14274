"""Feeds inside the app: add (with inline errors), remove (with confirmation), live polling."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer
from textual.widgets import Input, Static

from tests.conftest import make_items, rss
from tests.ui.conftest import AppFactory, run, settle
from tests.ui.sample_data import total
from tests.ui.test_app import articles, list_text, screen, static_text
from tui.store import Store
from tui.ui.screens.add_feed import AddFeedScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.widgets.feed_list import FeedList


def test_add_feed_dialog(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db, demo=True)  # demo: adding does not start a poll
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("n")
            assert isinstance(app.screen, AddFeedScreen)
            await pilot.press(*"javascript:alert(1)", "enter")
            error = app.screen.query_one("#error", Static)
            assert "Not an http(s) URL: javascript:alert(1)" in error.content.plain  # type: ignore[union-attr]
            app.screen.query_one("#url", Input).value = "https://wire.example/feed"
            await pilot.press("enter")
            assert "already subscribed" in error.content.plain  # type: ignore[union-attr]
            app.screen.query_one("#url", Input).value = "https://new.example/feed.xml"
            await pilot.press("enter")
            await settle(pilot)
            assert not isinstance(app.screen, AddFeedScreen)
            feeds = app.query_one("#feeds", FeedList)
            assert feeds.option_count == 4 + 5
        with Store.open(sample_db) as store:
            assert store.feed_by_url("https://new.example/feed.xml") is not None

    run(scenario())


def test_remove_feed_asks_first(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            feeds = app.query_one("#feeds", FeedList)
            feeds.focus()
            last = feeds.option_count - 1  # Chain Ledger: the filler lives there
            feeds.highlighted = last
            await pilot.press("D")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("n")  # no: nothing removed
            assert articles(app).count == total()
            feeds.focus()
            feeds.highlighted = last
            await pilot.press("delete")
            await pilot.press("y")
            await settle(pilot)
            assert feeds.option_count == 4 + 3
            assert articles(app).count < total()
        with Store.open(sample_db) as store:
            assert store.feed_by_url("https://ledger.example/atom") is None

    run(scenario())


def test_poll_updates_list_live_and_keeps_open_article(
        tmp_path: Path, app_for: AppFactory, httpserver: HTTPServer) -> None:
    old = make_items(3, prefix="old")
    for item in old:
        item["date"] = "2026-09-20T10:00:00"
    fresh = make_items(3, prefix="live")
    for item in fresh:
        item["date"] = "2026-09-21T14:00:00"  # newer than the first batch
    httpserver.expect_ordered_request("/feed.xml").respond_with_data(
        rss(old, title="Loopback Feed"), content_type="application/rss+xml")
    httpserver.expect_ordered_request("/feed.xml").respond_with_data(
        rss(fresh + old, title="Loopback Feed"), content_type="application/rss+xml")
    db = tmp_path / "loop.db"
    with Store.open(db) as store:  # only the loopback feed: nothing else may be fetched
        store.add_feed(httpserver.url_for("/feed.xml"))

    async def scenario() -> None:
        app = app_for(db, poll_on_start=True)
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause(0.1)
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
            # Flat: the three near-identical synthetic items are one story when grouped.
            await pilot.press("v")
            assert articles(app).count == 3, [str(n.message) for n in app._notifications]
            await pilot.press("j", "enter")
            open_id = articles(app).current_id
            await pilot.press("r")
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
            assert articles(app).count == 6
            assert articles(app).current_id == open_id  # the cursor stayed on the story
            assert screen(app).open_id == open_id
            assert "Story 0 about live" in list_text(app)
            status = static_text(app, "#status")
            assert "polled just now" in status and "3 new" in status
            await pilot.press("v")  # grouped again: the count is the stories'
            assert articles(app).count == app.store.count_story_rows() < 6
        assert not httpserver.ordered_handlers  # both responses were used

    run(scenario())


def test_second_refresh_while_polling_is_refused(
        sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            main = screen(app)
            main.polling = True  # as if a poll were running
            await pilot.press("r")
            assert any("Already polling" in str(n.message) for n in app._notifications)

    run(scenario())


def test_failing_feed_is_marked_with_reason_and_next_poll(
        sample_db: Path, app_for: AppFactory) -> None:
    from tests.ui.sample_data import FIXED_NOW

    with Store.open(sample_db) as store:
        feed = store.feed_by_url("https://asia.example/rss")
        assert feed is not None
        store.record_fetch(feed.id, now=FIXED_NOW - 60, next_due=FIXED_NOW + 1200,
                           error="HTTP 503 [b]Service[/ Unavailable")

    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            feeds = app.query_one("#feeds", FeedList)
            index = feeds.get_option_index(f"feed-{feed.id}")
            prompt = feeds.get_option_at_index(index).prompt
            assert prompt.plain.startswith("!") and "Asia Desk" in prompt.plain  # type: ignore[union-attr]
            status = static_text(app, "#status")
            assert "1 feed failing" in status
            feeds.focus()
            feeds.highlighted = index
            await pilot.pause()
            status = static_text(app, "#status")
            assert "HTTP 503 [b]Service[/ Unavailable" in status
            assert "next poll in 20 min" in status

    run(scenario())


def test_notice_is_shown_once(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db, notice="no feed could be reached [@click=app.quit]x[/]")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            messages = [str(n.message) for n in app._notifications]
            assert messages == ["no feed could be reached [@click=app.quit]x[/]"]

    run(scenario())


def test_palette_lists_actions(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            commands = {c.title: c for c in app.get_system_commands(app.screen)}
            for title in ("China", "Topics", "Search", "Refresh", "Full text", "Add feed"):
                assert title in commands, title
            app.call_later(commands["China"].callback)  # as the palette does
            await pilot.pause()
            assert screen(app).flt.china

    run(scenario())
