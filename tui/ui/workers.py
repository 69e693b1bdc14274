"""Where the app's thread workers run, and how one reads the store.

Every blocking call (poll, page fetch, counts, sidebar, pickers, brief) is a Textual thread
worker: named, exclusive in its group (a newer request cancels the older one, whose result
is then dropped), posting a typed message from ``tui.ui.messages``; failures reach the
app's one ``on_worker_state_changed``. Two things Textual leaves to us:

- Textual runs thread workers in the event loop's default executor, which ``asyncio.run``
  joins at exit (Python 3.11 waits without a limit): a page fetch stuck until its HTTP
  deadline would keep the terminal waiting after ``q``. :class:`DaemonExecutor` is the
  loop's default executor while the app runs: one daemon thread per job, and a shutdown
  that does not wait. Everything a worker writes is a transaction, so leaving one behind
  loses at most the feed or page in flight.
- SQLite connections are per thread, and each job has its own thread: :func:`read_store`
  opens the engine's store for the job's thread, closes it after, and interrupts the
  query as soon as a newer request cancelled the worker (``c c c`` costs one full refresh).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from textual.worker import get_current_worker

from tui.engine import Engine
from tui.store import Store

T = TypeVar("T")

PROGRESS_STEPS = 1000
"""SQLite VM steps between checks of the worker's cancelled flag (a few microseconds)."""

_live: set[threading.Thread] = set()
_live_lock = threading.Lock()


def workers_alive() -> bool:
    """True while a worker's thread is still running (e.g. a fetch left behind on quit)."""
    with _live_lock:
        return any(thread.is_alive() for thread in _live)


class DaemonExecutor(ThreadPoolExecutor):
    """Each job on its own daemon thread; ``shutdown`` never waits for them.

    A ThreadPoolExecutor only because asyncio accepts nothing else as the default
    executor; none of its pool is used.
    """

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="sinowire-worker")

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()

        def run() -> None:
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(fn(*args, **kwargs))
                    except BaseException as exc:  # handed to the awaiting worker, never lost
                        future.set_exception(exc)
            finally:
                with _live_lock:
                    _live.discard(threading.current_thread())

        thread = threading.Thread(target=run, name="sinowire-worker", daemon=True)
        with _live_lock:
            _live.add(thread)
        thread.start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing to wait for: the threads are daemons and their writes transactional."""


def read_store(engine: Engine, query: Callable[[Store], T]) -> T:
    """In a thread worker: ``query`` on this thread's store, which is closed after.

    A newer request in the worker's group cancels it; the query is then interrupted
    (``sqlite3.OperationalError: interrupted``) instead of finishing for nobody.
    """
    worker = get_current_worker()
    store = engine.store
    store.db.conn.set_progress_handler(lambda: int(worker.is_cancelled), PROGRESS_STEPS)
    try:
        return query(store)
    finally:
        store.db.conn.set_progress_handler(None, 0)
        engine.release_thread_store()
