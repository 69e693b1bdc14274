"""Building the engine: paths, settings and first-use setup, the same way for every caller.

``--demo`` gets its own throwaway home seeded from the bundled demo feeds, so demo data never
mixes with the user's cache. On a real home's first use the default feeds are subscribed
(once: a user who removes them keeps them removed). Nothing is opened or written here until
the engine's store is first used, so ``paths`` and a config error touch nothing.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from tui.alerts.configfile import load_watch_config
from tui.alerts.notify import NotifySettings
from tui.config import DEFAULT_FEEDS, EXAMPLE_CONFIG, Settings, load_settings
from tui.demo import demo_watches_toml
from tui.engine.engine import Engine
from tui.paths import resolve_paths
from tui.settings.defaults import LEGACY_DEFAULT_URLS, RETIRED, RetiredDefault
from tui.store import Store

DEFAULTS_KEY = "default_feeds_subscribed"
# JSON list of the default URLs this cache was offered (absent: the pre-0.2 set).
OFFERED_KEY = "default_feeds_offered"
# JSON list of retired default URLs the user has already been told about.
TOLD_KEY = "default_feeds_told"


def open_engine(home: str | None = None, *, demo: bool = False) -> Engine:
    """The engine for a home (or a fresh demo home); raises ConfigError for a broken file."""
    if demo:
        temp_home = tempfile.mkdtemp(prefix="sinowire-demo-")
        paths = resolve_paths(temp_home)
        # The user's [keys] still apply in the demo; nothing else of theirs is used.
        keys = load_settings(resolve_paths(home).config_file).keys
        paths.ensure()
        # Example watches in the demo's own config.toml: shown, saved to and deleted from
        # like a real one. No desktop notifications: the demo never polls anyway.
        paths.config_file.write_text(demo_watches_toml(), encoding="utf-8")
        watches, _notify = load_watch_config(paths.config_file)
        engine = Engine(Settings(subscribe_defaults=False, keys=keys), paths.database,
                        demo=True, paths=paths, watches=watches,
                        notify=NotifySettings(desktop=False),
                        on_close=lambda: shutil.rmtree(temp_home, ignore_errors=True))
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
    store.set_meta(OFFERED_KEY, json.dumps([d.url for d in DEFAULT_FEEDS]))
    return added


def _json_set(store: Store, key: str, fallback: frozenset[str]) -> frozenset[str]:
    raw = store.get_meta(key)
    if raw is None:
        return fallback
    try:
        value = json.loads(raw)
    except ValueError:
        return fallback
    return frozenset(v for v in value if isinstance(v, str)) if isinstance(value, list) \
        else fallback


def retired_subscriptions(store: Store) -> list[RetiredDefault]:
    """Dropped or replaced defaults the user is still subscribed to."""
    subscribed = {feed.url for feed in store.feeds()}
    return [retired for retired in RETIRED if retired.url in subscribed]


def new_defaults(store: Store) -> list[str]:
    """Default URLs added since this cache was offered the defaults, not subscribed."""
    if store.get_meta(DEFAULTS_KEY) is None:
        return []
    offered = _json_set(store, OFFERED_KEY, LEGACY_DEFAULT_URLS)
    subscribed = {feed.url for feed in store.feeds()}
    return [d.url for d in DEFAULT_FEEDS if d.url not in offered and d.url not in subscribed]


def defaults_notice(store: Store) -> str | None:
    """A one-line notice about retired defaults the user has not been told of yet, or None.

    Showing it is the caller's; :func:`mark_defaults_told` records that it was shown, so
    each retired default is announced once (the app notice or the ``fetch`` summary).
    """
    told = _json_set(store, TOLD_KEY, frozenset())
    fresh = [r for r in retired_subscriptions(store) if r.url not in told]
    if not fresh:
        return None
    parts = []
    for retired in fresh:
        what = f"replaced by {retired.replacement}" if retired.replacement else "dropped"
        parts.append(f"{retired.title} {what} ({retired.reason})")
    return ("default feeds changed: " + "; ".join(parts)
            + ". Nothing was changed: run `sinowire feeds update-defaults` to apply.")


def mark_defaults_told(store: Store) -> None:
    told = _json_set(store, TOLD_KEY, frozenset())
    now_told = told | {r.url for r in retired_subscriptions(store)}
    store.set_meta(TOLD_KEY, json.dumps(sorted(now_told)))


def update_defaults(store: Store) -> list[str]:
    """Apply the default-set changes the user asked for; returns what was done, one a line.

    A replaced default is moved to its replacement (keeping read and starred state), or
    removed if the replacement is already subscribed; a dropped one is removed; defaults
    new since this cache was set up are subscribed.
    """
    done = []
    for retired in retired_subscriptions(store):
        old = store.feed_by_url(retired.url)
        if old is None:
            continue
        if retired.replacement and store.feed_by_url(retired.replacement) is None:
            store.move_feed(old.id, retired.replacement)
            done.append(f"moved {retired.url} → {retired.replacement}")
        else:
            store.remove_feed(old.id)
            done.append(f"removed {retired.url} ({retired.reason})")
    titles = {d.url: d for d in DEFAULT_FEEDS}
    for url in new_defaults(store):
        default = titles[url]
        store.add_feed(default.url, default.title, default.lang)
        done.append(f"subscribed {default.url} ({default.title})")
    store.set_meta(DEFAULTS_KEY, "1")
    store.set_meta(OFFERED_KEY, json.dumps([d.url for d in DEFAULT_FEEDS]))
    mark_defaults_told(store)
    return done


def write_example_config(path: Path) -> bool:
    """Write a commented example config if none exists; never overwrite the user's file."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(EXAMPLE_CONFIG, encoding="utf-8")
    return True
