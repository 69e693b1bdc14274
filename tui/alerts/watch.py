"""Watches: saved filters with a name, read from ``[[watch]]`` tables in config.toml.

A watch is the app's filter made durable: a virtual feed in the feed pane and, unless
``alert = false``, a source of notifications for new stories that match it. Lists combine
as any-of (like the topic filter), different kinds as AND, exactly as the filter bar does.
Validation is strict because a typo (``regoins``) would otherwise silently widen a watch to
every article: unknown keys are refused with a suggestion.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tui.alerts.entities import canonical_entity
from tui.config import ConfigError
from tui.models import REGIONS, TOPICS, Filter
from tui.text import clean_line, safe_url

NAME_MAX = 60
WATCH_KEYS = ("name", "china", "regions", "topics", "entities", "search", "feeds", "alert")
_OR = re.compile(r"\s+OR\s+")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*watch[ \t]*\]\][ \t]*(#.*)?$", re.MULTILINE)


@dataclass(frozen=True)
class Watch:
    """One saved filter. Empty lists mean "any"; ``feeds`` are feed URLs."""

    name: str
    china: bool = False
    regions: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    search: str = ""
    feeds: tuple[str, ...] = ()
    alert: bool = True

    def to_filters(self, feed_ids: Mapping[str, int] | Callable[[str], int | None] | None = None
                   ) -> list[Filter]:
        """Filters whose union is this watch (one per feed × entity × search alternative).

        ``Filter`` holds one feed, one entity and one search; a watch may name several of
        each, so it becomes their cartesian product. Feed URLs are turned into ids by
        ``feed_ids``; a feed that is not subscribed matches nothing (an empty list when
        none is).
        """
        lookup = _lookup(feed_ids)
        ids: list[int | None] = [None]
        if self.feeds:
            ids = [i for i in (lookup(url) for url in self.feeds) if i is not None]
            if not ids:
                return []
        entities: list[str | None] = list(
            dict.fromkeys(canonical_entity(name) for name in self.entities)) or [None]
        searches = self.search_alternatives() or [""]
        base = Filter(china=self.china, regions=frozenset(self.regions),
                      topics=frozenset(self.topics))
        return [
            Filter(**{**base.__dict__, "feed_id": feed_id, "entity": entity, "search": text})
            for feed_id, entity, text in itertools.product(ids, entities, searches)
        ]

    def search_alternatives(self) -> list[str]:
        """``牌照 OR licence`` → ["牌照", "licence"]: the list search ANDs its words, so a
        watch's ``OR`` (upper case, as in FTS5 and web search) becomes a union."""
        return [part.strip() for part in _OR.split(self.search) if part.strip()]

    def to_filter(self, feed_ids: Mapping[str, int] | Callable[[str], int | None] | None = None
                  ) -> Filter:
        """The single Filter for this watch; ValueError if it needs several (see to_filters)."""
        filters = self.to_filters(feed_ids)
        if len(filters) != 1:
            raise ValueError(f"watch {self.name!r} is {len(filters)} filters, not one")
        return filters[0]

    def query(self) -> str:
        """A short human description, e.g. ``regions=HK topics=stablecoins``."""
        parts = []
        if self.china:
            parts.append("china")
        for key in ("regions", "topics", "entities", "feeds"):
            values = getattr(self, key)
            if values:
                parts.append(f"{key}={','.join(values)}")
        if self.search:
            parts.append(f"search={self.search!r}")
        return " ".join(parts)

    @classmethod
    def from_filter(cls, name: str, flt: Filter, *, feed_url: str | None = None,
                    alert: bool = True) -> Watch:
        """The app's current filter saved as a watch (unread/starred are views, not kept).

        The filter's topics came from the app, so user topics are accepted here; writing
        the watch to config.toml checks them against ``[tagging.topics]`` again.
        """
        return validate_watch({
            "name": name, "china": flt.china, "regions": sorted(flt.regions),
            "topics": sorted(flt.topics), "entities": [flt.entity] if flt.entity else [],
            "search": flt.search, "feeds": [feed_url] if feed_url else [], "alert": alert,
        }, where=f"watch {clean_line(name, NAME_MAX)!r}", topics=(*TOPICS, *flt.topics))


def _lookup(feed_ids: Mapping[str, int] | Callable[[str], int | None] | None
            ) -> Callable[[str], int | None]:
    if feed_ids is None:
        return lambda url: None
    if callable(feed_ids):
        return feed_ids
    return feed_ids.get


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def watch_lines(text: str) -> list[int]:
    """1-based line numbers of each ``[[watch]]`` header, in order."""
    return [text.count("\n", 0, m.start()) + 1 for m in _HEADER.finditer(text)]


