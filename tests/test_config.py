"""config.toml: defaults, validation, clear one-line errors, never rewritten."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui.config import ConfigError, Settings, load_settings
from tui.paths import resolve_paths


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_documented_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "config.toml")
    assert settings == Settings()
    assert settings.poll_interval_minutes == 30
    assert settings.china_regions == frozenset({"CN", "HK", "MO"})


def test_values_and_overrides_are_read(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", """
[poll]
interval_minutes = 60
concurrency = 2
[retention]
days = 30
per_feed = 500
[china]
regions = ["CN"]
[feeds."https://example.test/feed.xml"]
interval_minutes = 240
[[tagging.entities]]
name = "Example Capital"
type = "ORG"
aliases = ["ExCap", "示例资本"]
china_weight = 1.5
region = "HK"
[tagging.topics]
mining = ["hashprice"]
ai = ["artificial intelligence"]
[keys]
china_only = "C"
""")
    settings = load_settings(path)
    assert settings.poll_interval_minutes == 60
    assert settings.interval_for("https://example.test/feed.xml") == 240
    assert settings.interval_for("https://other.test/") == 60
    assert settings.retention_days == 30 and settings.retention_per_feed == 500
    assert settings.china_regions == frozenset({"CN"})
    assert settings.user_entities[0].aliases == ("ExCap", "示例资本")
    assert settings.user_topics == {"mining": ("hashprice",), "ai": ("artificial intelligence",)}
    assert settings.keys == {"china_only": "C"}


@pytest.mark.parametrize(
    "text, message",
    [
        ("[poll]\ninterval_minutes = \n", "line 2"),
        ("[poll\n", "line 1"),
        ("[poll]\ninterval_minutes = 'often'\n", "poll.interval_minutes must be a whole number"),
        ("[poll]\ninterval_minutes = 1\n", "at least 5"),
        ("[china]\nregions = ['CN', 'XX']\n", "china.regions"),
        ('[feeds."file:///etc/passwd"]\ninterval_minutes = 60\n', "not an http(s) URL"),
        ("[[tagging.entities]]\nname = 'X'\ntype = 'THING'\n", "type must be one of"),
        ("[unknown]\n", "unknown section"),
    ],
)
def test_bad_config_gives_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "config.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_cli_reports_config_error_with_exit_2_and_keeps_the_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    path = write(home / "config.toml", "[poll]\ninterval_minutes = = 3\n")
    before = path.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--home", str(home), "list"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "config error" in result.stderr and "line 2" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_home_puts_everything_in_one_folder(tmp_path: Path) -> None:
    paths = resolve_paths(tmp_path / "h")
    assert paths.config_file.parent == paths.database.parent == tmp_path / "h"
    assert paths.cache_dir.parent == tmp_path / "h"
    assert not (tmp_path / "h").exists()  # nothing is created until asked
