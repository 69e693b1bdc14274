"""kill -9 of `sinowire fetch` mid-write: the database stays whole, nothing is half-written."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import make_items, rss
from tui.store import Store

FEEDS = 30
ITEMS = 40
TRIALS = int(os.environ.get("SINOWIRE_KILL_TRIALS", "6"))


def test_kill_minus_9_during_fetch(tmp_path: Path, httpserver: HTTPServer) -> None:
    documents = {f"/k{n}.xml": rss(make_items(ITEMS, prefix=f"k{n}")) for n in range(FEEDS)}

    def handler(request: Request) -> Response:
        time.sleep(0.02)
        return Response(documents[request.path], content_type="application/rss+xml")

    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("[subscribe]\ndefaults = false\n")
    with Store.open(home / "sinowire.db") as store:
        for path in documents:
            httpserver.expect_request(path).respond_with_handler(handler)
            store.add_feed(httpserver.url_for(path))
    # Time one whole run, then kill the later ones somewhere inside that span.
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "tui", "--home", str(home), "fetch", "--force"],
                   capture_output=True, check=True, timeout=120)
    full_run = time.monotonic() - started
    with Store.open(home / "sinowire.db") as store:
        store.db.execute("UPDATE feeds SET body_hash = NULL")
        for table in ("articles_fts", "bodies", "article_topics", "article_regions",
                      "article_entities", "articles"):
            store.db.execute(f"DELETE FROM {table}")
    rng = random.Random(1234)
    previous: dict[int, int] = {}
    killed = 0
    for _trial in range(TRIALS):
        process = subprocess.Popen(
            [sys.executable, "-m", "tui", "--home", str(home), "fetch", "--force"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.35, 0.95) * full_run)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            killed += 1
        process.wait(timeout=30)
        with Store.open(home / "sinowire.db") as store:
            assert store.integrity_ok()
            counts = dict(store.db.conn.execute(
                "SELECT feed_id, count(*) FROM articles GROUP BY feed_id").fetchall())
            fts = store.db.conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
            bodies = store.db.conn.execute("SELECT count(*) FROM bodies").fetchone()[0]
        assert all(count == ITEMS for count in counts.values()), counts  # whole feeds only
        assert fts == bodies == sum(counts.values())
        for feed_id, count in previous.items():
            assert counts.get(feed_id, 0) >= count  # nothing committed before was lost
        previous = counts
        # Next trial writes again: forget what was stored so each run has work to do.
        with Store.open(home / "sinowire.db") as store:
            store.db.execute("DELETE FROM articles_fts WHERE rowid IN "
                             "(SELECT id FROM articles WHERE feed_id % 2 = 0)")
            for table in ("bodies", "article_topics", "article_regions", "article_entities"):
                store.db.execute(f"DELETE FROM {table} WHERE article_id IN "
                                 "(SELECT id FROM articles WHERE feed_id % 2 = 0)")
            store.db.execute("DELETE FROM articles WHERE feed_id % 2 = 0")
            store.db.execute("UPDATE feeds SET body_hash = NULL")
            previous = {k: v for k, v in previous.items() if k % 2}
    assert killed >= TRIALS // 2, "the fetch finished before it could be killed: slow it down"
