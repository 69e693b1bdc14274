"""Fixtures for the UI tests: a temp home, a seeded database, a deterministic app.

Async Pilot scenarios run through ``run()`` (asyncio.run), so no asyncio plugin is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.worker import WorkerCancelled

from tests.ui.sample_data import FIXED_NOW, SEED_LATER, seed_sample
from tui.config import Settings
from tui.engine import Engine
from tui.feeds.fetch import fetch
from tui.store import Store
from tui.ui import SinowireApp, make_app


def run(coro: Coroutine[Any, Any, None]) -> None:
    asyncio.run(coro)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SINOWIRE_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    path = tmp_path / "sample.db"
    with Store.open(path) as store:
        seed_sample(store)
    return path


@pytest.fixture
def demo_db(tmp_path: Path) -> tuple[Path, float]:
    """The bundled demo data and a frozen "now" two hours after its newest story."""
    path = tmp_path / "demo.db"
    with Engine(Settings(), path, clock=lambda: SEED_LATER) as engine:
        engine.seed_demo()
        newest = engine.store.list_articles(limit=1)[0].published
    return path, float(newest + 2 * 3600)


AppFactory = Callable[..., SinowireApp]


@pytest.fixture
def app_for() -> Iterator[AppFactory]:
    """Build an app on a db with a frozen clock, no polling and no automatic fetching."""
    engines: list[Engine] = []

    def build(db: Path, **kwargs: Any) -> SinowireApp:
        kwargs.setdefault("poll_on_start", False)
        kwargs.setdefault("clock", lambda: float(FIXED_NOW))
        kwargs.setdefault("auto_extract", False)
        engine = Engine(kwargs.pop("settings", Settings()), db, demo=kwargs.pop("demo", False),
                        fetcher=kwargs.pop("fetcher", fetch))
        engines.append(engine)
        return make_app(engine, **kwargs)

    yield build
    for engine in engines:
        engine.close()
    # Closing the engines ends their worker processes: one left alive would outlive the test
    # (a late job on a closed engine once started a pool that nobody closed).
    for child in multiprocessing.active_children():
        child.join(5)
    left = multiprocessing.active_children()
    assert not left, f"worker processes left after the app closed: {left}"


async def settle(pilot: Any) -> None:
    """Wait for the workers (counts, sidebar…) and their messages, then a repaint.

    Reads start after the frame that asked for them, so one round may start the next. A
    read superseded by a newer one is cancelled: waiting for it is not an error.
    """
    app = pilot.app
    for _ in range(20):
        await pilot.pause()
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
        if all(worker.is_finished for worker in app.workers):
            break


@pytest.fixture
def stories_db(tmp_path: Path) -> Path:
    """The sample data plus a story with references, one with hostile markup, one Chinese."""
    from tests.ui.sample_data import seed_stories

    path = tmp_path / "stories.db"
    with Store.open(path) as store:
        seed_sample(store)
        seed_stories(store)
    return path


@pytest.fixture
def failing_db(tmp_path: Path) -> Path:
    """The sample data where every feed's last fetch failed."""
    from tests.ui.sample_data import fail_every_feed

    path = tmp_path / "failing.db"
    with Store.open(path) as store:
        seed_sample(store)
        fail_every_feed(store)
    return path


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    path = tmp_path / "empty.db"
    Store.open(path).close()
    return path
