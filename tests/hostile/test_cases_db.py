"""§5 database cases (54–62): busy, newer schema, failed migrations, queries, WAL, threads."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlite_utils import Migrations

import tui.store.database as database
import tui.store.schema as schema
from tests.conftest import make_items, plain_tagger, rss
from tests.engine_helpers import poll, save_articles
from tests.hostile.safety import long_only, slow
from tui.cli import main
from tui.config import Settings
from tui.engine.worker import IsolatedRunner
from tui.models import Article, Filter
from tui.store import NewerSchemaError, Store, StoreError
from tui.store.sqlite import sqlite3

SCHEMA_ONE = Path(__file__).resolve().parent.parent / "data" / "schemas" / "schema-1.db"
BUSY = "database busy (another sinowire is writing); will retry next poll"


def serve_feeds(httpserver: HTTPServer, count: int, items: int = 5) -> list[str]:
    urls = []
    for n in range(count):
        path = f"/f{n}.xml"
        httpserver.expect_request(path).respond_with_data(
            rss(make_items(items, prefix=f"f{n}")), content_type="application/rss+xml")
        urls.append(httpserver.url_for(path))
    return urls


class WriteLock:
    """Another process's open write transaction, from a plain sqlite3 connection."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO meta (key, value) VALUES ('lock-holder', 'x')")

    def release(self) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


def test_54_held_write_lock_gives_busy_per_feed_and_loses_nothing(
    tmp_path: Path, httpserver: HTTPServer, settings: Settings, runner: IsolatedRunner
) -> None:
    path = tmp_path / "db.sqlite"
    with Store.open(path) as setup:
        for url in serve_feeds(httpserver, 3):
            setup.add_feed(url)
    lock = WriteLock(path)
    with Store.open(path, busy_timeout=0.3) as writer, Store.open(path, busy_timeout=0.1) as ui:
        started = time.monotonic()
        report = poll(writer, settings, tagger=plain_tagger, runner=runner)
        took = time.monotonic() - started
        assert [o.error for o in report.outcomes] == [BUSY] * 3
        assert took < 5.0
        # The UI's own connection still reads at once while the lock is held (WAL).
        started = time.monotonic()
        assert ui.list_articles() == [] and len(ui.feeds()) == 3
        assert time.monotonic() - started < 0.5
        assert all(f.next_due == 0 for f in ui.feeds())  # still due: tried again next time
        lock.release()
        again = poll(writer, settings, tagger=plain_tagger, runner=runner)
        assert [o.status for o in again.outcomes] == ["ok"] * 3
        assert writer.count_articles() == 15 and writer.integrity_ok()


def quiet_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("[subscribe]\ndefaults = false\n")
    return home


def test_54_cli_fetch_waits_out_a_short_lock(tmp_path: Path, httpserver: HTTPServer) -> None:
    home = quiet_home(tmp_path)
    with Store.open(home / "sinowire.db") as store:
        for url in serve_feeds(httpserver, 2):
            store.add_feed(url)
    lock = WriteLock(home / "sinowire.db")
    timer = threading.Timer(2.0, lock.release)
    timer.start()
    result = subprocess.run([sys.executable, "-m", "tui", "--home", str(home), "fetch"],
                            capture_output=True, text=True, timeout=120)
    timer.join()
    assert result.returncode == 0, result.stderr
    assert "busy" not in result.stderr and "locked" not in result.stderr
    with Store.open(home / "sinowire.db") as store:
        assert store.count_articles() == 10


@slow
@long_only
def test_54_cli_fetch_under_a_lock_longer_than_the_busy_timeout(
        tmp_path: Path, httpserver: HTTPServer) -> None:
    home = quiet_home(tmp_path)
    with Store.open(home / "sinowire.db") as store:
        store.add_feed(serve_feeds(httpserver, 1)[0])
    lock = WriteLock(home / "sinowire.db")
    try:
        result = subprocess.run([sys.executable, "-m", "tui", "--home", str(home), "fetch"],
                                capture_output=True, text=True, timeout=120)
    finally:
        lock.release()
    assert "Traceback" not in result.stderr
    assert "database busy" in result.stderr
    assert result.returncode in (0, 2)


def schema_one_db(path: Path) -> None:
    with Store.open(path) as store:
        feed = store.add_feed("https://a.test/rss")
        save_articles(store, feed.id, [Article(guid="1", title="kept")], tagger=plain_tagger,
                            now=1, next_due=0)
        store.set_starred(store.list_articles()[0].id, True)


def test_57_newer_schema_is_refused_by_the_cli_without_writing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = quiet_home(tmp_path)
    schema_one_db(home / "sinowire.db")
    conn = sqlite3.connect(str(home / "sinowire.db"))
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    before = (home / "sinowire.db").read_bytes()
    for command in (["list"], ["fetch"], ["feeds", "add", "https://b.test/rss"]):
        assert main(["--home", str(home), *command]) == 2
        err = capsys.readouterr().err
        assert "created by a newer version of sinowire" in err and "Traceback" not in err
    assert (home / "sinowire.db").read_bytes() == before
    with pytest.raises(NewerSchemaError):
        Store.open(home / "sinowire.db")


