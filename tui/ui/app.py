"""The Textual application: the composition root and nothing more.

It receives the engine, opens the UI thread's Store, applies the
user's keymap, and shows the main screen. Logic lives in screens and widgets.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from collections.abc import Iterable
from functools import partial
from typing import Any

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui.engine import Engine
from tui.store import Store
from tui.ui.format import Clock
from tui.ui.idle_gc import CHECK_SECONDS, IdleCollector
from tui.ui.keys import APP_KEYS, SCREEN_KEYS, bindings, keymap
from tui.ui.screens.main import MainScreen
from tui.ui.workers import DaemonExecutor, workers_alive

DEMO_SUBTITLE = "DEMO DATA — no network"


class SinowireApp(App[None]):
    """Crypto news with a China lens: feeds, list, reader and entities."""

    CSS_PATH = "app.tcss"
    TITLE = "sinowire"
    BINDINGS = bindings(APP_KEYS)

    def __init__(self, engine: Engine, *, notice: str | None = None,
                 poll_on_start: bool = True, clock: Clock = time.time,
                 auto_extract: bool | None = None) -> None:
        super().__init__()
        self.engine = engine
        self.settings = engine.settings
        demo = engine.demo
        self.notice = notice
        self.poll_on_start = poll_on_start and not demo
        self.clock = clock
        self.auto_extract = (not demo) if auto_extract is None else auto_extract
        self.cancel_event = threading.Event()
        """Set on quit so a running poll stops between feeds."""
        self.store = Store.open(engine.db_path)
        """The UI thread's connection; workers open their own."""
        self.idle_gc = IdleCollector()
        if demo:
            self.sub_title = DEMO_SUBTITLE
        if self.store.notice and not notice:
            self.notice = self.store.notice

    def get_default_screen(self) -> Screen[Any]:
        return MainScreen(self.engine, self.store, self.clock, auto_extract=self.auto_extract,
                          cancel_event=self.cancel_event)

    def on_load(self) -> None:
        # Before any worker: their threads must never hold the exit (see tui.ui.workers).
        asyncio.get_running_loop().set_default_executor(DaemonExecutor())
        # Before the screen is built: no full collection on the way to the first frame
        # (here, not in __init__: an app built and never run would keep it off).
        self.idle_gc.start()

    def on_mount(self) -> None:
        self.call_after_refresh(self.idle_gc.settled)  # full collections wait for idle
        self.set_interval(CHECK_SECONDS, self.idle_gc.tick)
        known, refused = keymap(self.settings.keys)
        self.user_keys = known
        """The remapping in force (what the help screen and the hints show)."""
        self.set_keymap(known)
        if refused:
            self.notify(f"config [keys] refused: {'; '.join(refused)}",
                        severity="warning", timeout=15, markup=False)
        if self.notice:
            self.notify(self.notice, severity="warning", timeout=12, markup=False)
        screen = self.screen
        if self.poll_on_start and isinstance(screen, MainScreen):
            # After the first frame: the cached list shows before any network I/O.
            self.call_after_refresh(screen.poller.start, quiet=True)
            self.set_interval(self.settings.poll_interval_minutes * 60,
                              partial(screen.poller.start, quiet=True))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            for spec in SCREEN_KEYS:
                if spec.palette:
                    yield SystemCommand(spec.label, spec.help,
                                        partial(screen.run_action, spec.action))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker's unexpected failure surfaces here, once: they run with
        ``exit_on_error=False`` so a failed fetch never takes the app down."""
        if event.state == WorkerState.ERROR:
            worker = event.worker
            what = worker.description or worker.name or "background work"
            self.notify(f"{what} failed: {type(worker.error).__name__}: {worker.error}",
                        severity="error", markup=False)

    def exit(self, *args: Any, **kwargs: Any) -> None:
        """Every way out (q, ctrl+q, palette) first tells background work to stop."""
        self.cancel_event.set()
        super().exit(*args, **kwargs)

    def on_unmount(self) -> None:
        self.cancel_event.set()
        self.idle_gc.stop()
        self.store.close()

    async def on_event(self, event: events.Event) -> None:
        # A key comes here twice: from the driver (then forwarded to the focused widget)
        # and back up from that widget, when its binding runs (in super().on_event).
        back = isinstance(event, events.Key) and event.is_forwarded
        if isinstance(event, events.Key | events.MouseDown):
            self.idle_gc.touched()
        await super().on_event(event)
        if back and isinstance(self.screen, MainScreen):
            self.screen.poller.key_handled()  # the key's repaint is queued: join its frame


def make_app(engine: Engine, *, notice: str | None = None, poll_on_start: bool = True,
             clock: Clock = time.time, auto_extract: bool | None = None) -> SinowireApp:
    """Build the app on an engine; the CLI, the tests and the screenshot script use this."""
    return SinowireApp(engine, notice=notice, poll_on_start=poll_on_start, clock=clock,
                       auto_extract=auto_extract)


def run_app(engine: Engine, *, notice: str | None = None) -> int:
    """Run the app in the terminal; returns the process exit code."""
    app = make_app(engine, notice=notice)
    app.run()
    code = app.return_code or 0
    _exit_now_if_io_is_stuck(code)
    return code


def _exit_now_if_io_is_stuck(code: int) -> None:
    """After quitting mid-fetch, don't keep the shell waiting for a network deadline.

    A worker left behind (a hung page fetch, a poll winding down) may hold threads the
    interpreter joins at exit, for up to the HTTP deadline. Give it a moment, then leave:
    every store write is a transaction, so nothing is left half-written.
    """
    deadline = time.monotonic() + 1.0
    while workers_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if workers_alive():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
