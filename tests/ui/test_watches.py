"""Watches in the app: virtual feeds with counts, saved from the filter, chosen, removed.

The app runs on a real home (config.toml on disk) and a real SQLite cache; what the pane
and the list show is checked against the store's own watch queries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from textual.widgets import Input, Static

from tests.conftest import rss
from tests.ui.conftest import run, settle
from tests.ui.sample_data import FIXED_NOW
from tests.ui.test_app import articles, screen
from tui.alerts.configfile import load_watch_config
from tui.alerts.stage import AlertReport
from tui.alerts.summary import watch_summaries
from tui.config import Settings
from tui.engine import Engine
from tui.engine.factory import open_engine
from tui.models import Filter, UpdateReport
from tui.paths import resolve_paths
from tui.store import Store
from tui.ui import SinowireApp, make_app
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.save_watch import SaveWatchScreen
from tui.ui.widgets.feed_list import WATCH_PREFIX, FeedList

SnapCompare = Callable[..., bool]

CONFIG = """# my watches
[[watch]]
name = "hong-kong"
regions = ["HK"]

[[watch]]
name = "e-CNY"
entities = ["e-CNY"]
alert = false
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    paths = resolve_paths(str(folder))
    paths.ensure()
    paths.config_file.write_text(CONFIG, encoding="utf-8")
    return folder


@pytest.fixture
def watch_app(home: Path, sample_db: Path) -> Iterator[Any]:
    """Build an app on the sample cache with ``home``'s config.toml and its watches."""
    engines: list[Engine] = []

    def build(*, clock: float = FIXED_NOW, settings: Settings | None = None,
              **kwargs: Any) -> SinowireApp:
        paths = resolve_paths(str(home))
        watches, notify = load_watch_config(paths.config_file)
        engine = Engine(settings or Settings(), sample_db, paths=paths, watches=watches,
                        notify=notify)
        engines.append(engine)
        kwargs.setdefault("poll_on_start", False)
        return make_app(engine, clock=lambda: clock, auto_extract=False, **kwargs)

    yield build
    for engine in engines:
        engine.close()


def pane(app: SinowireApp) -> FeedList:
    return app.query_one("#feeds", FeedList)


def watch_prompt(app: SinowireApp, name: str) -> str | None:
    feeds = pane(app)
    try:
        option = feeds.get_option(WATCH_PREFIX + name)
    except Exception:
        return None
    return option.prompt.plain  # type: ignore[union-attr]  # a Content prompt


def listed_ids(app: SinowireApp) -> set[int]:
    rows = articles(app)
    return {row.id for row in (rows.row_at(i) for i in range(rows.count)) if row is not None}


def expected_ids(db: Path, config: Path, name: str, also: Filter | None = None) -> set[int]:
    """The store's own answer: the watch's articles (narrowed by ``also``)."""
    watches, _ = load_watch_config(config)
    with Store.open(db) as store:
        [summary] = [s for s in watch_summaries(store, watches) if s.watch.name == name]
        return {row.id for row in store.watch_articles(summary.filters, also=also,
                                                       limit=10_000)}


async def choose(pilot: Any, app: SinowireApp, option_id: str) -> None:
    feeds = pane(app)
    feeds.focus()
    feeds.highlighted = feeds.get_option_index(option_id)
    await pilot.press("enter")
    await settle(pilot)


def test_watches_are_virtual_feeds_with_their_unread_counts(
        watch_app: Any, sample_db: Path, home: Path) -> None:
    config = resolve_paths(str(home)).config_file

    async def scenario() -> None:
        app = watch_app()
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            with Store.open(sample_db) as store:
                watches, _ = load_watch_config(config)
                counts = {s.watch.name: s.unread for s in watch_summaries(store, watches)}
            assert counts["hong-kong"] == 2 and counts["e-CNY"] == 1
            for name, count in counts.items():
                prompt = watch_prompt(app, name)
                assert prompt is not None and prompt.split() == [str(count), name]
            # Choosing one lists exactly its stories, and the filter bar names it.
            await choose(pilot, app, WATCH_PREFIX + "hong-kong")
            assert screen(app).flt.watch is not None
            assert listed_ids(app) == expected_ids(sample_db, config, "hong-kong")
            bar = app.query_one("#filter-bar", Static).content.plain  # type: ignore[union-attr]
            assert "watch: hong-kong" in bar and "2 stories" in bar
            # The list's own filters compose with the watch (AND).
            await pilot.press("slash", *"SFC", "enter")
            await settle(pilot)
            narrowed = expected_ids(sample_db, config, "hong-kong", also=Filter(search="SFC"))
            assert listed_ids(app) == narrowed and len(narrowed) == 1
            # Choosing a feed leaves the watch.
            await choose(pilot, app, "all")
            assert screen(app).flt.watch is None

    run(scenario())


