"""The ``sinowire`` command: argument parsing and one function per subcommand.

Exit codes: 0 when the command ran (a fetch with failing feeds still ran), 1 when it could
not do what was asked (unknown feed, extraction failed), 2 for usage, config or database
errors that need the user to act.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from tui import __version__
from tui.cli import db as db_commands
from tui.cli import stories as story_cli
from tui.cli.feeds import NoSuchFeed, cmd_feeds, find_feed
from tui.cli.output import (
    LIST_HEADER,
    LIST_LEGEND,
    ProgressLine,
    article_detail_json,
    article_json,
    format_article,
    format_article_line,
    outcome_json,
    summary_line,
)
from tui.cli.watches import NoSuchWatch, cmd_watches, watch_rows
from tui.cli.watches import register as register_watches
from tui.config import ConfigError
from tui.engine import Engine, open_engine
from tui.models import CHINA_DEFAULT, REGIONS, TOPICS, FeedOutcome, Filter
from tui.store import StoreError
from tui.store.errors import database_reason
from tui.store.sqlite import sqlite3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sinowire",
        description="A terminal news reader for crypto news, built to follow China.",
        epilog="With no COMMAND, sinowire opens the app (the terminal reader).",
    )
    parser.add_argument("--version", action="version", version=f"sinowire {__version__}")
    parser.add_argument("--home", metavar="DIR", help="keep config, data and cache in DIR")
    parser.add_argument("--demo", action="store_true",
                        help="use the bundled demo feeds in a throwaway home (no network)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    paths = commands.add_parser("paths", help="show where sinowire keeps its files")
    paths.add_argument("--json", action="store_true", help="one JSON object")

    feeds = commands.add_parser("feeds", help="list, add, remove, import or export feeds")
    feed_commands = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    feeds_list = feed_commands.add_parser("list", help="list subscriptions and their state")
    feeds_list.add_argument("--json", action="store_true", help="JSON Lines output")
    add = feed_commands.add_parser("add", help="subscribe to a feed URL")
    add.add_argument("url", help="the feed's http(s) URL (RSS or Atom)")
    add.add_argument("--title", default="", help="name to show instead of the feed's own")
    add.add_argument("--lang", default=None, help="language code, e.g. en or zh")
    remove = feed_commands.add_parser("remove", help="unsubscribe (by URL or id)")
    remove.add_argument("feed", metavar="URL|ID", help="the feed's URL or its id (feeds list)")
    move = feed_commands.add_parser(
        "move", help="change a feed's URL, keeping its articles and read/starred state")
    move.add_argument("feed", metavar="URL|ID", help="the feed's URL or its id (feeds list)")
    move.add_argument("new_url", metavar="NEW_URL", help="where the feed lives now")
    imp = feed_commands.add_parser("import", help="subscribe to the feeds in an OPML file")
    imp.add_argument("file", type=Path, help="an OPML file")
    exp = feed_commands.add_parser("export", help="write subscriptions as OPML 2.0")
    exp.add_argument("file", nargs="?", type=Path, help="output file (default: stdout)")
    check = feed_commands.add_parser(
        "check", help="fetch every feed once and report its health (nothing is stored)")
    check.add_argument("--feed", metavar="URL|ID", help="check only this feed")
    check.add_argument("--json", action="store_true", help="JSON Lines output")
    feed_commands.add_parser(
        "update-defaults", help="apply the changes to the default feeds (moves, removals)")

    fetch = commands.add_parser("fetch", help="poll due feeds now")
    fetch.add_argument("--force", action="store_true", help="poll every feed, ignoring schedule")
    fetch.add_argument("--feed", metavar="URL", help="poll only this feed")
    fetch.add_argument("--json", action="store_true", help="JSON Lines: one per feed + summary")

    lst = commands.add_parser("list", help="list cached articles, newest first")
    lst.add_argument("--feed", metavar="URL|ID", help="only this feed's stories")
    lst.add_argument("--search", metavar="Q", default="",
                     help="full-text search of titles and text (EN and 中文); newest first")
    lst.add_argument("--relevance", action="store_true",
                     help="with --search: best matches first instead of newest first")
    lst.add_argument("--unread", action="store_true", help="only unread stories")
    lst.add_argument("--starred", action="store_true", help="only starred stories")
    lst.add_argument("--china", action="store_true", help="China-related only ("
                     + "+".join(sorted(CHINA_DEFAULT)) + " unless [china] regions says otherwise)")
    lst.add_argument("--region", action="append", type=str.upper, choices=REGIONS, default=[],
                     help="repeatable, any of: %(choices)s (any case)")
    lst.add_argument("--topic", action="append", type=str.lower, choices=TOPICS, default=[],
                     metavar="TOPIC",
                     help="repeatable, any of: %(choices)s (any case)")
    lst.add_argument("--entity", metavar="NAME", help="only stories mentioning this entity")
    lst.add_argument("--watch", metavar="NAME", help="only stories matching this watch")
    lst.add_argument("--limit", type=int, default=50, metavar="N",
                     help="at most N stories (default %(default)s)")
    lst.add_argument("--json", action="store_true", help="JSON Lines output, one per story")

    article = commands.add_parser("article", help="print one stored story")
    article.add_argument("id", type=int, metavar="ID", help="the story's id (see list)")
    article.add_argument("--full-text", action="store_true",
                         help="fetch and extract the story's page first (re-tags from it)")
    article.add_argument("--json", action="store_true", help="one JSON object")

    commands.add_parser("tag", help="tag JSON Lines from stdin (id, title, summary, content)")
    commands.add_parser("retag", help="re-tag the whole cache (after gazetteer/config changes)")
    extract = commands.add_parser("extract", help="print an article page's text as Markdown")
    extract.add_argument("url", help="the page's http(s) URL")
    commands.add_parser("config", help="write an example config.toml if there is none")
    register_watches(commands)
    story_cli.add_parsers(commands)
    db_commands.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        engine = open_engine(args.home, demo=args.demo)
    except ConfigError as exc:
        print(f"sinowire: config error: {exc}", file=sys.stderr)
        return 2
    try:
        handler = COMMANDS.get(args.command, cmd_app)
        if args.command not in _NO_STORE:
            _announce_damage(engine, fetching=args.command == "fetch")
        return handler(engine, args)
    except BrokenPipeError:  # before OSError, which it is
        return _broken_pipe()
    except NoSuchFeed as exc:
        print(f"sinowire: no such feed: {exc}", file=sys.stderr)
        return 1
    except NoSuchWatch as exc:
        print(f"sinowire: no such watch: {exc}", file=sys.stderr)
        return 1
    except ConfigError as exc:  # config.toml read by a command (watches)
        print(f"sinowire: config error: {exc}", file=sys.stderr)
        return 2
    except (StoreError, OSError) as exc:
        print(f"sinowire: {exc}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:  # busy past the timeout, disk full, read-only…
        print(f"sinowire: {database_reason(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sinowire: interrupted", file=sys.stderr)
        return 130
    finally:
        engine.close()


_NO_STORE = frozenset({"paths", "config", "db", "tag", "cluster"})


def _announce_damage(engine: Engine, *, fetching: bool) -> None:
    """A damaged, set-aside or restored cache is said on stderr, every time it is so."""
    store = engine.store
    if fetching:
        store.refuse_if_damaged()  # no network round for a cache that cannot be written
    if store.notice:
        print(f"sinowire: {store.notice}", file=sys.stderr)


def _broken_pipe() -> int:
    """The reader of our output went away (``| head``): stop quietly, as Unix tools do.

    stdout is pointed at /dev/null so the interpreter's final flush cannot fail again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (in-process tests)
        pass
    return 141  # 128 + SIGPIPE, what a shell reports for a tool killed by the pipe


