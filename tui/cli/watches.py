"""``sinowire watches``: list, add and remove watches; ``list --watch NAME`` reads them.

Watches live in config.toml (``[[watch]]``); adding or removing one edits the file in
place and keeps the user's comments (see :mod:`tui.alerts.configfile`).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tui.alerts import Watch, delete_watch, load_watch_config, save_watch
from tui.alerts.summary import WatchSummary, watch_summaries
from tui.cli.output import iso
from tui.config import ConfigError
from tui.engine import Engine
from tui.models import REGIONS, ArticleRow, Filter


class NoSuchWatch(Exception):
    """A watch named on the command line that config.toml does not have."""


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]  # argparse's private subparsers type
    watches = commands.add_parser("watches", help="saved filters that alert on new stories")
    watches.add_argument("--json", action="store_true", help="JSON Lines output")
    actions = watches.add_subparsers(dest="watches_command", metavar="ACTION")
    add = actions.add_parser("add", help="save a filter as a watch in config.toml")
    add.add_argument("name", help="the watch's name, shown in the feed pane")
    add.add_argument("--china", action="store_true", help="China-related stories only")
    add.add_argument("--region", action="append", choices=REGIONS, default=[],
                     help="repeatable, any of: %(choices)s")
    add.add_argument("--topic", action="append", default=[], help="repeatable; any of")
    add.add_argument("--entity", action="append", default=[], help="repeatable; any of")
    add.add_argument("--search", default="", help='full-text search; "a OR b" for either')
    add.add_argument("--feed", action="append", default=[], metavar="URL",
                     help="repeatable: only these feeds")
    add.add_argument("--no-alert", action="store_true", help="a virtual feed only, no alerts")
    remove = actions.add_parser("remove", help="delete a watch from config.toml")
    remove.add_argument("name", help="the watch to remove")


def cmd_watches(context: Engine, args: argparse.Namespace) -> int:
    assert context.paths is not None
    path = context.paths.config_file
    try:
        if args.watches_command == "add":
            watch = Watch(name=args.name, china=args.china, regions=tuple(args.region),
                          topics=tuple(args.topic), entities=tuple(args.entity),
                          search=args.search, feeds=tuple(args.feed), alert=not args.no_alert)
            saved = save_watch(path, watch)
            print(f"added watch {saved.name!r} ({saved.query()}) to {path}")
            return 0
        if args.watches_command == "remove":
            delete_watch(path, args.name)
            print(f"removed watch {args.name!r} from {path}")
            return 0
        watches, _notify = load_watch_config(path)
    except ConfigError as exc:
        print(f"sinowire: {exc}", file=sys.stderr)
        return 2
    for summary in watch_summaries(context.store, watches):
        record = watch_record(summary)
        if args.json:
            print(json.dumps(record, ensure_ascii=False))
        else:
            last = record["last_match"] or "never"
            flag = "" if summary.watch.alert else "  (no alerts)"
            print(f"{summary.watch.name:20} {record['unread']:>5} unread  last {last:20}  "
                  f"{record['query_text']}{flag}")
    if not watches and not args.json:
        print(f"no watches; add one with `sinowire watches add NAME --region HK` or a "
              f"[[watch]] table in {path}")
    return 0


def watch_record(summary: WatchSummary) -> dict[str, Any]:
    """What ``watches --json`` prints for one watch."""
    watch = summary.watch
    return {
        "name": watch.name,
        "query": {key: list(value) if isinstance(value, tuple) else value
                  for key, value in watch.__dict__.items() if key not in ("name", "alert")},
        "query_text": watch.query(),
        "alert": watch.alert,
        "unread": summary.unread,
        "last_match": iso(summary.last_match),
        "alerts": summary.alerts,
        "last_alert": iso(summary.last_alert),
    }


def watch_rows(context: Engine, name: str, also: Filter, limit: int) -> list[ArticleRow]:
    """``list --watch NAME``: the watch's articles, narrowed by the other list options."""
    assert context.paths is not None
    watches, _notify = load_watch_config(context.paths.config_file)
    found = next((w for w in watches if w.name.casefold() == name.casefold()), None)
    if found is None:
        known = ", ".join(w.name for w in watches) or "none"
        raise NoSuchWatch(f"{name} (watches: {known})")
    store = context.store
    filters = found.to_filters({feed.url: feed.id for feed in store.feeds()})
    return store.watch_articles(filters, also=also, limit=limit)
