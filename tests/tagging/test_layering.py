"""tui.tagging stays pure: no textual, no network, no I/O at tag time; cheap to build."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.tagging import Tagger

ROOT = Path(__file__).resolve().parents[2]


def test_tagging_never_imports_textual() -> None:
    code = (
        "import sys\n"
        "import tui.tagging, tui.tagging.tagger\n"
        "tui.tagging.tag('PBoC', 'x')\n"
        "print(','.join(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_tag_does_no_io(monkeypatch: pytest.MonkeyPatch, tagger: Tagger) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("I/O at tag time")

    monkeypatch.setattr("builtins.open", refuse)
    monkeypatch.setattr(socket, "socket", refuse)
    tags = tagger.tag("Hong Kong SFC licenses HashKey", "<p>The SFC said so.</p>", "", "en")
    assert tags.china


def test_build_is_cheap() -> None:
    start = time.perf_counter()
    Tagger()
    assert time.perf_counter() - start < 2.0


def test_benchmark_is_not_collected() -> None:
    assert not (ROOT / "tests" / "benchmarks" / "bench_tag.py").name.startswith("test_")


def test_benchmark_quick_runs() -> None:
    result = subprocess.run(
        [sys.executable, "tests/benchmarks/bench_tag.py", "--seconds", "0.3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "EN" in result.stdout and "ZH" in result.stdout


def test_empty_and_hostile_input(tagger: Tagger) -> None:
    assert tagger.tag("").china is False
    tagger.tag("<" * 5000, ">" * 5000)
    tagger.tag("x" * 300_000)  # long bodies are capped
    tags = tagger.tag("İSTANBUL ＯＫＸ ﬁnance", "\u3000香港\u3000")
    assert "OKX" in {e.name for e in tags.entities}
