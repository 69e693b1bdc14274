"""Issue 10, class 4: a damaged cache is never silent, never retried in a loop, and the user's
subscriptions, read and starred marks survive it.

Damage of three kinds, each through the real CLI (in-process) on a real cache file: random
bytes, a cache cut to half its size, and pages overwritten in the middle (which SQLite only
notices when a statement touches them). Plus the app's notice.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import make_items, plain_tagger, rss
from tests.engine_helpers import save_articles
from tui.cli.main import main
from tui.config import Settings
from tui.feeds.parse import parse_feed
from tui.models import Filter
from tui.store import Store
from tui.store.database import DatabaseDamaged, marker_for
from tui.store.recovery import check, cli_recover_works, recover
from tui.store.sqlite import sqlite3

FEEDS = 3
PER_FEED = 120


def build_cache(home: Path, httpserver: HTTPServer) -> dict[str, object]:
    """A real cache: three subscribed feeds with articles, some read, some starred."""
    home.mkdir(parents=True, exist_ok=True)
    urls = []
    with Store.open(home / "sinowire.db") as store:
        store.set_meta("default_feeds_subscribed", "1")
        for n in range(FEEDS):
            path = f"/feed{n}.xml"
            items = make_items(PER_FEED, prefix=f"f{n}")
            for item in items:
                item["description"] = f"<p>{item['description']} " + "lorem ipsum " * 150 + "</p>"
            httpserver.expect_request(path).respond_with_data(
                rss(make_items(PER_FEED + 5, prefix=f"f{n}")), content_type="application/rss+xml")
            url = httpserver.url_for(path)
            feed = store.add_feed(url, f"Feed {n}")
            parsed = parse_feed(rss(items), {}, url)
            save_articles(store, feed.id, parsed.articles, tagger=plain_tagger, now=1_700_000_000,
                                next_due=0)
            urls.append(url)
        ids = store.article_ids(limit=10_000)
        store.set_read([i for i in ids if i % 3 == 0])
        for i in ids:
            if i % 7 == 0:
                store.set_starred(i, True)
        read = sum(1 for i in ids if i % 3 == 0)
        starred = sum(1 for i in ids if i % 7 == 0)
    return {"urls": urls, "read": read, "starred": starred, "articles": len(ids)}


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def overwrite_pages(path: Path, *, share: float = 0.4, seed: int = 7) -> None:
    """Random bytes over a share of the pages in the middle of the file (not page 1)."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
    size = path.stat().st_size
    pages = size // page
    rng = random.Random(seed)
    with path.open("r+b") as handle:
        for number in range(pages // 4, pages * 3 // 4):
            if rng.random() < share:
                handle.seek(number * page)
                handle.write(rng.randbytes(page))


@pytest.fixture
def cache(home: Path, httpserver: HTTPServer) -> dict[str, object]:
    return build_cache(home, httpserver)


@pytest.mark.parametrize("damage", ["random-bytes", "cut-in-half"])
def test_a_file_that_is_not_a_database_is_set_aside_loudly_and_feeds_come_back(
    home: Path, cache: dict[str, object], capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    db = home / "sinowire.db"
    assert (home / "feeds.opml").exists()
    if damage == "random-bytes":
        db.write_bytes(os.urandom(300_000))
    else:
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 2])
    for name in ("-wal", "-shm"):
        (home / f"sinowire.db{name}").unlink(missing_ok=True)

    code, out, err = cli(capsys, "list")
    print(err)
    assert code == 0
    moved = sorted(home.glob("sinowire.db.corrupt-*"))
    assert [p for p in moved if not p.name.endswith(("-wal", "-shm"))], "the file was not kept"
    assert f"the cache {db} was damaged" in err
    assert str(moved[0]) in err
    assert "a new, empty cache was started" in err
    assert f"{FEEDS} subscriptions restored from {home / 'feeds.opml'}" in err
    assert "sinowire db recover" in err

    code, out, err = cli(capsys, "feeds", "list")
    assert code == 0 and err == ""  # told once, when it happened; nothing more to say now
    assert all(url in out for url in cache["urls"])  # type: ignore[attr-defined]
    assert "CoinDesk" not in out  # the defaults the user never had did not come back

    code, out, err = cli(capsys, "db", "recover", str(moved[0]))
    if damage == "random-bytes":
        assert code == 1 and "nothing readable" in err
        return
    assert code == 0, err
    assert "recovered with" in out
    with sqlite3.connect(db) as conn:
        feeds = conn.execute("SELECT count(*) FROM feeds").fetchone()[0]
        read, starred = conn.execute("SELECT sum(read), sum(starred) FROM articles").fetchone()
    assert feeds == FEEDS
    assert 0 < read <= cache["read"] and 0 < starred <= cache["starred"]  # type: ignore[operator]
    assert moved[0].exists()  # still kept
    code, out, _ = cli(capsys, "db", "check")
    assert code == 0 and out.startswith("ok:")


