"""Reading ``config.toml``: validation driven by the schema, errors with file and line.

The file is only ever read, never written: a broken file is reported (file, line, what is
wrong, a did-you-mean for a misspelt key) and left exactly as the user wrote it. tomllib
gives no positions for keys, so :func:`find_line` scans the text for the table header
and the key.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

from tui.models import ENTITY_TYPES, REGIONS
from tui.settings.model import ConfigError, Settings, UserEntity
from tui.settings.schema import (
    ENTITY_KEYS,
    FEED_KEYS,
    KEYS,
    TABLES,
    TAGGING_KEYS,
    Key,
    keys_in,
)
from tui.text import safe_url

# Headers the fetcher owns; a config may not replace them.
_RESERVED_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection",
                               "if-none-match", "if-modified-since", "accept-encoding"})
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$")


def load_settings(path: Path) -> Settings:
    """Read ``path`` if it exists; defaults otherwise. Raises ConfigError, never writes."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: config is not UTF-8 text (byte {exc.start})") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {_describe_toml_error(exc)}") from exc
    try:
        return settings_from_dict(data)
    except ConfigError as exc:
        line = find_line(text, exc.table, exc.key) if exc.table or exc.key else None
        where = f"{path}: line {line}" if line else str(path)
        raise ConfigError(f"{where}: {exc}", table=exc.table, key=exc.key) from exc


def _describe_toml_error(exc: tomllib.TOMLDecodeError) -> str:
    # tomllib says "Expected '=' after a key in a key/value pair (at line 3, column 8)".
    message = str(exc)
    if "(at line" in message:
        what, _, where = message.rpartition(" (at ")
        return f"{where.rstrip(')')}: {what}"
    return message


def _header_name(line: str) -> str | None:
    match = re.match(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$", line)
    if not match:
        return None
    return ".".join(part.strip().strip("\"'") for part in _split_dotted(match.group(1)))


def _split_dotted(name: str) -> list[str]:
    return [m.group(0) for m in re.finditer(r'"[^"]*"|\'[^\']*\'|[^.]+', name)]


def find_line(text: str, table: str | None, key: str | None) -> int | None:
    """The 1-based line of ``key`` in ``[table]`` (or of the header), best effort."""
    current = ""
    header_line = None
    pattern = None
    if key is not None:
        quoted = re.escape(key)
        pattern = re.compile(rf"^\s*(?:[\w.\"'-]+\.)?[\"']?{quoted}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        name = _header_name(line)
        if name is not None:
            current = name
            if table is not None and name == table and header_line is None:
                header_line = number
                if key is None:
                    return number
            elif key is not None and table is None and name.split(".")[0] == key:
                return number
            continue
        if pattern is None or not pattern.match(line):
            continue
        dotted = line.split("=", 1)[0].strip()
        full = ".".join(filter(None, [current, *(p.strip("\"'") for p in
                                                  _split_dotted(dotted))]))
        wanted = ".".join(filter(None, [table, key]))
        if full == wanted or (table is not None and current == table):
            return number
    return header_line


def _unknown(keys: Any, known: tuple[str, ...], table: str | None, label: str) -> None:
    for key in keys:
        if key in known:
            continue
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(known)})"
        what = f"unknown key '{key}' in [{label}]" if label else f"unknown section or key '{key}'"
        raise ConfigError(f"{what}{hint}", table=table, key=key)


def settings_from_dict(data: dict[str, Any]) -> Settings:
    """Validate a parsed TOML document into Settings; ConfigError names the bad key."""
    _unknown(data, TABLES, None, "")
    values: dict[str, Any] = {}
    for table in dict.fromkeys(k.table for k in KEYS):
        got = _table(data, table)
        _unknown(got, keys_in(table), table, table)
        for key in (k for k in KEYS if k.table == table):
            if key.key in got:
                values[key.attr] = _value(key, got[key.key])
    feeds = _table(data, "feeds")
    values["feed_intervals"], values["feed_headers"] = _feed_tables(feeds)
    tagging = _table(data, "tagging")
    _unknown(tagging, TAGGING_KEYS, "tagging", "tagging")
    values["user_entities"] = _user_entities(tagging.get("entities", []))
    values["user_topics"] = _user_topics(tagging.get("topics", {}))
    values["keys"] = _keys(_table(data, "keys"))
    return Settings(**values)


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"[{key}] must be a table", table=key)
    return value


