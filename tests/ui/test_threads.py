"""Quitting never waits on the network: the workers' threads never hold the exit."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.ui.conftest import AppFactory, run, settle
from tests.ui.test_extract import page_db
from tui.ui.workers import DaemonExecutor, workers_alive


def test_result_and_error_pass_through() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(DaemonExecutor())
        assert await loop.run_in_executor(None, lambda: 42) == 42
        with pytest.raises(ZeroDivisionError):
            await loop.run_in_executor(None, lambda: 1 / 0)

    run(scenario())


def test_the_loop_does_not_wait_for_a_stuck_call() -> None:
    release = threading.Event()

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(DaemonExecutor())
        loop.run_in_executor(None, lambda: release.wait(5))
        await asyncio.sleep(0.05)

    started = time.monotonic()
    run(scenario())  # asyncio.run joins the default executor: this one has nothing to join
    assert time.monotonic() - started < 1
    assert workers_alive()
    release.set()
    for _ in range(50):
        if not workers_alive():
            break
        time.sleep(0.02)
    assert not workers_alive()


def test_quit_during_a_slow_fetch_is_prompt(tmp_path: Path, app_for: AppFactory,
                                            httpserver: HTTPServer) -> None:
    release = threading.Event()

    def stuck(request: Request) -> Response:
        release.wait(10)
        return Response("<html></html>", content_type="text/html")

    httpserver.expect_request("/slow").respond_with_handler(stuck)
    db = page_db(tmp_path, httpserver.url_for("/slow"))

    quit_at: list[float] = []

    async def scenario() -> None:
        app = app_for(db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("enter", "f")
            await pilot.pause(0.3)
            quit_at.append(time.monotonic())  # from the key, not the start-up (load varies)
            await pilot.press("q")

    run(scenario())
    assert time.monotonic() - quit_at[0] < 3  # the stuck fetch holds 10 s
    release.set()


def test_a_superseded_read_is_dropped_and_its_query_interrupted(
        sample_db: Path, app_for: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two reads in one group: only the newer result is applied, and the older query stops
    at once instead of running on for nobody."""
    from tests.ui.test_app import screen
    from tui.ui.messages import PickerCounts
    from tui.ui.screens.main import MainScreen

    applied: list[dict[str, int]] = []

    def on_picker_counts(self: MainScreen, event: PickerCounts) -> None:
        if not event.stale:
            applied.append(event.counts)

    monkeypatch.setattr(MainScreen, "on_picker_counts", on_picker_counts, raising=False)
    started = threading.Event()
    long_query = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                  "WHERE x < 200000000) SELECT count(*) FROM c")

    def slow(store: object) -> dict[str, int]:
        started.set()
        return {"slow": store.db.conn.execute(long_query).fetchone()[0]}  # type: ignore[attr-defined]

    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            main = screen(app)
            main.read("probe", "Slow probe", slow, PickerCounts)
            for _ in range(200):
                if started.is_set():
                    break
                await asyncio.sleep(0.01)
            moment = time.monotonic()
            main.read("probe", "Quick probe", lambda store: {"quick": 1}, PickerCounts)
            await settle(pilot)
            while workers_alive() and time.monotonic() - moment < 5:
                await asyncio.sleep(0.01)
            assert time.monotonic() - moment < 2  # interrupted, not run to its end
            assert applied == [{"quick": 1}]

    run(scenario())
