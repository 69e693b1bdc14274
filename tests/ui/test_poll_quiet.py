"""Keys first while a poll runs: refreshes wait for a pause in typing, a step repaints
two rows, and the side panes change size without laying out the screen.

The poller's timing is checked on a simulated clock (every sequence of keys and feeds
hypothesis draws); the list and panes in the real app on a real cache.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.ui.conftest import AppFactory, run, settle
from tests.ui.test_app import articles, screen, static_text
from tests.ui.test_polling import FakePoller, wait_for
from tui.engine import Engine
from tui.models import Entity, FeedOutcome
from tui.ui.messages import PollProgress
from tui.ui.screens import polling
from tui.ui.screens.polling import (
    MAX_DEFER_SECONDS,
    POLL_REFRESH_SECONDS,
    TYPING_SECONDS,
    Poller,
)
from tui.ui.widgets.entity_sidebar import EntitySidebar


class Simulated:
    """A clock, the screen's timers and the app's last key: what the poller reads."""

    def __init__(self) -> None:
        self.now = 100.0
        self.last_key = -1e9
        self.timers: list[tuple[float, Any]] = []
        self.refreshes: list[float] = []
        self.since_key: list[float] = []
        """At each refresh: seconds since the last key before it."""
        status = SimpleNamespace(polling=(0, 0), new=0, render_status=lambda: None)
        idle_gc = SimpleNamespace(since_input=lambda: self.now - self.last_key)
        self.screen = SimpleNamespace(
            app=SimpleNamespace(idle_gc=idle_gc), query_one=lambda *a: status,
            set_timer=self.set_timer, data_changed=self._refreshed)

    def _refreshed(self, **kwargs: object) -> None:
        self.refreshes.append(self.now)
        self.since_key.append(self.now - self.last_key)

    def set_timer(self, wait: float, callback: Any) -> Any:
        entry = (self.now + wait, callback)
        self.timers.append(entry)
        return SimpleNamespace(stop=lambda: self.timers.remove(entry))

    def run_until(self, moment: float) -> None:
        while self.timers and min(t for t, _ in self.timers) <= moment:
            entry = min(self.timers, key=lambda e: e[0])
            self.timers.remove(entry)
            self.now = entry[0]
            entry[1]()
        self.now = moment


events = st.lists(st.one_of(
    st.tuples(st.sampled_from(["key", "feed"]), st.floats(min_value=0.0, max_value=0.6)),
    # A steady typist: a key every 50 ms for up to 5 s (no pause the refresh could take).
    st.tuples(st.just("burst"), st.floats(min_value=0.0, max_value=5.0))),
    min_size=1, max_size=60)


@settings(max_examples=150, deadline=None)
@given(events)
def test_refreshes_wait_for_a_pause_but_never_past_the_cap(
        steps: list[tuple[str, float]]) -> None:
    sim = Simulated()
    original = polling.time.monotonic
    polling.time.monotonic = lambda: sim.now  # type: ignore[assignment]
    arrived: list[float] = []
    try:
        poller = Poller(sim.screen)  # type: ignore[arg-type]
        for kind, gap in steps:
            if kind == "burst":
                for _ in range(round(gap / 0.05)):
                    sim.run_until(sim.now + 0.05)
                    sim.last_key = sim.now
                continue
            sim.run_until(sim.now + gap)
            if kind == "key":
                sim.last_key = sim.now
            else:
                arrived.append(sim.now)
                poller.progress(PollProgress(FeedOutcome(1, "u", 1, 9, "ok", new=1)))
        sim.run_until(sim.now + MAX_DEFER_SECONDS + POLL_REFRESH_SECONDS + 0.1)
    finally:
        polling.time.monotonic = original  # type: ignore[assignment]
    if "feed" in (kind for kind, _ in steps):
        assert sim.refreshes, "stored feeds were never shown"
        assert not sim.timers and not poller._poll_dirty, "a stored feed was left unshown"
    # Every stored feed is listed within the cap of its arrival, however the keys come.
    waits = [min(t for t in sim.refreshes if t >= moment) - moment for moment in arrived]
    assert all(w <= MAX_DEFER_SECONDS + 1e-9 for w in waits), waits
    # Refreshes never come closer together than the coalescing allows...
    gaps = [b - a for a, b in zip(sim.refreshes, sim.refreshes[1:], strict=False)]
    assert all(g >= POLL_REFRESH_SECONDS - 1e-9 for g in gaps), gaps
    # ...and none lands within a typing burst unless the list had waited for the cap.
    for index, (moment, since_key) in enumerate(zip(sim.refreshes, sim.since_key,
                                                    strict=True)):
        if since_key < TYPING_SECONDS - 1e-9 and index > 0:
            assert moment - sim.refreshes[index - 1] >= MAX_DEFER_SECONDS - 1e-9


def test_typing_holds_the_refresh_until_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """A typist who never pauses still sees the poll every MAX_DEFER_SECONDS; one who
    pauses sees it at the pause."""
    sim = Simulated()
    monkeypatch.setattr(polling.time, "monotonic", lambda: sim.now)
    poller = Poller(sim.screen)  # type: ignore[arg-type]
    outcome = PollProgress(FeedOutcome(1, "u", 1, 9, "ok", new=1))
    poller.progress(outcome)
    assert sim.refreshes == [100.0]  # nothing shown for a while: at once
    start = sim.now
    while sim.now < start + 5.0:  # a key every 50 ms and a feed every 100 ms, 5 s long
        sim.run_until(sim.now + 0.05)
        sim.last_key = sim.now
        if round((sim.now - start) / 0.05) % 2 == 0:
            poller.progress(outcome)
    during = [t for t in sim.refreshes if start < t <= start + 5.0]
    assert len(during) == 2, sim.refreshes  # at +2 s and +4 s, not ten times
    assert all(abs((b - a) - MAX_DEFER_SECONDS) < 0.06
               for a, b in zip([start, *during], during, strict=False))
    poller.progress(outcome)  # then the typing stops: shown within the typing pause
    typed = sim.now
    sim.run_until(typed + TYPING_SECONDS + 0.05)
    assert sim.refreshes[-1] > during[-1]
    assert sim.refreshes[-1] - typed <= TYPING_SECONDS + 1e-6


def test_a_cursor_step_repaints_two_rows(sample_db: Path, app_for: AppFactory,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.ui.widgets.article_list import ArticleList

    painted: list[int] = []
    original = ArticleList.render_line

    def render_line(self: ArticleList, y: int) -> Any:
        painted.append(y)
        return original(self, y)

    monkeypatch.setattr(ArticleList, "render_line", render_line)

    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            listed = articles(app)
            assert listed.count >= 3
            painted.clear()
            await pilot.press("j")
            await pilot.pause()
            assert listed.cursor == 1
            assert sorted(set(painted)) == [0, 1], painted
            painted.clear()
            await pilot.press("k")
            await pilot.pause()
            assert listed.cursor == 0 and sorted(set(painted)) == [0, 1], painted
            # Past the bottom of the view it scrolls: the whole list is painted again.
            height = listed.scrollable_content_region.height
            if listed.count > height:
                listed.move_to(height - 1)
                await pilot.pause()
                painted.clear()
                await pilot.press("j")
                await pilot.pause()
                assert listed.scroll_y == 1 and len(set(painted)) > 2

    run(scenario())


def test_a_side_pane_growing_needs_no_layout(sample_db: Path, app_for: AppFactory,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario() -> None:
        app = app_for(sample_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            sidebar = app.query_one("#entities", EntitySidebar)
            layouts: list[object] = []
            original = type(sidebar).refresh

            def refresh(self: Any, *regions: Any, **kwargs: Any) -> Any:
                if kwargs.get("layout"):
                    layouts.append(self)
                return original(self, *regions, **kwargs)

            monkeypatch.setattr(type(sidebar), "refresh", refresh)
            many = [Entity(f"Org {n}", "ORG", 10 - n) for n in range(8)]
            sidebar.show_entities(many[:2], "Entities · list", None)
            await pilot.pause()
            before = sidebar.virtual_size.height
            sidebar.show_entities(many, "Entities · list", None)
            await pilot.pause()
            assert sidebar.virtual_size.height == before + 6
            assert not layouts
            shown = "\n".join(sidebar.render_line(y).text for y in range(sidebar.size.height))
            assert "Org 7" in shown

    run(scenario())


@pytest.fixture
def held_poll(monkeypatch: pytest.MonkeyPatch) -> FakePoller:
    """A poll that stores one feed's story, then waits for ``release``."""
    fake = FakePoller()
    monkeypatch.setattr(Engine, "update", lambda engine, *a, **k: fake.update(engine, *a, **k))
    return fake


