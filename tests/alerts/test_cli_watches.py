"""``sinowire watches`` and ``list --watch``, in-process, on a loopback-fetched cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.alerts.conftest import FeedServer, update
from tui.alerts import load_watch_config
from tui.cli.main import main as sinowire_main
from tui.engine.worker import IsolatedRunner
from tui.store import Store


@pytest.fixture
def quiet_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("# mine\n[subscribe]\ndefaults = false\n",
                                      encoding="utf-8")
    return home


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = sinowire_main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_watches_add_list_json_list_watch_and_remove(
        quiet_home: Path, feed_server: FeedServer, runner: IsolatedRunner,
        capsys: pytest.CaptureFixture[str]) -> None:
    feed_server.add("HKMA grants first stablecoin issuer licences in Hong Kong",
                    "PBoC expands e-CNY pilot to more cities",
                    "Ethereum developers schedule upgrade")
    assert run(capsys, quiet_home, "feeds", "add", feed_server.url)[0] == 0
    with Store.open(quiet_home / "sinowire.db") as store:
        assert len(update(store, runner)) == 3
    code, out, _ = run(capsys, quiet_home, "watches")
    assert code == 0 and out.startswith("no watches")
    code, out, _ = run(capsys, quiet_home, "watches", "add", "hong-kong", "--region", "HK")
    assert code == 0 and "added watch 'hong-kong' (regions=HK)" in out
    run(capsys, quiet_home, "watches", "add", "e-cny", "--topic", "cbdc", "--no-alert")
    config = (quiet_home / "config.toml").read_text(encoding="utf-8")
    assert config.startswith("# mine\n[subscribe]\ndefaults = false\n")
    code, out, _ = run(capsys, quiet_home, "watches", "--json")
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["name"], r["unread"], r["alert"]) for r in records] == [
        ("hong-kong", 1, True), ("e-cny", 1, False)]
    assert records[0]["query"]["regions"] == ["HK"] and records[0]["query_text"] == "regions=HK"
    assert records[0]["last_match"].endswith("Z") and records[0]["alerts"] == 0
    code, out, _ = run(capsys, quiet_home, "watches")
    assert "hong-kong" in out and "1 unread" in out and "(no alerts)" in out
    code, out, _ = run(capsys, quiet_home, "list", "--watch", "HONG-KONG", "--json")
    assert [json.loads(line)["title"] for line in out.splitlines()] == [
        "HKMA grants first stablecoin issuer licences in Hong Kong"]
    code, out, _ = run(capsys, quiet_home, "list", "--watch", "e-cny", "--starred")
    assert code == 0 and out == ""  # other list options narrow the watch
    code, _, err = run(capsys, quiet_home, "list", "--watch", "nope")
    assert code == 1 and "no such watch: nope (watches: hong-kong, e-cny)" in err
    code, out, _ = run(capsys, quiet_home, "watches", "remove", "e-cny")
    assert code == 0
    assert [w.name for w in load_watch_config(quiet_home / "config.toml")[0]] == ["hong-kong"]
    code, _, err = run(capsys, quiet_home, "watches", "remove", "e-cny")
    assert code == 2 and "no watch named 'e-cny'" in err


def test_bad_watch_input_is_a_config_error(quiet_home: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, quiet_home, "watches", "add", "x", "--topic", "minning")
    assert code == 2 and "did you mean 'mining'?" in err
    code, _, err = run(capsys, quiet_home, "watches", "add", "everything")
    assert code == 2 and "needs at least one of" in err
    (quiet_home / "config.toml").write_text('[[watch]]\nname = "x"\nregoins = ["HK"]\n')
    code, _, err = run(capsys, quiet_home, "watches")
    assert code == 2 and "line 1" in err and "did you mean 'regions'?" in err