def parse_watches(raw: Any, source: str, *, text: str | None = None,
                  extra_topics: Iterable[str] = ()) -> list[Watch]:
    """Validate the ``[[watch]]`` array of a parsed TOML document.

    ``source`` names the file in messages; ``text`` (the file's text) lets them give the
    line of the offending ``[[watch]]``. ``extra_topics`` are the user's own topic slugs
    from ``[tagging.topics]``. Raises ConfigError; names must be unique (case-insensitive).
    """
    if not isinstance(raw, list):
        raise ConfigError(f"{source}: [[watch]] must be an array of tables")
    lines = watch_lines(text) if text else []
    topics = (*TOPICS, *extra_topics)
    watches: list[Watch] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(raw, 1):
        where = f"{source}, line {lines[number - 1]}" if len(lines) == len(raw) else source
        label = f"[[watch]] #{number}"
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            label += f" ({clean_line(item['name'], NAME_MAX)!r})"
        try:
            watch = validate_watch(item, where=label, topics=topics)
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        key = watch.name.casefold()
        if key in seen:
            raise ConfigError(f"{where}: {label}: the name {watch.name!r} is already used by "
                              f"[[watch]] #{seen[key]}")
        seen[key] = number
        watches.append(watch)
    return watches


def validate_watch(item: Any, *, where: str, topics: Iterable[str] = TOPICS) -> Watch:
    """One watch table → Watch, or ConfigError naming ``where`` and the bad key."""
    if not isinstance(item, dict):
        raise ConfigError(f"{where} must be a table")
    for key in item:
        if key not in WATCH_KEYS:
            raise ConfigError(f"{where}: unknown key {key!r}{did_you_mean(key, WATCH_KEYS)}; "
                              f"known: {', '.join(WATCH_KEYS)}")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where} needs a name (a non-empty string)")
    if clean_line(name, NAME_MAX) != name or name.startswith("-") or len(name) > NAME_MAX:
        raise ConfigError(f"{where}: name must be one line of at most {NAME_MAX} printable "
                          "characters, without surrounding spaces or a leading '-'")
    known_topics = tuple(topics)
    watch = Watch(
        name=name,
        china=_bool(item, "china", False, where),
        regions=_choices(item, "regions", REGIONS, where),
        topics=_topics(item, known_topics, where),
        entities=_strings(item, "entities", where),
        search=_search(item, where),
        feeds=_feeds(item, where),
        alert=_bool(item, "alert", True, where),
    )
    if not watch.query():
        raise ConfigError(f"{where}: a watch needs at least one of china, regions, topics, "
                          "entities, search or feeds (it would match every article)")
    return watch


def _bool(item: dict[str, Any], key: str, default: bool, where: str) -> bool:
    value = item.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key} must be true or false, not {value!r}")
    return value


def _strings(item: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = item.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: {key} must be a list of non-empty strings")
    cleaned = [clean_line(v, 200) for v in value]
    return tuple(dict.fromkeys(cleaned))


def _choices(item: dict[str, Any], key: str, allowed: tuple[str, ...], where: str
             ) -> tuple[str, ...]:
    values = _strings(item, key, where)
    for value in values:
        if value not in allowed:
            hint = did_you_mean(value.upper(), allowed) or did_you_mean(value, allowed)
            raise ConfigError(f"{where}: {key}: {value!r} is not one of "
                              f"{', '.join(allowed)}{hint}")
    return values


def _topics(item: dict[str, Any], known: tuple[str, ...], where: str) -> tuple[str, ...]:
    values = _strings(item, "topics", where)
    for value in values:
        if value not in known:
            kind = "a topic" if _SLUG.match(value) else "a topic slug"
            raise ConfigError(f"{where}: topics: {value!r} is not {kind}"
                              f"{did_you_mean(value.lower(), known)}; known: {', '.join(known)}")
    return values


def _search(item: dict[str, Any], where: str) -> str:
    value = item.get("search", "")
    if not isinstance(value, str):
        raise ConfigError(f"{where}: search must be a string")
    cleaned = clean_line(value, 300)
    return cleaned


def _feeds(item: dict[str, Any], where: str) -> tuple[str, ...]:
    values = _strings(item, "feeds", where)
    for value in values:
        if safe_url(value) != value:
            raise ConfigError(f"{where}: feeds: {value!r} is not an http(s) feed URL")
    return values