def test_damage_found_at_run_time_stops_writes_once_and_recover_keeps_state(
    home: Path, cache: dict[str, object], capsys: pytest.CaptureFixture[str],
    httpserver: HTTPServer,
) -> None:
    db = home / "sinowire.db"
    overwrite_pages(db)
    started = time.monotonic()
    code, out, err = cli(capsys, "fetch", "--force")
    print(out, err)
    assert code == 2
    assert err.count("is damaged; sinowire stopped writing to it") == 1
    assert "sinowire db check" in err and "sinowire db recover" in err
    assert "will retry next poll" not in err
    assert marker_for(db).exists()
    assert db.exists()  # never deleted, never moved behind the user's back
    assert time.monotonic() - started < 60

    # The next run says so at once and does not go to the network at all.
    hits = len(httpserver.log)
    code, out, err = cli(capsys, "fetch", "--force")
    assert code == 2 and err.count("is damaged") == 1
    assert len(httpserver.log) == hits
    code, out, err = cli(capsys, "list", "--limit", "5")
    assert "is damaged" in err  # reading goes on (what is readable), but the user is told

    code, out, _ = cli(capsys, "db", "check")
    assert code == 1 and out.startswith("damaged:")

    code, out, err = cli(capsys, "db", "recover")
    assert code == 0, err
    kept = [p for p in home.glob("sinowire.db.corrupt-*") if not p.name.endswith(("wal", "shm"))]
    assert kept and str(kept[0]) in out
    assert not marker_for(db).exists()
    code, out, _ = cli(capsys, "db", "check")
    assert code == 0, out
    with sqlite3.connect(db) as conn:
        feeds = conn.execute("SELECT count(*) FROM feeds").fetchone()[0]
        read, starred = conn.execute("SELECT sum(read), sum(starred) FROM articles").fetchone()
    assert feeds == FEEDS
    assert read and starred
    code, out, err = cli(capsys, "fetch", "--force")
    assert code == 0, err  # writable again


@pytest.mark.parametrize("use_cli", [True, False], ids=["sqlite3-recover", "row-by-row"])
def test_recover_both_ways_keeps_what_is_readable(
    home: Path, cache: dict[str, object], tmp_path: Path, use_cli: bool
) -> None:
    if use_cli and not cli_recover_works():
        pytest.skip("no sqlite3 command with a working .recover (Debian's 3.40 lacks it)")
    db = home / "sinowire.db"
    overwrite_pages(db, share=0.15, seed=3)
    report = recover(db, db, use_cli=use_cli)
    assert report.method.startswith("SQLite .recover" if use_cli else "row-by-row copy")
    assert report.counts["feeds"] == FEEDS
    assert 0 < report.counts["articles"] <= cache["articles"]  # type: ignore[operator]
    assert report.kept is not None and report.kept.exists()
    assert check(db).ok
    with Store.open(db) as store:
        assert len(store.feeds()) == FEEDS
        assert store.integrity_ok()
        assert store.list_articles(Filter(search="lorem"), limit=5)  # the index was rebuilt


def test_a_damaged_store_refuses_every_write_without_touching_the_file(
    home: Path, cache: dict[str, object]
) -> None:
    db = home / "sinowire.db"
    marker_for(db).write_text("2026-01-01 00:00:00 database disk image is malformed\n")
    before = db.read_bytes()
    with Store.open(db) as store:
        assert store.notice is not None and "is damaged" in store.notice
        assert store.feeds()  # reads still work
        for write in (lambda: store.add_feed("http://127.0.0.1:1/x"),
                      lambda: store.set_starred(1, True),
                      lambda: store.set_read([1, 2]),
                      lambda: store.remove_feed(1),
                      lambda: store.apply_retention(days=1, per_feed=1, now=2_000_000_000)):
            with pytest.raises(DatabaseDamaged):
                write()
    assert db.read_bytes() == before


def test_feeds_opml_follows_every_change_to_the_feed_list(
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    opml = home / "feeds.opml"

    def listed() -> str:
        return opml.read_text(encoding="utf-8")

    cli(capsys, "feeds", "add", "http://127.0.0.1:1/one.xml", "--title", "One")
    assert "http://127.0.0.1:1/one.xml" in listed()
    cli(capsys, "feeds", "move", "http://127.0.0.1:1/one.xml", "http://127.0.0.1:1/uno.xml")
    assert "uno.xml" in listed() and "one.xml" not in listed()
    subs = tmp_path / "subs.opml"
    subs.write_text('<opml version="2.0"><body>' + "".join(
        f'<outline type="rss" text="n{n}" xmlUrl="http://127.0.0.1:1/{n}.xml"/>'
        for n in range(300)) + "</body></opml>")
    cli(capsys, "feeds", "import", str(subs))
    assert listed().count("<outline") >= 301
    code, _, _ = cli(capsys, "feeds", "remove", "http://127.0.0.1:1/uno.xml")
    assert code == 0 and "uno.xml" not in listed()
    (home / "sinowire.db").unlink()  # the cache is gone entirely: the list comes back
    code, out, err = cli(capsys, "feeds", "list")
    assert "subscriptions restored" in err
    assert out.count("\n") == listed().count("<outline")


def test_the_app_tells_the_user_about_a_damaged_cache(home: Path, cache: dict[str, object]
                                                       ) -> None:
    from tui.engine import Engine
    from tui.ui.app import make_app

    db = home / "sinowire.db"
    db.write_bytes(b"this is not a database" * 1000)

    async def run() -> list[str]:
        with Engine(Settings(), db) as engine:
            app = make_app(engine, poll_on_start=False)
            async with app.run_test() as pilot:
                await pilot.pause()
                return [str(n.message) for n in app._notifications]

    messages = asyncio.run(run())
    assert any("was damaged" in m and "moved to" in m and "restored" in m for m in messages), \
        messages
