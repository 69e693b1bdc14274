"""Fixtures for the hostile tests: one shared parse worker, raw-socket servers, a poll helper."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import make_items, plain_tagger, rss
from tests.engine_helpers import poll
from tui.config import Settings
from tui.engine.worker import IsolatedRunner
from tui.models import Feed, FeedOutcome
from tui.store import Store

Reply = tuple[bytes, str] | tuple[bytes, str, dict[str, str]] | Response


@pytest.fixture(scope="module")
def runner() -> Iterator[IsolatedRunner]:
    """One parse worker per module: spawning one costs a few hundred milliseconds."""
    with IsolatedRunner() as shared:
        yield shared




def respond(reply: Reply) -> Response:
    if isinstance(reply, Response):
        return reply
    body, content_type, *extra = reply
    return Response(body, content_type=content_type, headers=extra[0] if extra else None)


class Replies:
    """Serves the given replies in turn on one path (the last one repeats)."""

    def __init__(self, httpserver: HTTPServer, path: str, *replies: Reply) -> None:
        self.replies = list(replies)
        self.calls = 0
        self.url = httpserver.url_for(path)
        httpserver.expect_request(path).respond_with_handler(self)

    def __call__(self, request: Request) -> Response:
        reply = self.replies[min(self.calls, len(self.replies) - 1)]
        self.calls += 1
        return respond(reply)


GOOD = (rss(make_items(3)), "application/rss+xml")


def poll_once(store: Store, settings: Settings, runner: IsolatedRunner,
              feed: Feed | None = None) -> FeedOutcome:
    """Force-poll one feed (or all) and return the single outcome."""
    report = poll(store, settings, tagger=plain_tagger, runner=runner, force=True,
                  feeds=[feed] if feed is not None else None)
    assert len(report.outcomes) == 1, report
    return report.outcomes[0]
