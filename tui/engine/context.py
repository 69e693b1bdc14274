"""Starting up: paths, settings and the store, built the same way for every command.

``--demo`` gets its own throwaway home seeded from the bundled demo feeds, so demo data
never mixes with the user's cache. On a real home's first use the default feeds are
subscribed (once: a user who removes them keeps them removed).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tui.config import DEFAULT_FEEDS, EXAMPLE_CONFIG, Settings, load_settings
from tui.paths import Paths, resolve_paths
from tui.store import Store

DEFAULTS_KEY = "default_feeds_subscribed"


@dataclass
class Context:
    paths: Paths
    settings: Settings
    demo: bool = False
    _store: Store | None = field(default=None, repr=False)
    _temp_home: str | None = field(default=None, repr=False)

    @property
    def store(self) -> Store:
        """The store for the calling thread, opened on first use."""
        if self._store is None:
            self.paths.ensure()
            self._store = Store.open(self.paths.database)
            if not self.demo:
                subscribe_defaults(self._store, self.settings)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._temp_home:
            shutil.rmtree(self._temp_home, ignore_errors=True)
            self._temp_home = None


def open_context(home: str | None = None, *, demo: bool = False) -> Context:
    """Settings are read (ConfigError on a broken file); nothing is written yet."""
    if demo:
        temp_home = tempfile.mkdtemp(prefix="sinowire-demo-")
        paths = resolve_paths(temp_home)
        context = Context(paths=paths, settings=Settings(subscribe_defaults=False), demo=True,
                          _temp_home=temp_home)
        from tui.demo.seed import seed_demo

        seed_demo(context.store, context.settings)
        return context
    paths = resolve_paths(home)
    return Context(paths=paths, settings=load_settings(paths.config_file))


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
