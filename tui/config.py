"""Settings: defaults, ``config.toml`` loading with clear errors, and the default feeds.

The config file is only ever read, never written: a broken file is reported (file, line,
what is wrong) and left exactly as the user wrote it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tui import __version__
from tui.models import ENTITY_TYPES, REGIONS, TOPICS
from tui.text import safe_url

DEFAULT_USER_AGENT = f"sinowire/{__version__} (+https://pypi.org/project/sinowire/)"


@dataclass(frozen=True)
class DefaultFeed:
    url: str
    title: str
    lang: str


# From reference/domain.md §1: publishers' own docs (OFFICIAL) or URLs used by many public
# configs (MULTI). Not fetchable from the build machine; each one reports its own error.
DEFAULT_FEEDS: tuple[DefaultFeed, ...] = (
    DefaultFeed("https://www.coindesk.com/arc/outboundfeeds/rss/", "CoinDesk", "en"),
    DefaultFeed("https://cointelegraph.com/rss", "Cointelegraph", "en"),
    DefaultFeed("https://www.theblock.co/rss.xml", "The Block", "en"),
    DefaultFeed("https://decrypt.co/feed", "Decrypt", "en"),
    DefaultFeed("https://cryptoslate.com/feed/", "CryptoSlate", "en"),
    DefaultFeed("https://blockworks.co/feed", "Blockworks", "en"),
    DefaultFeed("https://forkast.news/feed/", "Forkast", "en"),
    DefaultFeed("https://beincrypto.com/feed/", "BeInCrypto", "en"),
    DefaultFeed("https://www.scmp.com/rss/36/feed", "SCMP Tech", "en"),
    DefaultFeed("https://wublock.substack.com/feed", "Wu Blockchain", "en"),
    DefaultFeed("https://www.odaily.news/v1/openapi/odailyrss", "Odaily 星球日报", "zh"),
    DefaultFeed("https://www.panewslab.com/rss.xml?lang=zh&type=NEWS", "PANews 快讯", "zh"),
    DefaultFeed("https://www.chaincatcher.com/rss/clist", "ChainCatcher 链捕手", "zh"),
    DefaultFeed("https://api.theblockbeats.news/v2/rss/newsflash", "BlockBeats 律动快讯", "zh"),
    DefaultFeed("https://www.wublock123.com/feed", "吴说区块链", "zh"),
)


class ConfigError(Exception):
    """A config file that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class UserEntity:
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    china_weight: float = 0.0
    region: str | None = None


