"""Every config key declared once: table, key, attribute, type, default, bounds, doc.

The Settings defaults, the loader's validation, the example ``config.toml`` and the
README's configuration table are all generated from :data:`KEYS` (and :data:`TABLE_KEYS`
for the free-form tables), so a key cannot be documented one way and read another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui import __version__
from tui.models import CHINA_DEFAULT, REGIONS

DEFAULT_USER_AGENT = f"sinowire/{__version__} (+https://pypi.org/project/sinowire/)"
MIB = 1024 * 1024


@dataclass(frozen=True)
class Key:
    """One ``[table] key`` of config.toml and the Settings attribute it sets.

    ``kind`` is ``int``, ``float``, ``str``, ``bool`` or ``regions`` (a list drawn from
    REGIONS). ``scale`` converts the file's unit to the attribute's (MB → bytes).
    """

    table: str
    key: str
    attr: str
    kind: str
    default: Any
    doc: str
    minimum: float | None = None
    maximum: float | None = None
    scale: int = 1
    commented: bool = False  # shown commented out in the example (long or machine-specific)

    @property
    def name(self) -> str:
        return f"{self.table}.{self.key}"

    def attr_default(self) -> Any:
        if self.kind == "regions":
            return frozenset(self.default)
        return self.default * self.scale if self.scale != 1 else self.default


KEYS: tuple[Key, ...] = (
    Key("poll", "interval_minutes", "poll_interval_minutes", "int", 30,
        "how often each feed is polled, in minutes", minimum=5),
    Key("poll", "concurrency", "concurrency", "int", 4,
        "feeds fetched at once (one request per host at a time)", minimum=1, maximum=16),
    Key("poll", "stale_days", "stale_days", "int", 30,
        "a feed whose newest item is older than this many days is marked stale", minimum=1),
    Key("poll", "user_agent", "user_agent", "str", DEFAULT_USER_AGENT,
        "the User-Agent header sent with every request", commented=True),
    Key("http", "connect_timeout", "connect_timeout", "float", 5.0,
        "seconds to connect", minimum=0),
    Key("http", "read_timeout", "read_timeout", "float", 20.0,
        "seconds allowed between bytes", minimum=0),
    Key("http", "deadline", "deadline", "float", 45.0,
        "seconds for a whole request, however slowly it drips", minimum=0),
    Key("http", "max_feed_mb", "max_feed_bytes", "float", 10,
        "decoded size cap for a feed, in MB", minimum=0, scale=MIB),
    Key("http", "max_page_mb", "max_page_bytes", "float", 5,
        "decoded size cap for an article page, in MB", minimum=0, scale=MIB),
    Key("limits", "job_seconds", "parse_timeout", "float", 20.0,
        "a parse, tag or extraction job running longer is stopped", minimum=0),
    Key("limits", "worker_memory_mb", "worker_memory_mb", "int", 512,
        "memory the worker process may use for one job, in MB", minimum=128),
    Key("retention", "days", "retention_days", "int", 180,
        "articles older than this are removed (starred never are)", minimum=1),
    Key("retention", "per_feed", "retention_per_feed", "int", 2000,
        "newest N kept per feed (starred never removed)", minimum=10),
    Key("stories", "window_hours", "story_window_hours", "float", 72.0,
        "reports this many hours apart can still be one story", minimum=1),
    Key("china", "regions", "china_regions", "regions", sorted(CHINA_DEFAULT),
        "what the China filter covers; TW is never folded in"),
    Key("subscribe", "defaults", "subscribe_defaults", "bool", True,
        "subscribe the default feeds on first use"),
)

# Keys of the tables whose names are chosen by the user (a feed URL, an entity): the
# loader refuses anything else in them, and the docs list them.
TABLE_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    'feeds."URL"': (
        ("interval_minutes", "this feed's poll interval, in minutes (at least 5)"),
        ("headers", "extra request headers for this feed, e.g. { language = \"cn\" }"),
    ),
    "[tagging.entities]": (
        ("name", "the entity's name (required)"),
        ("type", "ORG, PERSON, PLACE, TICKER or MONEY (default ORG)"),
        ("aliases", "other spellings, e.g. [\"ExCap\", \"示例资本\"]"),
        ("china_weight", "China signal of a mention: 3 = strong, 0 = none"),
        ("region", "CN, HK, MO or TW, if the entity belongs to one"),
    ),
    "tagging.topics": (("SLUG", "keywords added to a built-in topic, or a new topic slug"),),
    "keys": (("BINDING_ID", "new key for a binding, e.g. china_only = \"C\""),),
}

# Tables another module reads and checks itself (tui.alerts: [[watch]] and [notify]).
EXTERNAL_TABLES: tuple[str, ...] = ("watch", "notify")
TABLES: tuple[str, ...] = (*dict.fromkeys(k.table for k in KEYS), "feeds", "tagging", "keys",
                           *EXTERNAL_TABLES)
FEED_KEYS: tuple[str, ...] = tuple(key for key, _ in TABLE_KEYS['feeds."URL"'])
ENTITY_KEYS: tuple[str, ...] = tuple(key for key, _ in TABLE_KEYS["[tagging.entities]"])
TAGGING_KEYS: tuple[str, ...] = ("entities", "topics")


def keys_in(table: str) -> tuple[str, ...]:
    return tuple(k.key for k in KEYS if k.table == table)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer() and value >= 1000:
        return str(int(value))
    return str(value)


def _bounds(key: Key) -> str:
    if key.kind == "regions":
        return "from " + ", ".join(REGIONS)
    if key.minimum is None and key.maximum is None:
        return ""
    low = "" if key.minimum is None else (f"≥ {key.minimum:g}" if key.minimum else "> 0")
    high = "" if key.maximum is None else f"≤ {key.maximum:g}"
    return ", ".join(part for part in (low, high) if part)


_EXAMPLE_TAIL = """\
# Per-feed settings (interval and extra request headers):
# [feeds."https://example.com/feed.xml"]
# interval_minutes = 120
# headers = { language = "en" }

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


def example_config() -> str:
    """The commented example ``sinowire config`` writes: every key at its default."""
    lines = ["# sinowire configuration. Every key is optional; these are the defaults."]
    table = None
    for key in KEYS:
        if key.table != table:
            table = key.table
            lines += ["", f"[{table}]"]
        setting = f"{key.key} = {toml_value(key.default)}"
        if key.commented:
            lines.append(f"# {key.doc}:")
            lines.append(f"# {setting}")
        else:
            lines.append(f"{setting:<30} # {key.doc}")
    return "\n".join(lines) + "\n\n" + _EXAMPLE_TAIL


def readme_table() -> str:
    """The Markdown table of every key, as the README's Configuration section shows it."""
    rows = ["| table | key | default | allowed | what it does |", "|---|---|---|---|---|"]
    for key in KEYS:
        default = toml_value(key.default).replace(__version__, "VERSION").replace("|", "\\|")
        rows.append(f"| `[{key.table}]` | `{key.key}` | `{default}` | {_bounds(key)} "
                    f"| {key.doc} |")
    for table, keys in TABLE_KEYS.items():
        shown = table if table.startswith("[") else f"[{table}]"
        for name, doc in keys:
            rows.append(f"| `{shown}` | `{name}` | | | {doc} |")
    return "\n".join(rows)
