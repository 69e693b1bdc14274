"""Run a blocking call so that quitting the app never waits for it.

Textual's thread workers run in asyncio's default executor, which ``asyncio.run`` joins
at exit: a feed fetch stuck until its 45 s deadline would keep the terminal waiting after
``q``. The call runs in a daemon thread instead; the worker waits for it and gives up as
soon as the app's cancel event is set. Everything the call writes is transactional
(SQLite), so abandoning it mid-way loses at most the feed in flight.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


_abandoned: list[threading.Thread] = []


def abandoned_alive() -> bool:
    """True while a call left behind on quit is still running (e.g. a slow fetch)."""
    return any(thread.is_alive() for thread in _abandoned)


class Abandoned(Exception):
    """The app is quitting; the call was left to finish (or die) on its own."""


def run_abandonable(call: Callable[[], T], cancel: threading.Event, *,
                    name: str = "sinowire-io") -> T:
    """Run ``call`` in a daemon thread; return its result or raise what it raised.

    Raises Abandoned if ``cancel`` is set before it finishes.
    """
    outcome: dict[str, object] = {}
    finished = threading.Event()

    def target() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the waiting worker, never lost
            outcome["error"] = exc
        finally:
            finished.set()

    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    while not finished.wait(0.05):
        if cancel.is_set():
            _abandoned.append(thread)
            raise Abandoned()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]  # the box holds what the thread stored
    return outcome["value"]  # type: ignore[return-value]  # the box holds what the thread stored