@dataclass(frozen=True)
class Settings:
    poll_interval_minutes: int = 30
    feed_intervals: dict[str, int] = field(default_factory=dict)
    retention_days: int = 180
    retention_per_feed: int = 2000
    concurrency: int = 4
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    deadline: float = 45.0
    max_feed_bytes: int = 10 * 1024 * 1024
    max_page_bytes: int = 5 * 1024 * 1024
    parse_timeout: float = 20.0
    worker_memory_mb: int = 512
    story_window_hours: float = 72.0
    china_regions: frozenset[str] = frozenset({"CN", "HK", "MO"})
    user_entities: tuple[UserEntity, ...] = ()
    user_topics: dict[str, tuple[str, ...]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    subscribe_defaults: bool = True

    def interval_for(self, url: str) -> int:
        return self.feed_intervals.get(url, self.poll_interval_minutes)

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


EXAMPLE_CONFIG = """\
# sinowire configuration. Every key is optional; these are the defaults.

[poll]
interval_minutes = 30      # how often each feed is polled (minimum 5)
concurrency = 4            # feeds fetched at once (one request per host at a time)
# user_agent = "sinowire/0.1 (+https://pypi.org/project/sinowire/)"

[http]
connect_timeout = 5.0      # seconds
read_timeout = 20.0        # seconds between bytes
deadline = 45.0            # seconds for a whole request, however slowly it drips
max_feed_mb = 10           # decoded size cap for a feed
max_page_mb = 5            # decoded size cap for an article page

[limits]
job_seconds = 20.0         # a parse, tag or extraction job past this is killed
worker_memory_mb = 512     # memory the worker process may use for one job

[retention]
days = 180                 # articles older than this are removed (starred never are)
per_feed = 2000            # newest N kept per feed (starred never removed)

[china]
regions = ["CN", "HK", "MO"]   # what the China filter covers; TW is never folded in

# Per-feed poll intervals:
# [feeds."https://example.com/feed.xml"]
# interval_minutes = 120

# Your own entities (shown in the sidebar; china_weight 3 = strong China signal):
# [[tagging.entities]]
# name = "Example Capital"
# type = "ORG"                 # ORG, PERSON, PLACE, TICKER or MONEY
# aliases = ["ExCap", "示例资本"]
# china_weight = 1.0
# region = "HK"

# Your own topic keywords (added to a built-in topic, or a new topic slug):
# [tagging.topics]
# mining = ["hashprice"]
# ai = ["artificial intelligence", "人工智能"]

# Key remapping, binding id = key:
# [keys]
# china_only = "C"
"""


def load_settings(path: Path) -> Settings:
    """Read ``path`` if it exists; defaults otherwise. Raises ConfigError, never writes."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: config is not UTF-8 text (byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {_describe_toml_error(exc)}") from exc
    try:
        return settings_from_dict(data)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def _describe_toml_error(exc: tomllib.TOMLDecodeError) -> str:
    # tomllib says "Expected '=' after a key in a key/value pair (at line 3, column 8)".
    message = str(exc)
    if "(at line" in message:
        what, _, where = message.rpartition(" (at ")
        return f"{where.rstrip(')')}: {what}"
    return message


def settings_from_dict(data: dict[str, Any]) -> Settings:
    """Validate a parsed TOML document into Settings; ConfigError names the bad key."""
    known = {"poll", "http", "retention", "china", "feeds", "tagging", "keys", "subscribe",
             "limits", "watch", "notify"}  # the last two: tui.alerts reads and checks them
    for key in data:
        if key not in known:
            raise ConfigError(f"unknown section or key [{key}] (known: {', '.join(sorted(known))})")
    poll = _table(data, "poll")
    http = _table(data, "http")
    retention = _table(data, "retention")
    china = _table(data, "china")
    values: dict[str, Any] = {}
    values["poll_interval_minutes"] = _int(poll, "poll.interval_minutes", 30, minimum=5)
    values["concurrency"] = _int(poll, "poll.concurrency", 4, minimum=1, maximum=16)
    agent = poll.get("user_agent", DEFAULT_USER_AGENT)
    if not isinstance(agent, str) or not agent.strip() or "\n" in agent:
        raise ConfigError("poll.user_agent must be a one-line string")
    values["user_agent"] = agent
    values["connect_timeout"] = _num(http, "http.connect_timeout", 5.0)
    values["read_timeout"] = _num(http, "http.read_timeout", 20.0)
    values["deadline"] = _num(http, "http.deadline", 45.0)
    values["max_feed_bytes"] = int(_num(http, "http.max_feed_mb", 10) * 1024 * 1024)
    values["max_page_bytes"] = int(_num(http, "http.max_page_mb", 5) * 1024 * 1024)
    limits = _table(data, "limits")
    values["parse_timeout"] = _num(limits, "limits.job_seconds", 20.0)
    values["worker_memory_mb"] = _int(limits, "limits.worker_memory_mb", 512, minimum=128)
    values["retention_days"] = _int(retention, "retention.days", 180, minimum=1)
    values["retention_per_feed"] = _int(retention, "retention.per_feed", 2000, minimum=10)
    regions = china.get("regions", ["CN", "HK", "MO"])
    if not isinstance(regions, list) or any(r not in REGIONS for r in regions):
        raise ConfigError(f"china.regions must be a list drawn from {', '.join(REGIONS)}")
    values["china_regions"] = frozenset(regions)
    values["feed_intervals"] = _feed_intervals(_table(data, "feeds"))
    tagging = _table(data, "tagging")
    values["user_entities"] = _user_entities(tagging.get("entities", []))
    values["user_topics"] = _user_topics(tagging.get("topics", {}))
    values["keys"] = _keys(_table(data, "keys"))
    subscribe = _table(data, "subscribe")
    values["subscribe_defaults"] = bool(subscribe.get("defaults", True))
    return Settings(**values)


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"[{key}] must be a table")
    return value


def _num(table: dict[str, Any], name: str, default: float) -> float:
    value = table.get(name.split(".")[-1], default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{name} must be a positive number, not {value!r}")
    return float(value)


def _int(
    table: dict[str, Any], name: str, default: int, minimum: int = 0, maximum: int | None = None
) -> int:
    value = table.get(name.split(".")[-1], default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be a whole number, not {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise ConfigError(f"{name} must be at least {minimum}{upper}, not {value}")
    return value


def _feed_intervals(feeds: dict[str, Any]) -> dict[str, int]:
    intervals: dict[str, int] = {}
    for url, table in feeds.items():
        if safe_url(url) is None:
            raise ConfigError(f'[feeds."{url}"] is not an http(s) URL')
        if not isinstance(table, dict):
            raise ConfigError(f'[feeds."{url}"] must be a table')
        intervals[url] = _int(table, f'feeds."{url}".interval_minutes', 30, minimum=5)
    return intervals


def _user_entities(items: Any) -> tuple[UserEntity, ...]:
    if not isinstance(items, list):
        raise ConfigError("[[tagging.entities]] must be an array of tables")
    entities = []
    for number, item in enumerate(items, 1):
        where = f"tagging.entities #{number}"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ConfigError(f"{where} needs a name")
        kind = item.get("type", "ORG")
        if kind not in ENTITY_TYPES:
            raise ConfigError(f"{where}: type must be one of {', '.join(ENTITY_TYPES)}")
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ConfigError(f"{where}: aliases must be a list of strings")
        weight = item.get("china_weight", 0.0)
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise ConfigError(f"{where}: china_weight must be a number")
        region = item.get("region")
        if region is not None and region not in REGIONS:
            raise ConfigError(f"{where}: region must be one of {', '.join(REGIONS)}")
        entities.append(UserEntity(item["name"], kind, tuple(aliases), float(weight), region))
    return tuple(entities)


def _user_topics(table: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(table, dict):
        raise ConfigError("[tagging.topics] must be a table of slug = [keywords]")
    topics: dict[str, tuple[str, ...]] = {}
    for slug, words in table.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise ConfigError(f"tagging.topics.{slug} must be a list of non-empty strings")
        if not slug.replace("-", "").isalnum() or slug.lower() != slug:
            raise ConfigError(f"tagging.topics.{slug}: topic slugs are lower-case words")
        topics[slug] = tuple(words)
    return topics


def _keys(table: dict[str, Any]) -> dict[str, str]:
    for binding_id, key in table.items():
        if not isinstance(key, str) or not key:
            raise ConfigError(f"keys.{binding_id} must be a key name such as \"C\" or \"ctrl+f\"")
    return dict(table)


__all__ = ["DEFAULT_FEEDS", "TOPICS", "ConfigError", "Settings", "load_settings"]
