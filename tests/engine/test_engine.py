"""The engine against a loopback HTTP server and a real SQLite file.

One engine is the only way the cache is updated: these tests drive it the way the CLI and
the app do and check what lands in the store.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import make_items, rss
from tests.engine_helpers import save_articles
from tui.cli import main
from tui.config import Settings
from tui.engine import Engine, open_engine
from tui.engine.worker import IsolatedMemoryError, IsolatedRunner, IsolatedTimeout
from tui.models import Article, Tags

FAST = Settings(connect_timeout=2.0, read_timeout=5.0, deadline=10.0, parse_timeout=20.0)
DAY = 86400

HK_PAGE = """<html><head><title>Licensing</title></head><body><article>
<h1>Licensing</h1>
<p>The Securities and Futures Commission of Hong Kong granted two more virtual asset
trading platform licences on Tuesday, the regulator said in a statement.</p>
<p>The Hong Kong Monetary Authority also named its first stablecoin issuers under the new
regime, which took effect in August. HashKey and OSL are among the licensed platforms.</p>
<p>Analysts expect more approvals before the end of the year as the city courts exchanges
that left the mainland after the 2021 ban.</p>
</article></body></html>"""


def dated_items(now: float, ages_days: list[float], prefix: str = "s") -> list[dict[str, str]]:
    items = make_items(len(ages_days), prefix=prefix)
    for item, age in zip(items, ages_days, strict=True):
        stamp = time.gmtime(now - age * DAY)
        item["date"] = time.strftime("%Y-%m-%dT%H:%M:%S", stamp)
    return items


def test_update_applies_retention_the_same_for_the_app_and_the_cli(
        tmp_path: Path, httpserver: HTTPServer) -> None:
    now = time.time()
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(dated_items(now, [0.1, 0.2, 0.5, 3, 10, 40])), content_type="application/rss+xml")
    url = httpserver.url_for("/feed.xml")
    config = "[subscribe]\ndefaults = false\n[retention]\ndays = 1\n"

    # The CLI path: `sinowire fetch` in a home with a config.
    home = tmp_path / "cli"
    home.mkdir()
    (home / "config.toml").write_text(config, encoding="utf-8")
    assert main(["--home", str(home), "feeds", "add", url]) == 0
    assert main(["--home", str(home), "fetch"]) == 0
    with open_engine(str(home)) as cli_view:
        cli_titles = sorted(row.title for row in cli_view.store.list_articles(limit=100))

    # The app path: the app's poll worker calls Engine.update on its thread.
    settings = FAST.with_changes(retention_days=1)
    with Engine(settings, tmp_path / "app.db") as engine:
        engine.store.add_feed(url)
        report = engine.update()
        app_titles = sorted(row.title for row in engine.store.list_articles(limit=100))
    assert report.new == 6 and report.removed == 3
    assert app_titles == cli_titles
    assert len(app_titles) == 3


def test_full_text_retags_stores_and_says_where_the_evidence_came_from(
        tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/story").respond_with_data(HK_PAGE, content_type="text/html")
    with Engine(FAST, tmp_path / "c.db") as engine:
        store = engine.store
        feed = store.add_feed(httpserver.url_for("/feed"))  # a local feed may link locally
        from tui.engine.jobs import make_tagger

        article = Article(guid="1", title="Two more platforms licensed",
                          url=httpserver.url_for("/story"), summary="Regulators act.")
        save_articles(store, feed.id, [article], tagger=make_tagger(Settings()), now=1,
                      next_due=1)
        [row] = store.list_articles(limit=1)
        assert row.regions == () and not row.china
        detail = engine.full_text(row.id)
        assert detail.extracted_text and "Monetary Authority" in detail.extracted_text
        assert "HK" in detail.row.regions and detail.row.china
        names = {e.name for e in detail.entities}
        assert {"HashKey", "OSL"} <= names or len(names) >= 3, names
        assert {e.field for e in detail.evidence} == {"full text"}
        # Stored, not just returned: a fresh read sees it, and a retag keeps it.
        assert engine.retag() == 1
        again = engine.store.article(row.id)
        assert again is not None and "HK" in again.row.regions
        assert {e.field for e in again.evidence} == {"full text"}


def test_full_text_failure_is_stored_and_the_summary_stays(
        tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    with Engine(FAST, tmp_path / "c.db") as engine:
        feed = engine.store.add_feed(httpserver.url_for("/feed"))
        save_articles(engine.store, feed.id, [Article(guid="1", title="T", summary="S",
                                                      url=httpserver.url_for("/gone"))],
                      tagger=lambda a: Tags(), now=1, next_due=1)
        [row] = engine.store.list_articles(limit=1)
        detail = engine.full_text(row.id)
        assert detail.extract_error and "404" in detail.extract_error
        assert detail.body() == ("S", "summary")
        with pytest.raises(KeyError):
            engine.full_text(999)


def test_a_public_feeds_story_link_to_this_machine_is_refused_and_nothing_is_fetched(
        tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/admin").respond_with_data(HK_PAGE, content_type="text/html")
    with Engine(FAST, tmp_path / "c.db") as engine:
        # A name that does not resolve is treated as public: in doubt, the strict scope.
        feed = engine.store.add_feed("https://public-feed.invalid/rss")
        save_articles(engine.store, feed.id, [Article(guid="1", title="T", summary="S",
                                                      url=httpserver.url_for("/admin"))],
                      tagger=lambda a: Tags(), now=1, next_due=1)
        [row] = engine.store.list_articles(limit=1)
        detail = engine.full_text(row.id)
        assert detail.extract_error is not None
        assert "story link in a feed from a public address to a loopback" in detail.extract_error
        assert httpserver.log == []


def test_full_text_of_a_chinese_story_is_tagged_as_chinese_and_a_retag_agrees(
        tmp_path: Path, httpserver: HTTPServer) -> None:
    page = ("<html><body><article><h1>香港</h1>"
            + "<p>香港证监会周二向两家虚拟资产交易平台发出牌照，监管机构在声明中表示。</p>" * 6
            + "</article></body></html>")
    httpserver.expect_request("/zh").respond_with_data(page, content_type="text/html")
    with Engine(FAST, tmp_path / "c.db") as engine:
        feed = engine.store.add_feed(httpserver.url_for("/feed"), lang="zh")
        from tui.engine.jobs import make_tagger

        save_articles(engine.store, feed.id,
                      [Article(guid="1", title="监管动态", summary="见全文",
                               url=httpserver.url_for("/zh"), lang="zh")],
                      tagger=make_tagger(Settings()), now=1, next_due=1)
        [row] = engine.store.list_articles(limit=1)
        detail = engine.full_text(row.id)
        assert detail.lang == "zh" and "HK" in detail.row.regions

        def stored_hash() -> str:
            return str(engine.store.db.conn.execute(
                "SELECT tag_hash FROM articles WHERE id = ?", (row.id,)).fetchone()[0])

        tagged = stored_hash()
        engine.retag()
        # Tagged from the same inputs a retag uses (the language included): nothing moved.
        assert stored_hash() == tagged != ""


def test_one_worker_serves_twenty_feeds_and_five_full_text_fetches(
        tmp_path: Path, httpserver: HTTPServer) -> None:
    for n in range(20):
        httpserver.expect_request(f"/f{n}.xml").respond_with_data(
            rss(make_items(3, prefix=f"f{n}")), content_type="application/rss+xml")
    httpserver.expect_request("/story").respond_with_data(HK_PAGE, content_type="text/html")
    with Engine(FAST, tmp_path / "c.db") as engine:
        for n in range(20):
            engine.store.add_feed(httpserver.url_for(f"/f{n}.xml"))
        assert engine.update().new == 60
        ids = [row.id for row in engine.store.list_articles(limit=5)]
        for article_id in ids:
            engine.store.db.conn.execute("UPDATE articles SET url = ? WHERE id = ?",
                                         (httpserver.url_for("/story"), article_id))
            engine.store.db.conn.commit()
            assert engine.full_text(article_id).extracted_text
        assert engine.update(force=True).outcomes  # a second poll, same worker
        assert engine.worker.starts == 1


def sleep_forever() -> None:
    time.sleep(60)


def allocate_gigabytes() -> int:
    return len(bytearray(3 * 1024**3))


def answer() -> int:
    return 42


def test_jobs_past_the_time_or_memory_limit_are_killed_and_the_next_job_runs() -> None:
    with IsolatedRunner(memory_mb=256) as runner:
        with pytest.raises(IsolatedTimeout):
            runner.run(sleep_forever, timeout=1.0)
        assert runner.run(answer, timeout=30) == 42
        with pytest.raises(IsolatedMemoryError, match="256 MB"):
            runner.run(allocate_gigabytes, timeout=30)
        assert runner.run(answer, timeout=30) == 42
        assert runner.starts == 3  # the first, and one replacement per broken limit


def test_a_feed_that_breaks_a_limit_is_reported_and_the_others_are_stored(
        tmp_path: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    httpserver.expect_request("/good.xml").respond_with_data(
        rss(make_items(2, prefix="good")), content_type="application/rss+xml")
    httpserver.expect_request("/bomb.xml").respond_with_data(
        rss(make_items(1, prefix="bomb")), content_type="application/rss+xml")
    with Engine(FAST.with_changes(worker_memory_mb=256), tmp_path / "c.db") as engine:
        engine.store.add_feed(httpserver.url_for("/bomb.xml"))
        engine.store.add_feed(httpserver.url_for("/good.xml"))

        def run(func, *args, timeout):  # type: ignore[no-untyped-def]
            # A stand-in for an entity-expansion feed: this feed's job allocates gigabytes.
            if b"bomb" in args[0]:
                return IsolatedRunner.run(engine.worker, allocate_gigabytes, timeout=timeout)
            return IsolatedRunner.run(engine.worker, func, *args, timeout=timeout)

        monkeypatch.setattr(engine.worker, "run", run)
        report = engine.update()
    by_url = {o.url.rsplit("/", 1)[1]: o for o in report.outcomes}
    assert by_url["bomb.xml"].status == "error"
    assert "256 MB" in (by_url["bomb.xml"].error or "")
    assert by_url["good.xml"].status == "ok" and by_url["good.xml"].new == 2


def test_article_command_prints_one_story_and_fetches_full_text(
        tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([{"guid": "1", "title": "Licensing news", "link": httpserver.url_for("/story"),
              "description": "Short."}]), content_type="application/rss+xml")
    httpserver.expect_request("/story").respond_with_data(HK_PAGE, content_type="text/html")
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("[subscribe]\ndefaults = false\n", encoding="utf-8")
    assert main(["--home", str(home), "feeds", "add", httpserver.url_for("/feed.xml")]) == 0
    assert main(["--home", str(home), "fetch"]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "list", "--json"]) == 0
    article_id = json.loads(capsys.readouterr().out.splitlines()[0])["id"]
    assert main(["--home", str(home), "article", str(article_id), "--json"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert before["content"] == "Short." and before["content_source"] == "summary"
    assert before["regions"] == []
    assert main(["--home", str(home), "article", str(article_id), "--full-text", "--json"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert after["content_source"] == "full text" and "Monetary Authority" in after["content"]
    assert "HK" in after["regions"]
    assert {e["field"] for e in after["evidence"]} == {"full text"}
    assert main(["--home", str(home), "article", str(article_id)]) == 0
    assert "Licensing news" in capsys.readouterr().out
    assert main(["--home", str(home), "article", "9999"]) == 1


def test_demo_engine_seeds_through_the_same_path(tmp_path: Path) -> None:
    with Engine(Settings(), tmp_path / "d.db") as engine:
        stored = engine.seed_demo()
        assert stored > 50
        assert engine.seed_demo() == 0  # idempotent: the decider sees them all unchanged
        assert engine.store.count_articles() == stored
        assert engine.worker.starts == 1


def test_tag_records_filter(tmp_path: Path) -> None:
    with Engine(Settings(), tmp_path / "t.db") as engine:
        out = list(engine.tag_records(['{"id": 1, "title": "PBoC expands e-CNY pilot"}',
                                       "not json", ""]))
    assert out[0]["id"] == 1 and out[0]["china"] is True
    assert "error" in out[1] and "line 2" in out[1]["error"]
    assert len(out) == 2
    assert not (tmp_path / "t.db").exists()  # tagging needs no cache


def test_update_alerts_once_per_story_for_the_app_poll_and_a_cron_fetch(
        tmp_path: Path, httpserver: HTTPServer) -> None:
    """The alert stage runs inside Engine.update: the app's poll and `sinowire fetch` on the
    same cache tell the command about each new matching story once, ever."""
    import sys

    from tui.alerts.notify import NotifySettings
    from tui.alerts.watch import Watch

    now = time.time()
    items = dated_items(now, [0.01, 0.02], prefix="hk")
    items[0]["title"] = "Hong Kong SFC licenses two exchanges"
    items[1]["title"] = "Bitcoin price steady"
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml")
    log = tmp_path / "received.jsonl"
    script = tmp_path / "record.py"
    script.write_text("import sys\nopen(sys.argv[1], 'a').write(sys.stdin.read() + '\\n')\n")
    notify = NotifySettings(desktop=False, command=(sys.executable, str(script), str(log)))
    watch = Watch(name="hong-kong", regions=("HK",))
    db = tmp_path / "c.db"
    for _ in range(2):  # the app's poll, then a cron fetch forcing every feed again
        with Engine(FAST, db, watches=[watch], notify=notify) as engine:
            if not engine.store.feeds():
                engine.store.add_feed(httpserver.url_for("/feed.xml"))
            engine.store.db.conn.execute("UPDATE articles SET title = title || ' (edited)'")
            engine.store.db.conn.commit()
            engine.update(force=True)
    received = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    assert [r["title"] for r in received] == ["Hong Kong SFC licenses two exchanges"]
    assert received[0]["watch"] == "hong-kong" and "HK" in received[0]["regions"]


def test_retag_skips_articles_whose_inputs_and_rules_did_not_change(tmp_path: Path) -> None:
    from tui.engine import jobs

    with Engine(Settings(), tmp_path / "d.db") as engine:
        engine.seed_demo()
        store = engine.store
        [(items, full_text_ids, hashes)] = list(store.taggable_batches(1000))
        assert len(hashes) == len(items)  # ingest stored every article's tag hash
        jobs.init_worker(jobs.TagConfig())
        assert jobs.tag_batch(items, full_text_ids, hashes) == []  # nothing to re-tag
        changed = jobs.TagConfig(user_topics=(("watchlist", ("bitcoin",)),))
        jobs.init_worker(changed)  # a rules change: every hash differs
        assert len(jobs.tag_batch(items, full_text_ids, hashes)) == len(items)
        jobs.init_worker(None)
        assert engine.retag() == len(items)  # counts every article looked at
        before = store.db.conn.total_changes
        assert engine.retag() == len(items)
        assert store.db.conn.total_changes == before  # the second retag wrote nothing


def test_retag_with_nothing_to_tag_sends_nothing_to_a_worker(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hashes are compared before any text is shipped: a retag where no input or rule
    moved starts no process pool at all, and one after a rules change still tags."""
    import concurrent.futures

    db = tmp_path / "d.db"
    with Engine(Settings(), db) as engine:
        engine.seed_demo()
        looked_at = engine.retag()

    def no_pool(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a worker pool was started with nothing to tag")

    with monkeypatch.context() as patched:
        patched.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
        with Engine(Settings(), db) as engine:
            assert engine.retag() == looked_at
    watch = Settings(user_topics={"watchlist": ("bitcoin",)})
    with Engine(watch, db) as engine:
        assert engine.retag() == looked_at
        tagged = engine.store.db.conn.execute(
            "SELECT count(*) FROM article_topics WHERE topic = 'watchlist'").fetchone()[0]
        assert tagged > 0
