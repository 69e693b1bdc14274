"""``[notify]``: which channels carry alerts, validated like the rest of config.toml.

The command is an argv list, never a shell string: newsboat's ``notify-program`` needed
wrapper scripts for arguments and a shell ``notify-command`` invites injection from titles.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from tui.alerts.watch import did_you_mean
from tui.config import ConfigError

NOTIFY_KEYS = ("desktop", "command", "command_timeout", "terminal", "terminal_protocol",
               "min_interval", "max_age_hours")
PROTOCOLS = ("auto", "osc9", "osc777", "osc99")


@dataclass(frozen=True)
class NotifySettings:
    """Channels for alerts. ``min_interval`` (seconds) rate-limits the batched channels
    (desktop, terminal, toast): matches arriving sooner wait and join the next batch.
    ``max_age_hours`` keeps a feed's backlog quiet: a newly subscribed feed (or a first
    fetch) stores weeks of old entries, which are new to the cache but not news; 0 turns
    the limit off."""

    desktop: bool = True
    command: tuple[str, ...] | None = None
    command_timeout: float = 10.0
    terminal: bool = False
    terminal_protocol: str = "auto"
    min_interval: float = 60.0
    max_age_hours: float = 48.0

    @property
    def command_budget(self) -> float:
        """Seconds one update may spend running the command; the rest wait for the next."""
        return max(30.0, 3 * self.command_timeout)


def parse_notify(raw: Any, source: str) -> NotifySettings:
    """Validate the ``[notify]`` table; ConfigError names the file and the key."""
    if raw is None:
        return NotifySettings()
    where = f"{source}: [notify]"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table")
    for key in raw:
        if key not in NOTIFY_KEYS:
            raise ConfigError(f"{where}: unknown key {key!r}{did_you_mean(key, NOTIFY_KEYS)}; "
                              f"known: {', '.join(NOTIFY_KEYS)}")
    values: dict[str, Any] = {}
    for key in ("desktop", "terminal"):
        if key in raw:
            if not isinstance(raw[key], bool):
                raise ConfigError(f"{where}: {key} must be true or false")
            values[key] = raw[key]
    if "command" in raw:
        values["command"] = _command(raw["command"], where)
    if "command_timeout" in raw:
        values["command_timeout"] = _seconds(raw, "command_timeout", where, 0.1, 600)
    if "min_interval" in raw:
        values["min_interval"] = _seconds(raw, "min_interval", where, 0, 86400)
    if "max_age_hours" in raw:
        values["max_age_hours"] = _seconds(raw, "max_age_hours", where, 0, 24 * 365)
    if "terminal_protocol" in raw:
        protocol = raw["terminal_protocol"]
        if protocol not in PROTOCOLS:
            hint = did_you_mean(str(protocol), PROTOCOLS)
            raise ConfigError(f"{where}: terminal_protocol must be one of "
                              f"{', '.join(PROTOCOLS)}{hint}")
        values["terminal_protocol"] = protocol
    return NotifySettings(**values)


def _command(value: Any, where: str) -> tuple[str, ...] | None:
    if value is False or value == []:
        return None
    if isinstance(value, str):
        raise ConfigError(f'{where}: command must be a list such as ["notify-me", "--json"] '
                          "(an argv list, run without a shell), not a string")
    if not isinstance(value, list) or not value or not all(
        isinstance(v, str) and v and "\x00" not in v for v in value
    ):
        raise ConfigError(f"{where}: command must be a non-empty list of non-empty strings")
    return (os.path.expanduser(value[0]), *value[1:])


def _seconds(raw: dict[str, Any], key: str, where: str, low: float, high: float) -> float:
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        unit = "hours" if key.endswith("hours") else "seconds"
        raise ConfigError(f"{where}: {key} must be a number of {unit} from {low} to {high}")
    return float(value)
