"""The poll worker's plumbing, with a stand-in poller (no network, fully controlled).

The real engine is exercised against a loopback server in test_feeds.py; here a fake
``Engine.update`` lets the test hold a poll open to check progress, the refusal of a
second poll, live updates that keep the open article, and cancellation on quit.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.engine_helpers import save_articles
from tests.ui.conftest import AppFactory, run
from tests.ui.sample_data import FIXED_NOW, total
from tests.ui.test_app import articles, list_text, screen, static_text
from tui.engine import Engine
from tui.models import Article, FeedOutcome, Tags, UpdateReport


class FakePoller:
    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.cancelled = False
        self.calls = 0

    def update(self, engine: Engine, feeds=None, *,  # type: ignore[no-untyped-def]
               force=False, on_progress=None, cancel=None,
               in_child=False) -> UpdateReport:
        tagger = lambda article: Tags()  # noqa: E731
        store = engine.store
        self.calls += 1
        todo = feeds if feeds is not None else store.feeds()
        outcomes = []
        for index, feed in enumerate(todo, 1):
            article = Article(guid=f"new-{self.calls}-{feed.id}",
                              title=f"Fresh story {self.calls}-{feed.id}",
                              url="https://fresh.example/", published=FIXED_NOW)
            new, _ = save_articles(store, feed.id, [article], tagger=tagger, now=FIXED_NOW,
                                         next_due=FIXED_NOW + 1800)
            outcome = FeedOutcome(feed.id, feed.url, index, len(todo), "ok", new=new)
            outcomes.append(outcome)
            if on_progress:
                on_progress(outcome)
            if index == 1:
                self.started.set()
                while not self.release.wait(0.02):
                    if cancel is not None and cancel.is_set():
                        self.cancelled = True
                        return UpdateReport(tuple(outcomes), cancelled=True)
        return UpdateReport(tuple(outcomes))


@pytest.fixture
def fake_poller(monkeypatch: pytest.MonkeyPatch) -> FakePoller:
    fake = FakePoller()
    monkeypatch.setattr(Engine, "update", lambda engine, *a, **k: fake.update(engine, *a, **k))
    return fake


async def wait_for(event: threading.Event) -> None:
    import asyncio

    for _ in range(200):
        if event.is_set():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


def test_poll_progress_live_update_and_refusal(sample_db: Path, app_for: AppFactory,
                                               fake_poller: FakePoller) -> None:
    async def scenario() -> None:
        app = app_for(sample_db, poll_on_start=True)
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.press("j", "j", "enter")
            open_id = articles(app).current_id
            await wait_for(fake_poller.started)
            # The poll's refreshes are coalesced (at most one per 0.5 s): wait for the first.
            for _ in range(100):
                await pilot.pause(0.02)
                if articles(app).count == total() + 1:
                    break
            assert "polling 1/4" in static_text(app, "#status")
            assert articles(app).count == total() + 1  # the first feed's story is live
            assert articles(app).current_id == open_id
            await pilot.press("r")
            assert fake_poller.calls == 1
            assert any("Already polling" in str(n.message) for n in app._notifications)
            fake_poller.release.set()
            await app.workers.wait_for_complete()
            await pilot.pause(0.1)
            assert articles(app).count == total() + 4
            assert articles(app).current_id == open_id
            assert screen(app).open_id == open_id
            assert "Fresh story" in list_text(app)
            status = static_text(app, "#status")
            assert "4 new" in status and "polled just now" in status
            await pilot.press("r")  # now a new poll may start
            await app.workers.wait_for_complete()
            assert fake_poller.calls == 2

    run(scenario())


def test_quit_cancels_a_running_poll(sample_db: Path, app_for: AppFactory,
                                     fake_poller: FakePoller) -> None:
    async def scenario() -> None:
        app = app_for(sample_db, poll_on_start=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(fake_poller.started)
            await pilot.press("q")
        assert app.cancel_event.is_set()

    run(scenario())
    for _ in range(100):
        if fake_poller.cancelled:
            break
        threading.Event().wait(0.02)
    assert fake_poller.cancelled


def test_an_alert_from_a_poll_is_a_toast_with_its_title_as_plain_text(
        sample_db: Path, app_for: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.alerts.stage import AlertReport

    hostile = "[@click=app.quit]HKMA licenses[/] \x1b[31missuers"
    alerts = AlertReport(toast_title="sinowire: new story for hong-kong", toast=hostile)
    monkeypatch.setattr(Engine, "update",
                        lambda engine, *a, **k: UpdateReport(alerts=alerts))

    async def scenario() -> None:
        app = app_for(sample_db, poll_on_start=True)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(100):
                await pilot.pause(0.05)
                if any(n.title == alerts.toast_title for n in app._notifications):
                    break
            [toast] = [n for n in app._notifications if n.title == alerts.toast_title]
            assert toast.message == hostile and toast.markup is False
            assert app.is_running  # the markup in the title did nothing

    run(scenario())
