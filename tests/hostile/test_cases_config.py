"""§5 config and import cases (47–53): refused cleanly, the user's files left alone.

The CLI is called in-process through ``tui.cli.main`` (same code path as the command,
without a Python start-up per case); exit codes and stderr are what a user would see.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest

from tests.hostile.fs import Unavailable, read_only
from tui.cli import main
from tui.config import ConfigError, load_settings
from tui.feeds.opml import OpmlError, parse_opml
from tui.store import Store, StoreError
from tui.text import safe_url

HOSTILE_URLS = ["file:///etc/passwd", "javascript:alert(1)", "http://[::1", "exa mple.com",
                "http://exa mple.com/", "ftp://x.test/f", "data:text/xml,<rss/>",
                "-oProxyCommand=x",
                "|touch /tmp/sinowire-pwned", "exec:touch /tmp/sinowire-pwned", "", "   ",
                "https://ok.test/\x1b[2J", "feed://x.test/rss", "//x.test/rss"]


@pytest.fixture
def quiet(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("[subscribe]\ndefaults = false\n")
    return home


def cli(home: Path, *args: str) -> int:
    return main(["--home", str(home), *args])


@pytest.mark.parametrize("text, where", [
    ("[poll\ninterval_minutes = 5\n", "line 1"),
    ("[poll]\ninterval_minutes = \n", "line 2"),
    ("[poll]\ninterval_minutes = 'often'\n", "poll.interval_minutes"),
    ("[http]\ndeadline = -1\n", "http.deadline"),
    ("\xff\xfe[poll]", "not UTF-8"),
    ('[feeds."javascript:alert(1)"]\ninterval_minutes = 60\n', "not an http(s) URL"),
    ("[poll]\nintervall_minutes = 5\n",
     "line 2: unknown key 'intervall_minutes' in [poll]; did you mean 'interval_minutes'?"),
    ('[feeds."https://a.test/"]\nheaders = { Host = "b.test" }\n',
     "line 2: feeds.\"https://a.test/\".headers: 'Host'"),
    ("[tagging]\n[[tagging.entities]]\nname = 'X'\nchina_wieght = 3\n",
     "line 4: unknown key 'china_wieght'"),
])
@pytest.mark.parametrize("command", [["list"], ["fetch"], ["feeds", "list"], ["config"]])
def test_47_malformed_config_is_one_clear_line_and_the_file_is_untouched(
    text: str, where: str, command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    config = home / "config.toml"
    config.write_bytes(text.encode("utf-8", "surrogateescape") if "\xff" not in text
                       else b"\xff\xfe[poll]")
    before = config.read_bytes()
    assert cli(home, *command) == 2
    err = capsys.readouterr().err
    assert err.startswith("sinowire: config error: ") and str(config) in err and where in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert config.read_bytes() == before
    assert not (home / "sinowire.db").exists()  # nothing was created on a broken config


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_48_hostile_feed_urls_are_refused_everywhere(
        url: str, quiet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert safe_url(url) is None
    assert cli(quiet, "feeds", "add", "--", url) == 2
    assert "not an http(s) URL" in capsys.readouterr().err
    with Store.open(quiet / "sinowire.db") as store:
        with pytest.raises(StoreError):
            store.add_feed(url)
        assert store.feeds() == []
    config = tmp_path / "c.toml"
    config.write_text(f'[feeds.{json.dumps(url)}]\ninterval_minutes = 60\n')
    with pytest.raises(ConfigError, match="not an http"):
        load_settings(config)
    document = (f'<opml version="2.0"><body><outline text="x" xmlUrl={quoteattr(url)}/>'
                "</body></opml>")
    try:
        opml = parse_opml(document.encode())
    except OpmlError:  # a control character is not even valid XML: the whole file is refused
        assert "\x1b" in url
    else:
        assert opml.feeds == () and len(opml.skipped) == 1
    assert not Path("/tmp/sinowire-pwned").exists()


LAUGHS_OPML = b"""<?xml version="1.0"?><!DOCTYPE o [<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<opml version="2.0"><body><outline text="&c;" xmlUrl="https://ok.test/rss"/></body></opml>"""


def test_49_entity_opml_imports_nothing(
        quiet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "laughs.opml"
    path.write_bytes(LAUGHS_OPML)
    assert cli(quiet, "feeds", "import", str(path)) == 2
    assert "entities" in capsys.readouterr().err
    assert cli(quiet, "feeds", "list") == 0
    assert capsys.readouterr().out == ""


def test_50_command_outlines_are_skipped_and_the_rest_imported(
        quiet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "pwned"
    outlines = [
        f'<outline text="pipe" xmlUrl="|touch {marker}"/>',
        f'<outline text="exec" xmlUrl="exec:touch {marker}"/>',
        f'<outline text="filter" xmlUrl="filter:touch {marker}:https://a.test/"/>',
        f'<outline text="fc" xmlUrl="https://b.test/rss" filtercmd="touch {marker}"/>',
        '<outline text="js" xmlUrl="javascript:alert(1)"/>',
        '<outline text="file" xmlUrl="file:///etc/passwd"/>',
        '<outline text="good 1" xmlUrl="https://good1.test/rss"/>',
        '<outline text="cat"><outline text="good 2" xmlUrl="http://good2.test/feed"/></outline>',
    ]
    path = tmp_path / "mixed.opml"
    path.write_text(f'<opml version="2.0"><body>{"".join(outlines)}</body></opml>')
    assert cli(quiet, "feeds", "import", str(path)) == 0
    captured = capsys.readouterr()
    assert "imported 2 feeds" in captured.out and "6 skipped" in captured.out
    assert captured.err.count("skipped:") == 6 and "never runs commands" in captured.err
    with Store.open(quiet / "sinowire.db") as store:
        assert sorted(f.url for f in store.feeds()) == ["http://good2.test/feed",
                                                         "https://good1.test/rss"]
    assert not marker.exists()


def test_51_a_hundred_thousand_outlines_with_duplicates(
        quiet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outlines = "".join(f'<outline text="F{n}" xmlUrl="https://f{n % 60_000}.test/rss"/>'
                       for n in range(100_000))
    data = f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'.encode()
    started = time.monotonic()
    parsed = parse_opml(data)
    assert time.monotonic() - started < 5
    assert len(parsed.feeds) == 10_000 and "stopped after 10000" in parsed.skipped[-1]
    dupes = parse_opml(data, max_outlines=100_000)
    assert len(dupes.feeds) == 60_000 and len(dupes.skipped) == 40_000
    path = tmp_path / "big.opml"
    path.write_bytes(data)
    started = time.monotonic()
    assert cli(quiet, "feeds", "import", str(path)) == 0
    took = time.monotonic() - started
    assert "imported 10000 feeds" in capsys.readouterr().out
    assert took < 30, took
    assert cli(quiet, "feeds", "import", str(path)) == 0  # again: all duplicates, no error
    assert "0 feeds; 10000 already subscribed" in capsys.readouterr().out


def test_52_unwritable_data_folder_is_a_clear_start_up_error(
        quiet: Path, tmp_path: Path) -> None:
    assert cli(quiet, "feeds", "add", "https://a.test/rss") == 0
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    database = quiet / "sinowire.db"
    digest = hashlib.sha256(database.read_bytes()).hexdigest()
    try:
        with read_only(quiet) as how, read_only(fresh):
            results = [subprocess.run([sys.executable, "-m", "tui", "--home", str(home), *args],
                                      capture_output=True, text=True, timeout=60)
                       for home in (quiet, fresh) for args in (["list"], ["fetch"])]
    except Unavailable as exc:
        pytest.skip(str(exc))
    for result in results:
        assert result.returncode == 2, result
        assert "Traceback" not in result.stderr
        err = result.stderr.lower()
        assert err.count("\n") == 1 and err.startswith("sinowire: ")
        assert "read-only" in err or "not writable" in err or "permission denied" in err
    print(f"\nread-only via {how}: {results[0].stderr.strip()} / {results[2].stderr.strip()}")
    assert hashlib.sha256(database.read_bytes()).hexdigest() == digest


RECORDER = textwrap.dedent("""\
    #!{python}
    import json, sys
    with open({log!r}, "a") as out:
        out.write(json.dumps(sys.argv) + "\\n")
""")


@pytest.mark.parametrize("url", [
    "https://example.test/a;touch${IFS}MARKER",
    "https://example.test/$(touch MARKER)",
    "https://example.test/`touch MARKER`",
    "https://example.test/a?q=1&x=|touch MARKER",
    "https://example.test/%s%u%1' \"quoted\"",
    "-https://example.test/",
    "--new-window=javascript:alert(1)",
])
def test_53_links_open_through_argv_only(url: str, tmp_path: Path) -> None:
    """The app opens links as ``webbrowser.open(safe_url(url))`` (tui/ui/screens/main.py).

    There is no user opener template in sinowire; the browser comes from $BROWSER, which
    webbrowser runs with the URL as one argv element and no shell. A fake browser records
    its argv to prove it, and a marker file proves nothing was executed.
    """
    log = tmp_path / "argv.jsonl"
    recorder = tmp_path / "fake-browser"
    recorder.write_text(RECORDER.format(python=sys.executable, log=str(log)))
    recorder.chmod(0o755)
    url = url.replace("MARKER", str(tmp_path / "marker"))
    checked = safe_url(url)
    if url.startswith("-") or " " in url:
        assert checked is None  # refused before any opener is involved
        return
    assert checked == url
    script = ("import sys, webbrowser; from tui.text import safe_url; "
              "u = safe_url(sys.argv[1]); assert u; webbrowser.open(u)")
    subprocess.run([sys.executable, "-c", script, url], check=True, timeout=30,
                   env={"BROWSER": str(recorder), "PATH": "/usr/bin:/bin"})
    for _ in range(50):
        if log.exists():
            break
        time.sleep(0.05)
    [argv] = [json.loads(line) for line in log.read_text().splitlines()]
    assert argv == [str(recorder), url]
    assert not (tmp_path / "marker").exists()
