"""Building the engine: paths, settings and first-use setup, the same way for every caller.

``--demo`` gets its own throwaway home seeded from the bundled demo feeds, so demo data never
mixes with the user's cache. On a real home's first use the default feeds are subscribed
(once: a user who removes them keeps them removed). Nothing is opened or written here until
the engine's store is first used, so ``paths`` and a config error touch nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from tui.alerts.configfile import load_watch_config
from tui.config import DEFAULT_FEEDS, EXAMPLE_CONFIG, Settings, load_settings
from tui.engine.engine import Engine
from tui.paths import resolve_paths
from tui.store import Store

DEFAULTS_KEY = "default_feeds_subscribed"


def open_engine(home: str | None = None, *, demo: bool = False) -> Engine:
    """The engine for a home (or a fresh demo home); raises ConfigError for a broken file."""
    if demo:
        temp_home = tempfile.mkdtemp(prefix="sinowire-demo-")
        paths = resolve_paths(temp_home)
        # The user's [keys] still apply in the demo; nothing else of theirs is used.
        keys = load_settings(resolve_paths(home).config_file).keys
        engine = Engine(Settings(subscribe_defaults=False, keys=keys), paths.database,
                        demo=True, paths=paths,
                        on_close=lambda: shutil.rmtree(temp_home, ignore_errors=True))
        paths.ensure()
        engine.seed_demo()
        return engine
    paths = resolve_paths(home)
    settings = load_settings(paths.config_file)
    watches, notify = load_watch_config(paths.config_file)

    def first_open(store: Store) -> None:
        subscribe_defaults(store, settings)

    return Engine(settings, paths.database, paths=paths, on_first_open=first_open,
                  watches=watches, notify=notify)


def subscribe_defaults(store: Store, settings: Settings) -> int:
    """Subscribe the default feeds the first time a cache is used; returns how many."""
    if store.get_meta(DEFAULTS_KEY) is not None:
        return 0
    added = 0
    if settings.subscribe_defaults:
        existing = {feed.url for feed in store.feeds()}
        for default in DEFAULT_FEEDS:
            if default.url not in existing:
                store.add_feed(default.url, default.title, default.lang)
                added += 1
    store.set_meta(DEFAULTS_KEY, "1")
    return added


def write_example_config(path: Path) -> bool:
    """Write a commented example config if none exists; never overwrite the user's file."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(EXAMPLE_CONFIG, encoding="utf-8")
    return True
