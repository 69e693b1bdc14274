"""Quitting never waits on the network: the workers' threads never hold the exit."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.ui.conftest import AppFactory, run
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

    async def scenario() -> None:
        app = app_for(db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("enter", "f")
            await pilot.pause(0.3)
            await pilot.press("q")

    started = time.monotonic()
    run(scenario())
    assert time.monotonic() - started < 3
    release.set()
