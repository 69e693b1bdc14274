"""Queries that can wait a moment, run off the UI thread, newest request first.

The list needs only its first page and a count on each key; the feed pane's unread counts,
the sidebar's top entities and the pickers' counts follow from here. One daemon thread
holds its own Store (connections are per thread) and runs one job per *slot* ("chrome",
"topics"…): a newer request for a slot replaces a queued one and interrupts a running one
(``sqlite3.Connection.interrupt``), so pressing ``c c c`` costs one full refresh, not three.
Results come back through ``deliver`` (thread-safe), and are applied only if no newer
request for the slot was made meanwhile.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import log

from tui.store import Store

Job = Callable[[Store], Any]
Done = Callable[[Any], None]


class Background:
    """A single reader thread with its own Store; jobs are coalesced per slot."""

    def __init__(self, db_path: Path, deliver: Callable[[Callable[[], None]], object]) -> None:
        self._db_path = db_path
        self._deliver = deliver
        self._lock = threading.Condition()
        self._pending: dict[str, tuple[int, Job, Done]] = {}
        self._latest: dict[str, int] = {}
        self._running: tuple[str, int] | None = None
        self._undelivered = 0
        self._scheduled = 0
        self._store: Store | None = None
        self._closed = False
        self._generation = 0
        self._thread: threading.Thread | None = None

    def submit(self, slot: str, job: Job, done: Done) -> None:
        """Run ``job(store)`` soon; call ``done(result)`` on the UI thread if still wanted."""
        with self._lock:
            if self._closed:
                return
            self._generation += 1
            self._latest[slot] = self._generation
            self._pending[slot] = (self._generation, job, done)
            running = self._running
            if running is not None and running[0] == slot and self._store is not None:
                self._store.db.conn.interrupt()  # its result would be thrown away
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="sinowire-reader",
                                                daemon=True)
                self._thread.start()
            self._lock.notify()

    def submit_later(self, schedule: Callable[..., Any], slot: str, job: Job,
                     done: Done) -> None:
        """:meth:`submit`, called through ``schedule`` (e.g. ``call_after_refresh``), so
        the query starts once the UI has painted what it has (busy meanwhile)."""
        with self._lock:
            self._scheduled += 1

        def run() -> None:
            with self._lock:
                self._scheduled -= 1
            self.submit(slot, job, done)

        schedule(run)

    @property
    def busy(self) -> bool:
        """True while a job is queued, running or its result not yet applied (tests and
        benchmarks wait on this)."""
        with self._lock:
            return (bool(self._pending) or self._running is not None
                    or self._undelivered > 0 or self._scheduled > 0)

    def current(self, slot: str, generation: int) -> bool:
        with self._lock:
            return self._latest.get(slot) == generation

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._pending.clear()
            if self._running is not None and self._store is not None:
                self._store.db.conn.interrupt()
            self._lock.notify()

    def _loop(self) -> None:
        try:
            store = Store.open(self._db_path)
        except Exception as exc:  # the UI's own Store opened; say why this one did not
            with self._lock:
                self._closed = True
                self._pending.clear()
                self._undelivered += 1
            self._deliver(self._reporter("open", exc))
            return
        with self._lock:
            self._store = store
        try:
            while True:
                with self._lock:
                    while not self._pending and not self._closed:
                        self._lock.wait()
                    if self._closed:
                        return
                    slot = next(iter(self._pending))
                    generation, job, done = self._pending.pop(slot)
                    self._running = (slot, generation)
                apply: Callable[[], None] | None
                try:
                    apply = self._applier(slot, generation, done, job(store))
                except sqlite3.OperationalError as exc:
                    apply = None if "interrupt" in str(exc) else self._reporter(slot, exc)
                except Exception as exc:  # a failed refresh must not kill the thread
                    apply = self._reporter(slot, exc)
                with self._lock:
                    self._running = None
                    if apply is not None:
                        self._undelivered += 1
                if apply is not None:
                    self._deliver(apply)
        finally:
            with self._lock:
                self._store = None
            store.close()

    def _applier(self, slot: str, generation: int, done: Done, result: Any
                 ) -> Callable[[], None]:
        def apply() -> None:
            with self._lock:
                self._undelivered -= 1
            if self.current(slot, generation):
                done(result)
        return apply

    def _reporter(self, slot: str, exc: Exception) -> Callable[[], None]:
        def report() -> None:
            # The panes keep what they showed; the failure goes to Textual's log.
            with self._lock:
                self._undelivered -= 1
            log.error(f"background {slot} query failed: {exc!r}")
        return report
