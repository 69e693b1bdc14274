"""Run CPU-heavy work on untrusted input in a child process with a wall-clock limit.

feedparser has a quadratic regex (a 32 KB author field takes seconds) and readability can
take a minute on a hostile page. A thread cannot be stopped, a process can: on timeout the
worker is killed and a fresh one replaces it, so one bad feed never stalls the others.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
import threading
from collections.abc import Callable
from multiprocessing.pool import Pool
from typing import Any, TypeVar

T = TypeVar("T")


class IsolatedTimeout(Exception):
    """The work took longer than its limit and the worker process was killed."""


class IsolatedRunner:
    """A single long-lived worker process, replaced whenever a call times out.

    Functions and arguments must be picklable (module-level functions, plain data).
    The worker starts with "spawn" so it never inherits threads or open databases.
    Safe to share between threads: calls are serialised.
    """

    def __init__(self) -> None:
        self._pool: Pool | None = None
        self._lock = threading.Lock()

    def run(self, func: Callable[..., T], *args: Any, timeout: float) -> T:
        with self._lock:
            if self._pool is None:
                _start_resource_tracker()
                self._pool = multiprocessing.get_context("spawn").Pool(processes=1)
            pending = self._pool.apply_async(func, args)
            try:
                return pending.get(timeout=timeout)
            except multiprocessing.TimeoutError:
                self._kill()
                raise IsolatedTimeout(f"gave up after {timeout:g} s") from None

    def _kill(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool.terminate()
                self._pool.join()
                self._pool = None

    def __enter__(self) -> IsolatedRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with a real stderr (once; then a no-op).

    The first spawn starts the tracker and hands it stderr's file descriptor. Inside a
    running Textual app sys.stderr is a capture object whose fileno() is -1, and the spawn
    fails with "bad value(s) in fds_to_keep"; so the process's real stderr is put back for
    that one call.
    """
    from multiprocessing import resource_tracker

    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except Exception:
        usable = False
    real = sys.__stderr__
    if usable or real is None:
        resource_tracker.ensure_running()
        return
    with contextlib.redirect_stderr(real):
        resource_tracker.ensure_running()
