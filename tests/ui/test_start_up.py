"""Start-up: what the way to the first frame must not pay for (see tui.ui.idle_gc)."""

from __future__ import annotations

import gc
from pathlib import Path

from tests.ui.conftest import AppFactory, run
from tui.ui.screens.main import MainScreen


def test_no_automatic_full_collection_before_the_first_frame(
        sample_db: Path, app_for: AppFactory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Building the screen allocates enough to trigger a full collection (40-100 ms on the
    way to the first frame): from the app's start only idle moments collect."""
    at_mount: list[tuple[int, int, int]] = []
    mounted = MainScreen.on_mount

    def on_mount(screen: MainScreen) -> None:
        at_mount.append(gc.get_threshold())
        mounted(screen)

    monkeypatch.setattr(MainScreen, "on_mount", on_mount)
    before = gc.get_threshold()

    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert at_mount, "the main screen mounted"
            assert at_mount[0][2] > 10 * before[2], "full collections were still automatic"
            assert at_mount[0][:2] == before[:2], "young collections run as usual"

    run(scenario())
    assert gc.get_threshold() == before, "the app gives the thresholds back on exit"


def test_an_app_built_but_never_run_leaves_the_collector_alone(
        sample_db: Path, app_for: AppFactory) -> None:
    """The thresholds are the process's: only a running app (which gives them back on
    exit) may change them."""
    before = gc.get_threshold()
    app_for(sample_db)
    assert gc.get_threshold() == before


def test_the_footer_composes_its_keys_once_while_focus_settles(
        sample_db: Path, app_for: AppFactory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Focus settling at start-up signals "bindings changed" five times; each full
    recompose of the footer (a widget per key) was 50-100 ms the first key waited for."""
    from textual.widgets import Footer

    composes: list[object] = []
    compose = Footer.compose

    def counted(footer: Footer):  # type: ignore[no-untyped-def]
        composes.append(footer)
        return compose(footer)

    monkeypatch.setattr(Footer, "compose", counted)

    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(10):
                await pilot.pause(0.05)
            assert 1 <= len(composes) <= 2, f"{len(composes)} composes"  # empty, then keys

    run(scenario())


def test_the_footer_follows_the_focus(sample_db: Path, app_for: AppFactory) -> None:
    """Coalescing the recomposes must not lose one: the feed pane's keys show there only."""
    from textual.widgets._footer import FooterKey

    def shown(app) -> set[str]:  # type: ignore[no-untyped-def]
        return {key.description for key in app.screen.query(FooterKey)}

    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(160, 40)) as pilot:
            await pilot.pause(0.2)
            assert "Remove feed" not in shown(app)
            app.screen.query_one("#feeds").focus()
            await pilot.pause(0.2)
            assert "Remove feed" in shown(app)
            app.screen.query_one("#articles").focus()
            await pilot.pause(0.2)
            assert "Remove feed" not in shown(app)

    run(scenario())
