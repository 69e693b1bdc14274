"""config.toml: defaults, validation, clear one-line errors, never rewritten."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tui.config import ConfigError, Settings, load_settings
from tui.paths import resolve_paths
from tui.settings.docs import section
from tui.settings.schema import (
    KEYS,
    TABLE_KEYS,
    Key,
    example_config,
    readme_table,
    toml_value,
)


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


# --- one schema (issue 9 item 5) --------------------------------------------------------


def other_value(key: Key) -> object:
    """A valid value different from the default, within the key's bounds."""
    if key.kind == "bool":
        return not key.default
    if key.kind == "str":
        return "my-agent/1.0"
    if key.kind == "regions":
        return ["CN", "TW"]
    value = key.default * 2 if key.maximum is None or key.default * 2 <= key.maximum else (
        key.default + 1)
    return int(value) if key.kind == "int" else float(value) + 0.5


@pytest.mark.parametrize("key", KEYS, ids=lambda k: k.name)
def test_every_schema_key_round_trips(tmp_path: Path, key: Key) -> None:
    value = other_value(key)
    path = write(tmp_path / "config.toml", f"[{key.table}]\n{key.key} = {toml_value(value)}\n")
    got = getattr(load_settings(path), key.attr)
    expected = frozenset(value) if key.kind == "regions" else (
        int(value * key.scale) if key.scale != 1 else value)  # type: ignore[operator]
    assert got == expected and got != getattr(Settings(), key.attr)


def test_settings_defaults_come_from_the_schema() -> None:
    for key in KEYS:
        assert getattr(Settings(), key.attr) == key.attr_default(), key.name


def test_example_config_sets_every_key_to_its_default(tmp_path: Path) -> None:
    text = example_config()
    for key in KEYS:
        assert f"{key.key} = " in text, key.name
    uncommented = text.replace("# user_agent", "user_agent")
    assert load_settings(write(tmp_path / "config.toml", uncommented)) == Settings()


def test_readme_configuration_table_matches_the_schema() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert section(readme, "config-table") == readme_table(), (
        "README out of date: run python -m tui.settings.docs")
    for key in KEYS:
        assert f"| `[{key.table}]` | `{key.key}` |" in readme


UNKNOWN = [
    ("intervall_minutes = 5\n", "poll", "interval_minutes"),
    ("deadlin = 5\n", "http", "deadline"),
    ("job_second = 5\n", "limits", "job_seconds"),
    ("per_fed = 50\n", "retention", "per_feed"),
    ("region = ['CN']\n", "china", "regions"),
    ("default = false\n", "subscribe", "defaults"),
]


@pytest.mark.parametrize("line, table, suggestion", UNKNOWN)
def test_unknown_key_in_a_table_names_file_line_and_suggestion(
        tmp_path: Path, line: str, table: str, suggestion: str) -> None:
    text = f"# my settings\n\n[{table}]\n{line}"
    path = write(tmp_path / "config.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    wrong = line.split(" ")[0]
    assert str(caught.value) == (f"{path}: line 4: unknown key '{wrong}' in [{table}]; "
                                 f"did you mean '{suggestion}'?")
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("text, line, message", [
    ("[pol]\ninterval_minutes = 5\n", 1, "unknown section or key 'pol'; did you mean 'poll'?"),
    ('[feeds."https://a.test/rss"]\ninterval_minute = 60\n', 2,
     "unknown key 'interval_minute' in [feeds.\"https://a.test/rss\"]; did you mean "
     "'interval_minutes'?"),
    ('[feeds."https://a.test/rss"]\nheader = { language = "cn" }\n', 2, "did you mean 'headers'?"),
    ("[tagging]\nentity = []\n", 2, "unknown key 'entity' in [tagging]; did you mean 'entities'?"),
    ("[[tagging.entities]]\nname = 'X'\nalias = ['y']\n", 3,
     "unknown key 'alias' in [[tagging.entities]]; did you mean 'aliases'?"),
    ("poll.intervall_minutes = 5\n", 1, "did you mean 'interval_minutes'?"),
    ("[poll]\nconcurrency = 2\n\n[http]\n\n\nconect_timeout = 2\n", 7,
     "did you mean 'connect_timeout'?"),
])
def test_unknown_keys_in_every_other_table(tmp_path: Path, text: str, line: int,
                                           message: str) -> None:
    path = write(tmp_path / "config.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"{path}: line {line}: ")
    assert message in str(caught.value)


@pytest.mark.parametrize("headers, message", [
    ('{ Host = "evil.test" }', "not a header"),
    ('{ "bad name" = "x" }', "not a header"),
    ('{ language = "cn\\r\\nX-Injected: 1" }', "one-line string"),
    ('{ language = 3 }', "one-line string"),
    ('"cn"', "must be a table"),
])
def test_feed_headers_are_checked(tmp_path: Path, headers: str, message: str) -> None:
    path = write(tmp_path / "config.toml", f'[feeds."https://a.test/rss"]\nheaders = {headers}\n')
    with pytest.raises(ConfigError, match=message):
        load_settings(path)


def test_feed_headers_and_interval_are_read(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml",
                 '[feeds."https://a.test/rss"]\ninterval_minutes = 90\n'
                 'headers = { language = "en", "X-Client" = "sinowire" }\n')
    settings = load_settings(path)
    assert settings.interval_for("https://a.test/rss") == 90
    assert settings.headers_for("https://a.test/rss") == {"language": "en", "X-Client": "sinowire"}
    assert settings.headers_for("https://b.test/rss") == {}


def _misspellings() -> st.SearchStrategy[tuple[Key, str]]:
    def edit(key: Key, data: st.DataObject) -> tuple[Key, str]:
        word = key.key
        at = data.draw(st.integers(0, len(word) - 1))
        how = data.draw(st.sampled_from(["drop", "double", "swap"]))
        if how == "drop":
            wrong = word[:at] + word[at + 1:]
        elif how == "double":
            wrong = word[:at] + word[at] + word[at:]
        else:
            j = min(at + 1, len(word) - 1)
            chars = list(word)
            chars[at], chars[j] = chars[j], chars[at]
            wrong = "".join(chars)
        return key, wrong

    return st.builds(lambda key, data: edit(key, data), st.sampled_from(KEYS), st.data())


@hypothesis_settings(max_examples=60, deadline=None)
@given(case=_misspellings(), blank_lines=st.integers(0, 3))
def test_any_misspelt_key_is_refused_at_its_line(
        tmp_path_factory: pytest.TempPathFactory, case: tuple[Key, str], blank_lines: int) -> None:
    key, wrong = case
    if wrong == key.key:
        return
    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    text = "\n" * blank_lines + f"[{key.table}]\n{wrong} = 1\n"
    write(path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert f"line {blank_lines + 2}: unknown key '{wrong}' in [{key.table}]" in message
    assert "did you mean" in message or "known:" in message
    assert "\n" not in message


def test_table_docs_cover_the_free_form_tables() -> None:
    assert set(TABLE_KEYS) == {'feeds."URL"', "[tagging.entities]", "tagging.topics", "keys"}
