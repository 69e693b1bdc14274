"""Run CPU-heavy work on untrusted input in a child process with a time and a memory limit.

feedparser has a quadratic regex (a 32 KB author field takes seconds), readability can take a
minute on a hostile page, and an entity-expansion feed can ask for gigabytes. A thread cannot
be stopped, a process can: a job past its time limit is killed, a job past the memory limit
fails with MemoryError inside the worker (its address space is capped with RLIMIT_AS), and in
both cases a fresh worker replaces the old one, so one bad feed never stalls the others.

One worker serves an engine for its whole life: it is started on the first job and reused, and
whatever the initializer builds (the tagger, ~50 ms) is built once per worker, not per job.
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

# Address space of the worker: Python, lxml, feedparser and the gazetteer take ~250 MB of it
# before a job starts (mostly shared libraries and reserved arenas, not resident memory).
DEFAULT_MEMORY_MB = 1024


class IsolatedTimeout(Exception):
    """The job took longer than its limit and the worker process was killed."""


class IsolatedMemoryError(Exception):
    """The job needed more memory than the worker may have; the worker was replaced."""


class IsolatedClosed(RuntimeError):
    """A job arrived after the worker was closed (its engine is gone)."""


class IsolatedRunner:
    """A single long-lived worker process, replaced whenever a job breaks a limit.

    Functions and arguments must be picklable (module-level functions, plain data). The
    worker starts with "spawn" so it never inherits threads or open databases. Safe to share
    between threads: jobs are serialised. ``starts`` counts the processes started, so tests
    (and the curious) can see that one worker serves many jobs.
    """

    def __init__(self, *, memory_mb: int | None = DEFAULT_MEMORY_MB,
                 initializer: Callable[..., object] | None = None,
                 initargs: tuple[Any, ...] = ()) -> None:
        self._pool: Pool | None = None
        self._lock = threading.Lock()
        self._memory_mb = memory_mb
        self._initializer = initializer
        self._initargs = initargs
        self.starts = 0
        self._closed = False

    def start(self) -> None:
        """Start the worker now if it is not running (its imports and initializer then
        overlap whatever the caller does next, such as the first HTTP requests)."""
        with self._lock:
            self._ensure_pool()

    def _ensure_pool(self) -> Pool:
        if self._closed:
            # A late caller (a thread finishing after its engine closed) must not start a
            # process that nobody will ever close.
            raise IsolatedClosed("the worker was closed")
        if self._pool is None:
            _start_resource_tracker()
            self._pool = multiprocessing.get_context("spawn").Pool(
                processes=1, initializer=_init_worker,
                initargs=(self._memory_mb, self._initializer, self._initargs))
            self.starts += 1
        return self._pool

    def run(self, func: Callable[..., T], *args: Any, timeout: float) -> T:
        with self._lock:
            pending = self._ensure_pool().apply_async(func, args)
            try:
                return pending.get(timeout=timeout)
            except multiprocessing.TimeoutError:
                self._kill()
                raise IsolatedTimeout(f"gave up after {timeout:g} s") from None
            except MemoryError:
                # The worker survived, but its heap may be fragmented near the cap.
                self._kill()
                raise IsolatedMemoryError(
                    f"needed more than {self._memory_mb} MB of memory") from None

    def _kill(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._pool is not None:
                self._pool.close()
                self._pool.terminate()
                self._pool.join()
                self._pool = None

    def __enter__(self) -> IsolatedRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _init_worker(memory_mb: int | None, initializer: Callable[..., object] | None,
                 initargs: tuple[Any, ...]) -> None:
    """In the child: cap the address space, then run the caller's initializer."""
    if memory_mb:
        with contextlib.suppress(ImportError, ValueError, OSError):
            import resource

            limit = memory_mb * 1024 * 1024
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    if initializer is not None:
        initializer(*initargs)


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
