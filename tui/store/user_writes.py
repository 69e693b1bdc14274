"""User-state writes (read, starred) that never make the caller wait for another writer.

While the app polls, a child process holds the cache's write lock for each feed's
transaction and for grouping and retention at the end: measured (bench_poll_keys with
``SINOWIRE_BENCH_TRACE=1``) up to ~1 s per hold at 24 feeds x 100 stories, and a big
retention holds it for seconds. Opening a story marks it read on the UI thread, which waited
that long (busy timeout 10 s) with every key frozen.

Such a write now tries for at most :data:`TRY_SECONDS`. If the lock is taken, it is queued
to one daemon thread with its own connection, which applies the queue in order with the
full busy timeout. While anything is queued, later writes queue behind it, so the last
word (read, then unread) still wins.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from tui.store.errors import is_busy
from tui.store.sqlite import sqlite3

Write = Callable[[sqlite3.Connection], object]

TRY_SECONDS = 0.05
"""How long a user's write may wait for the lock on the caller's thread."""


class DeferredWrites:
    """Apply small writes now if the write lock is free, else soon, in order."""

    def __init__(self, path: Path, *, busy_timeout: float = 10.0) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self._queue: queue.Queue[Write | None] = queue.Queue()
        self._pending = 0
        self._idle = threading.Condition()
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None
        """The last queued write that failed (it is dropped, not retried forever)."""

    @property
    def pending(self) -> int:
        with self._idle:
            return self._pending

    def run(self, conn: sqlite3.Connection, write: Write) -> bool:
        """``write(conn)`` in its own transaction now, or queued; True if done now."""
        if conn.in_transaction:  # inside the caller's own transaction: its lock, its wait
            write(conn)
            return True
        if not self.pending:
            try:
                with _busy_timeout(conn, TRY_SECONDS):
                    conn.execute("BEGIN IMMEDIATE")
                _finish(conn, write)
                return True
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
        self._enqueue(write)
        return False

    def _enqueue(self, write: Write) -> None:
        with self._idle:
            self._pending += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, daemon=True,
                                                name="sinowire-user-writes")
                self._thread.start()
        self._queue.put(write)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued write is applied; False if ``timeout`` ran out."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self, timeout: float | None = None) -> None:
        """Apply what is queued (waiting up to ``timeout``), then stop the thread."""
        self.flush(timeout if timeout is not None else self.busy_timeout + 1)
        if self._thread is not None:
            self._queue.put(None)
            self._thread = None

    def _loop(self) -> None:
        from tui.store.database import connect

        db = None
        try:
            while True:
                write = self._queue.get()
                if write is None:
                    return
                try:
                    if db is None:
                        db = connect(self.path, busy_timeout=self.busy_timeout)
                    db.conn.execute("BEGIN IMMEDIATE")
                    _finish(db.conn, write)
                except Exception as exc:  # a user's mark is not worth a crash
                    self.last_error = f"{type(exc).__name__}: {exc}"
                finally:
                    with self._idle:
                        self._pending -= 1
                        self._idle.notify_all()
        finally:
            if db is not None:
                with contextlib.suppress(sqlite3.Error):
                    db.conn.close()


@contextlib.contextmanager
def _busy_timeout(conn: sqlite3.Connection, seconds: float) -> Iterator[None]:
    """SQLite's busy timeout set to ``seconds`` for the block, then back."""
    before = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA busy_timeout = {before}")


def _finish(conn: sqlite3.Connection, write: Write) -> None:
    """Run ``write`` in the transaction just begun: commit it, or roll it back and raise."""
    try:
        write(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
