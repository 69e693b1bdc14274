"""Fixtures for the fetch tests: fast test settings and raw-socket servers on 127.0.0.1."""

from __future__ import annotations

import pytest

from tui.config import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings().with_changes(connect_timeout=2.0, read_timeout=5.0, deadline=10.0)