def cmd_app(engine: Engine, args: argparse.Namespace) -> int:
    from tui.engine.factory import defaults_notice, mark_defaults_told
    from tui.ui import run_app

    notice = engine.store.notice
    changed = None if engine.demo else defaults_notice(engine.store)
    if changed is not None:
        notice = f"{notice} · {changed}" if notice else changed
        mark_defaults_told(engine.store)
    if not engine.demo and engine.store.count_articles() == 0 and engine.store.feeds():
        demo_engine, notice = _first_run(engine, args.home)
        if demo_engine is not None:
            engine.close()
            engine = demo_engine
    try:
        return run_app(engine, notice=notice)
    finally:
        engine.close()


def _first_run(engine: Engine, home: str | None) -> tuple[Engine | None, str | None]:
    """Empty cache: fetch once before the UI; offline, fall back to the demo data."""
    print("sinowire: first run, fetching feeds… (Ctrl-C to skip)", file=sys.stderr)
    quick = engine.with_settings(connect_timeout=4.0, deadline=15.0)
    progress = ProgressLine(sys.stderr)
    try:
        report = quick.update(force=True, on_progress=progress.update)
    except KeyboardInterrupt:
        report = None
    finally:
        quick.close()
    progress.finish()
    if engine.store.count_articles() > 0:
        return None, None
    reason = "no feed could be reached" if report and report.errors else "no articles yet"
    demo = open_engine(home, demo=True)  # the user's [keys] (from this home) still apply
    return demo, f"{reason}: showing the bundled DEMO data. Your cache: {engine.db_path}"


def cmd_paths(engine: Engine, args: argparse.Namespace) -> int:
    assert engine.paths is not None
    if args.json:
        print(json.dumps(engine.paths.as_dict()))
    else:
        for name, value in engine.paths.as_dict().items():
            print(f"{name:9} {value}")
    return 0


