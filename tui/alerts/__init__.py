"""Watches (saved filters) and the alert stage that runs after each update.

Pure core: no textual. The engine calls :func:`tui.alerts.stage.run_alerts` once per
update with the ids of the articles it just stored.

The names are imported on first use: the engine needs ``tui.alerts.notify`` at start,
and importing that must not load the config file's writer (TOML, tempfile) into the app's
first frame.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.alerts.configfile import (
        add_watch_text,
        delete_watch,
        load_watch_config,
        remove_watch_text,
        save_watch,
        watch_toml,
    )
    from tui.alerts.notify import NotifySettings, parse_notify
    from tui.alerts.watch import Watch, parse_watches

_HOMES = {"add_watch_text": "configfile", "delete_watch": "configfile",
          "load_watch_config": "configfile", "remove_watch_text": "configfile",
          "save_watch": "configfile", "watch_toml": "configfile",
          "NotifySettings": "notify", "parse_notify": "notify",
          "Watch": "watch", "parse_watches": "watch"}

__all__ = [
    "NotifySettings",
    "Watch",
    "add_watch_text",
    "delete_watch",
    "load_watch_config",
    "parse_notify",
    "parse_watches",
    "remove_watch_text",
    "save_watch",
    "watch_toml",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'tui.alerts' has no attribute {name!r}")
    return getattr(import_module(f"tui.alerts.{home}"), name)
