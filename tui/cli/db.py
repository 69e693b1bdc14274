"""``sinowire db check`` and ``sinowire db recover``: what to do when the cache is damaged.

These open the file themselves (read-only for ``check``), never through the Store, so a
damaged cache is looked at as it is: nothing is moved aside or rebuilt by looking.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tui.store.database import marker_for
from tui.store.recovery import RecoveryError, check, recover


def add_parser(commands: Any) -> None:
    """Register ``db check`` and ``db recover`` on the main parser's subcommands."""
    db = commands.add_parser("db", help="check the cache, or recover a damaged one")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    actions.add_parser("check", help="check the cache file for damage (exit 1 if damaged)")
    rec = actions.add_parser(
        "recover", help="build a new cache from everything readable (keeps the damaged file)")
    rec.add_argument("file", nargs="?", type=Path,
                     help="a damaged file to read from (default: the cache itself)")
    rec.add_argument("--no-sqlite3", action="store_true",
                     help="do not use the sqlite3 command's .recover; copy row by row")


def run(context: Any, args: argparse.Namespace) -> int:
    """The handler for ``sinowire db …``; ``context`` is the CLI's Context or Engine."""
    cache: Path = getattr(context, "db_path", None) or context.paths.database
    if args.db_command == "check":
        return _check(cache)
    return _recover(cache, args.file or cache, use_cli=False if args.no_sqlite3 else None)


def _set_aside(cache: Path) -> list[Path]:
    return sorted(cache.parent.glob(f"{cache.name}.corrupt-*"))


def _check(cache: Path) -> int:
    if not cache.exists():
        print(f"no cache yet at {cache}")
        return 0
    report = check(cache)
    aside = [p for p in _set_aside(cache) if not p.name.endswith(("-wal", "-shm"))]
    if report.ok:
        counts = ", ".join(f"{n} {t}" for t, n in report.counts.items())
        print(f"ok: {cache} ({counts})")
        if report.marker:
            marker_for(cache).unlink(missing_ok=True)
            print(f"it had been marked damaged ({report.marker}); the check found nothing "
                  "wrong, so sinowire writes to it again")
    else:
        print(f"damaged: {cache}")
        for problem in report.problems[:20]:
            print(f"  {problem}")
        if report.marker:
            print(f"  marked damaged at {report.marker}")
        print(f"run `sinowire db recover` to build a new cache from what is readable; "
              f"{cache} is kept")
    for path in aside:
        print(f"set aside earlier: {path} (`sinowire db recover {path}` reads it)")
    return 0 if report.ok else 1


def _recover(cache: Path, source: Path, *, use_cli: bool | None) -> int:
    print(f"recovering from {source}…", file=sys.stderr)
    try:
        report = recover(source, cache, use_cli=use_cli)
    except RecoveryError as exc:
        print(f"sinowire: could not recover: {exc}", file=sys.stderr)
        return 1
    counts = report.counts
    read = starred = 0
    from tui.store.sqlite import sqlite3

    with sqlite3.connect(f"file:{cache}?mode=ro", uri=True) as conn:
        read, starred = conn.execute(
            "SELECT coalesce(sum(read), 0), coalesce(sum(starred), 0) FROM articles"
        ).fetchone()
    print(f"recovered with {report.method}: {counts.get('feeds', 0)} feeds, "
          f"{counts.get('articles', 0)} articles ({read} read, {starred} starred) → {cache}")
    if report.kept is not None:
        print(f"the damaged file is kept at {report.kept}")
    if report.replaced is not None:
        print(f"the cache that was in use is kept at {report.replaced}")
    return 0
