"""Child process for the app benchmarks: first frame, memory and key-to-screen latency.

    python tests/benchmarks/app_probe.py DB_PATH              # sinowire on that cache
    python tests/benchmarks/app_probe.py --bare               # a minimal Textual app (floor)
    python tests/benchmarks/app_probe.py --keys DB_PATH N     # N rounds of keys on that cache
    python tests/benchmarks/app_probe.py --keys-bare N        # the same clock on a bare app
    python tests/benchmarks/app_probe.py --full-text N        # f on N stories, loopback pages

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

The full-text mode serves pages of the extraction corpus (tests/data/extract) from a
loopback server in its own process, opens each of N stories linking to them and times
``f`` from the key to the first frame whose reader shows the story's full text, split at
the moment the extracted story reaches the UI thread (fetch, extract, re-tag and store
before it; painting after). The first press also starts the parse worker (its own row).
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
    print(json.dumps({"first_frame": time.time(), "cpu": time.process_time(),
                      "rss_mb": round(rss_mb(), 1)}), flush=True)
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


def _loopback_pages() -> tuple[Any, str, list[dict[str, Any]]]:
    """An HTTP server in its own process on the corpus's pages; its base URL and pages."""
    import socket
    import subprocess

    corpus = Path(__file__).resolve().parents[1] / "data" / "extract"
    pages = [p for p in json.loads((corpus / "index.json").read_text("utf-8"))
             if p.get("truth")]  # real articles, not consent walls or app shells
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
         "--directory", str(corpus)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as client:
            if client.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    return server, base, pages


async def full_text_keys(count: int) -> dict[str, Any]:
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.engine_helpers import save_articles
    from tui.config import Settings
    from tui.engine import Engine
    from tui.models import Article, Tags
    from tui.store import Store
    from tui.ui.app import SinowireApp
    from tui.ui.screens.main import MainScreen
    from tui.ui.widgets.reader import Reader

    server, base, pages = _loopback_pages()
    # English and Chinese pages alternately, from every family.
    pages = sorted(pages, key=lambda p: (p["lang"] != "en", p["id"]))
    english = [p for p in pages if p["lang"] == "en"]
    chinese = [p for p in pages if p["lang"] != "en"]
    chosen = [p for pair in zip(english, chinese, strict=False) for p in pair][:count]
    shown: list[tuple[float, int | None]] = []
    """(time, id of the story whose full text the reader shows) per displayed frame."""
    arrived: dict[int, float] = {}

    class Timed(SinowireApp):
        CSS_PATH = str(Path(sys.modules[SinowireApp.__module__].__file__ or "").with_name(
            "app.tcss"))

        def _display(self, screen, renderable) -> None:  # type: ignore[no-untyped-def]
            super()._display(screen, renderable)
            if renderable is not None:
                main = self.screen_stack[0]
                detail = getattr(main, "reader", None) and main.reader.detail
                full = detail is not None and bool(detail.extracted_text)
                shown.append((time.perf_counter(), detail.row.id if full else None))

    extracted = Reader.extracted

    def timed_extracted(self: Any, detail: Any, error: str | None) -> None:
        if detail is not None:
            arrived[detail.row.id] = time.perf_counter()
        extracted(self, detail, error)

    Reader.extracted = timed_extracted  # type: ignore[method-assign]
    samples: list[dict[str, float]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="sinowire-fulltext-") as tmp:
            db = Path(tmp) / "sinowire.db"
            now = int(time.time())
            with Store.open(db) as store:
                # The feed on the same loopback server: a public feed may not link there.
                feed = store.add_feed(f"{base}/feed.xml", "Summaries", now=now)
                save_articles(store, feed.id, [
                    Article(guid=page["id"], title=page["title"], url=f"{base}/{page['file']}",
                            summary="Only the feed's summary.", published=now - 60 * n)
                    for n, page in enumerate(chosen)],
                    tagger=lambda article: Tags(), now=now, next_due=2**40)
                ids = [row.id for row in store.list_articles(limit=len(chosen))]
            engine = Engine(Settings(), db)
            app = Timed(engine, poll_on_start=False, auto_extract=False)
            async with app.run_test(size=(160, 45)) as pilot:
                await pilot.pause()
                main = app.screen
                assert isinstance(main, MainScreen)
                for article_id in ids:
                    main.show_article(article_id)
                    await pilot.pause(0.1)
                    started = time.perf_counter()
                    cpu = time.process_time()
                    from textual import events

                    event = events.Key("f", "f")
                    event.set_sender(app)
                    app._driver.send_message(event)
                    deadline = started + 30
                    while time.perf_counter() < deadline:
                        await asyncio.sleep(0.002)
                        if any(t >= started and shown_id == article_id
                               for t, shown_id in shown):
                            break
                    painted = next((t for t, shown_id in shown
                                    if t >= started and shown_id == article_id), None)
                    if painted is None:
                        continue  # refused or failed: no full text to time
                    came = arrived.get(article_id, painted)
                    samples.append({"total": painted - started, "engine": came - started,
                                    "paint": painted - came,
                                    "cpu": time.process_time() - cpu})
                    await app.workers.wait_for_complete()
            engine.close()
    finally:
        server.terminate()
        server.wait()
    return {"samples": samples, "pages": len(chosen)}


def main() -> None:
    if sys.argv[1] == "--full-text":
        print(json.dumps(asyncio.run(full_text_keys(int(sys.argv[2])))))
        return
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
