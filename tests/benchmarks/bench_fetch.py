"""`sinowire fetch` against feeds served from 127.0.0.1: cold, then all 304."""

from __future__ import annotations

import hashlib
import html
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.benchmarks.corpus import feed_document
from tests.benchmarks.measure import Result
from tui.store import Store

ROOT = Path(__file__).resolve().parents[2]


class FeedServer:
    """Serves /feed/N.xml with an ETag and a Last-Modified; answers 304 to a matching
    If-None-Match or If-Modified-Since (``not_modified`` counts them). ``lazy`` builds each
    document when asked instead of holding them all (for a big cache: 100 MB of XML)."""

    LAST_MODIFIED = "Fri, 20 Nov 2026 08:00:00 GMT"

    def __init__(self, feeds: int, items: int, *, lazy: bool = False):
        paths = [f"/feed/{n}.xml" for n in range(feeds)]
        self.items = items
        self.documents: dict[str, bytes | None] = dict.fromkeys(paths)
        if not lazy:
            self.documents = {p: feed_document(n, items) for n, p in enumerate(paths)}
        self.not_modified = 0
        documents = self.documents
        server = self
        last_modified = self.LAST_MODIFIED

        def document(path: str) -> bytes | None:
            if path not in documents:
                return None
            body = documents[path]
            if body is None:
                body = feed_document(int(path.split("/")[-1].split(".")[0]), items)
            return body

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # http.server names it so
                body = document(self.path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if (self.headers.get("If-None-Match") == etag
                        or self.headers.get("If-Modified-Since") == last_modified):
                    server.not_modified += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", last_modified)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", last_modified)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._document = document
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def newest_title(self) -> str:
        """The title of the newest story served (feed 0's first item): the list's top row."""
        body = self._document("/feed/0.xml") or b""
        start = body.index(b"<item>")
        title = body[body.index(b"<title>", start) + 7:body.index(b"</title>", start)]
        return html.unescape(title.decode("utf-8"))

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()

    def url(self, path: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"


def sinowire(home: Path, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "tui", "--home", str(home), *args],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    return time.perf_counter() - started, result.stdout


def fetch(feeds: int, items: int) -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp, FeedServer(feeds, items) as server:
        home = Path(tmp)
        (home / "config.toml").write_text("[subscribe]\ndefaults = false\n")
        with Store.open(home / "sinowire.db") as store:
            for path in server.documents:
                store.add_feed(server.url(path))
        startup, _ = sinowire(home, "paths")
        cold, out = sinowire(home, "fetch")
        warm, out304 = sinowire(home, "fetch", "--force")
        assert " 0 failed" in out and " 0 failed" in out304, (out, out304)
        assert f"{feeds} unchanged" in out304, out304
    label = f"{feeds} feeds x {items} items"
    return [
        Result("process start-up (sinowire paths)", startup, unit="s"),
        Result(f"sinowire fetch, {label}, cold", cold, unit="s",
               note=f"{feeds * items / cold:,.0f} articles/s end to end"),
        Result(f"sinowire fetch --force, {label}, all 304", warm, unit="s"),
    ]


def cli_list(cache: Path, articles: int, runs: int = 5) -> list[Result]:
    """`sinowire list --limit 50` as a user runs it, on a copy of the benchmark cache."""
    import shutil
    import statistics

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        (home / "config.toml").write_text("[subscribe]\ndefaults = false\n")
        shutil.copy(cache, home / "sinowire.db")
        sinowire(home, "list", "--limit", "50")  # warm the file cache
        listing = statistics.median(sinowire(home, "list", "--limit", "50")[0]
                                    for _ in range(runs))
        as_json = statistics.median(sinowire(home, "list", "--limit", "50", "--json")[0]
                                    for _ in range(runs))
        startup = statistics.median(sinowire(home, "paths")[0] for _ in range(runs))
    return [
        Result("process start-up (sinowire paths)", startup, unit="s"),
        Result(f"sinowire list --limit 50, {articles:,} articles", listing, unit="s",
               floor=startup, floor_name="start-up"),
        Result(f"sinowire list --limit 50 --json, {articles:,} articles", as_json, unit="s",
               floor=startup, floor_name="start-up"),
    ]