def test_save_the_filter_as_a_watch_then_choose_and_remove_it(
        watch_app: Any, sample_db: Path, home: Path) -> None:
    config = resolve_paths(str(home)).config_file

    async def scenario() -> None:
        app = watch_app()
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            await pilot.press("c")  # China only
            await settle(pilot)
            await pilot.press("W")
            assert isinstance(app.screen, SaveWatchScreen)
            error = app.screen.query_one("#error", Static)
            name_box = app.screen.query_one("#name", Input)
            # A bad name and a taken one: a message, the dialog stays, the text stays.
            await pilot.press(*"-mainland", "enter")
            assert "leading '-'" in error.content.plain  # type: ignore[union-attr]
            assert name_box.value == "-mainland"
            name_box.value = "HONG-KONG"
            await pilot.press("enter")
            assert "already a watch named hong-kong" in error.content.plain  # type: ignore[union-attr]
            assert isinstance(app.screen, SaveWatchScreen)
            assert config.read_text(encoding="utf-8") == CONFIG  # nothing written yet
            name_box.value = "  mainland  "  # surrounding spaces are trimmed, not refused
            await pilot.press("enter")
            await settle(pilot)
            assert not isinstance(app.screen, SaveWatchScreen)
            # Written (after the user's own text and comments), and read back.
            text = config.read_text(encoding="utf-8")
            assert text.startswith(CONFIG) and 'name = "mainland"' in text
            assert [w.name for w in screen(app).engine.watches] == [
                "hong-kong", "e-CNY", "mainland"]
            with Store.open(sample_db) as store:
                china_unread = store.count_articles(Filter(china=True, unread=True))
            prompt = watch_prompt(app, "mainland")
            assert prompt is not None and prompt.split() == [str(china_unread), "mainland"]
            # Choosing it shows the stories the store says match it.
            await pilot.press("x")
            await choose(pilot, app, WATCH_PREFIX + "mainland")
            assert listed_ids(app) == expected_ids(sample_db, config, "mainland")
            assert len(listed_ids(app)) == china_unread
            # Remove it: the confirm screen first, then it is gone everywhere.
            feeds = pane(app)
            feeds.focus()
            feeds.highlighted = feeds.get_option_index(WATCH_PREFIX + "mainland")
            await pilot.press("D")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await settle(pilot)
            assert watch_prompt(app, "mainland") is None
            assert config.read_text(encoding="utf-8") == CONFIG
            assert [w.name for w in screen(app).engine.watches] == ["hong-kong", "e-CNY"]
            assert screen(app).flt.watch is None  # the list left the deleted watch

    run(scenario())


def test_an_unfiltered_list_or_a_watch_view_is_not_saved(watch_app: Any) -> None:
    async def scenario() -> None:
        app = watch_app()
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            await pilot.press("W")
            assert not isinstance(app.screen, SaveWatchScreen)
            assert any("Nothing to save" in str(n.message) for n in app._notifications)
            await choose(pilot, app, WATCH_PREFIX + "hong-kong")
            await pilot.press("W")
            assert not isinstance(app.screen, SaveWatchScreen)
            assert any("cannot hold another" in str(n.message) for n in app._notifications)

    run(scenario())


