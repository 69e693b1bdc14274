"""Turning what went wrong in a fetch into a few words for the user.

requests, urllib3, http.client, ssl and socket each raise their own exceptions, often
wrapped two or three deep; the reader of a feed's error line wants "timed out after 45 s"
or "TLS certificate verification failed: self-signed certificate", not a class name.
"""

from __future__ import annotations

import http
import http.client
import socket
import ssl
from typing import Any

import requests
from urllib3.exceptions import NameResolutionError

from tui.config import Settings
from tui.text import clean_line


class Failure(Exception):
    """A fetch that ended in an error we can describe in a few words."""

    def __init__(self, reason: str, http_status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.http_status = http_status


def status_reason(status: int) -> str:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    reason = f"HTTP {status} {phrase}".rstrip()
    if status == 410:
        reason += " — the feed was removed; consider unsubscribing"
    return reason


def timeout_reason(settings: Settings) -> str:
    return f"timed out after {settings.deadline:g} s"


def size(cap: int) -> str:
    if cap >= 1024 * 1024:
        return f"{round(cap / (1024 * 1024), 1):g} MB"
    return f"{round(cap / 1024, 1):g} KB"


def show(value: str) -> str:
    """An untrusted URL made safe to echo in an error message."""
    return clean_line(value, 200)


def describe(exc: BaseException, settings: Settings) -> str:
    """A few words for the user from a requests/urllib3/socket exception."""
    if isinstance(exc, Failure):
        return exc.reason
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"connection timed out after {settings.connect_timeout:g} s"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return f"timed out (no data for {settings.read_timeout:g} s)"
    if isinstance(exc, requests.exceptions.SSLError):
        return tls_reason(exc)
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return "couldn't decode the response (bad gzip/deflate data)"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "truncated response"
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.InvalidSchema):
        return "invalid URL"
    errors = list(chain(exc))
    text = " ".join(str(e) for e in errors)
    for err in errors:
        if isinstance(err, http.client.LineTooLong):
            what = clean_line(str(err).rsplit("reading ", 1)[-1], 40) or "line"
            return f"the server sent an over-long {what} (over 64 KB): not a usable HTTP response"
    if "got more than" in text and "headers" in text:
        return "the server sent too many response headers (over 100): not a usable HTTP response"
    if any(isinstance(e, ConnectionRefusedError) for e in errors) or "refused" in text:
        return "connection refused"
    if any(isinstance(e, NameResolutionError | socket.gaierror) for e in errors):
        return "host not found (DNS lookup failed)"
    if any(isinstance(e, ConnectionResetError) for e in errors):
        return "connection reset by the server"
    if "RemoteDisconnected" in text or "without response" in text:
        return "the server closed the connection without a response"
    if any(isinstance(e, TimeoutError | socket.timeout) for e in errors) or "timed out" in text:
        return f"timed out (no data for {settings.read_timeout:g} s)"
    if "unreachable" in text.lower():
        return "network unreachable"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "connection failed"
    return f"request failed ({type(exc).__name__})"


def tls_reason(exc: BaseException) -> str:
    for err in chain(exc):
        if isinstance(err, ssl.SSLCertVerificationError):
            detail = err.verify_message or err.reason or "unknown reason"
            return f"TLS certificate verification failed: {clean_line(detail, 120)}"
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        detail = text.split("certificate verify failed:", 1)[-1].split(")", 1)[0].strip()
        return f"TLS certificate verification failed: {clean_line(detail, 120)}"
    return f"TLS error: {clean_line(text, 120)}"


def chain(exc: BaseException) -> Any:
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
