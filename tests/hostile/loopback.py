"""A threaded feed server on 127.0.0.1 for the fault and load runs (no pytest needed).

Paths: ``/fixed/<n>?items=K`` always serves the same K entries; ``/rolling/<n>?items=K``
serves K entries that are new on every request (block b = the b-th request for that feed,
guids ``r<n>-<b>-<i>``) so every fetch has work to write; ``/slow/<n>`` waits before
answering; ``/fail/<n>`` answers 500; ``/bad/<n>`` answers 200 with something not a feed.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

NOW = datetime.now(UTC).replace(microsecond=0)


def feed_xml(name: str, guids: list[str]) -> bytes:
    items = []
    for index, guid in enumerate(guids):
        when = format_datetime(NOW - timedelta(minutes=index), usegmt=True)
        items.append(
            f"<item><guid isPermaLink='false'>{escape(guid)}</guid>"
            f"<title>{escape(name)} story {escape(guid)} about mining in Sichuan</title>"
            f"<link>https://example.test/{escape(guid)}</link><pubDate>{when}</pubDate>"
            f"<description>&lt;p&gt;Body of {escape(guid)}. Hong Kong exchanges and "
            f"Bitmain.&lt;/p&gt;</description></item>"
        )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{escape(name)}</title><link>https://example.test/</link>"
            f"{''.join(items)}</channel></rss>").encode()


class FeedServer:
    """Serve generated feeds from a daemon thread; ``requests`` counts hits per path."""

    def __init__(self, slow_seconds: float = 2.0) -> None:
        self.slow_seconds = slow_seconds
        self.requests: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                status, body = server.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # type: ignore[method-assign]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}"

    def url(self, kind: str, n: int, items: int = 40) -> str:
        return f"{self.base}/{kind}/{n}?items={items}"

    def answer(self, raw_path: str) -> tuple[int, bytes]:
        parts = urlsplit(raw_path)
        _, kind, n = parts.path.split("/", 2)
        items = int(parse_qs(parts.query).get("items", ["40"])[0])
        with self._lock:
            self.requests[parts.path] += 1
            block = self.requests[parts.path] - 1
        if kind == "fixed":
            return 200, feed_xml(f"Fixed {n}", [f"x{n}-{i}" for i in range(items)])
        if kind == "rolling":
            return 200, feed_xml(f"Rolling {n}", [f"r{n}-{block}-{i}" for i in range(items)])
        if kind == "slow":
            time.sleep(self.slow_seconds)
            return 200, feed_xml(f"Slow {n}", [f"s{n}-{i}" for i in range(items)])
        if kind == "fail":
            return 500, b"internal error"
        return 200, b"<html><body>not a feed</body></html>"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
