"""Fixtures for watches and alerts: a loopback feed whose document changes between
fetches, the real tagger, recording commands and a fake ``notify-send`` on PATH."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import rss
from tests.engine_helpers import poll
from tui.config import Settings
from tui.engine.jobs import make_tagger
from tui.engine.worker import IsolatedRunner
from tui.store import Store


@pytest.fixture(scope="module")
def runner() -> Iterator[IsolatedRunner]:
    with IsolatedRunner() as shared:
        yield shared


class FeedServer:
    """Serves ``items`` as RSS at /feed.xml; tests append items between fetches."""

    def __init__(self, server: HTTPServer, path: str = "/feed.xml") -> None:
        self.items: list[dict[str, str]] = []
        self.url = server.url_for(path)
        server.expect_request(path).respond_with_handler(self._handle)

    def _handle(self, request: Request) -> Response:
        return Response(rss(self.items, title="Loopback Wire"),
                        content_type="application/rss+xml")

    def add(self, *titles: str) -> None:
        for title in titles:
            n = len(self.items)
            self.items.append({"guid": f"g{n}", "title": title,
                               "link": f"https://news.example/{n}",
                               "description": f"<p>{title}</p>",
                               "date": (datetime.now(UTC) - timedelta(minutes=1000 - n))
                               .strftime("%Y-%m-%dT%H:%M:%S")})


@pytest.fixture
def feed_server(httpserver: HTTPServer) -> FeedServer:
    return FeedServer(httpserver)


def update(store: Store, runner: IsolatedRunner) -> list[int]:
    """One fetch of every feed with the real tagger; the ids of the articles it stored.

    The test feeds' stories are near-copies ("… story 0", "… story 1"), which grouping
    rightly calls one story; a window of a second keeps each its own, as the tests mean."""
    settings = Settings(connect_timeout=2.0, read_timeout=2.0, deadline=5.0,
                        story_window_hours=0.0003)
    before = store.max_article_id()
    poll(store, settings, tagger=make_tagger(settings), runner=runner, force=True)
    return store.article_ids_after(before)


def write_script(path: Path, body: str) -> Path:
    path.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def recorder(tmp_path: Path) -> tuple[list[str], Path]:
    """A command that appends the JSON it reads on stdin to a file: (argv, file)."""
    out = tmp_path / "received.jsonl"
    script = write_script(tmp_path / "record-alert", (
        "import sys\n"
        "data = sys.stdin.buffer.read()\n"
        f"open({str(out)!r}, 'ab').write(data)\n"
    ))
    return [str(script)], out


def received(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def fake_notify_send(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``notify-send`` on PATH that records its argv as JSON lines; returns the log."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "notify-send.jsonl"
    write_script(bin_dir / "notify-send", (
        "import json, sys\n"
        f"open({str(log)!r}, 'a', encoding='utf-8').write(json.dumps(sys.argv[1:]) + '\\n')\n"
    ))
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/fake-bus")
    return log


def wait_for(predicate, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