def _value(key: Key, value: Any) -> Any:
    """One scalar key checked against its declaration and converted to the attribute."""
    fail = {"table": key.table, "key": key.key}
    if key.kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{key.name} must be true or false, not {value!r}", **fail)
        return value
    if key.kind == "str":
        if not isinstance(value, str) or not value.strip() or "\n" in value or "\r" in value:
            raise ConfigError(f"{key.name} must be a one-line string", **fail)
        return value
    if key.kind == "regions":
        if not isinstance(value, list) or any(r not in REGIONS for r in value):
            raise ConfigError(f"{key.name} must be a list drawn from {', '.join(REGIONS)}",
                              **fail)
        return frozenset(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or (
            key.kind == "int" and not isinstance(value, int)):
        what = "a whole number" if key.kind == "int" else "a positive number"
        raise ConfigError(f"{key.name} must be {what}, not {value!r}", **fail)
    if key.minimum == 0 and value <= 0:
        raise ConfigError(f"{key.name} must be a positive number, not {value!r}", **fail)
    too_low = key.minimum is not None and value < key.minimum
    too_high = key.maximum is not None and value > key.maximum
    if too_low or too_high:
        upper = f" and at most {key.maximum:g}" if key.maximum is not None else ""
        raise ConfigError(f"{key.name} must be at least {key.minimum:g}{upper}, not {value}",
                          **fail)
    if key.kind == "int":
        return int(value) * key.scale
    return int(value * key.scale) if key.scale != 1 else float(value)


def _feed_tables(feeds: dict[str, Any]) -> tuple[dict[str, int], dict[str, dict[str, str]]]:
    intervals: dict[str, int] = {}
    headers: dict[str, dict[str, str]] = {}
    for url, table in feeds.items():
        label = f'feeds."{url}"'
        if safe_url(url) is None:
            raise ConfigError(f"[{label}] is not an http(s) URL", table=f"feeds.{url}")
        if not isinstance(table, dict):
            raise ConfigError(f"[{label}] must be a table", table=f"feeds.{url}")
        _unknown(table, FEED_KEYS, f"feeds.{url}", label)
        if "interval_minutes" in table:
            value = table["interval_minutes"]
            if isinstance(value, bool) or not isinstance(value, int) or value < 5:
                raise ConfigError(f"{label}.interval_minutes must be a whole number, at least "
                                  f"5, not {value!r}", table=f"feeds.{url}",
                                  key="interval_minutes")
            intervals[url] = value
        if "headers" in table:
            headers[url] = _headers(table["headers"], label, f"feeds.{url}")
    return intervals, headers


def _headers(value: Any, label: str, table: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"{label}.headers must be a table of name = \"value\"",
                          table=table, key="headers")
    checked: dict[str, str] = {}
    for name, text in value.items():
        if not _HEADER_NAME.match(name) or name.lower() in _RESERVED_HEADERS:
            raise ConfigError(f"{label}.headers: {name!r} is not a header sinowire can send",
                              table=table, key="headers")
        if not isinstance(text, str) or any(ch in text for ch in "\r\n\0") or len(text) > 512:
            raise ConfigError(f"{label}.headers.{name} must be a one-line string",
                              table=table, key="headers")
        checked[name] = text
    return checked


def _user_entities(items: Any) -> tuple[UserEntity, ...]:
    if not isinstance(items, list):
        raise ConfigError("[[tagging.entities]] must be an array of tables",
                          table="tagging.entities")
    entities = []
    for number, item in enumerate(items, 1):
        where = f"tagging.entities #{number}"
        fail = {"table": "tagging.entities"}
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ConfigError(f"{where} needs a name", **fail)
        _unknown(item, ENTITY_KEYS, "tagging.entities", "[tagging.entities]")
        kind = item.get("type", "ORG")
        if kind not in ENTITY_TYPES:
            raise ConfigError(f"{where}: type must be one of {', '.join(ENTITY_TYPES)}", **fail)
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ConfigError(f"{where}: aliases must be a list of strings", **fail)
        weight = item.get("china_weight", 0.0)
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise ConfigError(f"{where}: china_weight must be a number", **fail)
        region = item.get("region")
        if region is not None and region not in REGIONS:
            raise ConfigError(f"{where}: region must be one of {', '.join(REGIONS)}", **fail)
        entities.append(UserEntity(item["name"], kind, tuple(aliases), float(weight), region))
    return tuple(entities)


def _user_topics(table: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(table, dict):
        raise ConfigError("[tagging.topics] must be a table of slug = [keywords]",
                          table="tagging.topics")
    topics: dict[str, tuple[str, ...]] = {}
    for slug, words in table.items():
        fail = {"table": "tagging.topics", "key": slug}
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise ConfigError(f"tagging.topics.{slug} must be a list of non-empty strings",
                              **fail)
        if not slug.replace("-", "").isalnum() or slug.lower() != slug:
            raise ConfigError(f"tagging.topics.{slug}: topic slugs are lower-case words", **fail)
        topics[slug] = tuple(words)
    return topics


def _keys(table: dict[str, Any]) -> dict[str, str]:
    for binding_id, key in table.items():
        if not isinstance(key, str) or not key:
            raise ConfigError(f"keys.{binding_id} must be a key name such as \"C\" or "
                              "\"ctrl+f\"", table="keys", key=binding_id)
    return dict(table)
