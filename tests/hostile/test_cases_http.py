"""§5 HTTP-level cases at the poll level: what a misbehaving server does to a whole poll.

tests/feeds/test_fetch.py checks each fault on ``fetch()`` alone; here the question is the
user's: the bad feed gets its own error, the good feed next to it still updates, old
articles stay, and nothing is retried in a storm.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import make_items, plain_tagger, rss
from tests.engine_helpers import poll
from tests.hostile.conftest import GOOD, Replies, poll_once
from tui.config import Settings
from tui.engine.worker import IsolatedRunner
from tui.feeds.fetch import fetch, make_session
from tui.store import Store


@contextlib.contextmanager
def black_hole() -> Iterator[int]:
    """A port on 127.0.0.1 whose accept queue is full: SYNs are dropped, connect hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    time.sleep(0.1)
    try:
        yield port
    finally:
        for sock in (*fillers, listener):
            sock.close()


def test_28_black_hole_times_out_and_other_feeds_go_on(
    httpserver: HTTPServer, store: Store, settings: Settings, runner: IsolatedRunner
) -> None:
    httpserver.expect_request("/ok").respond_with_data(rss(make_items(2)),
                                                       content_type="application/rss+xml")
    quick = settings.with_changes(connect_timeout=0.5, read_timeout=1.0, deadline=3.0)
    with black_hole() as port:
        hole = store.add_feed(f"http://127.0.0.1:{port}/feed.xml")
        good = store.add_feed(httpserver.url_for("/ok"))
        started = time.monotonic()
        report = poll(store, quick, tagger=plain_tagger, runner=runner, force=True)
        took = time.monotonic() - started
    by_feed = {o.feed_id: o for o in report.outcomes}
    assert by_feed[good.id].status == "ok" and by_feed[good.id].new == 2
    assert by_feed[hole.id].status == "error"
    assert by_feed[hole.id].error == "connection timed out after 0.5 s"
    # Without the deadline a black hole holds a poll for minutes (SYN retries); the bound
    # leaves room for a loaded machine (the worker start is in it) and still catches that.
    assert took < 15.0, took


def test_28_accepting_server_that_never_answers_hits_the_deadline(
    raw_server, store: Store, settings: Settings, runner: IsolatedRunner
) -> None:
    silent = raw_server(lambda conn, request: time.sleep(60))
    quick = settings.with_changes(read_timeout=30.0, deadline=1.5)
    feed = store.add_feed(silent.url("/feed.xml"))
    started = time.monotonic()
    outcome = poll_once(store, quick, runner, feed)
    assert outcome.status == "error" and outcome.error == "timed out after 1.5 s"
    assert time.monotonic() - started < 15.0  # not the 30 s read timeout, nor 60 s


