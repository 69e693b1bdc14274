"""Watches (saved filters) and the alert stage that runs after each update.

Pure core: no textual. The engine calls :func:`tui.alerts.stage.run_alerts` once per
update with the ids of the articles it just stored.
"""

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
