"""The app's own poll worker against many loopback feeds while keys are pressed.

The one test in tests/hostile that imports textual: it builds the real app with
``tui.ui.make_app`` and measures, for every key press during the poll, the time until the
article list's cursor has moved (the worst is the figure the README quotes). The keys
never pause, so it also checks that the list still follows the poll: every feed with new
stories is listed within the poller's cap (``MAX_DEFER_SECONDS``, give or take the event
loop's longest stall in the same run), and the list shows a polled story before the poll
ends. It checks §5 case 62 in the app too: the poll worker's Store is opened in its own
thread.
"""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from textual import events

from tests.conftest import plain_tagger
from tests.engine_helpers import save_articles
from tests.hostile.loopback import FeedServer
from tests.hostile.safety import LONG
from tui.config import Settings
from tui.engine import Engine
from tui.models import Article
from tui.store import Store
from tui.ui import make_app

FEEDS = 200 if LONG else 24
ENTRIES = 200 if LONG else 100


def test_keys_stay_answered_while_the_app_polls(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The two slow feeds answer 2 s apart after the fixed ones (one request per host at a
    # time): the poll runs on for 4 s and more after the first new stories, past the cap.
    server = FeedServer(slow_seconds=2.0)
    db = tmp_path / "load.db"
    with Store.open(db) as store:
        local = store.add_feed("https://local.test/feed.xml", "Already cached")
        save_articles(store, local.id, [Article(guid=f"c{n}", title=f"Cached story {n}",
                                               published=int(time.time()) - 3600 + n)
                                       for n in range(60)],
                      tagger=plain_tagger, now=int(time.time()), next_due=2**40)
        for n in range(FEEDS - 6):
            store.add_feed(server.url("fixed", n, ENTRIES))
        for kind in ("slow", "fail", "bad"):
            for n in range(2):
                store.add_feed(server.url(kind, n, ENTRIES))
    opened_in: list[tuple[str, int]] = []
    original = Store.open.__func__  # type: ignore[attr-defined]

    def recording_open(cls, path, **kwargs):  # type: ignore[no-untyped-def]
        opened_in.append((threading.current_thread().name, threading.get_ident()))
        return original(cls, path, **kwargs)

    monkeypatch.setattr(Store, "open", classmethod(recording_open))
    # When the list's cursor action ran for a key: the moment the UI thread handled it.
    # (The cursor's row is no measure: a refresh that lists a new story above the
    # highlighted one puts a moved cursor back on the row number it left.)
    from tui.ui.widgets.article_list import ArticleList

    handled: list[float] = []

    def timing(original: Any) -> Any:
        def timed(self: ArticleList) -> None:
            handled.append(time.perf_counter())
            original(self)
        return timed

    for name in ("action_cursor_down", "action_cursor_up"):
        monkeypatch.setattr(ArticleList, name, timing(getattr(ArticleList, name)))
    from tui.ui.screens import polling

    new_stories_at: list[float] = []  # when the UI heard of a feed with new stories
    original_progress = polling.Poller.progress

    def progress(self: polling.Poller, event: Any) -> None:
        if event.outcome.new:
            new_stories_at.append(time.monotonic())
        original_progress(self, event)

    monkeypatch.setattr(polling.Poller, "progress", progress)
    # Each time the list re-reads the store: when, whether the poll was still running, and
    # the feed of its first row. (Its count is no measure of "new stories shown": grouping
    # folds the cached reports and the near-copy entries into a few stories as it goes, so
    # the count moves 60 → 2 → 110 → 24 during one poll.)
    reloads: list[tuple[float, bool, int | None]] = []
    original_reload = ArticleList.reload

    def reload(self: ArticleList, *args: Any, **kwargs: Any) -> None:
        original_reload(self, *args, **kwargs)
        top = self.row_at(0)
        reloads.append((time.monotonic(), bool(getattr(self.screen, "polling", False)),
                        top.feed_id if top is not None else None))

    monkeypatch.setattr(ArticleList, "reload", reload)
    poll_ended: list[float] = []
    delays: list[float] = []
    focus_lost: list[str] = []
    result: dict[str, Any] = {}
    engines: list[Engine] = []

    gaps: list[float] = []

    async def tick() -> None:
        """The UI thread's event loop, every 10 ms: a gap is the loop held by something.
        (The test shares that loop, so a freeze between two presses delays no press.)"""
        while True:
            t0 = time.perf_counter()
            await asyncio.sleep(0.01)
            gaps.append(time.perf_counter() - t0)

    async def scenario() -> None:
        engine = Engine(Settings(deadline=30.0, parse_timeout=60.0), db)
        engines.append(engine)
        app = make_app(engine, poll_on_start=True, auto_extract=False)
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause(0.2)
            articles = app.query_one("#articles")
            started = time.monotonic()
            ticking = asyncio.ensure_future(tick())
            index = 0
            while time.monotonic() - started < 600:
                busy = any(not w.is_finished for w in app.workers)
                if not busy and not poll_ended:
                    poll_ended.append(time.monotonic())
                if not busy and index > 4:
                    break
                if app.focused is not articles:
                    focus_lost.append(repr(app.focused))
                    articles.focus()
                key = "j" if articles.cursor == 0 else "k"
                seen = len(handled)
                t0 = time.perf_counter()
                # As the terminal driver sends it, with no wait for the app to go idle
                # (Pilot's press waits up to 1 s for that: a pause a typist never makes).
                app.post_message(events.Key(key, key))
                while len(handled) == seen and time.perf_counter() - t0 < 10:
                    await asyncio.sleep(0.001)
                delays.append((handled[seen] if len(handled) > seen
                               else time.perf_counter()) - t0)
                index += 1
                await asyncio.sleep(0.02)
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
            ticking.cancel()
            result["polled_seconds"] = time.monotonic() - started
            # Every report stored (the list itself is grouped: its synthetic entries are
            # near-copies, so they fold into a few stories; that count is checked too).
            result["count"] = app.store.count_articles()
            result["stories_listed"] = articles.count == app.store.count_story_rows()
            result["ui_thread"] = threading.get_ident()

    try:
        asyncio.run(scenario())
    finally:
        server.close()
        for engine in engines:
            engine.close()
    worst = max(delays)
    ranked = sorted(delays)
    print(f"\napp under load: {FEEDS} feeds × {ENTRIES} entries polled in "
          f"{result['polled_seconds']:.1f} s; {len(delays)} key presses, worst key-to-cursor "
          f"{worst * 1000:.0f} ms (press #{delays.index(worst) + 1}), second worst "
          f"{ranked[-2] * 1000:.0f} ms, median {statistics.median(delays) * 1000:.0f} ms")
    good = FEEDS - 6 + 2  # the fixed feeds and the slow ones
    assert result["count"] == 60 + good * ENTRIES
    assert result["stories_listed"]
    assert len(delays) >= 5
    assert not focus_lost, f"the poll took the focus from the list: {focus_lost}"
    # Keys come every 20 ms, so the list's refresh waits for a pause in the typing that never
    # comes: only the cap (2 s) shows the poll. Each feed with new stories must be listed
    # by then, late by the event loop's longest stall here, twice (a timer starts late and
    # fires late while the loop is held); the poll's timing is tested on a simulated clock
    # in tests/ui/test_poll_quiet.py. Without the cap a feed waited 12-14 s here.
    assert new_stories_at and reloads
    stall = max(gaps)
    allowed = polling.MAX_DEFER_SECONDS + 2 * stall + 0.25
    waits = [next((when for when, _, _ in reloads if when >= heard), float("inf")) - heard
             for heard in new_stories_at]
    shown_polling = [feed for _, still, feed in reloads if still]
    room = (poll_ended[0] - new_stories_at[0]) if poll_ended else 0.0
    print(f"{len(new_stories_at)} feeds with new stories, the first {room:.1f} s before the "
          f"poll ended; the longest a feed waited for the list {max(waits):.2f} s (cap "
          f"{polling.MAX_DEFER_SECONDS:g} s, loop stall {stall:.2f} s); {len(shown_polling)} "
          f"list refreshes while polling")
    assert max(waits) <= allowed, [round(w, 2) for w in waits]
    if room > allowed:  # the user saw a new story on top while the poll still ran
        assert any(feed not in (None, local.id) for feed in shown_polling), reloads
    # A freeze detector, not a target (the benchmark `run.py --only pollkeys` measures):
    # on a busy 2-core machine the worst press during a poll measured 0.5-4.5 s, median
    # ~0.1 s; a UI thread blocked by the poll would hold every key for the whole poll.
    assert worst < 8.0, delays
    print(f"event loop: {len(gaps)} ticks, longest gap {max(gaps) * 1000:.0f} ms")
    assert max(gaps) < 8.0, sorted(gaps)[-5:]
    workers = [ident for name, ident in opened_in if ident != result["ui_thread"]]
    assert workers, f"the poll worker opened no Store of its own: {opened_in}"