def test_29_slow_drip_poll_level_e_and_k(
    raw_server, store: Store, settings: Settings, runner: IsolatedRunner
) -> None:
    body = rss(make_items(3))
    state = {"calls": 0}

    def handler(conn: socket.socket, request: bytes) -> None:
        state["calls"] += 1
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
        if state["calls"] == 1:
            conn.sendall(head + b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            return
        conn.sendall(head + b"Content-Length: %d\r\n\r\n" % len(body))
        for byte in body:
            conn.sendall(bytes([byte]))
            time.sleep(0.25)

    server = raw_server(handler)
    feed = store.add_feed(server.url("/drip.xml"))
    quick = settings.with_changes(read_timeout=2.0, deadline=1.5)
    assert poll_once(store, quick, runner, feed).new == 3
    started = time.monotonic()
    outcome = poll_once(store, quick, runner, feed)
    assert outcome.status == "error" and "timed out" in (outcome.error or "")
    assert time.monotonic() - started < 15.0  # the whole drip takes minutes
    assert store.count_articles() == 3


@pytest.mark.parametrize("declared", ["shorter", "absent-close", "absent-chunked-endless"])
def test_31_content_length_lies(
    declared: str, raw_server, store: Store, settings: Settings, runner: IsolatedRunner
) -> None:
    body = rss(make_items(4))

    def handler(conn: socket.socket, request: bytes) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
        if declared == "shorter":  # the client reads what was declared: a cut-off feed
            conn.sendall(head + b"Content-Length: %d\r\n\r\n%s" % (len(body) // 2, body))
        elif declared == "absent-close":  # HTTP/1.0 style: the body ends when the socket does
            conn.sendall(head + b"Connection: close\r\n\r\n" + body)
        else:
            conn.sendall(head + b"Transfer-Encoding: chunked\r\n\r\n")
            with contextlib.suppress(OSError):
                while True:
                    conn.sendall(b"8000\r\n" + b"<x>" * 10922 + b"<x\r\n")

    feed = store.add_feed(raw_server(handler).url("/feed.xml"))
    capped = settings.with_changes(max_feed_bytes=512 * 1024)
    outcome = poll_once(store, capped, runner, feed)
    if declared == "shorter":
        assert outcome.status == "error" and "truncated" in (outcome.error or "")
    elif declared == "absent-close":
        assert outcome.status == "ok" and outcome.new == 4
    else:
        assert outcome.status == "error" and outcome.error == "too large (over 512 KB)"


def http_date(seconds: int) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize("retry_after", ["120", "date"])
def test_36_retry_after_is_honoured_without_a_retry_storm(
    status: int, retry_after: str, httpserver: HTTPServer, store: Store, settings: Settings,
    runner: IsolatedRunner,
) -> None:
    value = http_date(120) if retry_after == "date" else retry_after
    calls: list[float] = []

    def handler(request):  # type: ignore[no-untyped-def]
        from werkzeug import Response

        calls.append(time.time())
        return Response("busy", status=status, headers={"Retry-After": value})

    httpserver.expect_request("/busy").respond_with_handler(handler)
    feed = store.add_feed(httpserver.url_for("/busy"))
    settings = settings.with_changes(poll_interval_minutes=5)
    now = int(time.time())
    report = poll(store, settings, tagger=plain_tagger, runner=runner)
    assert report.outcomes[0].status == "error"
    stored = store.feed(feed.id)
    assert stored is not None and stored.next_due >= now + 115
    for _ in range(5):  # the app's timer or cron calling again and again
        assert poll(store, settings, tagger=plain_tagger, runner=runner).outcomes == ()
    assert len(calls) == 1


@pytest.mark.parametrize("status, words", [(404, "Not Found"), (410, "unsubscribing"),
                                           (500, "Internal Server Error")])
def test_37_http_errors_back_off_and_keep_articles(
    status: int, words: str, httpserver: HTTPServer, store: Store, settings: Settings,
    runner: IsolatedRunner,
) -> None:
    from werkzeug import Response

    served = Replies(httpserver, "/f.xml", GOOD, Response("no", status=status))
    feed = store.add_feed(served.url)
    poll_once(store, settings, runner, feed)
    dues = []
    for _ in range(3):
        outcome = poll_once(store, settings, runner, feed)
        assert outcome.status == "error" and words in (outcome.error or "")
        stored = store.feed(feed.id)
        assert stored is not None
        dues.append(stored.next_due - int(time.time()))
    assert store.count_articles() == 3
    assert dues[0] < dues[1] < dues[2]  # exponential backoff, not a fixed retry


# --- case 38: TLS -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    folder: Path = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


@contextlib.contextmanager
def tls_server(context: ssl.SSLContext) -> Iterator[int]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with contextlib.suppress(ssl.SSLError, OSError):
                context.wrap_socket(conn, server_side=True).close()
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        listener.close()


def test_38_tls_failure_is_reported_and_verification_cannot_be_switched_off(
    self_signed: ssl.SSLContext, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ways verification has been silently disabled elsewhere: a session with verify=False,
    # an empty CURL_CA_BUNDLE / REQUESTS_CA_BUNDLE in the environment.
    monkeypatch.setenv("CURL_CA_BUNDLE", "")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "")
    with tls_server(self_signed) as port:
        url = f"https://127.0.0.1:{port}/feed"
        plain = fetch(url, settings=settings)
        session = make_session(settings)
        session.verify = False
        sloppy = fetch(url, settings=settings, session=session)
        session.close()
    for result in (plain, sloppy):
        assert result.status == "error"
        assert (result.error or "").startswith("TLS certificate verification failed: ")
        assert "self" in (result.error or "")
