"""When each feed is next due: pure functions, so the rules are easy to test.

Success: the feed's interval plus up to 10% jitter (so feeds drift apart), or later if the
server asked (Cache-Control max-age). Errors: exponential backoff from the interval up to a
day, never earlier than a Retry-After, so a failing server is not hammered.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from tui.models import Feed

MAX_BACKOFF = 24 * 3600
MAX_SERVER_DELAY = 7 * 24 * 3600


def due_feeds(feeds: Iterable[Feed], now: int, *, force: bool = False) -> list[Feed]:
    """Feeds whose next poll time has come (all of them with ``force``), oldest due first."""
    chosen = [f for f in feeds if force or f.next_due <= now]
    return sorted(chosen, key=lambda f: (f.next_due, f.id))


def next_due_after_success(
    now: int, interval_minutes: int, server_delay: float | None = None,
    rng: random.Random | None = None,
) -> int:
    rng = rng or random.Random()
    interval = interval_minutes * 60
    wait = interval + rng.uniform(0, 0.1 * interval)
    if server_delay and server_delay > wait:
        wait = min(server_delay, MAX_SERVER_DELAY)
    return int(now + wait)


def next_due_after_error(
    now: int, interval_minutes: int, previous_errors: int, server_delay: float | None = None,
    rng: random.Random | None = None,
) -> int:
    rng = rng or random.Random()
    base = interval_minutes * 60 * (2 ** min(previous_errors, 10))
    wait = min(base, MAX_BACKOFF) * rng.uniform(0.9, 1.1)
    if server_delay:
        wait = max(wait, min(server_delay, MAX_SERVER_DELAY))
    return int(now + wait)
