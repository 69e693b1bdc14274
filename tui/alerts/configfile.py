"""Reading watches from config.toml, and adding or removing one without losing comments.

tomllib cannot write and a TOML writer would drop the user's comments and layout, so edits
are textual: a new ``[[watch]]`` block is appended; a removed one is cut from its header to
the next table. Every edit is checked by parsing the result: it must equal the old document
plus or minus exactly that watch, or nothing is written.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from tui.alerts.notify import NotifySettings, parse_notify
from tui.alerts.watch import Watch, parse_watches, validate_watch, watch_lines
from tui.config import ConfigError

_TABLE_HEADER = re.compile(r"^[ \t]*\[")
_COMMENT_OR_BLANK = re.compile(r"^[ \t]*(#.*)?$")


def load_watch_config(path: Path) -> tuple[list[Watch], NotifySettings]:
    """Watches and ``[notify]`` from ``path`` (none and defaults if it does not exist).

    Until the settings schema carries them, this reads the file itself; other sections
    are ignored here. Raises ConfigError with the file and line.
    """
    text = _read(path)
    if text is None:
        return [], NotifySettings()
    data = _parse(text, str(path))
    return watches_from_document(data, str(path), text), parse_notify(data.get("notify"),
                                                                       str(path))


def watches_from_document(data: dict[str, Any], source: str, text: str | None = None
                          ) -> list[Watch]:
    tagging = data.get("tagging", {})
    topics = tagging.get("topics", {}) if isinstance(tagging, dict) else {}
    extra = [slug for slug in topics] if isinstance(topics, dict) else []
    return parse_watches(data.get("watch", []), source, text=text, extra_topics=extra)


def watch_toml(watch: Watch) -> str:
    """A ``[[watch]]`` block for ``watch``: only the keys that differ from the defaults."""
    lines = ["[[watch]]", f"name = {_string(watch.name)}"]
    if watch.china:
        lines.append("china = true")
    for key in ("regions", "topics", "entities", "feeds"):
        values = getattr(watch, key)
        if values:
            lines.append(f"{key} = [{', '.join(_string(v) for v in values)}]")
    if watch.search:
        lines.append(f"search = {_string(watch.search)}")
    if not watch.alert:
        lines.append("alert = false")
    return "\n".join(lines) + "\n"


def _string(value: str) -> str:
    # A JSON string is a TOML basic string, except that TOML also forbids a raw DEL.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def add_watch_text(text: str, watch: Watch, source: str = "config.toml") -> str:
    """``text`` with a ``[[watch]]`` block for ``watch`` appended; ConfigError on a clash."""
    data = _parse(text, source)
    existing = watches_from_document(data, source, text)
    if any(w.name.casefold() == watch.name.casefold() for w in existing):
        raise ConfigError(f"{source}: there is already a watch named {watch.name!r}")
    watch = validate_watch(_as_table(watch), where=f"watch {watch.name!r}",
                           topics=_topics(data))
    body = text if not text or text.endswith("\n") else text + "\n"
    separator = "\n" if body.strip() else ""
    new_text = f"{body}{separator}{watch_toml(watch)}"
    _check(new_text, source, [*existing, watch], data)
    return new_text


def remove_watch_text(text: str, name: str, source: str = "config.toml") -> str:
    """``text`` without the watch called ``name`` (case-insensitive); ConfigError if absent.

    The block runs from its ``[[watch]]`` header (and the comment lines directly above it)
    to the next table header; comments and blank lines directly above that next header
    stay with it.
    """
    data = _parse(text, source)
    existing = watches_from_document(data, source, text)
    index = next((i for i, w in enumerate(existing) if w.name.casefold() == name.casefold()),
                 None)
    if index is None:
        raise ConfigError(f"{source}: no watch named {name!r}")
    headers = watch_lines(text)
    if len(headers) != len(existing):
        raise ConfigError(f"{source}: cannot find the [[watch]] headers to edit safely; "
                          "remove the watch by hand")
    lines = text.splitlines(keepends=True)
    start = headers[index] - 1
    end = start + 1
    while end < len(lines) and not _TABLE_HEADER.match(lines[end]):
        end += 1
    if end < len(lines):  # leave the next table's own comments with it
        while end - 1 > start and _COMMENT_OR_BLANK.match(lines[end - 1]):
            end -= 1
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1  # the comment written directly above the header is the watch's own
    if start > 0 and not lines[start - 1].strip():
        start -= 1
    new_text = "".join(lines[:start] + lines[end:])
    _check(new_text, source, existing[:index] + existing[index + 1:], data)
    return new_text


def save_watch(path: Path, watch: Watch) -> Watch:
    """Append ``watch`` to the config file at ``path`` (created if missing), atomically.

    Returns the watch as it will be read back (validated, text cleaned).
    """
    text = add_watch_text(_read(path) or "", watch, str(path))
    _write(path, text)
    return watches_from_document(tomllib.loads(text), str(path))[-1]


def delete_watch(path: Path, name: str) -> None:
    """Remove the watch called ``name`` from the config file at ``path``, atomically."""
    text = _read(path)
    if text is None:
        raise ConfigError(f"{path}: no watch named {name!r} (no config file)")
    _write(path, remove_watch_text(text, name, str(path)))


def _as_table(watch: Watch) -> dict[str, Any]:
    table: dict[str, Any] = tomllib.loads(watch_toml(watch))["watch"][0]
    return table


def _topics(data: dict[str, Any]) -> tuple[str, ...]:
    from tui.models import TOPICS

    tagging = data.get("tagging", {})
    topics = tagging.get("topics", {}) if isinstance(tagging, dict) else {}
    return (*TOPICS, *(topics if isinstance(topics, dict) else {}))


def _check(new_text: str, source: str, expected: list[Watch], old: dict[str, Any]) -> None:
    try:
        new = tomllib.loads(new_text)
        got = watches_from_document(new, source)
    except (tomllib.TOMLDecodeError, ConfigError) as exc:
        raise ConfigError(f"{source}: editing the watches would break the file ({exc}); "
                          "nothing was written") from None
    others = {key: value for key, value in new.items() if key != "watch"}
    if got != expected or others != {k: v for k, v in old.items() if k != "watch"}:
        raise ConfigError(f"{source}: editing the watches would change other settings; "
                          "nothing was written")


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: config is not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from exc


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        if "(at line" in message:
            what, _, where = message.rpartition(" (at ")
            message = f"{where.rstrip(')')}: {what}"
        raise ConfigError(f"{source}: {message}") from exc


def _write(path: Path, text: str) -> None:
    """Replace the file in one step, keeping its permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, temp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
