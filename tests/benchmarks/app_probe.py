"""Child process for the app benchmarks: first frame, memory and key-to-screen latency.

    python tests/benchmarks/app_probe.py DB_PATH              # sinowire on that cache
    python tests/benchmarks/app_probe.py --bare               # a minimal Textual app (floor)
    python tests/benchmarks/app_probe.py --keys DB_PATH N     # N rounds of keys on that cache
    python tests/benchmarks/app_probe.py --keys-bare N        # the same clock on a bare app

The first two print one JSON line: the wall-clock time of the first displayed frame
(Textual's Ready event) and the process's resident memory at that moment. The parent
subtracts its own start time, so process start-up and imports are included.

The key modes time each key inside the app: the clock starts when the key event is handed
to the app's driver (as a terminal would) and stops at the first frame the app displays
(``App._display``, also called headless) whose state is the state the key finally leads
to. Three stops per key: "page", the first frame showing the list's final page (a search
paints it before its count); "list", the first frame showing the final page and count
(or the screen the key opens); "all", the first frame with the background reader's
counts and sidebar in too. Pilot's own press + pause (≈ 84 ms of waiting for idle) is
not in these figures. The bare floor is a DataTable moving its cursor, timed the same way.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

TYPING_GAP = 0.08  # seconds between keys of a typed burst (a quick typist)


def rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def report_and_exit(app) -> None:  # type: ignore[no-untyped-def]
    print(json.dumps({"first_frame": time.time(), "rss_mb": round(rss_mb(), 1)}), flush=True)
    app.exit()


class FrameClock:
    """Frames the app displayed: (time, list-state, everything-settled) per frame."""

    def __init__(self, state: Callable[[], tuple[Hashable, bool]],
                 page: Callable[[], Hashable] = lambda: None) -> None:
        self.state = state
        self.page = page
        """What the list shows without its count (the "page" stop)."""
        self.frames: list[tuple[float, Hashable, bool]] = []
        self.pages: list[tuple[float, Hashable, float]] = []
        """(time, page, the process's CPU seconds) per frame."""
        self.cpu_at: dict[float, float] = {}
        """The process's CPU seconds when each key was handed over (by its start time)."""
        self.applied: list[float] = []
        """When background results were applied (a result that changes nothing on screen
        causes no frame, so its arrival is the moment everything is shown)."""

    def frame(self) -> None:
        shown, settled = self.state()
        now = time.perf_counter()
        self.frames.append((now, shown, settled))
        self.pages.append((now, self.page(), time.process_time()))

    async def key(self, app: Any, key: str, char: str | None = None) -> float:
        """Hand ``key`` to the driver; return when it took (the clock's start)."""
        from textual import events

        started = time.perf_counter()
        self.cpu_at[started] = time.process_time()
        event = events.Key(key, char if char is not None else (key if len(key) == 1 else None))
        event.set_sender(app)
        app._driver.send_message(event)
        return started

    async def settle(self, timeout: float = 10.0) -> None:
        """Until the app is quiet: nothing in the background, last frame shows now."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
            shown, settled = self.state()
            if not settled or not self.frames:
                continue
            last_time, last_shown, last_settled = self.frames[-1]
            if (time.perf_counter() - last_time > 0.06 and last_shown == shown
                    and last_settled):
                return

    def page_latency(self, started: float) -> tuple[float | None, float | None]:
        """Seconds from ``started`` to the first frame with the final page (count or not),
        and the CPU seconds the process spent till then (robust to a loaded machine)."""
        page = self.page()
        first = next(((t, cpu) for t, p, cpu in self.pages if t >= started and p == page),
                     None)
        if first is None:
            return None, None
        return first[0] - started, first[1] - self.cpu_at.get(started, first[1])

    def latency(self, started: float) -> tuple[float | None, float | None]:
        """Seconds from ``started`` to the first frame with the final list, and with all."""
        shown, _ = self.state()
        after = [f for f in self.frames if f[0] >= started]
        first_list = next((t for t, s, _ in after if s == shown), None)
        if first_list is None:
            return None, None
        applied = max((t for t in self.applied if t >= started), default=first_list)
        # The frame painting the last result, if it repainted anything (within a frame
        # period and a little), else the moment it was applied.
        first_all = next((t for t, s, done in after
                          if s == shown and done and applied <= t <= applied + 0.03), None)
        return first_list - started, max(first_list, first_all or applied) - started


async def sinowire_keys(db: Path, rounds: int) -> dict[str, Any]:
    from tui.config import Settings
    from tui.ui.app import SinowireApp
    from tui.ui.screens.main import MainScreen

    def state() -> tuple[Hashable, bool]:
        main = next(s for s in app.screen_stack if isinstance(s, MainScreen))
        lst = main.articles
        shown = (id(app.screen), lst.filter, lst.count, getattr(lst, "capped", False),
                 lst.cursor, round(lst.scroll_y), main.open_id)
        return shown, all(worker.is_finished for worker in app.workers)

    def page() -> Hashable:
        main = next(s for s in app.screen_stack if isinstance(s, MainScreen))
        lst = main.articles
        top = lst.row_at(round(lst.scroll_y))
        return (id(app.screen), lst.filter, top.id if top else None, lst.cursor,
                round(lst.scroll_y), main.open_id)

    clock = FrameClock(state, page)

    # Each background result lands in its receiver's handler: note when it was applied.
    from tui.ui.screens.topics import PickerScreen
    from tui.ui.widgets.entity_sidebar import EntitySidebar
    from tui.ui.widgets.feed_list import FeedList

    def timed(cls: Any, name: str) -> None:
        original = getattr(cls, name)

        def handler(self: Any, event: Any) -> None:
            original(self, event)
            clock.applied.append(time.perf_counter())

        setattr(cls, name, handler)

    for cls, name in ((MainScreen, "on_counts_loaded"), (FeedList, "on_counts_loaded"),
                      (EntitySidebar, "on_entities_loaded"),
                      (PickerScreen, "on_picker_counts")):
        timed(cls, name)

    class Timed(SinowireApp):
        CSS_PATH = str(Path(sys.modules[SinowireApp.__module__].__file__ or "").with_name(
            "app.tcss"))

        def _display(self, screen, renderable) -> None:  # type: ignore[no-untyped-def]
            if renderable is not None:
                clock.frame()
            super()._display(screen, renderable)

    from tui.engine import Engine

    app = Timed(Engine(Settings(), db), poll_on_start=False, auto_extract=False)
    timings: dict[str, dict[str, list[float]]] = {}

    def record(name: str, started: float) -> None:
        first_list, first_all = clock.latency(started)
        first_page, page_cpu = clock.page_latency(started)
        entry = timings.setdefault(name, {"page": [], "page_cpu": [], "list": [], "all": []})
        if first_page is not None and page_cpu is not None:
            entry["page"].append(first_page)
            entry["page_cpu"].append(page_cpu)
        if first_list is not None:
            entry["list"].append(first_list)
        if first_all is not None:
            entry["all"].append(first_all)

    async def press(name: str, key: str, char: str | None = None) -> None:
        started = await clock.key(app, key, char)
        await clock.settle()
        record(name, started)

    async def typed(name: str, text: str) -> None:
        """Open search, type ``text`` at a quick typist's pace; time from the last key."""
        await press("(open search)", "slash", "/")
        started = 0.0
        for char in text:
            started = await clock.key(app, char, char)
            await asyncio.sleep(TYPING_GAP)
        await clock.settle()
        record(name, started)
        await press("(clear search: escape)", "escape")

    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await clock.settle()
        for _ in range(rounds):
            # Each round from the same state: no filter.
            await press("(clear filters: x)", "x")
            await press("scroll one row (j)", "j")
            await press("scroll a page (pagedown)", "pagedown")
            await press("to the end (end)", "end")
            await press("back to the top (home)", "home")
            await press("open article (enter)", "enter")
            await press("back to list (escape)", "escape")
            await press("filter: China on (c)", "c")
            await press("filter: China off (c)", "c")
            await press("filter: unread on (u)", "u")
            await press("filter: unread off (u)", "u")
            await press("topic picker opens (t)", "t")
            await press("(picker: escape)", "escape")
            await typed("search as you type: bitcoin (last key)", "bitcoin")
            await typed("search as you type: 香港 (last key)", "香港")
            await typed("search as you type: b (one letter)", "b")
            await typed("search as you type: s (one letter)", "s")
            await typed("search as you type: 比特币 (last key)", "比特币")
        rss = rss_mb()
        await press("(end before the memory check)", "end")
        await press("(home)", "home")
        rss_after_scroll = rss_mb()
    return {"timings": timings, "rss_mb": round(rss, 1),
            "rss_after_end_and_back_mb": round(rss_after_scroll, 1),
            "rss_peak_mb": round(rss_mb("VmHWM"), 1)}


async def bare_keys(rounds: int) -> dict[str, Any]:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    def state() -> tuple[Hashable, bool]:
        return app.query_one(DataTable).cursor_row, True

    clock = FrameClock(state)

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_column("title")
            for n in range(200):
                table.add_row(f"row {n}")

        def _display(self, screen, renderable) -> None:  # type: ignore[no-untyped-def]
            if renderable is not None:
                clock.frame()
            super()._display(screen, renderable)

    app = Bare()
    samples: list[float] = []
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await clock.settle()
        for _ in range(rounds * 4):
            started = await clock.key(app, "down")
            await clock.settle()
            first, _ = clock.latency(started)
            if first is not None:
                samples.append(first)
    return {"timings": {"down": {"list": samples, "all": samples}}}


def main() -> None:
    if sys.argv[1] == "--keys":
        print(json.dumps(asyncio.run(sinowire_keys(Path(sys.argv[2]), int(sys.argv[3])))))
        return
    if sys.argv[1] == "--keys-bare":
        print(json.dumps(asyncio.run(bare_keys(int(sys.argv[2])))))
        return
    if sys.argv[1] == "--bare":
        from textual.app import App, ComposeResult
        from textual.widgets import Footer, Header, Static

        class Bare(App[None]):
            def compose(self) -> ComposeResult:
                yield Header()
                yield Static("hello")
                yield Footer()

            def on_ready(self) -> None:
                report_and_exit(self)

        Bare().run(headless=True, size=(160, 45))
        return

    import tui.ui.app
    from tui.config import Settings
    from tui.ui.app import SinowireApp

    class Probe(SinowireApp):
        CSS_PATH = str(Path(tui.ui.app.__file__).with_name("app.tcss"))

        def on_ready(self) -> None:
            report_and_exit(self)

    from tui.engine import Engine

    with Engine(Settings(), Path(sys.argv[1])) as engine:
        Probe(engine, poll_on_start=False).run(headless=True, size=(160, 45))


if __name__ == "__main__":
    main()
