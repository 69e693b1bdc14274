"""The default feeds' real formats, served from 127.0.0.1, end to end through the CLI.

Each outlet's document is written for the project in that outlet's shape (issue 18): Atom
for 吴说, ``content:encoded`` and a big item list for ChainCatcher (with ETag support),
GMT dates and double-escaped entities for Odaily, a 308 for CoinDesk, the JSON that
BlockBeats' keyless API now answers, the HTML app shell of Odaily's old path, an empty
document, and a dead feed whose newest item is two months old.
"""

from __future__ import annotations

import json
import time
from email.utils import formatdate
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tui.cli import main
from tui.config import DEFAULT_FEEDS, RETIRED, Settings
from tui.engine.factory import DEFAULTS_KEY, OFFERED_KEY
from tui.feeds.parse import ParseError, parse_feed
from tui.settings.defaults import LEGACY_DEFAULT_URLS, readme_feed_list
from tui.store import Store

NOW = time.time()
DAY = 86400


def gmt(seconds_ago: float) -> str:
    return formatdate(NOW - seconds_ago, usegmt=True)


def iso(seconds_ago: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(NOW - seconds_ago))


def wu_atom() -> str:
    entries = "".join(
        f"<entry><id>https://www.wublock123.com/p/{n}</id><title>吴说：香港稳定币牌照第{n}批</title>"
        f"<link href=\"https://www.wublock123.com/p/{n}\"/><updated>{iso(n * 3600)}</updated>"
        f"<summary type=\"html\">&lt;p&gt;香港金管局公布第{n}批名单&lt;/p&gt;</summary></entry>"
        for n in range(1, 6))
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            'xml:lang="zh-CN"><title>吴说区块链</title><id>https://www.wublock123.com/</id>'
            f'<updated>{iso(3600)}</updated>{entries}</feed>')


def chaincatcher_rss(items: int = 120) -> str:
    body = "".join(
        f"<item><title>链捕手：上海数字人民币试点 {n}</title>"
        f"<link>https://www.chaincatcher.com/article/{n}</link><guid>cc-{n}</guid>"
        f"<pubDate>{gmt(n * 600)}</pubDate><description>摘要 {n}</description>"
        f"<content:encoded><![CDATA[<p>全文 {n}：{'深圳区块链产业。' * 40}</p>]]></content:encoded>"
        "</item>" for n in range(items))
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>ChainCatcher</title><link>https://www.chaincatcher.com</link>{body}"
            "</channel></rss>")


def odaily_rss() -> str:
    body = "".join(
        f"<item><title>&amp;quot;央行&amp;quot; 数字人民币 &amp;amp; 香港 {n}</title>"
        f"<link>https://www.odaily.news/newsflash/{n}</link><guid>od-{n}</guid>"
        f"<pubDate>{gmt(n * 900)}</pubDate>"
        f"<description>&amp;lt;p&amp;gt;Odaily 快讯 {n}&amp;lt;/p&amp;gt;</description></item>"
        for n in range(10))
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Odaily星球日报</title><link>https://www.odaily.news</link>{body}"
            "</channel></rss>")


def plain_rss(title: str, ages: list[float]) -> str:
    body = "".join(
        f"<item><title>{escape(title)} story {n}</title><link>https://x.test/{n}</link>"
        f"<guid>{escape(title)}-{n}</guid><pubDate>{gmt(age)}</pubDate></item>"
        for n, age in enumerate(ages))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>https://x.test/</link>{body}</channel></rss>")


APP_SHELL = ('<!DOCTYPE html><html><head><title>Odaily</title></head><body><div id="app">'
             "</div><script src=/app.js></script></body></html>")


@pytest.fixture
def outlets(httpserver: HTTPServer) -> dict[str, str]:
    """Every shape on one loopback server; returns name → URL."""
    xml = "application/rss+xml; charset=utf-8"

    def chaincatcher(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"cc-1"':
            return Response(status=304, headers={"ETag": '"cc-1"'})
        return Response(chaincatcher_rss(), content_type=xml, headers={"ETag": '"cc-1"'})

    def blockbeats(request: Request) -> Response:
        seen_language.append(request.headers.get("language"))
        return Response(json.dumps({"status": 0, "message": "", "data": []}),
                        content_type="application/json")

    seen_language: list[str | None] = []
    httpserver.expect_request("/wu/feed").respond_with_data(
        wu_atom(), content_type="application/atom+xml; charset=utf-8")
    httpserver.expect_request("/chaincatcher/rss/clist").respond_with_handler(chaincatcher)
    httpserver.expect_request("/odaily/rss/newsflash").respond_with_data(
        odaily_rss(), content_type="text/xml; charset=utf-8")
    httpserver.expect_request("/coindesk/arc/outboundfeeds/rss/").respond_with_data(
        "", status=308, headers={"Location": "/coindesk/arc/outboundfeeds/rss"})
    httpserver.expect_request("/coindesk/arc/outboundfeeds/rss").respond_with_data(
        plain_rss("CoinDesk", [600, 7200]), content_type=xml)
    httpserver.expect_request("/blockbeats/v2/rss/newsflash").respond_with_handler(blockbeats)
    httpserver.expect_request("/odaily-old/v1/openapi/odailyrss").respond_with_data(
        APP_SHELL, content_type="text/html; charset=utf-8")
    httpserver.expect_request("/empty").respond_with_data("", content_type=xml)
    httpserver.expect_request("/dead/feed").respond_with_data(
        plain_rss("Dead Outlet", [60 * DAY, 70 * DAY, 90 * DAY]), content_type=xml)
    names = ["wu/feed", "chaincatcher/rss/clist", "odaily/rss/newsflash",
             "coindesk/arc/outboundfeeds/rss/", "blockbeats/v2/rss/newsflash",
             "odaily-old/v1/openapi/odailyrss", "empty", "dead/feed"]
    urls = {name.split("/")[0]: httpserver.url_for("/" + name) for name in names}
    urls["_language"] = seen_language  # type: ignore[assignment]  # the headers BlockBeats saw
    return urls


@pytest.fixture
def home(tmp_path: Path, outlets: dict[str, str]) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        "[subscribe]\ndefaults = false\n"
        f'[feeds."{outlets["blockbeats"]}"]\nheaders = {{ language = "cn" }}\n'
        f'[feeds."{outlets["chaincatcher"]}"]\ninterval_minutes = 120\n', encoding="utf-8")
    for name, url in outlets.items():
        if not name.startswith("_"):
            assert main(["--home", str(home), "feeds", "add", url]) == 0
    return home


