"""Hostile titles through every channel: command JSON, desktop, terminal, toast.

The titles are stored raw (bypassing the feed parser's own cleaning) so each channel's
own sanitising is what is tested.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.alerts.conftest import received, wait_for
from tests.engine_helpers import save_articles
from tui.alerts import NotifySettings, Watch
from tui.alerts.channels import Channels, default_channels, notify_send, terminal_escape
from tui.alerts.sanitize import desktop_body, terminal_text
from tui.alerts.stage import run_alerts
from tui.models import Article, Tags
from tui.store import Store
from tui.text import clean_line

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
HOSTILE = [
    "[@click=app.quit]x[/] <b>bold</b> &amp; <script>alert(1)</script> [The]",
    "\x1b]0;pwned\x07\x1b[31mred\x1b[0m \x9b31m C1 \x9d8;;http://evil.example\x9c end",
    "$(touch {marker}) `touch {marker}` ; touch {marker} | cat && echo > {marker}",
    "line1\nline2\r\nline3\u2028line4\x85line5",
    "-n --help --urgency=critical",
    "\u202egnp.exe\u202c bidi \u2066isolate\u2069",
    "9;4;3;100 ConEmu progress",
    "Hong Kong 香港 牌照 😀 \"quoted\" 'single' \\backslash",
]


def hk_tagger(article: Article) -> Tags:
    return Tags(china=True, china_score=1.0, regions=frozenset({"HK"}))


def store_titles(store: Store, titles: list[str], feed_title: str = "<i>Evil</i>\x1b[2J Feed"
                 ) -> list[int]:
    feed = store.feed_by_url("https://evil.example/feed") or store.add_feed(
        "https://evil.example/feed")
    before = store.max_article_id()
    start = store.max_article_id()
    save_articles(store,
        feed.id,
        [Article(guid=f"h{start + n}", title=title, url=f"https://evil.example/{start + n}",
                 published=int(time.time()) - 60 + n) for n, title in enumerate(titles)],
        tagger=hk_tagger, now=int(time.time()), next_due=0, feed_title=feed_title)
    return store.article_ids_after(before)


@pytest.fixture
def hostile(tmp_path: Path) -> list[str]:
    marker = tmp_path / "PWNED"
    return [title.replace("{marker}", str(marker)) for title in HOSTILE]


def test_hostile_titles_reach_the_command_as_literal_json(
        store: Store, hostile: list[str], recorder: tuple[list[str], Path], tmp_path: Path
) -> None:
    argv, out = recorder
    ids = store_titles(store, hostile)
    report = run_alerts(store, ids, [Watch("hk", regions=("HK",))],
                        NotifySettings(desktop=False, command=tuple(argv)),
                        channels=Channels(env={}))
    assert [r.delivery.status for r in report.commands] == ["ok"] * len(hostile)
    messages = received(out)
    assert [m["title"] for m in messages] == [clean_line(t) for t in hostile]
    for message in messages:
        assert not CONTROL.search(message["title"] + message["feed"])
        assert "\u202e" not in message["title"]
    assert messages[2]["title"].startswith("$(touch ")  # shell syntax kept as text
    assert not (tmp_path / "PWNED").exists()  # …and never run


def test_hostile_titles_reach_notify_send_as_escaped_literal_text(
        store: Store, hostile: list[str], fake_notify_send: Path) -> None:
    notify = NotifySettings(min_interval=0)
    channels = default_channels(notify)
    assert channels.desktop is not None
    for title in hostile:
        ids = store_titles(store, [title])
        report = run_alerts(store, ids, [Watch("hk <b>", regions=("HK",))], notify,
                            channels=channels)
        assert [(d.channel, d.status) for d in report.deliveries] == [("desktop", "ok")]
    calls = [json.loads(line) for line in fake_notify_send.read_text().splitlines()]
    assert len(calls) == len(hostile)
    for call, title in zip(calls, hostile, strict=True):
        app, separator, summary, body = call
        assert (app, separator) == ("--app-name=sinowire", "--")
        assert summary == "sinowire: new story for hk <b>"  # plain text in the spec
        assert "<" not in body and ">" not in body and not CONTROL.search(body)
        assert html.unescape(body) == clean_line(title, 200)


@pytest.mark.parametrize("protocol", ["osc9", "osc777", "osc99", "auto"])
@pytest.mark.parametrize("tmux", [False, True])
def test_hostile_titles_reach_the_terminal_as_inert_text(
        store: Store, hostile: list[str], protocol: str, tmux: bool) -> None:
    stream = io.StringIO()
    env = {"TMUX": "/tmp/tmux-0/default,1,0"} if tmux else {"KITTY_WINDOW_ID": "1"}
    notify = NotifySettings(desktop=False, terminal=True, terminal_protocol=protocol,
                            min_interval=0)
    for title in hostile:
        stream.seek(0)
        stream.truncate()
        ids = store_titles(store, [title])
        report = run_alerts(store, ids, [Watch("hk", regions=("HK",))], notify,
                            channels=Channels(terminal=stream, env=env))
        assert [(d.channel, d.status) for d in report.deliveries] == [("terminal", "ok")]
        payloads = _osc_payloads(stream.getvalue(), tmux)
        chosen = "osc99" if protocol == "auto" and not tmux else (
            "osc9" if protocol == "auto" else protocol)
        for payload in payloads:
            assert not CONTROL.search(payload), (protocol, payload)
        text = " ".join(payloads)
        if chosen == "osc777":
            assert all(p.count(";") == 3 for p in payloads)  # 777;notify;title;body
        if chosen == "osc9":
            assert payloads[0].startswith("9;sinowire")  # never "9;4;…" (ConEmu progress)
        assert "new story for hk" in text


def _osc_payloads(output: str, tmux: bool) -> list[str]:
    """The text between each OSC introducer and its terminator; nothing else allowed."""
    if tmux:
        match = re.fullmatch(r"\x1bPtmux;(.*)\x1b\\", output, re.S)
        assert match, repr(output)
        output = match.group(1).replace("\x1b\x1b", "\x1b")
    parts = re.findall(r"\x1b\](.*?)(?:\x07|\x1b\\)", output, re.S)
    leftover = re.sub(r"\x1b\](.*?)(?:\x07|\x1b\\)", "", output, flags=re.S)
    assert leftover == "", repr(leftover)
    assert parts
    return parts


def test_hostile_titles_reach_the_toast_as_plain_lines(store: Store, hostile: list[str]) -> None:
    ids = store_titles(store, hostile[:3])
    report = run_alerts(store, ids, [Watch("hk", regions=("HK",))],
                        NotifySettings(desktop=False, min_interval=0), channels=Channels(env={}))
    assert report.toast_title == "sinowire: 3 new stories for hk"
    assert report.toast is not None
    lines = report.toast.split("\n")
    assert lines == [clean_line(t, 200) for t in hostile[:3]]
    assert not any(CONTROL.search(line) for line in lines)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text(), st.sampled_from(["osc9", "osc777", "osc99"]), st.booleans())
def test_any_text_stays_inside_its_terminal_escape(title: str, body: str, protocol: str,
                                                   tmux: bool) -> None:
    output = terminal_escape("sinowire: " + title, body, protocol,
                             {"TMUX": "x"} if tmux else {})
    for payload in _osc_payloads(output, tmux):
        assert not CONTROL.search(payload)
    assert not terminal_text(title)[:1].isdigit()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=4))
def test_any_text_is_inert_desktop_markup(lines: list[str]) -> None:
    body = desktop_body(lines)
    assert "<" not in body and ">" not in body and not CONTROL.search(body.replace("\n", ""))
    assert [html.unescape(x) for x in body.split("\n")] == [clean_line(x, 200) for x in lines]


def _have_dbus_stack() -> str | None:
    if not shutil.which("dbus-daemon"):
        return "dbus-daemon not installed"
    if not shutil.which("notify-send"):
        return "notify-send not installed (Debian: libnotify-bin)"
    if not Path("/usr/bin/python3").exists():
        return "no system python"
    probe = subprocess.run(["/usr/bin/python3", "-c", "import dbus, gi"], capture_output=True,
                           check=False)
    return None if probe.returncode == 0 else "python3-dbus / python3-gi missing"


@pytest.mark.skipif(_have_dbus_stack() is not None, reason=str(_have_dbus_stack()))
def test_desktop_notification_on_a_private_session_bus(
        store: Store, hostile: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real notify-send → a private dbus-daemon → a fake Notifications service."""
    log = tmp_path / "notifications.jsonl"
    daemon = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1",
                               "--nopidfile"], stdout=subprocess.PIPE, text=True)
    service = None
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()
        assert address.startswith("unix:")
        env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address}
        service = subprocess.Popen(
            ["/usr/bin/python3", str(Path(__file__).with_name("fake_notifications.py")),
             str(log)], stdout=subprocess.PIPE, text=True, env=env)
        assert service.stdout is not None and service.stdout.readline().strip() == "ready"
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        ids = store_titles(store, hostile[:2])
        notify = NotifySettings(min_interval=0)
        channels = Channels(desktop=notify_send(shutil.which("notify-send") or ""), env={})
        report = run_alerts(store, ids, [Watch("hong-kong", regions=("HK",))], notify,
                            channels=channels)
        assert [(d.channel, d.status) for d in report.deliveries] == [("desktop", "ok")], \
            report.deliveries
        assert wait_for(lambda: log.exists() and log.read_text().strip() != "")
        (shown,) = [json.loads(line) for line in log.read_text().splitlines()]
        assert shown["app_name"] == "sinowire"
        assert shown["summary"] == "sinowire: 2 new stories for hong-kong"
        assert html.unescape(shown["body"]).split("\n") == [clean_line(t, 200)
                                                             for t in hostile[:2]]
        assert "<b>" not in shown["body"] and not CONTROL.search(shown["body"].replace("\n", ""))
    finally:
        for proc in (service, daemon):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=5)
