"""An update run in a child process, for the app: the UI's process only reads.

Storing and grouping are Python work. Run on a thread of the app's process they hold the
GIL in turns with the UI thread, and on a busy machine every feed of a big poll stalled the
keys for one to three seconds. In a child process they compete with the UI only for a CPU,
which the OS shares fairly. The child opens its own engine on the same cache (SQLite's WAL
lets the app read meanwhile), sends each feed's outcome back as it is stored, and returns
the report; a cancel request is an Event the child's update checks between feeds.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.models import FeedOutcome, UpdateReport

if TYPE_CHECKING:
    from tui.alerts.notify import NotifySettings
    from tui.alerts.watch import Watch
    from tui.config import Settings
    from tui.engine.engine import Engine


CANCEL_GRACE = 1.5
"""Seconds a cancelled child gets to stop between feeds before it is killed: a quit must
not wait for a slow feed's deadline. Killing it is safe: an unfinished SQLite transaction
is rolled back, and what was stored stays stored."""


CHILD_NICENESS = 10
"""How much lower the poll's child (and the parse worker it starts, which inherits it) runs
than the app: on a busy machine the CPU goes to the UI process first, so a key is painted
before the next feed is stored. The poll only takes longer when the UI needs the CPU."""


class ChildUpdateError(Exception):
    """The child process failed or died; the message says how."""


def update_in_child(engine: Engine, feed_ids: Sequence[int] | None, *, force: bool,
                    on_progress: Callable[[FeedOutcome], None] | None,
                    cancel: threading.Event) -> UpdateReport:
    """``engine.update`` in a fresh process on the same cache; progress comes back live."""
    from tui.engine.worker import _start_resource_tracker

    _start_resource_tracker()  # with a real stderr, as for the parse worker
    context = multiprocessing.get_context("spawn")
    messages: Any = context.Queue()
    stop = context.Event()
    child = context.Process(
        target=_child_main, name="sinowire-update",
        args=(engine.settings, engine.db_path, engine.watches, engine.notify,
              None if feed_ids is None else list(feed_ids), force, messages, stop))
    child.start()  # not a daemon: daemons may not start the parse worker of their own
    outcomes: list[FeedOutcome] = []
    cancelled_at: float | None = None
    try:
        while True:
            if cancel.is_set():
                stop.set()
                cancelled_at = cancelled_at or time.monotonic()
                if time.monotonic() - cancelled_at > CANCEL_GRACE:
                    return UpdateReport(outcomes=tuple(outcomes), cancelled=True)
            try:
                kind, payload = messages.get(timeout=0.1)
            except queue.Empty:
                if not child.is_alive():
                    raise ChildUpdateError(
                        f"the update process ended unexpectedly (exit {child.exitcode})"
                    ) from None
                continue
            if kind == "progress":
                outcomes.append(payload)
                if on_progress is not None:
                    on_progress(payload)
            elif kind == "done":
                return payload  # type: ignore[no-any-return]
            else:
                raise ChildUpdateError(str(payload))
    finally:
        stop.set()
        child.join(timeout=0.5 if cancelled_at is not None else 30)
        if child.is_alive():
            _stop_tree(child)
        messages.close()


def _stop_tree(child: Any) -> None:
    """Kill the child and the parse worker it started (which would outlive it)."""
    import os
    import signal

    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{child.pid}/task/{child.pid}/children").read_text().split():
            os.kill(int(line), signal.SIGKILL)
    child.kill()
    child.join()


def _child_main(settings: Settings, db_path: Path, watches: tuple[Watch, ...],
                notify: NotifySettings, feed_ids: list[int] | None, force: bool,
                messages: Any, stop: Any) -> None:
    import os

    from tui.engine.engine import Engine

    with contextlib.suppress(OSError):  # (a platform without nice keeps its priority)
        os.nice(CHILD_NICENESS)
    try:
        with Engine(settings, db_path, watches=watches, notify=notify) as engine:
            feeds = None
            if feed_ids is not None:
                feeds = [f for f in (engine.store.feed(i) for i in feed_ids) if f is not None]
            report = engine.update(feeds, force=force, cancel=stop,
                                   on_progress=lambda o: messages.put(("progress", o)))
        messages.put(("done", report))
    except BaseException as exc:  # the parent must hear of it, whatever it was
        messages.put(("error", f"{type(exc).__name__}: {exc}"))
