"""HTTP fetching for feeds and article pages, safe against hostile servers.

We fetch ourselves (never feedparser) with requests, because urllib3 >= 2.7 bounds the
decompressed size of every read, so a gzip bomb costs one 64 KiB chunk of memory at a time
and we can stop it at the size cap (reference/untrusted-input.md F9). Per-read timeouts do
not bound a server that drips one byte at a time (F10), so each fetch also has an overall
deadline: it is checked between chunks, and a watchdog shuts the socket when it passes, which
also stops a drip inside the status line or headers. Redirects are followed by hand so the
scheme is checked on every hop. Nothing here raises for network or HTTP trouble: every
failure becomes ``FetchResult(status="error", error=<short human reason>)``.
"""

from __future__ import annotations

import email.utils
import http
import socket
import ssl
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from urllib3.connection import HTTPConnection
from urllib3.exceptions import NameResolutionError

from tui.config import Settings
from tui.feeds.deadline import Watch, WatchedAdapter, current
from tui.models import FetchResult
from tui.text import clean_line, safe_url

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5, */*;q=0.3"
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 7 * 24 * 3600
CHUNK = 65536
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
# Only encodings whose decoders urllib3 bounds per read; brotli/zstd are not advertised.
ACCEPT_ENCODING = "gzip, deflate"
# Headers that describe the wire, not the decoded body we hand back.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class _Failure(Exception):
    """Internal: a fetch that ended in an error we can describe in a few words."""

    def __init__(self, reason: str, http_status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.http_status = http_status


def make_session(settings: Settings) -> requests.Session:
    """A Session with our User-Agent and the deadline watchdog; one per worker thread."""
    session = requests.Session()
    adapter = WatchedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = settings.user_agent
    session.headers["Accept-Encoding"] = ACCEPT_ENCODING
    session.verify = True
    return session


# --- fetching ------------------------------------------------------------------------------


def fetch(
    url: str,
    *,
    settings: Settings,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int | None = None,
    accept: str = FEED_ACCEPT,
    session: requests.Session | None = None,
    headers: dict[str, str] | None = None,
) -> FetchResult:
    """GET ``url`` with caps, deadline and conditional headers; never raises for I/O trouble.

    ``headers`` are a feed's extra request headers (``[feeds."URL"] headers``).

    Returns status "ok" (body is the decoded body), "not_modified" (304) or "error".
    """
    started = time.monotonic()
    own_session = session is None
    active = make_session(settings) if session is None else session
    watch = Watch(settings.deadline)
    previous = getattr(current, "watch", None)
    current.watch = watch
    job = _Job(
        url=url,
        settings=settings,
        session=active,
        etag=etag,
        last_modified=last_modified,
        cap=settings.max_feed_bytes if max_bytes is None else max_bytes,
        accept=accept,
        watch=watch,
        started=started,
        extra_headers=dict(headers or {}),
    )
    try:
        result = _fetch(job)
    except _Failure as failure:
        result = _error(url, failure.reason, started, failure.http_status)
    except Exception as exc:  # the poller must never die because of one feed
        reason = _timeout_reason(settings) if watch.expired else _describe(exc, settings)
        result = _error(url, reason, started)
    finally:
        watch.cancel()
        current.watch = previous
        if own_session:
            active.close()
    return result


def fetch_page(
    url: str, settings: Settings, session: requests.Session | None = None
) -> FetchResult:
    """Fetch an article page: HTML Accept header and the (smaller) page size cap."""
    return fetch(
        url,
        settings=settings,
        max_bytes=settings.max_page_bytes,
        accept=PAGE_ACCEPT,
        session=session,
    )


@dataclass
class _Job:
    """Everything one fetch needs, passed down the helpers as one value."""

    url: str
    settings: Settings
    session: requests.Session
    etag: str | None
    last_modified: str | None
    cap: int
    accept: str
    watch: Watch
    started: float
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def expired(self) -> bool:
        return self.watch.expired or time.monotonic() > self.started + self.settings.deadline


def _fetch(job: _Job) -> FetchResult:
    if safe_url(job.url) is None:
        raise _Failure(f"not an http(s) URL: {_show(job.url)}")
    headers = {"Accept": job.accept, **job.extra_headers}
    if job.etag and _header_safe(job.etag):
        headers["If-None-Match"] = job.etag
    if job.last_modified and _header_safe(job.last_modified):
        headers["If-Modified-Since"] = job.last_modified
    settings = job.settings
    current = job.url
    for _hop in range(MAX_REDIRECTS + 1):
        remaining = job.started + settings.deadline - time.monotonic()
        if remaining <= 0 or job.watch.expired:
            raise _Failure(_timeout_reason(settings))
        timeout = (min(settings.connect_timeout, remaining), min(settings.read_timeout, remaining))
        response = job.session.get(
            current,
            headers=headers,
            stream=True,
            allow_redirects=False,
            timeout=timeout,
            verify=True,  # even on a session someone configured with verify=False
        )
        try:
            if response.status_code in REDIRECT_CODES and "location" in response.headers:
                current = _redirect_target(job.session, response, current)
                continue
            return _finish(job, response)
        finally:
            response.close()
    raise _Failure("too many redirects")


def _redirect_target(session: requests.Session, response: requests.Response, current: str) -> str:
    location = session.get_redirect_target(response) or ""
    try:
        target = urljoin(current, location.strip())
        scheme = urlsplit(target).scheme.lower()
    except ValueError:
        raise _Failure(f"invalid redirect target: {_show(location)}") from None
    if scheme not in ("http", "https"):
        raise _Failure(f"redirect to a non-http(s) URL refused: {_show(target)}")
    checked = safe_url(target)
    if checked is None:
        raise _Failure(f"invalid redirect target: {_show(target)}")
    return checked


def _finish(job: _Job, response: requests.Response) -> FetchResult:
    status = response.status_code
    common: dict[str, Any] = {"url": job.url, "final_url": response.url, "http_status": status}
    if status == 304:
        return FetchResult(
            status="not_modified",
            headers=_headers(response),
            etag=_header_value(response, "etag") or job.etag,
            last_modified=_header_value(response, "last-modified") or job.last_modified,
            retry_after=_cache_hint(response),
            elapsed=time.monotonic() - job.started,
            **common,
        )
    if not 200 <= status < 300:
        retry_after = None
        if status in (429, 503):
            retry_after = _parse_retry_after(response.headers.get("retry-after"))
        return FetchResult(
            status="error",
            headers=_headers(response),
            error=_status_reason(status),
            retry_after=retry_after,
            elapsed=time.monotonic() - job.started,
            **common,
        )
    body = _read_body(job, response)
    return FetchResult(
        status="ok",
        body=body,
        headers=_headers(response),
        etag=_header_value(response, "etag"),
        last_modified=_header_value(response, "last-modified"),
        retry_after=_cache_hint(response),
        elapsed=time.monotonic() - job.started,
        **common,
    )


def _read_body(job: _Job, response: requests.Response) -> bytes:
    too_large = _Failure(f"too large (over {_size(job.cap)})", response.status_code)
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and len(declared) < 20 and int(declared) > job.cap:
        raise too_large
    conn = getattr(response.raw, "connection", None)
    if isinstance(conn, HTTPConnection):
        job.watch.add(conn)  # covers sessions not made by make_session (body phase only)
    timed_out = _Failure(_timeout_reason(job.settings), response.status_code)
    chunks: list[bytes] = []
    total = 0
    try:
        for chunk in response.iter_content(CHUNK):
            total += len(chunk)
            if total > job.cap:
                raise too_large
            chunks.append(chunk)
            if job.expired:
                raise timed_out
    except requests.RequestException as exc:
        if job.expired:
            raise timed_out from None
        raise _Failure(_describe(exc, job.settings), response.status_code) from None
    if job.watch.expired:
        raise timed_out  # the watchdog may have cut the stream so it looks like a clean end
    return b"".join(chunks)


# --- describing things ---------------------------------------------------------------------


def _error(url: str, reason: str, started: float, http_status: int | None = None) -> FetchResult:
    return FetchResult(
        status="error",
        url=url,
        http_status=http_status,
        error=reason,
        elapsed=time.monotonic() - started,
    )


def _status_reason(status: int) -> str:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    reason = f"HTTP {status} {phrase}".rstrip()
    if status == 410:
        reason += " — the feed was removed; consider unsubscribing"
    return reason


def _timeout_reason(settings: Settings) -> str:
    return f"timed out after {settings.deadline:g} s"


def _size(cap: int) -> str:
    if cap >= 1024 * 1024:
        return f"{round(cap / (1024 * 1024), 1):g} MB"
    return f"{round(cap / 1024, 1):g} KB"


def _show(value: str) -> str:
    """An untrusted URL made safe to echo in an error message."""
    return clean_line(value, 200)


def _describe(exc: BaseException, settings: Settings) -> str:
    """A few words for the user from a requests/urllib3/socket exception."""
    if isinstance(exc, _Failure):
        return exc.reason
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"connection timed out after {settings.connect_timeout:g} s"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return f"timed out (no data for {settings.read_timeout:g} s)"
    if isinstance(exc, requests.exceptions.SSLError):
        return _tls_reason(exc)
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return "couldn't decode the response (bad gzip/deflate data)"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "truncated response"
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.InvalidSchema):
        return "invalid URL"
    chain = list(_chain(exc))
    text = " ".join(str(e) for e in chain)
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "refused" in text:
        return "connection refused"
    if any(isinstance(e, NameResolutionError | socket.gaierror) for e in chain):
        return "host not found (DNS lookup failed)"
    if any(isinstance(e, ConnectionResetError) for e in chain):
        return "connection reset by the server"
    if "RemoteDisconnected" in text or "without response" in text:
        return "the server closed the connection without a response"
    if any(isinstance(e, TimeoutError | socket.timeout) for e in chain) or "timed out" in text:
        return f"timed out (no data for {settings.read_timeout:g} s)"
    if "unreachable" in text.lower():
        return "network unreachable"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "connection failed"
    return f"request failed ({type(exc).__name__})"


def _tls_reason(exc: BaseException) -> str:
    for err in _chain(exc):
        if isinstance(err, ssl.SSLCertVerificationError):
            detail = err.verify_message or err.reason or "unknown reason"
            return f"TLS certificate verification failed: {clean_line(detail, 120)}"
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        detail = text.split("certificate verify failed:", 1)[-1].split(")", 1)[0].strip()
        return f"TLS certificate verification failed: {clean_line(detail, 120)}"
    return f"TLS error: {clean_line(text, 120)}"


def _chain(exc: BaseException) -> Any:
    """The exception, its causes and urllib3's ``reason`` attributes, without loops."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo and len(seen) < 20:
        err = todo.pop()
        if id(err) in seen:
            continue
        seen.add(id(err))
        yield err
        for nxt in (err.__cause__, err.__context__, getattr(err, "reason", None), *err.args):
            if isinstance(nxt, BaseException):
                todo.append(nxt)


def _header_safe(value: str) -> bool:
    return all(" " <= ch != "\x7f" for ch in value) and len(value) < 1000


def _header_value(response: requests.Response, name: str) -> str | None:
    value = response.headers.get(name)
    if value is None or not _header_safe(value):
        return None
    return value


def _headers(response: requests.Response) -> dict[str, str]:
    return {
        key.lower(): clean_line(value, 2000)
        for key, value in response.headers.items()
        if key.lower() not in _WIRE_HEADERS
    }


def _clamp(seconds: float) -> float:
    return float(min(max(seconds, 0.0), MAX_RETRY_AFTER))


def _parse_http_date(value: str) -> datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


def _parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds or an HTTP-date, clamped to 0..7 days; None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return _clamp(float(value[:12]))
    when = _parse_http_date(value)
    if when is None:
        return None
    return _clamp((when - datetime.now(UTC)).total_seconds())


def _cache_hint(response: requests.Response) -> float | None:
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
                return _clamp(int(raw[:12]) - used)
            return None
    expires = response.headers.get("expires")
    if expires:
        when = _parse_http_date(expires)
        if when is None:
            return None
        now = _parse_http_date(response.headers.get("date", "")) or datetime.now(UTC)
        return _clamp((when - now).total_seconds())
    return None


__all__ = ["FEED_ACCEPT", "PAGE_ACCEPT", "fetch", "fetch_page", "make_session"]
