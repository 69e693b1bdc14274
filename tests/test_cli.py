"""The real `sinowire` command, run as a subprocess against a loopback feed server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import make_items, rss
from tui.config import DEFAULT_FEEDS


def sinowire(home: Path, *args: str, stdin: str | None = None,
             check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--home", str(home), *args],
        capture_output=True, text=True, input=stdin, timeout=120,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def quiet_home(tmp_path: Path) -> Path:
    """A home whose config does not subscribe the default (unreachable) feeds."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("[subscribe]\ndefaults = false\n", encoding="utf-8")
    return home


def test_version_and_module_entry_point(tmp_path: Path) -> None:
    result = sinowire(tmp_path, "--version")
    assert result.stdout.startswith("sinowire ")


def test_paths_json_and_home(tmp_path: Path) -> None:
    result = sinowire(tmp_path / "h", "paths", "--json")
    paths = json.loads(result.stdout)
    assert set(paths) == {"config", "database", "cache"}
    assert paths["database"].startswith(str(tmp_path / "h"))


def test_first_use_subscribes_the_default_feeds_once(tmp_path: Path) -> None:
    home = tmp_path / "h"
    lines = sinowire(home, "feeds", "list", "--json").stdout.splitlines()
    feeds = [json.loads(line) for line in lines]
    assert len(feeds) == len(DEFAULT_FEEDS) >= 15
    assert {f["lang"] for f in feeds} == {"en", "zh"}
    assert {"url", "title", "lang", "last_success", "last_error", "next_due"} <= set(feeds[0])
    sinowire(home, "feeds", "remove", feeds[0]["url"])
    again = sinowire(home, "feeds", "list", "--json").stdout.splitlines()
    assert len(again) == len(feeds) - 1


def test_add_list_remove_and_bad_urls(quiet_home: Path) -> None:
    sinowire(quiet_home, "feeds", "add", "https://example.test/a.xml", "--title", "A",
             "--lang", "en")
    bad = sinowire(quiet_home, "feeds", "add", "file:///etc/passwd", check=False)
    assert bad.returncode == 2 and "not an http(s) URL" in bad.stderr
    dup = sinowire(quiet_home, "feeds", "add", "https://example.test/a.xml", check=False)
    assert dup.returncode == 2 and "already subscribed" in dup.stderr
    assert "https://example.test/a.xml" in sinowire(quiet_home, "feeds", "list").stdout
    missing = sinowire(quiet_home, "feeds", "remove", "https://nope.test/", check=False)
    assert missing.returncode == 1
    sinowire(quiet_home, "feeds", "remove", "1")
    assert sinowire(quiet_home, "feeds", "list").stdout == ""


def test_fetch_then_list(quiet_home: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a.xml").respond_with_data(
        rss(make_items(4, prefix="alpha"), title="Alpha"), content_type="application/rss+xml")
    httpserver.expect_request("/b.xml").respond_with_data("nope", status=404)
    sinowire(quiet_home, "feeds", "add", httpserver.url_for("/a.xml"))
    sinowire(quiet_home, "feeds", "add", httpserver.url_for("/b.xml"))
    fetched = sinowire(quiet_home, "fetch")
    assert "2 feeds polled" in fetched.stdout and "1 failed" in fetched.stdout
    assert "4 new articles" in fetched.stdout
    rows = [json.loads(line) for line in
            sinowire(quiet_home, "list", "--json").stdout.splitlines()]
    assert len(rows) == 4
    assert {"id", "feed", "title", "url", "published", "read", "starred", "china",
            "china_score", "regions", "topics", "entities"} <= set(rows[0])
    assert rows[0]["feed"] == "Alpha" and rows[0]["published"].endswith("Z")
    assert [r["published"] for r in rows] == sorted((r["published"] for r in rows), reverse=True)
    found = sinowire(quiet_home, "list", "--search", "story 2", "--json").stdout.splitlines()
    assert len(found) >= 1
    listed = sinowire(quiet_home, "list", "--limit", "2").stdout
    assert listed.count("\n") == 2 + 2  # with the header and the legend
    feeds = [json.loads(line) for line in
             sinowire(quiet_home, "feeds", "list", "--json").stdout.splitlines()]
    failing = next(f for f in feeds if f["url"].endswith("/b.xml"))
    assert "404" in failing["last_error"]
    again = sinowire(quiet_home, "fetch", "--json").stdout.splitlines()
    assert json.loads(again[-1])["feeds"] == 0  # nothing due yet
    forced = sinowire(quiet_home, "fetch", "--force", "--json").stdout.splitlines()
    assert json.loads(forced[-1]) | {"seconds": 0} == {"summary": True, "feeds": 2, "new": 0,
                                                      "errors": 1, "removed": 0, "alerts": 0,
                                                      "seconds": 0}


def test_opml_round_trip_and_hostile_import(quiet_home: Path, tmp_path: Path) -> None:
    sinowire(quiet_home, "feeds", "add", "https://example.test/a.xml", "--title", "A & B")
    exported = tmp_path / "subs.opml"
    sinowire(quiet_home, "feeds", "export", str(exported))
    other = tmp_path / "other"
    other.mkdir()
    (other / "config.toml").write_text("[subscribe]\ndefaults = false\n")
    result = sinowire(other, "feeds", "import", str(exported))
    assert "imported 1 feeds" in result.stdout
    again = sinowire(other, "feeds", "import", str(exported))
    assert "1 already subscribed" in again.stdout
    hostile = tmp_path / "evil.opml"
    hostile.write_text('<?xml version="1.0"?><!DOCTYPE o [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                       '<opml version="2.0"><body><outline xmlUrl="https://e.test/&x;"/></body>'
                       "</opml>")
    refused = sinowire(other, "feeds", "import", str(hostile), check=False)
    assert refused.returncode == 2
    assert len(sinowire(other, "feeds", "list").stdout.splitlines()) == 1


def test_demo_runs_any_command_without_network(tmp_path: Path) -> None:
    rows = sinowire(tmp_path, "--demo", "list", "--limit", "500", "--json").stdout.splitlines()
    articles = [json.loads(line) for line in rows]
    assert len(articles) >= 70
    assert any(a["china"] for a in articles) and not all(a["china"] for a in articles)
    assert not (tmp_path / "sinowire.db").exists()  # the demo never touches the real home


def test_tag_filter_keeps_order_and_reports_bad_lines(tmp_path: Path) -> None:
    lines = "\n".join([
        json.dumps({"id": 1, "title": "PBoC expands e-CNY pilot in Shenzhen"}),
        "{not json",
        json.dumps({"id": 3, "title": "Coinbase lists a new token", "summary": "<p>US news</p>"}),
        json.dumps({"id": 4}),
    ])
    out = [json.loads(x) for x in sinowire(tmp_path, "tag", stdin=lines).stdout.splitlines()]
    assert [o.get("id") for o in out] == [1, None, 3, 4]
    assert out[0]["china"] is True and "CN" in out[0]["regions"]
    assert out[0]["evidence"] and "field" in out[0]["evidence"][0]
    assert "error" in out[1] and "error" in out[3]
    assert out[2]["china"] is False


def test_retag_reports_progress_and_count(tmp_path: Path) -> None:
    result = sinowire(tmp_path, "--demo", "retag")
    assert result.stdout.startswith("re-tagged ")
