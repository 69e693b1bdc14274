"""Quitting never waits on the network: blocking calls are abandoned when the app quits."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.ui.conftest import AppFactory, run
from tests.ui.test_extract import page_db
from tui.ui.threads import Abandoned, abandoned_alive, run_abandonable


def test_result_and_error_pass_through() -> None:
    cancel = threading.Event()
    assert run_abandonable(lambda: 42, cancel) == 42
    with pytest.raises(ZeroDivisionError):
        run_abandonable(lambda: 1 / 0, cancel)


def test_cancel_abandons_a_stuck_call() -> None:
    cancel = threading.Event()
    release = threading.Event()
    threading.Timer(0.1, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(Abandoned):
        run_abandonable(lambda: release.wait(5), cancel)
    assert time.monotonic() - started < 1
    assert abandoned_alive()
    release.set()
    time.sleep(0.1)
    assert not abandoned_alive()


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
