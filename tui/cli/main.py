"""The ``sinowire`` command: argument parsing and one function per subcommand.

Exit codes: 0 when the command ran (a fetch with failing feeds still ran), 1 when it could
not do what was asked (unknown feed, extraction failed), 2 for usage, config or database
errors that need the user to act.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from tui import __version__
from tui.cli.output import (
    ProgressLine,
    article_json,
    describe_feed,
    feed_json,
    format_article_line,
    outcome_json,
    summary_line,
)
from tui.config import ConfigError
from tui.engine.context import Context, open_context
from tui.models import REGIONS, TOPICS, Feed, Filter
from tui.store import Store, StoreError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sinowire",
        description="A terminal news reader for crypto news, built to follow China.",
    )
    parser.add_argument("--version", action="version", version=f"sinowire {__version__}")
    parser.add_argument("--home", metavar="DIR", help="keep config, data and cache in DIR")
    parser.add_argument("--demo", action="store_true",
                        help="use the bundled demo feeds in a throwaway home (no network)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    paths = commands.add_parser("paths", help="show where sinowire keeps its files")
    paths.add_argument("--json", action="store_true")

    feeds = commands.add_parser("feeds", help="list, add, remove, import or export feeds")
    feed_commands = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    feeds_list = feed_commands.add_parser("list", help="list subscriptions and their state")
    feeds_list.add_argument("--json", action="store_true", help="JSON Lines output")
    add = feed_commands.add_parser("add", help="subscribe to a feed URL")
    add.add_argument("url")
    add.add_argument("--title", default="")
    add.add_argument("--lang", default=None, help="language code, e.g. en or zh")
    remove = feed_commands.add_parser("remove", help="unsubscribe (by URL or id)")
    remove.add_argument("feed", metavar="URL|ID")
    move = feed_commands.add_parser(
        "move", help="change a feed's URL, keeping its articles and read/starred state")
    move.add_argument("feed", metavar="URL|ID")
    move.add_argument("new_url", metavar="NEW_URL")
    imp = feed_commands.add_parser("import", help="subscribe to the feeds in an OPML file")
    imp.add_argument("file", type=Path)
    exp = feed_commands.add_parser("export", help="write subscriptions as OPML 2.0")
    exp.add_argument("file", nargs="?", type=Path, help="output file (default: stdout)")

    fetch = commands.add_parser("fetch", help="poll due feeds now")
    fetch.add_argument("--force", action="store_true", help="poll every feed, ignoring schedule")
    fetch.add_argument("--feed", metavar="URL", help="poll only this feed")
    fetch.add_argument("--json", action="store_true", help="JSON Lines: one per feed + summary")

    lst = commands.add_parser("list", help="list cached articles, newest first")
    lst.add_argument("--feed", metavar="URL|ID")
    lst.add_argument("--search", metavar="Q", default="")
    lst.add_argument("--unread", action="store_true")
    lst.add_argument("--starred", action="store_true")
    lst.add_argument("--china", action="store_true", help="China-related only (CN+HK+MO)")
    lst.add_argument("--region", action="append", choices=REGIONS, default=[])
    lst.add_argument("--topic", action="append", choices=TOPICS, default=[],
                     help="repeatable; any of")
    lst.add_argument("--entity", metavar="NAME")
    lst.add_argument("--limit", type=int, default=50)
    lst.add_argument("--json", action="store_true", help="JSON Lines output")

    commands.add_parser("tag", help="tag JSON Lines from stdin (id, title, summary, content)")
    commands.add_parser("retag", help="re-tag the whole cache (after gazetteer/config changes)")
    extract = commands.add_parser("extract", help="print an article page's text as Markdown")
    extract.add_argument("url")
    commands.add_parser("config", help="write an example config.toml if there is none")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "tag":
        return cmd_tag(args)
    try:
        context = open_context(args.home, demo=args.demo)
    except ConfigError as exc:
        print(f"sinowire: config error: {exc}", file=sys.stderr)
        return 2
    try:
        handler = COMMANDS.get(args.command, cmd_app)
        return handler(context, args)
    except NoSuchFeed as exc:
        print(f"sinowire: no such feed: {exc}", file=sys.stderr)
        return 1
    except (StoreError, OSError) as exc:
        print(f"sinowire: {exc}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:  # busy past the timeout, disk full, read-only…
        from tui.feeds.poll import database_reason

        print(f"sinowire: {database_reason(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sinowire: interrupted", file=sys.stderr)
        return 130
    finally:
        context.close()


class NoSuchFeed(Exception):
    """A feed named on the command line (URL or id) that is not subscribed."""


def _feed(store: Store, reference: str) -> Feed:
    found = store.find_feed(reference)
    if found is None:
        raise NoSuchFeed(reference)
    return found


def cmd_app(context: Context, args: argparse.Namespace) -> int:
    from tui.ui import run_app

    store = context.store
    notice = store.notice
    demo = context.demo
    if not demo and store.count_articles() == 0 and store.feeds():
        demo_context, notice = _first_run(context)
        if demo_context is not None:
            context.close()
            context = demo_context
            demo = True
    try:
        return run_app(context.settings, context.paths.database, demo=demo, notice=notice)
    finally:
        context.close()


def _first_run(context: Context) -> tuple[Context | None, str | None]:
    """Empty cache: fetch once before the UI; offline, fall back to the demo data."""
    from tui.feeds.poll import poll

    print("sinowire: first run, fetching feeds… (Ctrl-C to skip)", file=sys.stderr)
    quick = context.settings.with_changes(connect_timeout=4.0, deadline=15.0)
    progress = ProgressLine(sys.stderr)
    try:
        report = poll(context.store, quick, force=True, on_progress=progress.update)
    except KeyboardInterrupt:
        report = None
    progress.finish()
    if context.store.count_articles() > 0:
        return None, None
    reason = "no feed could be reached" if report and report.errors else "no articles yet"
    demo = open_context(demo=True)
    return demo, f"{reason}: showing the bundled DEMO data. Your cache: {context.paths.database}"


def cmd_paths(context: Context, args: argparse.Namespace) -> int:
    if args.json:
        print(json.dumps(context.paths.as_dict()))
    else:
        for name, value in context.paths.as_dict().items():
            print(f"{name:9} {value}")
    return 0


def cmd_feeds(context: Context, args: argparse.Namespace) -> int:
    store = context.store
    action = args.feeds_command
    if action == "list":
        counts = store.unread_counts()
        for feed in store.feeds():
            if args.json:
                print(json.dumps(feed_json(feed, counts.get(feed.id, 0)), ensure_ascii=False))
            else:
                print(describe_feed(feed, counts.get(feed.id, 0)))
        return 0
    if action == "add":
        feed = store.add_feed(args.url, args.title, args.lang)
        print(f"subscribed [{feed.id}] {feed.url}")
        return 0
    if action == "remove":
        found = _feed(store, args.feed)
        store.remove_feed(found.id)
        print(f"unsubscribed [{found.id}] {found.url}")
        return 0
    if action == "move":
        found = _feed(store, args.feed)
        moved = store.move_feed(found.id, args.new_url)
        print(f"moved [{moved.id}] {found.url} → {moved.url}")
        return 0
    if action == "import":
        return _import_opml(context, args.file)
    return _export_opml(context, args.file)


def _import_opml(context: Context, file: Path) -> int:
    from tui.feeds.opml import OpmlError, parse_opml
    from tui.store import FeedExistsError

    try:
        result = parse_opml(file.read_bytes())
    except OpmlError as exc:
        print(f"sinowire: {file}: {exc}", file=sys.stderr)
        return 2
    added = duplicates = 0
    for item in result.feeds:
        try:
            context.store.add_feed(item.url, item.title, item.lang)
            added += 1
        except FeedExistsError:
            duplicates += 1
        except StoreError as exc:
            print(f"skipped: {exc}", file=sys.stderr)
    for reason in result.skipped:
        print(f"skipped: {reason}", file=sys.stderr)
    print(f"imported {added} feeds; {duplicates} already subscribed; "
          f"{len(result.skipped)} skipped")
    return 0


def _export_opml(context: Context, file: Path | None) -> int:
    from tui.feeds.opml import OpmlFeed, export_opml

    data = export_opml(
        OpmlFeed(url=f.url, title=f.title, lang=f.lang) for f in context.store.feeds()
    )
    if file is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        file.write_bytes(data)
        print(f"wrote {len(context.store.feeds())} feeds to {file}")
    return 0


def cmd_fetch(context: Context, args: argparse.Namespace) -> int:
    from tui.feeds.poll import poll

    store = context.store
    feeds = None
    if args.feed:
        found = _feed(store, args.feed)
        feeds = [found]
    started = time.monotonic()
    progress = ProgressLine(sys.stderr, enabled=not args.json)

    def report(outcome):  # type: ignore[no-untyped-def]
        if args.json:
            print(json.dumps(outcome_json(outcome), ensure_ascii=False), flush=True)
        else:
            progress.update(outcome)

    result = poll(store, context.settings, feeds=feeds, force=args.force or bool(args.feed),
                  on_progress=report)
    progress.finish()
    store.apply_retention(days=context.settings.retention_days,
                          per_feed=context.settings.retention_per_feed, now=int(time.time()))
    elapsed = time.monotonic() - started
    if args.json:
        print(json.dumps({"summary": True, "feeds": len(result.outcomes), "new": result.new,
                          "errors": result.errors, "seconds": round(elapsed, 3)}))
    else:
        print(summary_line(result, elapsed))
    return 0


def cmd_list(context: Context, args: argparse.Namespace) -> int:
    store = context.store
    feed_id = None
    if args.feed:
        feed_id = _feed(store, args.feed).id
    flt = Filter(feed_id=feed_id, china=args.china, regions=frozenset(args.region),
                 topics=frozenset(args.topic), entity=args.entity, search=args.search,
                 unread=args.unread, starred=args.starred)
    for row in store.list_articles(flt, limit=max(1, args.limit)):
        if args.json:
            entities = store.article_entities(row.id)
            why = store.topic_evidence(row.id)
            print(json.dumps(article_json(row, entities, why), ensure_ascii=False))
        else:
            print(format_article_line(row))
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    from tui.cli.tagfilter import tag_stream

    try:
        settings = open_context(args.home).settings if not args.demo else None
    except ConfigError as exc:
        print(f"sinowire: config error: {exc}", file=sys.stderr)
        return 2
    return tag_stream(sys.stdin, sys.stdout, settings)


def cmd_retag(context: Context, args: argparse.Namespace) -> int:
    from tui.engine.jobs import parallel_tagger

    progress = ProgressLine(sys.stderr)
    count = context.store.retag(tag_batches=parallel_tagger(context.settings),
                                progress=progress.count)
    progress.finish()
    print(f"re-tagged {count} articles")
    return 0


def cmd_extract(context: Context, args: argparse.Namespace) -> int:
    from tui.html.extract import ExtractError, extract_url

    try:
        result = extract_url(args.url, context.settings)
    except ExtractError as exc:
        print(f"sinowire: could not extract {args.url}: {exc}", file=sys.stderr)
        return 1
    if result.title:
        print(f"# {result.title}\n")
    print(result.text)
    return 0


def cmd_config(context: Context, args: argparse.Namespace) -> int:
    from tui.engine.context import write_example_config

    path = context.paths.config_file
    if write_example_config(path):
        print(f"wrote an example config to {path}")
    else:
        print(f"{path} already exists; not touching it")
    return 0


COMMANDS = {
    "paths": cmd_paths,
    "feeds": cmd_feeds,
    "fetch": cmd_fetch,
    "list": cmd_list,
    "retag": cmd_retag,
    "extract": cmd_extract,
    "config": cmd_config,
}
