"""Durability of what the user owns: read/starred state, the feed list and config.

Upgrades: every fixture in tests/data/schemas (one per released schema) opens with the
current code and keeps everything. Feed changes: entries rewritten keep their state, GUIDs
re-issued by the feed do not bring stories back as new, a feed moved to a new URL keeps
its articles. Crashes: a killed fetch never touches config or the feed list.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import make_items, plain_tagger, rss
from tests.engine_helpers import save_articles
from tests.hostile.conftest import Replies, poll_once
from tests.hostile.faults import fts_consistent, make_home, sinowire
from tests.hostile.loopback import FeedServer
from tui.cli import main
from tui.config import Settings
from tui.engine.worker import IsolatedRunner
from tui.models import Article, Filter
from tui.store import FeedExistsError, Store, StoreError
from tui.store.schema import SCHEMA_VERSION
from tui.store.sqlite import sqlite3

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "schemas"
FIXTURES = sorted(SCHEMAS.glob("schema-*.db"))


def test_there_is_a_fixture_for_every_schema_version() -> None:
    versions = sorted(int(p.stem.split("-")[1]) for p in FIXTURES)
    assert versions == list(range(1, SCHEMA_VERSION + 1)), (
        "add tests/data/schemas/schema-<N>.db for the new schema (see its README)")


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_old_database_opens_with_current_code_and_keeps_everything(
        fixture: Path, tmp_path: Path) -> None:
    expected = json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))
    path = tmp_path / "sinowire.db"
    shutil.copy(fixture, path)
    with Store.open(path) as store:
        assert store.db.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [f.url for f in store.feeds()] == expected["feeds"]
        assert [f.title for f in store.feeds()] == expected["feed_titles"]
        assert store.count_articles() == expected["articles"]
        guid_of = dict(store.db.conn.execute("SELECT id, guid FROM articles"))
        read = sorted(guid_of[r.id] for r in store.list_articles(limit=1000) if r.read)
        starred = sorted(guid_of[r.id] for r in store.list_articles(Filter(starred=True)))
        assert read == sorted(expected["read"]) and starred == sorted(expected["starred"])
        for guid, text in expected["extracted"].items():
            [article_id] = [i for i, g in guid_of.items() if g == guid]
            detail = store.article(article_id)
            assert detail is not None and detail.extracted_text == text
        for key, value in expected["meta"].items():
            assert store.get_meta(key) == value
        for query, hits in expected["search"].items():
            assert store.count_articles(Filter(search=query)) == hits
        assert fts_consistent(store)[0]
        # Still writable, and tombstones still hold.
        feed = store.feeds()[0]
        tombstoned = expected["tombstoned"][0]
        new, _ = save_articles(store,
            feed.id, [Article(guid="after-upgrade", title="After upgrade"),
                      Article(guid=tombstoned, title="Back from the dead?")],
            tagger=plain_tagger, now=int(time.time()), next_due=0)
        assert new == 1
        assert store.integrity_ok()


def test_a_big_upgrade_is_said_before_it_starts_and_a_current_cache_is_quiet(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from tui.store import database

    monkeypatch.setattr(database, "UPGRADE_NOTICE_AT", 1)  # the fixture is small
    path = tmp_path / "sinowire.db"
    shutil.copy(FIXTURES[-2], path)  # the schema before this one
    with Store.open(path):
        pass
    said = capsys.readouterr().err
    assert "upgrading the cache" in said and f"-> {SCHEMA_VERSION}" in said
    with Store.open(path):  # now current: nothing to say
        pass
    assert capsys.readouterr().err == ""


def test_read_only_fixture_is_never_written_by_the_test() -> None:
    for fixture in FIXTURES:
        conn = sqlite3.connect(f"file:{fixture}?mode=ro", uri=True)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == int(fixture.stem[7:])
        conn.close()


# --- feed changes ---------------------------------------------------------------------------

def guid_rss(entries: list[tuple[str, str, str]]) -> bytes:
    return rss([{"guid": g, "title": t, "link": link} for g, t, link in entries])


def test_reissued_guids_do_not_bring_stories_back_and_keep_state(
    httpserver: HTTPServer, store: Store, settings: Settings, runner: IsolatedRunner
) -> None:
    first = [(f"?p={n}", f"Story {n}", f"https://blog.test/{n}") for n in range(4)]
    migrated = [(f"https://blog.test/{n}#id", title, link) for n, (_, title, link)
                in enumerate(first)]
    served = Replies(httpserver, "/f.xml", (guid_rss(first), "application/rss+xml"),
                      (guid_rss(migrated), "application/rss+xml"))
    feed = store.add_feed(served.url)
    poll_once(store, settings, runner, feed)
    ids = {r.title: r.id for r in store.list_articles()}
    store.set_read([ids["Story 0"], ids["Story 1"]])
    store.set_starred(ids["Story 2"], True)
    outcome = poll_once(store, settings, runner, feed)
    assert (outcome.new, outcome.updated) == (0, 4)
    assert store.count_articles() == 4
    rows = {r.title: r for r in store.list_articles()}
    assert rows["Story 0"].read and rows["Story 1"].read and rows["Story 2"].starred
    assert {r.id for r in rows.values()} == set(ids.values())
    guids = {g for (g,) in store.db.conn.execute("SELECT guid FROM articles")}
    assert guids == {g for g, _, _ in migrated}  # the new GUIDs now match directly


def test_an_entry_still_in_the_feed_is_never_replaced(
    httpserver: HTTPServer, store: Store, settings: Settings, runner: IsolatedRunner
) -> None:
    """Only a GUID that left the feed can be taken over: here entry "a" is still listed
    (with a new link) when "b" arrives with a's old link, so "b" is a new story."""
    served = Replies(
        httpserver, "/f.xml",
        (guid_rss([("a", "A", "https://site.test/x")]), "application/rss+xml"),
        (guid_rss([("a", "A", "https://site.test/a"), ("b", "B", "https://site.test/x")]),
         "application/rss+xml"))
    feed = store.add_feed(served.url)
    poll_once(store, settings, runner, feed)
    store.set_starred(store.list_articles()[0].id, True)
    outcome = poll_once(store, settings, runner, feed)
    assert (outcome.new, outcome.updated) == (1, 1)
    rows = {r.title: r for r in store.list_articles()}
    assert sorted(rows) == ["A", "B"] and rows["A"].starred and not rows["B"].starred


