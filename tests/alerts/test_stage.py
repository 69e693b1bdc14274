"""The alert stage against a loopback feed, the real tagger and a real SQLite file."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.alerts.conftest import FeedServer, received, update, write_script
from tui.alerts import NotifySettings, Watch
from tui.alerts.channels import Channels, Delivery
from tui.alerts.stage import run_alerts
from tui.engine.worker import IsolatedRunner
from tui.store import Store

TITLES = {
    "hk": "HKMA grants first stablecoin issuer licences in Hong Kong",
    "ecny": "PBoC expands e-CNY pilot to more cities",
    # A Chinese-founded firm in a story about another place: mining, but not China.
    "mining": "Bitmain ships new mining rigs to Texas",
    "eth": "Ethereum developers schedule upgrade",
    "tw": "Taiwan FSC tightens crypto exchange rules",
}


def quiet(**changes: object) -> NotifySettings:
    """No desktop, no terminal: only what the test turns on."""
    return NotifySettings(**{"desktop": False, "min_interval": 0, **changes})  # type: ignore[arg-type]


def no_channels() -> Channels:
    return Channels(env={})


def alerted_titles(store: Store, report) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    out: dict[str, set[str]] = {}
    for alert in report.alerts:
        row = store.article_row(alert.article_id)
        out.setdefault(alert.watch, set()).add(row.title if row else "?")
    return out


def test_a_watch_per_filter_kind(store: Store, feed_server: FeedServer,
                                 runner: IsolatedRunner, httpserver) -> None:  # type: ignore[no-untyped-def]
    other = FeedServer(httpserver, "/other.xml")
    feed_server.add(*TITLES.values())
    other.add("Ethereum core devs publish the Prague timeline")
    store.add_feed(feed_server.url)
    store.add_feed(other.url)
    ids = update(store, runner)
    assert len(ids) == 6
    watches = [
        Watch("china", china=True),
        Watch("hong-kong", regions=("HK",)),
        Watch("taiwan", regions=("TW",)),
        Watch("stablecoins", topics=("stablecoins",)),
        Watch("cbdc-or-mining", topics=("cbdc", "mining")),
        Watch("hkma", entities=("HKMA",)),
        Watch("pboc-alias", entities=("PBoC",)),  # an alias of People's Bank of China
        Watch("ambiguous-alias", entities=("证监会",)),  # CSRC, SEC or SFC: left as written
        Watch("search", search="e-CNY"),
        Watch("search-or", search="licences OR Texas OR 牌照"),
        Watch("other-feed", feeds=(other.url,)),
        Watch("hk-and-search", regions=("HK",), search="licences"),
        Watch("quiet", regions=("HK",), alert=False),
        Watch("unsubscribed", feeds=("https://not-subscribed.example/feed",)),
    ]
    report = run_alerts(store, ids, watches, quiet(), channels=no_channels())
    got = alerted_titles(store, report)
    assert got == {
        "china": {TITLES["hk"], TITLES["ecny"]},
        "hong-kong": {TITLES["hk"]},
        "taiwan": {TITLES["tw"]},
        "stablecoins": {TITLES["hk"]},
        "cbdc-or-mining": {TITLES["ecny"], TITLES["mining"]},
        "hkma": {TITLES["hk"]},
        "pboc-alias": {TITLES["ecny"]},
        "search": {TITLES["ecny"]},
        "search-or": {TITLES["hk"], TITLES["mining"]},
        "other-feed": {"Ethereum core devs publish the Prague timeline"},
        "hk-and-search": {TITLES["hk"]},
    }
    assert report.marks["china"] == 2
    assert any("unsubscribed" in problem for problem in report.problems)


def test_command_gets_exactly_the_new_matching_stories_once_across_fetches(
        store: Store, feed_server: FeedServer, runner: IsolatedRunner,
        recorder: tuple[list[str], Path]) -> None:
    argv, out = recorder
    notify = quiet(command=tuple(argv))
    watches = [Watch("hong-kong", regions=("HK",)), Watch("china", china=True)]
    feed_server.add(TITLES["hk"], TITLES["eth"])
    store.add_feed(feed_server.url)
    first = run_alerts(store, update(store, runner), watches, notify, channels=no_channels())
    assert [r.delivery.status for r in first.commands] == ["ok"]
    # The same story matched both watches: one command, naming both.
    assert [(m["title"], m["watch"], m["watches"]) for m in received(out)] == [
        (TITLES["hk"], "hong-kong", ["hong-kong", "china"])]
    feed_server.add(TITLES["ecny"], TITLES["tw"])
    second_ids = update(store, runner)
    assert len(second_ids) == 2  # the old entries are not new again
    run_alerts(store, second_ids, watches, notify, channels=no_channels())
    # Even if an engine passed every id again, nothing already alerted alerts again.
    run_alerts(store, store.article_ids_after(0), watches, notify, channels=no_channels())
    messages = received(out)
    assert [m["title"] for m in messages] == [TITLES["hk"], TITLES["ecny"]]
    assert set(messages[1]) == {"id", "title", "url", "feed", "published", "china", "regions",
                                "topics", "entities", "watch", "watches", "story"}
    assert messages[1]["feed"] == "Loopback Wire" and messages[1]["china"] is True
    assert messages[1]["regions"] == ["CN"] and "cbdc" in messages[1]["topics"]
    assert {"name": "e-CNY", "type": "ORG"} in messages[1]["entities"] or any(
        e["name"] == "e-CNY" for e in messages[1]["entities"])


def test_one_alert_per_story_when_grouping_gives_articles_a_story(
        store: Store, feed_server: FeedServer, runner: IsolatedRunner,
        recorder: tuple[list[str], Path]) -> None:
    """The stage keys alerts by ``story_id``: a later report of the same story is quiet."""
    argv, out = recorder
    feed_server.add(TITLES["hk"], "Hong Kong regulator HKMA licenses stablecoin issuers")
    store.add_feed(feed_server.url)
    store2 = Store.open(store.path)
    ids = update(store2, runner)
    store2.db.execute("UPDATE articles SET story_id = 7")
    watches = [Watch("hong-kong", regions=("HK",))]
    report = run_alerts(store2, ids, watches, quiet(command=tuple(argv)), channels=no_channels())
    assert [a.story_key for a in report.alerts] == ["s7"]
    feed_server.add("HKMA stablecoin licences: a third outlet reports")
    later = update(store2, runner)
    store2.db.execute("UPDATE articles SET story_id = 7")
    assert run_alerts(store2, later, watches, quiet(command=tuple(argv)),
                      channels=no_channels()).alerts == ()
    assert len(received(out)) == 1
    store2.close()


STAGE_IN_CHILD = """
import json, sys
from tui.alerts import NotifySettings, Watch
from tui.alerts.channels import Channels
from tui.alerts.stage import run_alerts
from tui.store import Store
path, command, ids = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
with Store.open(path) as store:
    report = run_alerts(store, ids, [Watch("china", china=True)],
                        NotifySettings(desktop=False, command=tuple(command)),
                        channels=Channels(env={}))
