"""fetch(): conditional GET, redirects, caps, deadline and status handling, all on loopback."""

from __future__ import annotations

import gzip
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest_http import closed_port, request_path
from tui.config import Settings
from tui.feeds.fetch import MAX_RETRY_AFTER, fetch, fetch_page, make_session

FEED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"


def _gzip_bomb(decoded_mb: int) -> bytes:
    """~1000:1 gzip of zeros, built a megabyte at a time so the test itself stays small."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1024 * 1024)
    parts = [packer.compress(zeros) for _ in range(decoded_mb)]
    parts.append(packer.flush())
    return b"".join(parts)


# --- conditional GET, headers ---------------------------------------------------------------


def test_200_then_304_sends_validators_verbatim(httpserver: HTTPServer, settings: Settings):
    etag = 'W/"abc-123"'
    modified = "Wed, 21 Oct 2026 07:28:00 GMT"
    httpserver.expect_ordered_request("/feed").respond_with_data(
        FEED,
        content_type="application/rss+xml; charset=utf-8",
        headers={"ETag": etag, "Last-Modified": modified},
    )
    httpserver.expect_ordered_request(
        "/feed", headers={"If-None-Match": etag, "If-Modified-Since": modified}
    ).respond_with_data(b"", status=304)
    url = httpserver.url_for("/feed")

    first = fetch(url, settings=settings)
    assert first.status == "ok", first.error
    assert first.body == FEED
    assert first.http_status == 200
    assert first.etag == etag and first.last_modified == modified
    assert first.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert all(key == key.lower() for key in first.headers)
    assert first.final_url == url

    second = fetch(url, settings=settings, etag=first.etag, last_modified=first.last_modified)
    assert second.status == "not_modified"
    assert second.body == b""
    # The server sent no validators with its 304: the ones we sent are carried over.
    assert second.etag == etag and second.last_modified == modified
    received = httpserver.log[1][0].headers
    assert received["If-None-Match"] == etag
    assert received["If-Modified-Since"] == modified
    httpserver.check_assertions()


def test_user_agent_accept_and_encoding_sent(httpserver: HTTPServer, settings: Settings):
    httpserver.expect_request("/feed").respond_with_data(FEED)
    fetch(httpserver.url_for("/feed"), settings=settings.with_changes(user_agent="sinowire/9 (+x)"))
    headers = httpserver.log[0][0].headers
    assert headers["User-Agent"] == "sinowire/9 (+x)"
    assert "application/rss+xml" in headers["Accept"]
    assert headers["Accept-Encoding"] == "gzip, deflate"
    assert "If-None-Match" not in headers


def test_gzip_body_is_decoded_and_wire_headers_dropped(httpserver: HTTPServer, settings):
    httpserver.expect_request("/feed").respond_with_data(
        gzip.compress(FEED), headers={"Content-Encoding": "gzip"}, content_type="text/xml"
    )
    result = fetch(httpserver.url_for("/feed"), settings=settings)
    assert result.status == "ok"
    assert result.body == FEED
    # feedparser must not try to decompress the body a second time.
    assert "content-encoding" not in result.headers
    assert "content-length" not in result.headers


def test_fetch_page_uses_html_accept_and_page_cap(httpserver: HTTPServer, settings: Settings):
    httpserver.expect_request("/page").respond_with_data(b"x" * 3000, content_type="text/html")
    result = fetch_page(httpserver.url_for("/page"), settings.with_changes(max_page_bytes=2000))
    assert result.status == "error"
    assert result.error == "too large (over 2 KB)"
    assert httpserver.log[0][0].headers["Accept"].startswith("text/html")


# --- redirects ----------------------------------------------------------------------------


def test_relative_redirect_followed(httpserver: HTTPServer, settings: Settings):
    httpserver.expect_request("/old").respond_with_data(
        b"", status=301, headers={"Location": "/new/feed.xml"}
    )
    httpserver.expect_request("/new/feed.xml").respond_with_data(FEED)
    result = fetch(httpserver.url_for("/old"), settings=settings)
    assert result.status == "ok"
    assert result.url == httpserver.url_for("/old")
    assert result.final_url == httpserver.url_for("/new/feed.xml")
    assert result.body == FEED


@pytest.mark.parametrize(
    "target",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/feed",
        "data:text/xml,<rss/>",
        "javascript:alert(1)",
        "gopher://127.0.0.1:70/",
    ],
)
def test_redirect_to_other_scheme_refused(httpserver: HTTPServer, settings: Settings, target):
    httpserver.expect_request("/feed").respond_with_data(
        b"", status=302, headers={"Location": target}
    )
    result = fetch(httpserver.url_for("/feed"), settings=settings)
    assert result.status == "error"
    assert result.error.startswith("redirect to a non-http(s) URL refused: ")
    assert target.split(",")[0][:16] in result.error
    assert len(httpserver.log) == 1


def test_redirect_location_is_sanitised_in_error(raw_server, settings: Settings):
    def handler(conn: socket.socket, request: bytes) -> None:
        conn.sendall(
            b"HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\x1b]52;c;aGk=\x07\r\n"
            b"Content-Length: 0\r\n\r\n"
        )

    result = fetch(raw_server(handler).url("/feed"), settings=settings)
    assert result.status == "error"
    assert "\x1b" not in result.error and "\x07" not in result.error
    assert result.error.startswith("redirect to a non-http(s) URL refused: file:///etc/passwd")


def test_redirect_loop(httpserver: HTTPServer, settings: Settings):
    httpserver.expect_request("/a").respond_with_data(b"", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data(b"", status=307, headers={"Location": "/a"})
    result = fetch(httpserver.url_for("/a"), settings=settings)
    assert result.status == "error"
    assert result.error == "too many redirects"
    assert len(httpserver.log) == 6  # the first request plus 5 hops, then we give up


def test_five_redirects_allowed_six_refused(httpserver: HTTPServer, settings: Settings):
    for hop in range(6):
        httpserver.expect_request(f"/r{hop}").respond_with_data(
            b"", status=308, headers={"Location": f"/r{hop + 1}"}
        )
    httpserver.expect_request("/r6").respond_with_data(FEED)
    assert fetch(httpserver.url_for("/r1"), settings=settings).status == "ok"
    assert fetch(httpserver.url_for("/r0"), settings=settings).error == "too many redirects"


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "javascript:alert(1)", "ftp://x/y", "http://[::1", "", "-oProxy=x"],
)
def test_initial_non_http_url_refused(url: str, settings: Settings):
    result = fetch(url, settings=settings)
    assert result.status == "error"
    assert result.error.startswith("not an http(s) URL")


# --- statuses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (404, "HTTP 404 Not Found"),
        (410, "HTTP 410 Gone — the feed was removed; consider unsubscribing"),
        (500, "HTTP 500 Internal Server Error"),
        (403, "HTTP 403 Forbidden"),
        (599, "HTTP 599"),
    ],
)
def test_http_errors(httpserver: HTTPServer, settings: Settings, status: int, reason: str):
    httpserver.expect_request("/feed").respond_with_data(b"nope", status=status)
    result = fetch(httpserver.url_for("/feed"), settings=settings)
    assert result.status == "error"
    assert result.http_status == status
    assert result.error == reason
    assert result.retry_after is None


def test_429_retry_after_seconds(httpserver: HTTPServer, settings: Settings):
    httpserver.expect_request("/feed").respond_with_data(
        b"", status=429, headers={"Retry-After": "120"}
    )
    result = fetch(httpserver.url_for("/feed"), settings=settings)
    assert result.status == "error"
    assert result.error == "HTTP 429 Too Many Requests"
    assert result.retry_after == 120


def test_503_retry_after_http_date(httpserver: HTTPServer, settings: Settings):
    when = datetime.now(UTC) + timedelta(hours=1)
    httpserver.expect_request("/feed").respond_with_data(
        b"", status=503, headers={"Retry-After": format_datetime(when, usegmt=True)}
    )
    result = fetch(httpserver.url_for("/feed"), settings=settings)
    assert result.http_status == 503
    assert 3590 <= result.retry_after <= 3600


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("999999999999", MAX_RETRY_AFTER),
        ("Mon, 01 Jan 2001 00:00:00 GMT", 0.0),
        ("soon", None),
        ("Mon, 99 Foo 99999", None),
    ],
)
def test_retry_after_clamped_or_ignored(httpserver: HTTPServer, settings, value, expected):
    httpserver.expect_request("/feed").respond_with_data(
        b"", status=429, headers={"Retry-After": value}
    )
    assert fetch(httpserver.url_for("/feed"), settings=settings).retry_after == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Cache-Control": "public, max-age=1800"}, 1800),
        ({"Cache-Control": "max-age=600", "Age": "100"}, 500),
        ({"Cache-Control": "no-cache, max-age=1800"}, None),
        ({"Cache-Control": "no-store"}, None),
        ({"Cache-Control": "max-age=99999999999"}, MAX_RETRY_AFTER),
        ({"Expires": "in-one-hour"}, 3600),
        ({"Expires": "0"}, None),
        ({}, None),
    ],
)
def test_cache_hints_on_success(httpserver: HTTPServer, settings, headers, expected):
    if headers.get("Expires") == "in-one-hour":
        # werkzeug stamps its own Date header, so Expires is relative to the real clock.
        soon = datetime.now(UTC) + timedelta(hours=1)
        headers = {"Expires": format_datetime(soon, usegmt=True)}
    httpserver.expect_request("/feed").respond_with_data(FEED, headers=headers)
    result = fetch(httpserver.url_for("/feed"), settings=settings)
    assert result.status == "ok"
    if expected == 3600:
        assert 3590 <= result.retry_after <= 3600
    else:
        assert result.retry_after == expected


# --- hostile servers ----------------------------------------------------------------------


def test_slow_drip_stopped_by_deadline(raw_server, settings: Settings):
    def drip(conn: socket.socket, request: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        for _ in range(1000):
            conn.sendall(b"x")
            time.sleep(0.5)

    started = time.monotonic()
    result = fetch(raw_server(drip).url("/feed"), settings=settings.with_changes(deadline=2))
    took = time.monotonic() - started
    assert result.status == "error"
    assert result.error == "timed out after 2 s"
    assert 1.9 <= took < 3.0


def test_slow_drip_in_headers_stopped_by_deadline(raw_server, settings: Settings):
    def drip(conn: socket.socket, request: bytes) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 500:
            conn.sendall(bytes([byte]))
            time.sleep(0.3)

    started = time.monotonic()
    result = fetch(raw_server(drip).url("/feed"), settings=settings.with_changes(deadline=1.5))
    assert result.error == "timed out after 1.5 s"
    assert time.monotonic() - started < 2.5


def test_drip_with_plain_session_still_stopped(raw_server, settings: Settings):
    import requests

    def drip(conn: socket.socket, request: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        for _ in range(1000):
            conn.sendall(b"x")
            time.sleep(0.25)

    started = time.monotonic()
    with requests.Session() as session:
        result = fetch(
            raw_server(drip).url("/feed"),
            settings=settings.with_changes(deadline=1),
            session=session,
        )
    assert result.error == "timed out after 1 s"
    assert time.monotonic() - started < 2.0


def test_gzip_bomb_stopped_with_bounded_memory(raw_server, settings: Settings):
    bomb = _gzip_bomb(120)
    assert len(bomb) < 200_000

    def handler(conn: socket.socket, request: bytes) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Encoding: gzip\r\n"
            b"Content-Length: %d\r\n\r\n" % len(bomb)
        )
        conn.sendall(bomb)

    server = raw_server(handler)
    tracemalloc.start()
    try:
        result = fetch(server.url("/feed"), settings=settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.status == "error"
    assert result.error == "too large (over 10 MB)"
    assert peak < 50 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_content_length_over_cap_rejected_early(raw_server, settings: Settings):
    def handler(conn: socket.socket, request: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 52428800\r\n\r\n" + b"x" * 1000)
        time.sleep(3)  # would stall a client that waited for the body

    started = time.monotonic()
    result = fetch(raw_server(handler).url("/feed"), settings=settings)
    assert result.error == "too large (over 10 MB)"
    assert time.monotonic() - started < 1.0


def test_endless_chunked_stream_capped(raw_server, settings: Settings):
    def handler(conn: socket.socket, request: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n%s\r\n" % (32768, b"y" * 32768)
        while True:
            conn.sendall(chunk)

    result = fetch(raw_server(handler).url("/feed"), settings=settings, max_bytes=1024 * 1024)
    assert result.status == "error"
    assert result.error == "too large (over 1 MB)"


def test_truncated_body(raw_server, settings: Settings):
    def handler(conn: socket.socket, request: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + b"z" * 100)

    result = fetch(raw_server(handler).url("/feed"), settings=settings)
    assert result.status == "error"
    assert result.error == "truncated response"


def test_truncated_chunked_body(raw_server, settings: Settings):
    def handler(conn: socket.socket, request: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc")

    result = fetch(raw_server(handler).url("/feed"), settings=settings)
    assert result.error == "truncated response"


def test_server_closes_without_response(raw_server, settings: Settings):
    result = fetch(raw_server(lambda conn, request: None).url("/feed"), settings=settings)
    assert result.status == "error"
    assert result.error in (
        "the server closed the connection without a response",
        "connection reset by the server",
    )


def test_corrupt_gzip(raw_server, settings: Settings):
    def handler(conn: socket.socket, request: bytes) -> None:
        body = b"\x1f\x8b\x08\x00garbage-not-deflate" * 10
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s"
            % (len(body), body)
        )

    result = fetch(raw_server(handler).url("/feed"), settings=settings)
    assert result.status == "error"
    assert "decode" in result.error


def test_connection_refused_is_fast(settings: Settings):
    started = time.monotonic()
    result = fetch(f"http://127.0.0.1:{closed_port()}/feed", settings=settings)
    assert result.status == "error"
    assert result.error == "connection refused"
    assert time.monotonic() - started < 1.0


def test_raw_server_records_paths(raw_server, settings: Settings):
    def handler(conn: socket.socket, request: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    server = raw_server(handler)
    assert fetch(server.url("/x?y=1"), settings=settings).body == b"ok"
    assert request_path(server.requests[0]) == "/x?y=1"


def test_watchdog_does_not_outlive_the_fetch(httpserver: HTTPServer, settings: Settings):
    # A shared session's connection is reused after an earlier fetch's deadline has passed.
    httpserver.expect_request("/feed").respond_with_data(FEED)
    quick = settings.with_changes(deadline=0.5)
    with make_session(quick) as session:
        assert fetch(httpserver.url_for("/feed"), settings=quick, session=session).status == "ok"
        time.sleep(0.7)
        assert fetch(httpserver.url_for("/feed"), settings=quick, session=session).status == "ok"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_tls_verification_failure_is_reported(settings: Settings, tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    # A TLS client speaks first, so this server is written by hand.
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        conn, _ = listener.accept()
        try:
            context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            pass
        finally:
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        result = fetch(f"https://127.0.0.1:{port}/feed", settings=settings)
    finally:
        thread.join(timeout=5)
        listener.close()
    assert result.status == "error"
    assert result.error.startswith("TLS certificate verification failed: ")
    assert "self-signed" in result.error or "self signed" in result.error


def test_deadline_holds_through_an_http_proxy(raw_server, settings: Settings, monkeypatch):
    # The "proxy" is a loopback server that drips its headers; nothing leaves 127.0.0.1.
    def drip(conn: socket.socket, request: bytes) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200:
            conn.sendall(bytes([byte]))
            time.sleep(0.3)

    proxy = raw_server(drip)
    monkeypatch.setenv("HTTP_PROXY", proxy.url(""))
    for name in ("NO_PROXY", "no_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    started = time.monotonic()
    result = fetch("http://feeds.example.invalid/x", settings=settings.with_changes(deadline=1))
    assert result.error == "timed out after 1 s"
    assert time.monotonic() - started < 2.0
    assert proxy.requests[0].startswith(b"GET http://feeds.example.invalid/x ")