def run(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_fetch_reads_every_working_shape_and_names_every_broken_one(
        home: Path, outlets: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(home, capsys, "fetch", "--json")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    by_url = {line["url"]: line for line in lines if "url" in line}
    for name in ("wu", "chaincatcher", "odaily", "coindesk", "dead"):
        assert by_url[outlets[name]]["status"] == "ok", by_url[outlets[name]]
        assert by_url[outlets[name]]["new"] > 0
    assert "JSON" in by_url[outlets["blockbeats"]]["error"]
    assert "HTML" in by_url[outlets["odaily-old"]]["error"]
    assert "empty" in by_url[outlets["empty"]]["error"]
    assert outlets["_language"] == ["cn"]  # the per-feed header reached the server

    code, out, _ = run(home, capsys, "list", "--json", "--limit", "500")
    stories = [json.loads(line) for line in out.splitlines()]
    titles = {s["title"] for s in stories}
    assert '"央行" 数字人民币 & 香港 0' in titles  # double-escaped entities undone once
    assert "吴说：香港稳定币牌照第1批" in titles
    assert sum(1 for s in stories if s["title"].startswith("链捕手")) == 120
    assert not any("&quot;" in t or "&amp;" in t for t in titles)


def test_feeds_list_marks_the_dead_feed_stale(
        home: Path, outlets: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    run(home, capsys, "fetch")
    _, out, _ = run(home, capsys, "feeds", "list", "--json")
    feeds = {f["url"]: f for f in map(json.loads, out.splitlines())}
    dead = feeds[outlets["dead"]]
    assert dead["stale"] is True and dead["newest_item"] is not None
    assert abs(time.mktime(time.strptime(dead["newest_item"], "%Y-%m-%dT%H:%M:%SZ"))
               - time.timezone - (NOW - 60 * DAY)) < 5
    for name in ("wu", "chaincatcher", "odaily", "coindesk"):
        assert feeds[outlets[name]]["stale"] is False
    assert feeds[outlets["blockbeats"]]["stale"] is False  # never read: nothing to judge
    _, out, _ = run(home, capsys, "feeds", "list")
    assert "stale (newest item" in next(row for row in out.splitlines() if outlets["dead"] in row)


def test_stale_days_is_configurable(
        home: Path, outlets: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    config = home / "config.toml"
    config.write_text(config.read_text() + "[poll]\nstale_days = 100\n", encoding="utf-8")
    run(home, capsys, "fetch")
    _, out, _ = run(home, capsys, "feeds", "list", "--json")
    feeds = {f["url"]: f for f in map(json.loads, out.splitlines())}
    assert feeds[outlets["dead"]]["stale"] is False


def test_feeds_check_reports_each_feed(
        home: Path, outlets: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(home, capsys, "feeds", "check", "--json")
    assert code == 0
    checks = {c["url"]: c for c in map(json.loads, out.splitlines())}
    cc = checks[outlets["chaincatcher"]]
    assert cc["status"] == "ok" and cc["items"] == 120 and cc["conditional_get"] == "yes"
    assert cc["bytes"] > 100_000 and cc["http_status"] == 200
    assert checks[outlets["coindesk"]]["status"] == "ok"
    assert checks[outlets["coindesk"]]["http_status"] == 200  # after the 308
    assert checks[outlets["odaily"]]["conditional_get"] == "no"
    assert checks[outlets["dead"]]["status"] == "stale"
    assert 59 <= checks[outlets["dead"]]["newest_item_days"] <= 61
    assert checks[outlets["blockbeats"]]["status"] == "error"
    assert "JSON" in checks[outlets["blockbeats"]]["error"]
    assert "HTML" in checks[outlets["odaily-old"]]["error"]
    assert checks[outlets["wu"]]["items"] == 5
    with Store.open(home / "sinowire.db") as store:
        assert store.count_articles() == 0  # a check stores nothing
    code, out, err = run(home, capsys, "feeds", "check")
    assert "need a look" in err and "cond-GET yes" in out


def test_an_old_user_is_told_once_and_nothing_changes_until_asked(
        tmp_path: Path, outlets: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "old"
    home.mkdir()
    with Store.open(home / "sinowire.db") as store:  # a cache set up by the pre-0.2 defaults
        for url in sorted(LEGACY_DEFAULT_URLS):
            store.add_feed(url)
        store.set_meta(DEFAULTS_KEY, "1")
        store.add_feed(outlets["coindesk"])
    before = sorted(LEGACY_DEFAULT_URLS | {outlets["coindesk"]})
    code, out, _ = run(home, capsys, "fetch", "--feed", outlets["coindesk"])
    assert code == 0
    notice = out.splitlines()[-1]
    assert notice.startswith("default feeds changed:") and "feeds update-defaults" in notice
    for retired in RETIRED:
        assert retired.title in notice
    assert "rss.odaily.news/rss/newsflash" in notice
    _, out, _ = run(home, capsys, "fetch", "--feed", outlets["coindesk"])
    assert "default feeds changed" not in out  # once
    with Store.open(home / "sinowire.db") as store:
        assert sorted(f.url for f in store.feeds()) == before  # nothing changed

    code, out, _ = run(home, capsys, "feeds", "update-defaults")
    assert code == 0 and "moved https://www.odaily.news/v1/openapi/odailyrss" in out
    with Store.open(home / "sinowire.db") as store:
        urls = {f.url for f in store.feeds()}
        assert json.loads(store.get_meta(OFFERED_KEY) or "[]") == [d.url for d in DEFAULT_FEEDS]
    assert urls == {d.url for d in DEFAULT_FEEDS} | {outlets["coindesk"]}
    _, out, _ = run(home, capsys, "feeds", "update-defaults")
    assert "up to date" in out


def test_a_new_user_gets_the_current_defaults_and_no_notice(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "new"
    _, out, _ = run(home, capsys, "feeds", "list", "--json")
    urls = [json.loads(line)["url"] for line in out.splitlines()]
    assert urls == [d.url for d in DEFAULT_FEEDS]
    _, out, _ = run(home, capsys, "feeds", "update-defaults")
    assert "up to date" in out


def test_the_default_set_is_sound() -> None:
    urls = [d.url for d in DEFAULT_FEEDS]
    assert len(urls) == len(set(urls))
    retired = {r.url for r in RETIRED}
    assert not retired & set(urls)
    assert {r.replacement for r in RETIRED if r.replacement} <= set(urls)
    assert {"en", "zh"} == {d.lang for d in DEFAULT_FEEDS}
    assert sum(d.lang == "zh" for d in DEFAULT_FEEDS) >= 6
    for feed in DEFAULT_FEEDS:
        assert feed.evidence and time.strptime(feed.confirmed, "%Y-%m-%d")
        assert feed.url.startswith("https://")
    settings = Settings()
    chaincatcher = "https://www.chaincatcher.com/rss/clist"
    assert settings.interval_for(chaincatcher) == 120  # the default's own interval
    assert settings.with_changes(feed_intervals={chaincatcher: 45}).interval_for(
        chaincatcher) == 45  # the user's wins
    assert settings.with_changes(poll_interval_minutes=240).interval_for(chaincatcher) == 240


def test_readme_lists_the_defaults_as_the_code_does() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert readme_feed_list() in readme, "run: python -m tui.settings.docs"


# --- what a dead endpoint answers, as classes of input -----------------------------------

_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


@hypothesis_settings(max_examples=40, deadline=None)
@given(document=st.dictionaries(st.text(max_size=8), _JSON, max_size=5) | st.lists(_JSON,
                                                                                   max_size=5))
def test_any_json_api_answer_is_an_error_that_says_json(document: object) -> None:
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    with pytest.raises(ParseError, match="JSON"):
        parse_feed(body, {"content-type": "application/json"}, "https://api.test/v2/rss")


@hypothesis_settings(max_examples=40, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_characters="<>&", blacklist_categories=(
    "Cs", "Cc")), max_size=200), doctype=st.booleans())
def test_any_html_app_shell_is_an_error_that_says_html(text: str, doctype: bool) -> None:
    page = ("<!DOCTYPE html>" if doctype else "") + (
        f"<html><head><title>{text[:20]}</title></head><body><div id=app>{text}</div>"
        "</body></html>")
    with pytest.raises(ParseError, match="HTML"):
        parse_feed(page.encode("utf-8"), {"content-type": "text/html"}, "https://x.test/rss")


@given(blank=st.text(alphabet=" \t\r\n", max_size=50))
def test_an_empty_or_blank_answer_is_an_error_that_says_empty(blank: str) -> None:
    with pytest.raises(ParseError, match="empty"):
        parse_feed(blank.encode(), {}, "https://x.test/rss")