print(len(report.alerts))
"""


def test_two_processes_on_one_cache_alert_each_story_once(
        store: Store, feed_server: FeedServer, runner: IsolatedRunner,
        recorder: tuple[list[str], Path]) -> None:
    """The app's poll and a cron fetch: both run the stage with the same new ids."""
    argv, out = recorder
    feed_server.add(*(f"China mining story {n} at Bitmain" for n in range(12)))
    store.add_feed(feed_server.url)
    ids = update(store, runner)
    assert store.path is not None
    children = [
        subprocess.Popen([sys.executable, "-c", STAGE_IN_CHILD, str(store.path),
                          json.dumps(argv), json.dumps(ids)],
                         stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
        for _ in range(2)
    ]
    counts = [int(child.communicate(timeout=60)[0]) for child in children]
    assert sum(counts) == 12  # each story claimed by exactly one of them
    again = run_alerts(store, ids, [Watch("china", china=True)],
                       quiet(command=tuple(argv)), channels=no_channels())
    assert again.alerts == ()
    titles = [m["title"] for m in received(out)]
    assert sorted(titles) == sorted(f"China mining story {n} at Bitmain" for n in range(12))


def test_failing_slow_and_missing_commands_are_reported_not_raised(
        store: Store, feed_server: FeedServer, runner: IsolatedRunner, tmp_path: Path) -> None:
    store.add_feed(feed_server.url)
    failing = write_script(tmp_path / "fails", "import sys\nsys.stderr.write('boom\\x1b[31m')\n"
                           "sys.exit(3)\n")
    marker = tmp_path / "grandchild-lived"
    grandchild = write_script(tmp_path / "grandchild", (
        f"import time\ntime.sleep(3)\nopen({str(marker)!r}, 'w').close()\n"))
    slow = write_script(tmp_path / "slow", (
        "import subprocess, time\n"
        f"subprocess.Popen([{str(grandchild)!r}])\n"
        "time.sleep(30)\n"))
    cases = [
        ("failing", (str(failing),), "failed", "exit status 3: boom[31m"),
        ("slow", (str(slow),), "timeout", "killed"),
        ("missing", (str(tmp_path / "no-such-program"),), "missing", "not found"),
        ("not-executable", (str(tmp_path),), "missing", "not executable"),
    ]
    for name, command, status, detail in cases:
        feed_server.add(f"Hong Kong licensing: the {name} case")
        ids = update(store, runner)
        started = time.monotonic()
        report = run_alerts(store, ids, [Watch(name, regions=("HK",))],
                            quiet(command=command, command_timeout=0.5), channels=no_channels())
        assert time.monotonic() - started < 5
        (run,) = report.commands
        assert run.delivery.status == status, run.delivery
        assert detail in run.delivery.detail and "\x1b" not in run.delivery.detail
        assert any(name in line for line in report.failures)
        alert_id = report.alerts[0].id
        assert store.alert_channels(alert_id)["command"].startswith(status)
    time.sleep(3.5)
    assert not marker.exists()  # the timeout killed the command's whole process group


def test_command_time_budget_leaves_the_rest_for_the_next_update(
        store: Store, feed_server: FeedServer, runner: IsolatedRunner) -> None:
    feed_server.add(*(f"Hong Kong licensing story {n}" for n in range(5)))
    store.add_feed(feed_server.url)
    ids = update(store, runner)
    calls: list[bytes] = []

    def slow_runner(argv, data, timeout):  # type: ignore[no-untyped-def]
        calls.append(data)
        time.sleep(0.05)
        return Delivery("command", "ok")

    notify = quiet(command=("x",))
    channels = Channels(env={}, run_command=slow_runner)
    import tui.alerts.notify as notify_module

    budget = notify_module.NotifySettings.command_budget
    try:
        notify_module.NotifySettings.command_budget = property(lambda self: 0.12)  # type: ignore[assignment]
        first = run_alerts(store, ids, [Watch("hk", regions=("HK",))], notify, channels=channels)
    finally:
        notify_module.NotifySettings.command_budget = budget  # type: ignore[assignment]
    assert 1 <= len(first.commands) < 5
    second = run_alerts(store, [], [Watch("hk", regions=("HK",))], notify, channels=channels)
    assert len(first.commands) + len(second.commands) == 5 == len(calls)
    assert len({json.loads(c)["id"] for c in calls}) == 5


def test_batched_channels_are_rate_limited_and_catch_up(
        store: Store, feed_server: FeedServer, runner: IsolatedRunner) -> None:
    sent: list[tuple[str, list[str]]] = []

    def desktop(title: str, lines: list[str]) -> Delivery:
        sent.append((title, lines))
        return Delivery("desktop", "ok")

    channels = Channels(desktop=desktop, env={})
    notify = NotifySettings(min_interval=60)
    watches = [Watch("hong-kong", regions=("HK",)), Watch("mining", topics=("mining",))]
    store.add_feed(feed_server.url)
    feed_server.add(*(f"Hong Kong licensing story {n}" for n in range(7)))
    first = run_alerts(store, update(store, runner), watches, notify, channels=channels,
                       now=1_000_000)
    assert sent == [("sinowire: 7 new stories for hong-kong", [
        "Hong Kong licensing story 0", "Hong Kong licensing story 1",
        "Hong Kong licensing story 2", "… and 4 more"])]
    assert first.toast_title == "sinowire: 7 new stories for hong-kong"
    feed_server.add("Bitmain mining rig shipments", "Hong Kong licensing story 7")
    soon = run_alerts(store, update(store, runner), watches, notify, channels=channels,
                      now=1_000_030)
    assert len(sent) == 1 and soon.deferred == 2 and soon.toast is None
    later = run_alerts(store, [], watches, notify, channels=channels, now=1_000_061)
    assert later.batched == 2
    assert sent[1][0] == "sinowire: 2 new stories (hong-kong 1, mining 1)"
    assert later.toast and "Bitmain mining rig shipments" in later.toast


def test_desktop_missing_is_reported(store: Store, feed_server: FeedServer,
                                     runner: IsolatedRunner) -> None:
    from tui.alerts.channels import default_channels

    store.add_feed(feed_server.url)
    feed_server.add(TITLES["hk"])
    notify = NotifySettings(min_interval=0)
    channels = default_channels(notify, env={"PATH": "/nonexistent"})
    report = run_alerts(store, update(store, runner), [Watch("hk", regions=("HK",))], notify,
                        channels=channels)
    assert [(d.channel, d.status) for d in report.deliveries] == [("desktop", "unavailable")]
    assert report.failures == ()  # a machine without a desktop is not an error
    assert report.toast == TITLES["hk"]
    off = default_channels(NotifySettings(desktop=False), env={"PATH": "/nonexistent"})
    assert off.desktop is None and off.desktop_missing == ""


def test_no_session_bus_means_no_desktop(fake_notify_send: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.alerts.channels import default_channels

    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    channels = default_channels(NotifySettings())
    assert channels.desktop is None and "no desktop session" in channels.desktop_missing


@pytest.mark.parametrize("count", [0, 1])
def test_no_new_ids_no_alerts(store: Store, count: int) -> None:
    report = run_alerts(store, [], [Watch("hk", regions=("HK",))] * count, quiet(),
                        channels=no_channels())
    assert report.alerts == () and report.summary() == "alerts: none"


def test_old_entries_in_a_new_feed_do_not_alert(store: Store, httpserver,  # type: ignore[no-untyped-def]
                                                runner: IsolatedRunner) -> None:
    """Subscribing stores a feed's backlog: new to the cache, but not news."""
    from tests.conftest import rss

    old = {"guid": "old", "title": "Hong Kong licensing, a month ago", "link": "https://o/1",
           "date": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 30 * 86400))}
    fresh = {"guid": "new", "title": "Hong Kong licensing, today", "link": "https://o/2",
             "date": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 3600))}
    httpserver.expect_request("/backlog.xml").respond_with_data(
        rss([old, fresh]), content_type="application/rss+xml")
    store.add_feed(httpserver.url_for("/backlog.xml"))
    ids = update(store, runner)
    watch = [Watch("hk", regions=("HK",))]
    report = run_alerts(store, ids, watch, quiet(), channels=no_channels())
    assert alerted_titles(store, report) == {"hk": {"Hong Kong licensing, today"}}
    report = run_alerts(store, ids, watch, quiet(max_age_hours=0), channels=no_channels())
    assert alerted_titles(store, report) == {"hk": {"Hong Kong licensing, a month ago"}}