def test_progress_waits_for_the_next_key_while_typing(
        sample_db: Path, app_for: AppFactory, held_poll: FakePoller,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """While the user types, a feed's progress is painted in the next key's frame (no
    frame of its own for a key to wait behind); with no key, once the typing pauses."""

    def feed(index: int) -> PollProgress:
        return PollProgress(FeedOutcome(1, "u", index, 4, "not_modified"))

    async def scenario() -> None:
        app = app_for(sample_db, poll_on_start=True)
        async with app.run_test(size=(140, 40)) as pilot:
            await wait_for(held_poll.started)
            for _ in range(100):
                await pilot.pause(0.02)
                if "polling 1/4" in static_text(app, "#status"):
                    break
            assert "polling 1/4" in static_text(app, "#status")
            monkeypatch.setattr(polling, "TYPING_SECONDS", 60.0)  # typing, however slow
            await pilot.press("j")
            screen(app).post_message(feed(2))
            await pilot.pause(POLL_REFRESH_SECONDS + 0.2)  # the progress's tick has come
            assert "polling 1/4" in static_text(app, "#status")  # held for the key
            await pilot.press("k")
            assert "polling 2/4" in static_text(app, "#status")
            monkeypatch.setattr(polling, "TYPING_SECONDS", 0.2)
            await pilot.press("j")
            screen(app).post_message(feed(3))
            for _ in range(100):  # no key comes: shown at the pause
                await pilot.pause(0.02)
                if "polling 3/4" in static_text(app, "#status"):
                    break
            assert "polling 3/4" in static_text(app, "#status")
            held_poll.release.set()
            await app.workers.wait_for_complete()

    run(scenario())


def record_frames(app: Any, sample: Callable[[], tuple[int, int]]) -> list[tuple[int, int]]:
    """What ``sample()`` reads at every frame the main screen paints (wraps the app's
    display, so a frame is what reached the terminal, not what was scheduled)."""
    shown: list[tuple[int, int]] = []
    display = app._display

    def recorded(screen: Any, renderable: Any) -> None:
        if renderable is not None and len(app.screen_stack) == 1:
            shown.append(sample())
        display(screen, renderable)

    app._display = recorded
    return shown


def test_a_poll_refresh_shows_the_list_and_the_panes_in_one_frame(
        sample_db: Path, app_for: AppFactory, held_poll: FakePoller,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The list never shows a feed's new story in a frame whose feed pane still has the
    old counts: a refresh is one frame, not the list's and then each pane's (the poll's
    last one too)."""
    import time

    from tui.ui.screens import main
    from tui.ui.widgets.feed_list import FeedList

    counts = main.feed_counts

    def slow_counts(store: Any) -> Any:  # as on a big cache: frames come meanwhile
        time.sleep(0.2)
        return counts(store)

    monkeypatch.setattr(main, "feed_counts", slow_counts)

    async def scenario() -> None:
        app = app_for(sample_db)
        shown = record_frames(app, lambda: (
            articles(app).count, app.query_one("#feeds", FeedList)._totals.get("unread", -1)))
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)  # the panes' first counts are in
            shown.clear()
            await pilot.press("j")  # (a frame of the settled screen)
            screen(app).poller.start()
            await wait_for(held_poll.started)
            for _ in range(150):
                await pilot.pause(0.02)
                if shown and shown[-1][0] > shown[0][0] and shown[-1][1] > shown[0][1]:
                    break
            during = list(shown)
            held_poll.release.set()
            await app.workers.wait_for_complete()
            for _ in range(100):  # the poll's last refresh (not held) is one frame too
                await pilot.pause(0.02)
                if shown[-1][0] == during[0][0] + 4 and shown[-1][1] == during[0][1] + 4:
                    break
        before_count, before_unread = during[0]
        assert during[-1][0] == before_count + 1, during  # the stored story is listed...
        assert during[-1][1] == before_unread + 1, during  # ...and counted
        assert shown[-1] == (before_count + 4, before_unread + 4), shown
        # Never a frame listing new stories the feed pane does not count yet.
        assert all(c - before_count == u - before_unread for c, u in shown), shown

    run(scenario())


def test_while_typing_a_poll_refresh_is_painted_just_after_a_key(
        sample_db: Path, app_for: AppFactory, held_poll: FakePoller,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A refresh read while the user types waits for the next key and is painted in the
    frame after that key's: the key's own frame has only the key's change."""
    async def scenario() -> None:
        app = app_for(sample_db)
        shown = record_frames(app, lambda: (articles(app).count, articles(app).cursor))
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            before = articles(app).count
            monkeypatch.setattr(polling, "TYPING_SECONDS", 60.0)  # typing, however slow
            await pilot.press("j")
            screen(app).poller.start()
            await wait_for(held_poll.started)
            await pilot.pause(POLL_REFRESH_SECONDS + 0.5)  # read, and held for a key
            assert articles(app).count == before
            shown.clear()
            await pilot.press("k")
            for _ in range(50):
                await pilot.pause(0.02)
                if articles(app).count > before:
                    break
            assert articles(app).count == before + 1
            assert shown[0] == (before, 0), shown  # the key's frame: the key alone
            assert shown[-1][0] == before + 1, shown  # then the refresh
            held_poll.release.set()
            await app.workers.wait_for_complete()

    run(scenario())