def test_58_a_migration_failing_halfway_is_rolled_back_and_stays_pending(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The schema-1 fixture meets every real migration plus one that fails after DDL."""
    home = quiet_home(tmp_path)
    path = home / "sinowire.db"
    shutil.copy(SCHEMA_ONE, path)
    broken = Migrations(schema.MIGRATION_SET)
    for migration in schema.migrations._migrations:
        broken(transactional=migration.transactional)(migration.fn)

    @broken()
    def m999_broken(db) -> None:  # type: ignore[no-untyped-def]
        db.execute("CREATE TABLE new_things (id INTEGER PRIMARY KEY)")
        db.execute("UPDATE articles SET title = 'half-migrated'")
        db.execute("INSERT INTO no_such_table VALUES (1)")  # fails halfway

    monkeypatch.setattr(database, "migrations", broken)
    monkeypatch.setattr(database, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    assert main(["--home", str(home), "list"]) == 2
    err = capsys.readouterr().err
    assert "cannot open database" in err and "no_such_table" in err and "Traceback" not in err
    conn = sqlite3.connect(str(path))
    assert conn.execute("PRAGMA user_version").fetchone()[0] <= schema.SCHEMA_VERSION
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'new_things'").fetchall() == []
    names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
    assert "m999_broken" not in names
    assert ("half-migrated",) not in conn.execute("SELECT title FROM articles").fetchall()
    conn.close()
    monkeypatch.undo()
    with Store.open(path) as store:  # the current code still opens it, data intact
        assert store.db.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert len(store.list_articles(Filter(starred=True))) == 2
        assert store.integrity_ok()


def test_58_first_migration_killed_halfway_does_not_brick_the_database(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: m001 used executescript(), which commits as it goes."""
    original = schema.run_statements

    def crash_halfway(db, script: str) -> None:  # type: ignore[no-untyped-def]
        statements = [s for s in script.split(";") if s.strip()]
        for statement in statements[: len(statements) // 2]:
            db.conn.execute(statement)
        raise sqlite3.OperationalError("simulated crash halfway through m001")

    monkeypatch.setattr(schema, "run_statements", crash_halfway)
    with pytest.raises(StoreError, match="simulated crash"):
        Store.open(tmp_path / "first.db")
    monkeypatch.setattr(schema, "run_statements", original)
    with Store.open(tmp_path / "first.db") as store:
        assert store.feeds() == [] and store.integrity_ok()


@pytest.mark.parametrize("query", ['"unbalanced', "a AND (", "NEAR(", "*", "-x", "a OR",
                                   'title:"x"', "^", "比特币 OR", "\x00", "''", "\\", "NOT"])
def test_60_any_search_text_is_safe(store: Store, query: str) -> None:
    feed = store.add_feed("https://a.test/rss")
    save_articles(store, feed.id, [Article(guid="1", title="a NEAR x 比特币 not")],
                        tagger=plain_tagger, now=1, next_due=0)
    store.list_articles(Filter(search=query))
    store.count_articles(Filter(search=query))
    store.top_entities(Filter(search=query))
    store.topic_counts(Filter(search=query))
    assert store.search_is_valid(query)


def test_61_read_helpers_leave_no_open_cursor_and_wal_stays_bounded(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    with Store.open(path) as writer, Store.open(path) as ui:
        feed = writer.add_feed("https://a.test/rss")

        def write_batch(n: int) -> None:
            articles = [Article(guid=f"{n}-{i}", title=f"Story {n} {i}", summary="x" * 2000)
                        for i in range(50)]
            save_articles(writer, feed.id, articles, tagger=plain_tagger, now=1, next_due=0)

        write_batch(0)
        # A cursor left half-read pins a snapshot: checkpoints cannot finish.
        pinned = ui.db.conn.execute("SELECT id FROM articles")
        pinned.fetchone()
        for n in range(1, 8):
            write_batch(n)
        busy, _, _ = writer.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 1
        pinned.close()
        # Every read helper the UI uses runs to completion; afterwards nothing is pinned.
        flt = Filter(search="story")
        ui.list_articles(flt, limit=5)
        ui.count_articles(flt)
        ui.article_ids(flt, limit=10)
        ui.article(ui.article_ids(limit=1)[0])
        ui.top_entities(flt)
        ui.topic_counts(flt)
        ui.unread_counts()
        ui.feeds()
        assert not ui.db.conn.in_transaction
        busy, log, done = writer.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0 and log == done
        assert Path(f"{path}-wal").stat().st_size == 0


def test_62_a_connection_cannot_be_shared_across_threads(store: Store) -> None:
    errors: list[BaseException] = []

    def use_from_another_thread() -> None:
        try:
            store.feeds()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=use_from_another_thread)
    thread.start()
    thread.join()
    assert len(errors) == 1 and isinstance(errors[0], sqlite3.ProgrammingError)


def test_62_poll_in_a_worker_thread_with_its_own_store_beside_a_reader(
    tmp_path: Path, httpserver: HTTPServer, settings: Settings, runner: IsolatedRunner
) -> None:
    """The app's pattern: the poll worker opens its own Store in its thread; the UI reads."""
    path = tmp_path / "app.db"
    with Store.open(path) as ui:
        for url in serve_feeds(httpserver, 8, items=20):
            ui.add_feed(url)
        results: list[object] = []

        def worker() -> None:
            with Store.open(path) as own:
                results.append(poll(own, settings, tagger=plain_tagger, runner=runner))

        thread = threading.Thread(target=worker)
        thread.start()
        reads = 0
        while thread.is_alive():
            ui.list_articles(limit=50)
            ui.unread_counts()
            reads += 1
        thread.join()
        assert reads > 0 and ui.count_articles() == 160
        assert results and results[0].errors == 0  # type: ignore[attr-defined]
