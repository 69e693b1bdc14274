"""HTTP fetching for feeds and article pages, safe against hostile servers.

We fetch ourselves (never feedparser) with requests, because urllib3 >= 2.7 bounds the
decompressed size of every read, so a gzip bomb costs one 64 KiB chunk of memory at a time
and we can stop it at the size cap (reference/untrusted-input.md F9). Per-read timeouts do
not bound a server that drips one byte at a time (F10), so each fetch also has an overall
deadline: it is checked between chunks, and a watchdog shuts the socket when it passes, which
also stops a drip inside the status line or headers and in a close-delimited body (the
watchdog owns the socket itself, :mod:`tui.feeds.deadline`). Redirects are followed by hand
so the scheme is checked on every hop, and every address connected to passes the address
policy of :mod:`tui.feeds.addresses` (no metadata or link-local addresses, no redirect from
a public address into the machine or the LAN). Nothing here raises for network or HTTP
trouble: every failure becomes ``FetchResult(status="error", error=<short human reason>)``.
"""

from __future__ import annotations

import contextlib
import socket
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from urllib3.connection import HTTPConnection

from tui.config import Settings
from tui.feeds.addresses import PUBLIC, AddressRefused, Hops, Network, classify, parse_ip
from tui.feeds.deadline import Watch, WatchedAdapter, current
from tui.feeds.headers import MAX_RETRY_AFTER
from tui.feeds.headers import cache_hint as _cache_hint
from tui.feeds.headers import header_safe as _header_safe
from tui.feeds.headers import header_value as _header_value
from tui.feeds.headers import headers as _headers
from tui.feeds.headers import parse_retry_after as _parse_retry_after
from tui.feeds.reasons import Failure as _Failure
from tui.feeds.reasons import chain as _chain
from tui.feeds.reasons import describe as _describe
from tui.feeds.reasons import show as _show
from tui.feeds.reasons import size as _size
from tui.feeds.reasons import status_reason as _status_reason
from tui.feeds.reasons import timeout_reason as _timeout_reason
from tui.models import FetchResult
from tui.text import safe_url

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5, */*;q=0.3"
MAX_REDIRECTS = 5
CHUNK = 65536
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
# Only encodings whose decoders urllib3 bounds per read; brotli/zstd are not advertised.
ACCEPT_ENCODING = "gzip, deflate"


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
    network: Network | None = None,
    origin: str | None = None,
    headers: dict[str, str] | None = None,
) -> FetchResult:
    """GET ``url`` with caps, deadline and conditional headers; never raises for I/O trouble.

    ``headers`` are a feed's extra request headers (``[feeds."URL"] headers``).

    Returns status "ok" (body is the decoded body), "not_modified" (304) or "error".
    ``origin``: the URL this one came from (a feed, for an article link); its address sets
    the scope the fetch must stay in. Without it, ``url`` itself is the user's choice.
    ``network`` replaces DNS and connect (tests).
    """
    started = time.monotonic()
    own_session = session is None
    active = make_session(settings) if session is None else session
    watch = Watch(settings.deadline)
    previous = getattr(current, "watch", None), getattr(current, "hops", None)
    current.watch = watch
    hops = Hops(network) if network is not None else Hops()
    current.hops = hops
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
        hops=hops,
        extra_headers=dict(headers or {}),
    )
    try:
        if origin is not None:
            _scope_from(hops, origin, settings)
        result = _fetch(job)
    except _Failure as failure:
        result = _error(url, failure.reason, started, failure.http_status)
    except Exception as exc:  # the poller must never die because of one feed
        refused = _refusal(exc)
        if refused is not None:
            reason = refused
        elif watch.expired or time.monotonic() - started >= settings.deadline - 0.05:
            reason = _timeout_reason(settings)  # a per-read timeout cut to the deadline
        else:
            reason = _describe(exc, settings)
        result = _error(url, reason, started)
    finally:
        watch.cancel()
        current.watch, current.hops = previous
        if own_session:
            active.close()
    return result


def fetch_page(
    url: str,
    settings: Settings,
    session: requests.Session | None = None,
    *,
    origin: str | None = None,
    network: Network | None = None,
) -> FetchResult:
    """Fetch an article page: HTML Accept header and the (smaller) page size cap.

    Pass the feed's URL as ``origin`` for a link found in a feed, so a public feed cannot
    point the reader at the machine or the LAN.
    """
    return fetch(
        url,
        settings=settings,
        max_bytes=settings.max_page_bytes,
        accept=PAGE_ACCEPT,
        session=session,
        network=network,
        origin=origin,
    )


def _scope_from(hops: Hops, origin: str, settings: Settings) -> None:
    """A story link from a public feed (or one in any doubt) must stay public.

    A local feed's links are not narrowed: a LAN aggregator links to public pages, and
    that is no risk; the link's own first address sets the scope as for a typed URL.
    """
    parts = urlsplit(origin)
    try:
        addresses = hops.resolve(parts.hostname or "", parts.port or 80,
                                 settings.connect_timeout)
        kind, _why = classify(addresses[0])
    except (OSError, IndexError, ValueError):
        kind = PUBLIC
    if kind == PUBLIC or kind == "forbidden":
        hops.scope = PUBLIC
        hops.via = "a story link in a feed"


def _refusal(exc: BaseException) -> str | None:
    for err in _chain(exc):
        if isinstance(err, AddressRefused):
            return str(err)
    return None


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
    hops: Hops
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
        _check_literal(job.hops, current)
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


def _check_literal(hops: Hops, url: str) -> None:
    """An address spelled in the URL is judged before any DNS or proxy sees it."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        raise _Failure(f"invalid URL: {_show(url)}") from None
    literal = parse_ip(host)
    if literal is not None:
        try:
            hops.admit(literal)
        except AddressRefused as exc:
            raise _Failure(str(exc)) from None


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
    sock = _response_socket(response)
    if sock is not None:
        job.watch.add_socket(sock)  # a close-delimited body holds the only reference
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


def _response_socket(response: requests.Response) -> socket.socket | None:
    """The socket a response reads from, dug out of http.client's buffered reader."""
    with contextlib.suppress(AttributeError):
        wire: Any = response.raw
        raw = wire._fp.fp.raw  # urllib3 response → http.client's → BufferedReader → SocketIO
        sock = getattr(raw, "_sock", None)
        if isinstance(sock, socket.socket):
            return sock
    return None


# --- describing things ---------------------------------------------------------------------


def _error(url: str, reason: str, started: float, http_status: int | None = None) -> FetchResult:
    return FetchResult(
        status="error",
        url=url,
        http_status=http_status,
        error=reason,
        elapsed=time.monotonic() - started,
    )


__all__ = ["FEED_ACCEPT", "MAX_RETRY_AFTER", "PAGE_ACCEPT", "fetch", "fetch_page", "make_session"]
