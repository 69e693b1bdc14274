"""The Settings every part of sinowire reads; scalar defaults come from the schema."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from tui.settings.defaults import default_for
from tui.settings.schema import KEYS

_DEFAULTS: dict[str, Any] = {key.attr: key.attr_default() for key in KEYS}


class ConfigError(Exception):
    """A config file that cannot be used; the message is one line for the user.

    ``table`` and ``key`` say where (the loader turns them into a line number).
    """

    def __init__(self, message: str, *, table: str | None = None,
                 key: str | None = None) -> None:
        super().__init__(message)
        self.table = table
        self.key = key


@dataclass(frozen=True)
class UserEntity:
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    china_weight: float = 0.0
    region: str | None = None


@dataclass(frozen=True)
class Settings:
    poll_interval_minutes: int = _DEFAULTS["poll_interval_minutes"]
    concurrency: int = _DEFAULTS["concurrency"]
    stale_days: int = _DEFAULTS["stale_days"]
    user_agent: str = _DEFAULTS["user_agent"]
    connect_timeout: float = _DEFAULTS["connect_timeout"]
    read_timeout: float = _DEFAULTS["read_timeout"]
    deadline: float = _DEFAULTS["deadline"]
    max_feed_bytes: int = _DEFAULTS["max_feed_bytes"]
    max_page_bytes: int = _DEFAULTS["max_page_bytes"]
    parse_timeout: float = _DEFAULTS["parse_timeout"]
    worker_memory_mb: int = _DEFAULTS["worker_memory_mb"]
    story_window_hours: float = _DEFAULTS["story_window_hours"]
    retention_days: int = _DEFAULTS["retention_days"]
    retention_per_feed: int = _DEFAULTS["retention_per_feed"]
    china_regions: frozenset[str] = _DEFAULTS["china_regions"]
    subscribe_defaults: bool = _DEFAULTS["subscribe_defaults"]
    # The free-form tables ([feeds."URL"], [tagging], [keys]).
    feed_intervals: dict[str, int] = field(default_factory=dict)
    feed_headers: dict[str, dict[str, str]] = field(default_factory=dict)
    user_entities: tuple[UserEntity, ...] = ()
    user_topics: dict[str, tuple[str, ...]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    def interval_for(self, url: str) -> int:
        """The user's [feeds."URL"] interval, else the default feed's own, else [poll]'s."""
        if url in self.feed_intervals:
            return self.feed_intervals[url]
        default = default_for(url)
        if default is not None and default.interval_minutes is not None:
            return max(default.interval_minutes, self.poll_interval_minutes)
        return self.poll_interval_minutes

    def headers_for(self, url: str) -> dict[str, str]:
        """Extra request headers: the default feed's, overridden by the user's."""
        default = default_for(url)
        headers = dict(default.headers) if default is not None else {}
        headers.update(self.feed_headers.get(url, {}))
        return headers

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)
