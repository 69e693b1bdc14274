"""The CLI as a new user meets it (issue 11, items 4, 7 and 12): in-process and one pipe."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli.main import build_parser, main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_feeds_list_json_does_not_crash(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "--demo", "feeds", "list", "--json")
    assert code == 0, err
    feeds = [json.loads(line) for line in out.splitlines()]
    assert feeds and all(f["next_due"] is None or f["next_due"].startswith("9999") for f in feeds)


def test_list_has_header_year_and_legend(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "--demo", "list", "--limit", "3")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["ID", "PUBLISHED", "(UTC)", "FEED", "REGION", "TITLE"]
    assert len(lines) == 1 + 3 + 1
    assert lines[-1] == "(N = unread, * = starred)"
    published = lines[1][9:19]
    assert published[:4].isdigit() and published[4] == "-" and published[7] == "-"


@pytest.mark.parametrize("topic", ["Mining", "MINING", "mining"])
def test_topic_and_region_in_any_case(capsys: pytest.CaptureFixture[str], topic: str) -> None:
    code, out, err = run_cli(capsys, "--demo", "list", "--topic", topic, "--region", "cn",
                             "--json")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert all("mining" in r["topics"] and "CN" in r["regions"] for r in rows)


def test_search_is_newest_first_unless_relevance(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_cli(capsys, "--demo", "list", "--search", "bitcoin", "--json",
                        "--limit", "40")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) > 3
    stamps = [r["published"] for r in rows]
    assert stamps == sorted(stamps, reverse=True)
    _, ranked, _ = run_cli(capsys, "--demo", "list", "--search", "bitcoin", "--json",
                           "--limit", "40", "--relevance")
    ranked_ids = [json.loads(line)["id"] for line in ranked.splitlines()]
    assert sorted(ranked_ids) == sorted(r["id"] for r in rows)


def test_help_texts(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "no COMMAND, sinowire opens the app" in capsys.readouterr().out

    def undocumented(parser: argparse.ArgumentParser, path: str) -> list[str]:
        missing = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    missing += undocumented(sub, f"{path} {name}")
            elif not action.help:
                missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
        return missing

    assert undocumented(build_parser(), "sinowire") == []


class ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_broken_pipe_in_process(capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    main(["--demo", "paths"])  # the demo home exists before stdout goes away
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["--demo", "list", "--json"]) == 141
    assert capsys.readouterr().err == ""


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "--demo", "list", "--json", "--limit", "500"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert json.loads(first)["id"]
    assert "Broken pipe" not in err and "Traceback" not in err, err
    assert code in (0, 141)
