"""Watches and [notify] in config.toml: validation messages, round trips, safe edits."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.alerts import (
    NotifySettings,
    Watch,
    add_watch_text,
    delete_watch,
    load_watch_config,
    parse_notify,
    parse_watches,
    remove_watch_text,
    save_watch,
    watch_toml,
)
from tui.config import ConfigError
from tui.models import REGIONS, TOPICS, Filter

USER_CONFIG = """\
# My sinowire settings — keep these comments!
[poll]
interval_minutes = 60   # hourly is enough

# Hong Kong licensing, for work
[[watch]]
name = "hong-kong"
regions = ["HK"]   # HK only
search = "牌照 OR licence"

[[watch]]
name = "e-cny"
topics = ["cbdc"]
entities = ["e-CNY"]
alert = false

# Desktop only, and my script
[notify]
command = ["~/bin/alert", "--json"]
command_timeout = 5
"""


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_watch_config_reads_watches_and_notify(tmp_path: Path) -> None:
    watches, notify = load_watch_config(config_file(tmp_path, USER_CONFIG))
    assert watches == [
        Watch("hong-kong", regions=("HK",), search="牌照 OR licence"),
        Watch("e-cny", topics=("cbdc",), entities=("e-CNY",), alert=False),
    ]
    assert notify.command == (str(Path("~/bin/alert").expanduser()), "--json")
    assert notify.command_timeout == 5.0 and notify.desktop and not notify.terminal
    assert load_watch_config(tmp_path / "missing.toml") == ([], NotifySettings())


@pytest.mark.parametrize(("table", "message"), [
    ('name = "x"\nregoins = ["HK"]', "config.toml, line 3: [[watch]] #1 ('x'): unknown key "
                                     "'regoins' (did you mean 'regions'?)"),
    ('name = "x"\nregions = ["hk"]', "'hk' is not one of CN, HK, MO, TW (did you mean 'HK'?)"),
    ('name = "x"\ntopics = ["stablecoin"]', "did you mean 'stablecoins'?"),
    ('name = "x"\nchina = "yes"', "china must be true or false"),
    ('name = "x"\nfeeds = ["file:///etc/passwd"]', "is not an http(s) feed URL"),
    ('name = "x"', "needs at least one of china"),
    ('regions = ["HK"]', "needs a name"),
    ('name = "-rf"\nchina = true', "leading '-'"),
    ('name = "a\\u001b[31m"\nchina = true', "printable"),
    ('name = "x"\nentities = [""]', "entities must be a list of non-empty strings"),
    ('name = "x"\nentities = [" \\u2028"]', "entities must be a list of non-empty strings"),
])
def test_bad_watches_are_refused_with_file_line_and_a_hint(
        tmp_path: Path, table: str, message: str) -> None:
    path = config_file(tmp_path, f"[poll]\ninterval_minutes = 30\n[[watch]]\n{table}\n")
    with pytest.raises(ConfigError) as caught:
        load_watch_config(path)
    text = str(caught.value)
    assert text.startswith(f"{path}, line 3: ") and message in text, text


def test_duplicate_names_and_broken_toml(tmp_path: Path) -> None:
    two = '[[watch]]\nname = "HK"\nchina = true\n\n[[watch]]\nname = "hk"\nchina = true\n'
    with pytest.raises(ConfigError, match=r"line 5: .*already used by \[\[watch\]\] #1"):
        load_watch_config(config_file(tmp_path, two))
    with pytest.raises(ConfigError, match="line 2"):
        load_watch_config(config_file(tmp_path, '[[watch]]\nname = \n'))


def test_user_topics_from_the_same_file_are_accepted(tmp_path: Path) -> None:
    text = '[tagging.topics]\nai = ["人工智能"]\n\n[[watch]]\nname = "ai"\ntopics = ["ai"]\n'
    (watch,), _ = load_watch_config(config_file(tmp_path, text))
    assert watch.topics == ("ai",)


@pytest.mark.parametrize(("table", "message"), [
    ({"comand": ["x"]}, "did you mean 'command'?"),
    ({"command": "notify-me --json"}, "an argv list, run without a shell"),
    ({"command": ["x", ""]}, "non-empty list of non-empty strings"),
    ({"command_timeout": 0}, "command_timeout must be a number of seconds"),
    ({"desktop": "no"}, "desktop must be true or false"),
    ({"terminal_protocol": "osc7777"}, "did you mean 'osc777'?"),
])
def test_bad_notify_tables_are_refused(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=r"config.toml: \[notify\]") as caught:
        parse_notify(table, "config.toml")
    assert message in str(caught.value)


def test_notify_defaults_and_no_command() -> None:
    assert parse_notify({"command": []}, "c").command is None
    assert parse_notify({}, "c") == NotifySettings(desktop=True, command=None, terminal=False)


def test_add_keeps_every_comment_and_remove_restores_the_file() -> None:
    watch = Watch("stablecoins", topics=("stablecoins",), entities=("HKMA", "SFC"))
    added = add_watch_text(USER_CONFIG, watch)
    assert added.startswith(USER_CONFIG)
    assert [w.name for w in parse_watches(tomllib.loads(added)["watch"], "c")] == [
        "hong-kong", "e-cny", "stablecoins"]
    assert tomllib.loads(added)["notify"]["command_timeout"] == 5  # still the notify table
    assert remove_watch_text(added, "STABLECOINS") == USER_CONFIG
    removed = remove_watch_text(USER_CONFIG, "hong-kong")
    assert "# Hong Kong licensing, for work" not in removed  # its own comment goes with it
    assert "# My sinowire settings — keep these comments!" in removed
    assert "# Desktop only, and my script" in removed  # the next table keeps its comment
    assert "hourly is enough" in removed
    assert [w.name for w in parse_watches(tomllib.loads(removed)["watch"], "c")] == ["e-cny"]
    with pytest.raises(ConfigError, match="no watch named 'nope'"):
        remove_watch_text(USER_CONFIG, "nope")
    with pytest.raises(ConfigError, match="already a watch named"):
        add_watch_text(USER_CONFIG, Watch("Hong-Kong", china=True))


def test_an_edit_that_would_change_other_settings_is_refused() -> None:
    tricky = 'note = """\n[[watch]]\n"""\n[[watch]]\nname = "x"\nchina = true\n'
    with pytest.raises(ConfigError, match=r"remove the watch by hand|nothing was written"):
        remove_watch_text(tricky, "x")


def test_save_and_delete_on_disk_keep_permissions(tmp_path: Path) -> None:
    path = config_file(tmp_path, USER_CONFIG)
    path.chmod(0o600)
    saved = save_watch(path, Watch("mining", topics=("mining",), feeds=("https://a.example/f",)))
    assert saved == Watch("mining", topics=("mining",), feeds=("https://a.example/f",))
    assert path.stat().st_mode & 0o777 == 0o600
    assert [w.name for w in load_watch_config(path)[0]] == ["hong-kong", "e-cny", "mining"]
    delete_watch(path, "mining")
    assert path.read_text(encoding="utf-8") == USER_CONFIG
    fresh = tmp_path / "new" / "config.toml"
    save_watch(fresh, Watch("hk", regions=("HK",)))
    assert load_watch_config(fresh)[0] == [Watch("hk", regions=("HK",))]


def test_from_filter_saves_the_apps_filter() -> None:
    flt = Filter(feed_id=3, china=True, topics=frozenset({"cbdc", "ai"}), entity="e-CNY",
                 search="数字人民币", unread=True)
    watch = Watch.from_filter("e-cny", flt, feed_url="https://a.example/feed")
    assert watch == Watch("e-cny", china=True, topics=("ai", "cbdc"), entities=("e-CNY",),
                          search="数字人民币", feeds=("https://a.example/feed",))
    assert watch.to_filter({"https://a.example/feed": 3}) == Filter(
        feed_id=3, china=True, topics=frozenset({"cbdc", "ai"}), entity="e-CNY",
        search="数字人民币")


names = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1,
                max_size=40).map(str.strip).filter(lambda s: s and not s.startswith("-"))
texts = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30)
watches = st.builds(
    Watch,
    name=names,
    china=st.booleans(),
    regions=st.lists(st.sampled_from(REGIONS), unique=True, max_size=2).map(tuple),
    topics=st.lists(st.sampled_from(TOPICS), unique=True, max_size=3).map(tuple),
    # A blank entity is refused by design (tested above); the round trip covers valid ones.
    entities=st.lists(texts.filter(str.strip), max_size=2).map(tuple),
    search=st.one_of(st.just(""), texts),
    feeds=st.lists(st.sampled_from(["https://a.example/feed", "http://127.0.0.1:8/x?a=1&b"]),
                   unique=True, max_size=2).map(tuple),
    alert=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(watches)
def test_any_watch_round_trips_through_toml(watch: Watch) -> None:
    try:
        expected = parse_watches([tomllib.loads(watch_toml(watch))["watch"][0]], "c")[0]
    except ConfigError as exc:  # an unsaveable watch is refused, not mangled
        assert any(why in str(exc) for why in ("name", "at least one of", "must be")), exc
        return
    again = add_watch_text(USER_CONFIG, expected) if expected.name.casefold() not in (
        "hong-kong", "e-cny") else None
    if again is None:
        return
    parsed = parse_watches(tomllib.loads(again)["watch"], "c")
    assert parsed[-1] == expected
    assert remove_watch_text(again, expected.name) == USER_CONFIG