def cmd_fetch(engine: Engine, args: argparse.Namespace) -> int:
    feeds = [find_feed(engine.store, args.feed)] if args.feed else None
    started = time.monotonic()
    progress = ProgressLine(sys.stderr, enabled=not args.json)

    def report(outcome: FeedOutcome) -> None:
        if args.json:
            print(json.dumps(outcome_json(outcome), ensure_ascii=False), flush=True)
        else:
            progress.update(outcome)

    # A headless fetch has the machine to itself: a cold cache parses on two cores.
    engine.parse_workers = max(1, min(2, os.cpu_count() or 1))
    result = engine.update(feeds, force=args.force or bool(args.feed), on_progress=report)
    progress.finish()
    elapsed = time.monotonic() - started
    if args.json:
        print(json.dumps({"summary": True, "feeds": len(result.outcomes), "new": result.new,
                          "errors": result.errors, "removed": result.removed,
                          "alerts": len(result.alerts.alerts) if result.alerts else 0,
                          "seconds": round(elapsed, 3)}))
    else:
        print(summary_line(result, elapsed))
        if result.alerts:
            print(result.alerts.summary())
    for failure in result.alerts.failures if result.alerts else ():
        print(f"sinowire: {failure}", file=sys.stderr)
    _tell_defaults_changed(engine, json_output=args.json)
    return 0


def _tell_defaults_changed(engine: Engine, *, json_output: bool) -> None:
    """Once per retired default: say it was dropped or replaced (nothing is changed)."""
    from tui.engine.factory import defaults_notice, mark_defaults_told

    if engine.demo:
        return
    notice = defaults_notice(engine.store)
    if notice is None:
        return
    if json_output:
        print(json.dumps({"notice": notice}, ensure_ascii=False))
    else:
        print(notice)
    mark_defaults_told(engine.store)


def cmd_list(engine: Engine, args: argparse.Namespace) -> int:
    store = engine.store
    feed_id = None
    if args.feed:
        feed_id = find_feed(store, args.feed).id
    flt = Filter(feed_id=feed_id, china=args.china, regions=frozenset(args.region),
                 topics=frozenset(args.topic), entity=args.entity, search=args.search,
                 unread=args.unread, starred=args.starred)
    if args.json:
        story_cli.ensure_grouped(engine)
    if args.watch:
        rows = watch_rows(engine, args.watch, flt, max(1, args.limit))
    else:
        rows = store.list_articles(flt, limit=max(1, args.limit), relevance=args.relevance)
    stories = store.story_of([row.id for row in rows]) if args.json else {}
    if rows and not args.json:
        print(LIST_HEADER)
    for row in rows:
        if args.json:
            entities = store.article_entities(row.id)
            why = store.topic_evidence(row.id)
            print(json.dumps(article_json(row, entities, why, stories.get(row.id)),
                             ensure_ascii=False))
        else:
            print(format_article_line(row))
    if rows and not args.json:
        print(LIST_LEGEND)
    return 0


def cmd_article(engine: Engine, args: argparse.Namespace) -> int:
    if engine.store.article_row(args.id) is None:
        print(f"sinowire: no story with id {args.id}", file=sys.stderr)
        return 1
    detail = engine.full_text(args.id) if args.full_text else engine.store.article(args.id)
    assert detail is not None
    if args.json:
        print(json.dumps(article_detail_json(detail), ensure_ascii=False))
    else:
        print(format_article(detail))
    if args.full_text and detail.extract_error:
        print(f"sinowire: full text failed: {detail.extract_error}", file=sys.stderr)
        return 1
    return 0


def cmd_tag(engine: Engine, args: argparse.Namespace) -> int:
    for record in engine.tag_records(sys.stdin):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


def cmd_retag(engine: Engine, args: argparse.Namespace) -> int:
    progress = ProgressLine(sys.stderr)
    count = engine.retag(progress.count)
    progress.finish()
    print(f"re-tagged {count} articles")
    return 0


def cmd_extract(engine: Engine, args: argparse.Namespace) -> int:
    from tui.html.extract import ExtractError, extract_url

    try:
        result = extract_url(args.url, engine.settings, runner=engine.worker)
    except ExtractError as exc:
        print(f"sinowire: could not extract {args.url}: {exc}", file=sys.stderr)
        return 1
    if result.title:
        print(f"# {result.title}\n")
    print(result.text)
    return 0


def cmd_config(engine: Engine, args: argparse.Namespace) -> int:
    from tui.engine.factory import write_example_config

    assert engine.paths is not None
    path = engine.paths.config_file
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
    "article": cmd_article,
    "tag": cmd_tag,
    "retag": cmd_retag,
    "extract": cmd_extract,
    "config": cmd_config,
    "watches": cmd_watches,
    **story_cli.COMMANDS,
    "db": db_commands.run,
}