def test_pruned_alerts_and_removed_articles(store: Store, feed_server: FeedServer,
                                            runner: IsolatedRunner,
                                            recorder: tuple[list[str], Path]) -> None:
    argv, out = recorder
    store.add_feed(feed_server.url)
    feed_server.add(TITLES["hk"])
    ids = update(store, runner)
    watch = [Watch("hk", regions=("HK",))]
    # Claimed in an update whose command budget ran out, then retention removed the article.
    store.claim_alerts("hk", store.match_articles(watch[0].to_filters(), ids),
                       now=int(time.time()), command=True)
    store.db.execute("DELETE FROM articles WHERE id = ?", (ids[0],))
    report = run_alerts(store, [], watch, quiet(command=tuple(argv)), channels=no_channels())
    assert [r.delivery.status for r in report.commands] == ["skipped"] and received(out) == []
    assert store.prune_alerts(before=int(time.time()) + 1) == 1
    assert store.watch_alert_stats() == {}


def test_a_locked_database_is_reported_not_raised(store: Store, feed_server: FeedServer,
                                                  runner: IsolatedRunner) -> None:
    """Another process holding the write lock past the busy timeout: the update goes on."""
    store.add_feed(feed_server.url)
    feed_server.add(TITLES["hk"])
    ids = update(store, runner)
    assert store.path is not None
    other = Store.open(store.path)
    store.db.conn.execute("PRAGMA busy_timeout = 50")
    other.db.conn.execute("BEGIN IMMEDIATE")
    try:
        report = run_alerts(store, ids, [Watch("hk", regions=("HK",))], quiet(),
                            channels=no_channels())
    finally:
        other.db.conn.execute("ROLLBACK")
        other.close()
    assert report.alerts == () and any("locked" in p for p in report.failures)
    again = run_alerts(store, ids, [Watch("hk", regions=("HK",))], quiet(),
                       channels=no_channels())
    assert len(again.alerts) == 1  # nothing was lost: the next update alerts
