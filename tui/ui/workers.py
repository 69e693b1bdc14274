"""Where the app's thread workers run, and how one reads the store.

Every blocking call (poll, page fetch, counts, sidebar, pickers, brief) is a Textual thread
worker: named, exclusive in its group (a newer request cancels the older one, whose result
is then dropped), posting a typed message from ``tui.ui.messages``; failures reach the
app's one ``on_worker_state_changed``. Two things Textual leaves to us:

- Textual runs thread workers in the event loop's default executor, which ``asyncio.run``
  joins at exit (Python 3.11 waits without a limit): a page fetch stuck until its HTTP
  deadline would keep the terminal waiting after ``q``. :class:`DaemonExecutor` is the
  loop's default executor while the app runs: daemon threads, and a shutdown that does
  not wait. Everything a worker writes is a transaction, so leaving one behind
  loses at most the feed or page in flight.
- SQLite connections are per thread: :func:`read_store` uses the engine's store of the
  job's thread (opened on first use; poll and page fetch release theirs) and interrupts
  the query as soon as a newer request cancelled the worker (``c c c`` costs one refresh).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import Worker, get_current_worker

from tui.engine import Engine
from tui.models import Feed, Filter
from tui.store import Store

T = TypeVar("T")

PROGRESS_STEPS = 1000
"""SQLite VM steps between checks of the worker's cancelled flag (a few microseconds)."""

IDLE_SECONDS = 10.0
"""How long a worker thread waits for the next job before it ends."""

_running = 0
_running_lock = threading.Lock()
_thread_exit = threading.local()


def at_thread_exit(cleanup: Callable[[], None]) -> None:
    """Run ``cleanup`` when this worker thread ends (once per distinct callable)."""
    cleanups: list[Callable[[], None]] = getattr(_thread_exit, "cleanups", [])
    if cleanup not in cleanups:
        cleanups.append(cleanup)
    _thread_exit.cleanups = cleanups


def workers_alive() -> bool:
    """True while a worker's job is still running (e.g. a fetch left behind on quit)."""
    with _running_lock:
        return _running > 0


class DaemonExecutor(ThreadPoolExecutor):
    """Jobs on daemon threads, reused while busy; ``shutdown`` never waits for them.

    A ThreadPoolExecutor only because asyncio accepts nothing else as the default
    executor; none of its own pool is used. A thread is started whenever no idle one
    is waiting, so a stuck fetch never holds up the reads; an idle thread ends after
    IDLE_SECONDS. Reused threads keep their store (``engine.store`` is per thread).
    """

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="sinowire-worker")
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._idle = 0
        self._idle_lock = threading.Lock()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()

        def job() -> None:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args, **kwargs))
                except BaseException as exc:  # handed to the awaiting worker, never lost
                    future.set_exception(exc)

        with self._idle_lock:
            spawn = self._idle == 0
            if not spawn:
                self._idle -= 1  # that thread takes this job
        self._jobs.put(job)
        if spawn:
            threading.Thread(target=self._serve, name="sinowire-worker", daemon=True).start()
        return future

    def _serve(self) -> None:
        try:
            self._serve_jobs()
        finally:  # e.g. close this thread's store
            for cleanup in getattr(_thread_exit, "cleanups", []):
                cleanup()

    def _serve_jobs(self) -> None:
        global _running
        while True:
            try:
                job = self._jobs.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._idle_lock:
                    if self._idle > 0:  # no job is on its way to this thread
                        self._idle -= 1
                        return
                continue
            if job is None:  # shut down
                return
            with _running_lock:
                _running += 1
            try:
                job()
            finally:
                with _running_lock:
                    _running -= 1
                with self._idle_lock:
                    self._idle += 1

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Idle threads end now; busy ones are not waited for (daemons, and their writes
        are transactional); nothing is queued to cancel (``cancel_futures``)."""
        del wait, cancel_futures  # the Executor signature; neither applies here
        with self._idle_lock:
            idle, self._idle = self._idle, 0
        for _ in range(idle):
            self._jobs.put(None)


_one_read = threading.Lock()
"""Reads run one at a time, as on the old single reader thread: the UI thread shares the
GIL with one reader, not four (counts, watches, feed ages and entities arrive together)."""


class Superseded(Exception):
    """The read's worker was cancelled before its turn (its result is never posted)."""


def read_store(engine: Engine, query: Callable[[Store], T]) -> T:
    """In a thread worker: ``query`` on this thread's store (kept while the thread lives).

    A newer request in the worker's group cancels it; the query is then interrupted
    (``sqlite3.OperationalError: interrupted``) instead of finishing for nobody.
    """
    worker = get_current_worker()
    with _one_read:
        if worker.is_cancelled:  # superseded while it waited: nothing to read for
            raise Superseded(worker.name)
        store = engine.store
        at_thread_exit(engine.release_thread_store)
        store.db.conn.set_progress_handler(lambda: int(worker.is_cancelled), PROGRESS_STEPS)
        try:
            return query(store)
        finally:
            store.db.conn.set_progress_handler(None, 0)


def start_read(node: DOMNode, engine: Engine, group: str, description: str,
               query: Callable[[Store], T], result: Callable[[Worker[None], T], Message], *,
               to: MessagePump | None = None, later: bool = False) -> None:
    """Run ``query`` in a thread worker of ``node`` in ``group`` (exclusive: a newer request
    cancels this one) and post ``result(worker, value)`` to ``to`` (``node``). ``later``:
    start once the UI has painted what it has, so the two do not share the CPU. Failures
    go to the app's ``on_worker_state_changed``."""
    target = to or node

    def work() -> None:
        value = read_store(engine, query)
        worker = get_current_worker()
        if not worker.is_cancelled:
            target.post_message(result(worker, value))

    def start() -> None:
        node.run_worker(work, name=group, group=group, description=description,
                        thread=True, exclusive=True, exit_on_error=False)

    if later:
        node.call_after_refresh(start)
    else:
        start()


def feed_counts(store: Store) -> tuple[list[Feed], dict[int, int], dict[str, int]]:
    """The feeds, their unread counts and the fixed rows' totals (a worker's read)."""
    feeds = store.feeds()
    unread = store.unread_counts()
    totals = {
        "all": sum(unread.values()),
        "unread": sum(unread.values()),
        "china": store.count_articles(Filter(china=True, unread=True)),
        "starred": store.count_articles(Filter(starred=True)),
    }
    return feeds, unread, totals