def test_a_poll_with_alerts_marks_the_watch_until_it_is_chosen(
        watch_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    alerts = AlertReport(toast_title="sinowire: 2 new stories for hong-kong",
                         toast="HKMA\nSFC", marks={"hong-kong": 2})
    monkeypatch.setattr(Engine, "update", lambda engine, *a, **k: UpdateReport(alerts=alerts))

    async def scenario() -> None:
        app = watch_app(poll_on_start=True)
        async with app.run_test(size=(140, 40)) as pilot:
            for _ in range(100):
                await pilot.pause(0.05)
                if pane(app).alerted:
                    break
            await settle(pilot)
            assert pane(app).alerted == {"hong-kong": 2}
            prompt = watch_prompt(app, "hong-kong")
            assert prompt is not None and prompt.startswith("*")
            assert any(n.title == alerts.toast_title for n in app._notifications)
            await choose(pilot, app, WATCH_PREFIX + "hong-kong")
            prompt = watch_prompt(app, "hong-kong")
            assert pane(app).alerted == {} and prompt is not None and prompt.startswith(" ")

    run(scenario())


def test_a_feed_that_stopped_publishing_is_dimmed_and_says_stale(watch_app: Any) -> None:
    later = FIXED_NOW + 45 * 86400  # every sample feed's newest story is 45+ days old

    async def scenario() -> None:
        app = watch_app(clock=later)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            feeds = pane(app)
            prompts = [feeds.get_option_at_index(i).prompt.plain  # type: ignore[union-attr]
                       for i in range(feeds.option_count)]
            stale = [p for p in prompts if re.search(r"stale, 4\d days$", p)]
            assert len(stale) == 4
            assert all("stale" not in p for p in prompts[:4])  # All/Unread/China/Starred

    run(scenario())


def test_fresh_feeds_are_not_marked_stale(watch_app: Any) -> None:
    async def scenario() -> None:
        app = watch_app()
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            feeds = pane(app)
            assert not any("stale" in feeds.get_option_at_index(i).prompt.plain  # type: ignore[union-attr]
                           for i in range(feeds.option_count))

    run(scenario())


def test_the_demo_shows_example_watches_and_can_save_more(tmp_path: Path) -> None:
    engine = open_engine(str(tmp_path / "home"), demo=True)
    try:
        assert [w.name for w in engine.watches] == ["hong-kong", "e-CNY"]
        assert engine.paths is not None
        summaries = watch_summaries(engine.store, engine.watches)
        assert all(s.unread > 0 for s in summaries)
        assert not engine.notify.desktop  # the demo never pops desktop notifications
        config = engine.paths.config_file
        assert not str(config).startswith(str(tmp_path))  # the throwaway home, not the user's

        async def scenario() -> None:
            app = make_app(engine, poll_on_start=False, auto_extract=False)
            async with app.run_test(size=(140, 40)) as pilot:
                await settle(pilot)
                assert watch_prompt(app, "hong-kong") is not None
                await pilot.press("g")  # regions picker: MO
                await pilot.press("down", "down", "space", "a")
                await settle(pilot)
                await pilot.press("W", *"macau", "enter")
                await settle(pilot)
                assert watch_prompt(app, "macau") is not None

        run(scenario())
        assert 'name = "macau"' in config.read_text(encoding="utf-8")
    finally:
        engine.close()


# ---- snapshots -------------------------------------------------------------------------


def test_snapshot_feed_pane_with_watches_an_alert_and_a_stale_feed(
        snap_compare: SnapCompare, watch_app: Any) -> None:
    """160x45: the Watches section (hong-kong chosen, e-CNY marked *), Chain Ledger stale."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        pane(pilot.app).mark_alerts({"e-CNY": 1})
        await choose(pilot, pilot.app, WATCH_PREFIX + "hong-kong")

    app = watch_app(settings=Settings(stale_days=1))  # Chain Ledger's newest is 1.4 days old
    assert snap_compare(app, terminal_size=(160, 45), run_before=run_before)


def test_snapshot_save_watch_prompt(snap_compare: SnapCompare, watch_app: Any) -> None:
    """80x24: the name prompt over a China + unread list, with a refused name."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("c", "u")
        await settle(pilot)
        await pilot.press("W", *"hong-kong", "enter")
        for widget in pilot.app.query(Input):
            widget.cursor_blink = False
        await pilot.pause()

    assert snap_compare(watch_app(), terminal_size=(80, 24), run_before=run_before)


# ---- a real poll: the alert stage's result reaches the pane and the toast ----------------


def test_a_real_poll_alerts_once_with_a_batched_plain_text_toast(
        tmp_path: Path, httpserver: HTTPServer) -> None:
    from datetime import UTC, datetime, timedelta

    recent = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    hostile = "[@click=app.quit]Hong Kong SFC[/] licenses a [b]third[/b] exchange"
    items = [
        {"guid": "hk1", "title": hostile, "link": "https://example.test/hk1",
         "description": "Hong Kong's SFC granted a licence.", "date": recent},
        {"guid": "hk2", "title": "HKMA names Hong Kong stablecoin issuers",
         "link": "https://example.test/hk2", "description": "In Hong Kong.", "date": recent},
        {"guid": "us1", "title": "SEC delays an ETF decision", "link": "https://example.test/u",
         "description": "In Washington.", "date": recent},
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items, title="Loopback"), content_type="application/rss+xml")
    paths = resolve_paths(str(tmp_path / "home"))
    paths.ensure()
    paths.config_file.write_text(CONFIG + "\n[notify]\ndesktop = false\n", encoding="utf-8")
    db = tmp_path / "loop.db"
    with Store.open(db) as store:  # only the loopback feed: nothing else may be fetched
        store.add_feed(httpserver.url_for("/feed.xml"))
    watches, notify = load_watch_config(paths.config_file)

    async def scenario() -> None:
        with Engine(Settings(), db, paths=paths, watches=watches, notify=notify) as engine:
            app = make_app(engine, poll_on_start=True, auto_extract=False)
            async with app.run_test(size=(140, 40)) as pilot:
                for _ in range(400):
                    await pilot.pause(0.05)
                    if pane(app).alerted:
                        break
                await app.workers.wait_for_complete()
                await settle(pilot)
                assert pane(app).alerted == {"hong-kong": 2}
                [toast] = [n for n in app._notifications
                           if n.title == "sinowire: 2 new stories for hong-kong"]
                assert hostile in toast.message and toast.markup is False
                prompt = watch_prompt(app, "hong-kong")
                assert prompt is not None and prompt.split() == ["*", "2", "hong-kong"]
                await choose(pilot, app, WATCH_PREFIX + "hong-kong")
                assert articles(app).count == 2
                assert app.is_running  # the markup in the title did nothing
                # A second poll of the same feed raises nothing new (once per story).
                await pilot.press("r")
                await app.workers.wait_for_complete()
                await settle(pilot)
                assert pane(app).alerted == {}
                toasts = [n for n in app._notifications if "new stor" in (n.title or "")]
                assert len(toasts) == 1

    run(scenario())


