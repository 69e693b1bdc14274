"""``sinowire feeds …``: list, add, remove, move, import, export, check, update-defaults."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from tui.cli.output import describe_feed, feed_json
from tui.engine import Engine
from tui.models import Feed
from tui.store import Store


class NoSuchFeed(Exception):
    """A feed named on the command line (URL or id) that is not subscribed."""


def find_feed(store: Store, reference: str) -> Feed:
    found = store.find_feed(reference)
    if found is None:
        raise NoSuchFeed(reference)
    return found


def cmd_feeds(engine: Engine, args: argparse.Namespace) -> int:
    store = engine.store
    action = args.feeds_command
    if action == "list":
        counts = store.unread_counts()
        health = store.feed_health(stale_days=engine.settings.stale_days, now=int(time.time()))
        for feed in store.feeds():
            unread, state = counts.get(feed.id, 0), health.get(feed.id)
            if args.json:
                print(json.dumps(feed_json(feed, unread, state), ensure_ascii=False))
            else:
                print(describe_feed(feed, unread, state))
        return 0
    if action == "add":
        feed = store.add_feed(args.url, args.title, args.lang)
        print(f"subscribed [{feed.id}] {feed.url}")
        return 0
    if action == "remove":
        found = find_feed(store, args.feed)
        store.remove_feed(found.id)
        print(f"unsubscribed [{found.id}] {found.url}")
        return 0
    if action == "move":
        found = find_feed(store, args.feed)
        moved = store.move_feed(found.id, args.new_url)
        print(f"moved [{moved.id}] {found.url} → {moved.url}")
        return 0
    if action == "import":
        return _import_opml(engine, args.file)
    if action == "check":
        from tui.cli.feeds_check import cmd_feeds_check

        chosen = [find_feed(store, args.feed)] if args.feed else None
        return cmd_feeds_check(engine, args.json, chosen)
    if action == "update-defaults":
        from tui.engine.factory import update_defaults

        done = update_defaults(store)
        print("\n".join(done) if done else "the default feeds are up to date")
        return 0
    return _export_opml(engine, args.file)


def _import_opml(engine: Engine, file: Path) -> int:
    from tui.feeds.opml import OpmlError

    try:
        result = engine.import_opml(file.read_bytes())
    except OpmlError as exc:
        print(f"sinowire: {file}: {exc}", file=sys.stderr)
        return 2
    for reason in result.skipped:
        print(f"skipped: {reason}", file=sys.stderr)
    print(f"imported {result.added} feeds; {result.duplicates} already subscribed; "
          f"{len(result.skipped)} skipped")
    return 0


def _export_opml(engine: Engine, file: Path | None) -> int:
    data = engine.export_opml()
    if file is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        file.write_bytes(data)
        print(f"wrote {len(engine.store.feeds())} feeds to {file}")
    return 0