def test_rewritten_entries_keep_state(
    httpserver: HTTPServer, store: Store, settings: Settings, runner: IsolatedRunner
) -> None:
    items = make_items(3)
    rewritten = [dict(item, title=item["title"] + " (updated)",
                      description="<p>rewritten</p>") for item in items]
    served = Replies(httpserver, "/f.xml", (rss(items), "application/rss+xml"),
                      (rss(rewritten), "application/rss+xml"))
    feed = store.add_feed(served.url)
    poll_once(store, settings, runner, feed)
    for row in store.list_articles():
        store.set_read([row.id])
        store.set_starred(row.id, True)
    outcome = poll_once(store, settings, runner, feed)
    assert outcome.updated == 3 and outcome.new == 0
    assert all(r.read and r.starred and r.title.endswith("(updated)")
               for r in store.list_articles())


def test_feed_moving_url_keeps_articles_and_state(
    httpserver: HTTPServer, tmp_path: Path, settings: Settings, runner: IsolatedRunner,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A 301 is followed on every poll and changes nothing stored (articles hang on the
    feed's id, not its URL). A user who changes the URL uses ``feeds move``: unsubscribing
    and subscribing again would delete the articles, starred ones included."""
    body = (rss(make_items(3)), "application/rss+xml")
    old = Replies(httpserver, "/old.xml", body)
    new = Replies(httpserver, "/new.xml", body)
    home = make_home(tmp_path / "home")
    with Store.open(home / "sinowire.db") as store:
        feed = store.add_feed(old.url)
        poll_once(store, settings, runner, feed)
        first = store.list_articles()[0].id
        store.set_starred(first, True)
        store.set_read([first])
    assert main(["--home", str(home), "feeds", "move", old.url, new.url]) == 0
    assert f"→ {new.url}" in capsys.readouterr().out
    assert main(["--home", str(home), "feeds", "move", "99", new.url]) == 1
    with Store.open(home / "sinowire.db") as store:
        [moved] = store.feeds()
        assert moved.id == feed.id and moved.url == new.url and moved.etag is None
        outcome = poll_once(store, settings, runner, moved)
        assert (outcome.status, outcome.new) == ("ok", 0)  # same GUIDs: nothing duplicated
        row = store.article_row(first)
        assert row is not None and row.starred and row.read
        other = store.add_feed(old.url)
        with pytest.raises(FeedExistsError):
            store.move_feed(other.id, new.url)
        with pytest.raises(StoreError):
            store.move_feed(other.id, "javascript:alert(1)")
    assert new.calls == 1


# --- crashes ----------------------------------------------------------------------------------

def test_killed_fetches_never_touch_config_or_the_feed_list(tmp_path: Path) -> None:
    home = make_home(tmp_path / "home")
    config = home / "config.toml"
    config.write_text(config.read_text() + "\n# my notes: keep me\n[poll]\ninterval_minutes = 45\n")
    server = FeedServer()
    try:
        with Store.open(home / "sinowire.db") as store:
            for n in range(15):
                store.add_feed(server.url("rolling", n, 30), f"Feed {n}")
            feeds_before = [(f.id, f.url, f.title) for f in store.feeds()]
        config_before = config.read_bytes()
        for delay in (0.3, 0.6, 0.9, 1.2):
            process = sinowire(home, "fetch", "--force")
            time.sleep(delay)
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
            process.communicate(timeout=60)
            assert config.read_bytes() == config_before
            with Store.open(home / "sinowire.db") as store:
                assert [(f.id, f.url, f.title) for f in store.feeds()] == feeds_before
                assert fts_consistent(store)[0]
    finally:
        server.close()
