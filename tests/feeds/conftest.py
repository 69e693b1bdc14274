"""Fixtures for the fetch tests: fast test settings and raw-socket servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.conftest_http import Handler, RawServer
from tui.config import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings().with_changes(connect_timeout=2.0, read_timeout=5.0, deadline=10.0)


@pytest.fixture
def raw_server() -> Iterator[Callable[[Handler], RawServer]]:
    """Factory: ``raw_server(handler)`` starts a server that is closed after the test."""
    servers: list[RawServer] = []

    def start(handler: Handler) -> RawServer:
        server = RawServer(handler)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
