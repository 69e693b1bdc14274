"""Python's full garbage collections, moved from a random key press to idle moments.

A full (generation 2) collection walks every tracked object: after start-up that is
tens of thousands of Textual, CSS and widget objects, 30-100 ms on this kind of machine,
landing on whichever key happens to allocate the last straw, and once on the way to the
first frame (building the screen allocates enough to trigger one). From the app's start
(its Load event) the automatic full collection is off and what the imports built is
frozen (never scanned again); the objects alive after the first frame are frozen too.
Full collections run instead when no key or mouse event came for a moment. Young
collections (generations 0 and 1, a few ms at most) run as usual.
"""

from __future__ import annotations

import gc
import time

IDLE_SECONDS = 1.0
CHECK_SECONDS = 2.0
FULL_AFTER = 10  # young-generation collections between full ones (Python's default)
NEVER = 1_000_000


class IdleCollector:
    """``start()`` when the app starts, ``settled()`` after the first frame,
    ``touched()`` on input, ``stop()`` on exit."""

    def __init__(self) -> None:
        self._last_input = time.monotonic()
        self._thresholds: tuple[int, int, int] | None = None

    def start(self) -> None:
        gc.freeze()
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            young, middle, _full = self._thresholds
            gc.set_threshold(young, middle, NEVER)

    def settled(self) -> None:
        """After the first frame: the screen's objects live as long as the app."""
        gc.freeze()

    def touched(self) -> None:
        self._last_input = time.monotonic()

    def since_input(self) -> float:
        """Seconds since the last key or click (the poller waits for a pause in typing)."""
        return time.monotonic() - self._last_input

    def tick(self) -> None:
        """Called every CHECK_SECONDS: a full collection if due and the user is idle."""
        if self._thresholds is None:
            return
        due = gc.get_count()[2]
        # Never idle (a key held down for minutes): collect anyway, ten times later.
        if due >= FULL_AFTER and (time.monotonic() - self._last_input >= IDLE_SECONDS
                                  or due >= 10 * FULL_AFTER):
            gc.collect()

    def stop(self) -> None:
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
        gc.unfreeze()
