"""Issue 11: the app as a new user meets it, one Pilot scenario per item."""

from __future__ import annotations

import contextlib
import webbrowser
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import OptionList
from textual.worker import WorkerFailed

from tests.ui.conftest import AppFactory, run, settle
from tests.ui.sample_data import ROWS, total
from tests.ui.test_app import articles, list_text, reader_text, screen, static_text
from tui.config import Settings
from tui.models import Filter, UpdateReport
from tui.ui.keys import ALL_KEYS, keymap, valid_key
from tui.ui.messages import PollFinished
from tui.ui.widgets.entity_sidebar import EntitySidebar
from tui.ui.widgets.feed_list import FeedList
from tui.ui.widgets.reader import Reader

CHINA_ROWS = sum(1 for r in ROWS if r[4].china)


def test_1_j_k_move_in_every_pane_and_focus_highlights(sample_db: Path,
                                                       app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            await pilot.press("shift+tab")  # list -> feed pane
            feeds = app.query_one("#feeds", FeedList)
            assert app.focused is feeds and feeds.highlighted == 0  # "All", highlighted
            await pilot.press("j", "j")
            assert feeds.highlighted == 2  # China
            await pilot.press("k")
            assert feeds.highlighted == 1
            await pilot.press("j", "enter")  # enter works at once
            assert screen(app).flt.china
            await pilot.press("e")
            sidebar = app.query_one("#entities", EntitySidebar)
            assert app.focused is sidebar and sidebar.highlighted is not None
            first = sidebar.highlighted
            await pilot.press("j")
            assert sidebar.highlighted != first
            await pilot.press("escape", "enter", "tab")  # open a story, go to the reader
            reader = app.query_one("#reader", Reader)
            assert app.focused is reader
            reader.query_one("#reader-text").update("line\n" * 200)
            await pilot.pause()
            await pilot.press("j", "j")
            assert reader.scroll_y == 2
            await pilot.press("k")
            assert reader.scroll_y == 1

    run(scenario())


def test_2_escape_clears_the_last_filter_and_undo_has_its_own_key(
        sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("c", "c", "escape")
            assert screen(app).flt == Filter()  # China does not come back
            await pilot.press("c", "u", "escape")
            assert screen(app).flt == Filter(china=True)
            await pilot.press("z")
            assert screen(app).flt == Filter(china=True, unread=True)
            await pilot.press("enter", "escape")  # escape closes the open story first
            assert screen(app).open_id is None and screen(app).flt.unread
            await pilot.press("slash", *"Bitmain")
            await pilot.pause(0.3)
            await pilot.press("escape")  # "esc to clear": clears, restores nothing
            assert screen(app).flt.search == ""
            assert "esc clears the last" in static_text(app, "#filter-bar")

    run(scenario())


def test_3_browser_failure_is_reported_and_y_copies(sample_db: Path, app_for: AppFactory,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webbrowser, "open", lambda url: False)

    async def scenario() -> None:
        app = app_for(sample_db)
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("o")
            messages = [n.message for n in app._notifications]
            assert any("No browser could be started" in m and "y to copy" in m
                       for m in messages), messages
            assert not any(m.startswith("Opened") for m in messages)
            await pilot.press("y")
            assert copied == [articles(app).current_row.url]  # type: ignore[union-attr]

    run(scenario())


def test_5_remaps_are_honoured_and_bad_ones_refused(sample_db: Path,
                                                    app_for: AppFactory) -> None:
    assert all(valid_key(k) for spec in ALL_KEYS for k in spec.keys.split(","))
    assert keymap({})[1] == []  # the defaults never clash
    assert not valid_key("alt+banana+^") and valid_key("ctrl+d") and valid_key("slash")
    keys = {"star": "j", "china_only": "C", "toggle_read": "alt+banana+^",
            "picker_apply": "enter", "nonsense": "q"}

    async def scenario() -> None:
        app = app_for(sample_db, settings=Settings(keys=keys))
        async with app.run_test(size=(120, 40)) as pilot:
            refused = [n.message for n in app._notifications if "refused" in n.message]
            assert len(refused) == 1  # one clear line
            line = refused[0]
            assert "star = 'j': j is already Down" in line and "alt+banana" in line
            assert "nonsense" in line
            await pilot.press("C")
            assert screen(app).flt.china
            await pilot.press("j")
            assert articles(app).cursor == 1  # j still moves; star keeps s
            await pilot.press("s")
            assert articles(app).current_row.starred  # type: ignore[union-attr]
            await pilot.press("t")  # the picker applies on the remapped key
            assert "enter apply" in str(app.screen.query_one(".picker-hint").content)

    run(scenario())


def test_5_demo_engine_gets_the_keymap(tmp_path: Path) -> None:
    from tui.engine import open_engine

    (tmp_path / "config.toml").write_text('[keys]\nchina_only = "C"\n', encoding="utf-8")
    with open_engine(str(tmp_path), demo=True) as engine:
        assert engine.settings.keys == {"china_only": "C"}


def test_6_80x24_pickers_fit_evidence_collapses_list_keeps_width(
        stories_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(stories_db)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("t")
            await pilot.pause()
            for selector in ("#apply", "#cancel", ".picker-hint"):
                region = app.screen.query_one(selector).region
                assert region.bottom <= 24 and region.height >= 1, selector
            await pilot.press("escape", "left_square_bracket", "right_square_bracket")
            await pilot.pause()
            assert articles(app).size.width >= 48  # a side pane gave way
            await pilot.press("right_square_bracket", "j", "j", "j", "enter")
            await pilot.pause()
            why = [line for line in reader_text(app).splitlines() if "Why China" in line]
            assert len(why) == 1 and cell_len(why[0]) <= 76
            await pilot.press("w")
            assert "(w more)" not in reader_text(app)

    run(scenario())


def test_7_search_newest_first_with_relevance_toggle(sample_db: Path,
                                                     app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("slash", *"market", "enter")
            await pilot.pause(0.3)
            widget = articles(app)
            rows = [widget.row_at(i) for i in range(widget.count)]
            stamps = [r.published for r in rows if r]
            assert len(stamps) > 3 and stamps == sorted(stamps, reverse=True)
            assert "newest first" in static_text(app, "#filter-bar")
            await pilot.press("b")
            assert "best match first" in static_text(app, "#filter-bar")
            assert widget.relevance

    run(scenario())


def test_8_filter_change_puts_the_cursor_on_top(sample_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("end")
            await pilot.press("c")
            assert articles(app).cursor == 0 and articles(app).scroll_y == 0
            await pilot.press("j", "j", "enter")  # open story 3 of the China list
            opened = screen(app).open_id
            await pilot.press("u")  # it is read now: not listed, so back to the top
            assert articles(app).cursor == 0
            await pilot.press("u")  # listed again: the cursor goes back to it
            assert articles(app).current_id == opened

    run(scenario())


def test_9_titles_get_the_width_and_topics_say_plus_n(sample_db: Path,
                                                      app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.press("t")
            choices = app.screen.query_one("#choices")
            choices.highlighted = [o.value for o in choices._options].index("enforcement")
            await pilot.press("space", "a")
            first = list_text(app).splitlines()[0]
            assert "PBoC reiterates ban on crypto trading" in first
            assert first.index("enforcement") < first.index("regulation") or "+1" in first
            assert "Global Wire" in first

    run(scenario())


def test_10_refresh_says_what_happened(failing_db: Path, app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(failing_db)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            feeds = app.query_one("#feeds", FeedList)
            prompts = [str(feeds.get_option_at_index(i).prompt)
                       for i in range(feeds.option_count)]
            assert any("HTTP 404" in p for p in prompts)  # explained in the pane
            assert "4 feeds failing" in static_text(app, "#status")
            screen(app).polling = True
            screen(app).post_message(PollFinished(UpdateReport()))
            await pilot.pause()
            assert any("Polled: nothing new" in n.message for n in app._notifications)

    run(scenario())


def test_11_references_are_numbered_and_pickable(stories_db: Path, app_for: AppFactory,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)

    async def scenario() -> None:
        app = app_for(stories_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("enter")
            text = reader_text(app)
            assert "said[1]" in text and "[1] https://regulator.example/notice" in text
            assert text.count("https://regulator.example/notice") == 1
            await pilot.press("l")
            links = app.screen.query_one("#links", OptionList)
            labels = [str(links.get_option_at_index(i).prompt)
                      for i in range(links.option_count)]
            assert labels[0].startswith("story") and any(lb.startswith("feed") for lb in labels)
            assert any(lb.startswith("[2] Register") for lb in labels)
            await pilot.press("enter")
            assert opened == ["https://extra.example/refs"]

    run(scenario())


def test_12_hostile_and_chinese_stories_render_inert(stories_db: Path,
                                                     app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(stories_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("j", "enter")
            text = reader_text(app)
            assert "[bold red]Fake[/]" in text and "\x1b" not in text
            await pilot.press("o")  # javascript: is refused, not opened
            assert any("only http(s)" in n.message for n in app._notifications)
            await pilot.press("j", "enter")
            assert "中国人民银行" in reader_text(app)
            assert articles(app).count == total() + 3

    run(scenario())


def test_worker_failures_are_reported_in_one_place(sample_db: Path, app_for: AppFactory,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.ui.screens.main import MainScreen

    def broken(self: MainScreen) -> None:
        raise RuntimeError("boom")

    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            app.run_worker(lambda: broken(screen(app)), thread=True, exit_on_error=False,
                           description="Testing")
            with contextlib.suppress(WorkerFailed):
                await app.workers.wait_for_complete()
            await pilot.pause()
            assert any("Testing failed: RuntimeError: boom" in n.message
                       for n in app._notifications)

    run(scenario())


def test_remove_feed_outside_the_feed_pane_says_where(sample_db: Path,
                                                      app_for: AppFactory) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.press("D")
            assert any("feed pane" in n.message for n in app._notifications)
            assert app.screen is screen(app)  # no question asked: nothing was highlighted

    run(scenario())