def test_a_watch_name_with_markup_shows_literally(
        tmp_path: Path, sample_db: Path) -> None:
    name = "[@click=app.quit]hk[/] [b]x"
    paths = resolve_paths(str(tmp_path / "home2"))
    paths.ensure()
    paths.config_file.write_text(f'[[watch]]\nname = "{name}"\nregions = ["HK"]\n',
                                 encoding="utf-8")
    watches, notify = load_watch_config(paths.config_file)

    async def scenario() -> None:
        with Engine(Settings(), sample_db, paths=paths, watches=watches,
                    notify=notify) as engine:
            app = make_app(engine, poll_on_start=False, auto_extract=False,
                           clock=lambda: float(FIXED_NOW))
            async with app.run_test(size=(140, 40)) as pilot:
                await settle(pilot)
                prompt = watch_prompt(app, name)
                assert prompt is not None and prompt.endswith(name)
                await choose(pilot, app, WATCH_PREFIX + name)
                bar = app.query_one("#filter-bar", Static).content.plain  # type: ignore[union-attr]
                assert f"watch: {name}" in bar
                assert app.is_running

    run(scenario())


def test_snapshot_alert_toast_and_mark(snap_compare: SnapCompare, watch_app: Any,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """160x45: what a user sees when a poll alerts (the core's batched message)."""
    alerts = AlertReport(
        toast_title="sinowire: 2 new stories for hong-kong",
        toast="Hong Kong SFC licenses another exchange\n香港金管局发布稳定币沙盒名单",
        marks={"hong-kong": 2})
    monkeypatch.setattr(Engine, "update", lambda engine, *a, **k: UpdateReport(alerts=alerts))

    async def run_before(pilot: Any) -> None:
        for _ in range(100):
            await pilot.pause(0.05)
            if pane(pilot.app).alerted:
                break
        await settle(pilot)

    assert snap_compare(watch_app(poll_on_start=True), terminal_size=(160, 45),
                        run_before=run_before)
