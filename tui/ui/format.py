"""Small pure formatting helpers shared by the panes (times, regions, sizes)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from tui.models import REGIONS

Clock = Callable[[], float]


def relative_time(now: float, then: int | None) -> str:
    """Compact age such as ``now``, ``5m``, ``3h``, ``2d``, ``5mo``, ``2y``."""
    if not then:
        return ""
    seconds = max(0, int(now) - int(then))
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    if seconds < 86400 * 45:
        return f"{seconds // 86400}d"
    if seconds < 86400 * 365:
        return f"{seconds // (86400 * 30)}mo"
    return f"{seconds // (86400 * 365)}y"


def ago(now: float, then: int | None) -> str:
    """Longer form for sentences: ``just now``, ``2 min ago``, ``3 h ago``, ``2 days ago``."""
    if not then:
        return "never"
    seconds = max(0, int(now) - int(then))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    days = seconds // 86400
    return f"{days} day{'s' if days != 1 else ''} ago"


def until(now: float, then: int | None) -> str:
    """When something is due: ``due now``, ``in 12 min``, ``in 3 h``."""
    if not then or then <= now:
        return "due now"
    seconds = int(then - now)
    if seconds < 3600:
        return f"in {max(1, seconds // 60)} min"
    if seconds < 86400:
        return f"in {seconds // 3600} h"
    return f"in {seconds // 86400} days"


def timestamp(then: int | None) -> str:
    """Absolute UTC time for the reader header."""
    if not then:
        return "unknown time"
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(then))


def region_marker(regions: Iterable[str], width: int = 5) -> str:
    """``CN``, ``CN/HK`` … in the canonical order, cut to ``width`` cells."""
    ordered = [r for r in REGIONS if r in set(regions)]
    return "/".join(ordered)[:width]
