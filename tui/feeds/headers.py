"""Reading a response's headers: validators, Retry-After, Cache-Control and Expires.

Every value comes from a stranger, so each is checked (no control characters, sane
lengths) and every delay is clamped to at most a week.
"""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime

import requests

from tui.text import clean_line

MAX_RETRY_AFTER = 7 * 24 * 3600
# Headers that describe the wire, not the decoded body we hand back.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def header_safe(value: str) -> bool:
    return all(" " <= ch != "\x7f" for ch in value) and len(value) < 1000


def header_value(response: requests.Response, name: str) -> str | None:
    value = response.headers.get(name)
    if value is None or not header_safe(value):
        return None
    return value


def headers(response: requests.Response) -> dict[str, str]:
    return {
        key.lower(): clean_line(value, 2000)
        for key, value in response.headers.items()
        if key.lower() not in _WIRE_HEADERS
    }


def clamp(seconds: float) -> float:
    return float(min(max(seconds, 0.0), MAX_RETRY_AFTER))


def parse_http_date(value: str) -> datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds or an HTTP-date, clamped to 0..7 days; None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return clamp(float(value[:12]))
    when = parse_http_date(value)
    if when is None:
        return None
    return clamp((when - datetime.now(UTC)).total_seconds())


def cache_hint(response: requests.Response) -> float | None:
    """Seconds until the response goes stale (Cache-Control max-age, else Expires)."""
    control = response.headers.get("cache-control", "").lower()
    directives = [part.strip() for part in control.split(",")]
    if any(d in ("no-cache", "no-store") for d in directives):
        return None
    for directive in directives:
        name, _, raw = directive.partition("=")
        if name.strip() == "max-age":
            raw = raw.strip().strip('"')
            if raw.isdigit():
                age = response.headers.get("age", "").strip()
                used = int(age[:12]) if age.isdigit() else 0
                return clamp(int(raw[:12]) - used)
            return None
    expires = response.headers.get("expires")
    if expires:
        when = parse_http_date(expires)
        if when is None:
            return None
        now = parse_http_date(response.headers.get("date", "")) or datetime.now(UTC)
        return clamp((when - now).total_seconds())
    return None
