"""``sinowire cluster | stories | regroup | brief``: stories on the command line.

``cluster`` is a JSON Lines filter like ``tag`` (no database); the others read the cache,
first grouping any article not in a story yet (so they work before and after the engine runs
the grouping stage at ingest). Output is plain text, JSON Lines, Markdown or one HTML page;
nothing needs a terminal, so cron can run them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tui.models import TOPICS

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "": 3600}


def duration(text: str) -> int:
    """'24h', '90m', '7d', '2w', '36' (hours) → seconds."""
    match = DURATION.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (try 24h, 7d, 90m)")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def add_parsers(commands: Any) -> None:
    """Register the story subcommands on the main parser's subparsers."""
    cluster = commands.add_parser(
        "cluster", help="group JSON Lines from stdin into stories (id, title, summary, "
        "content, published, lang, url) → {id, story}")
    cluster.add_argument("--window", type=float, default=None, metavar="HOURS",
                         help="reports at most this far apart can be one story (default 72)")
    cluster.add_argument("--explain", action="store_true", help="add why each report joined")

    stories = commands.add_parser("stories", help="list stories with their reports")
    _filters(stories, default_since="24h")
    stories.add_argument("--limit", type=int, default=100, help="at most N stories")
    stories.add_argument("--json", action="store_true", help="JSON Lines, one per story")

    regroup = commands.add_parser("regroup", help="rebuild every story (after a rule change)")
    regroup.add_argument("--window", type=float, default=None, metavar="HOURS",
                         help="reports at most this far apart can be one story")
    regroup.add_argument("--keep-signals", action="store_true",
                         help="reuse every stored signal, even stale ones (after a change "
                         "to the scoring rule only); by default only current ones are reused")
    regroup.add_argument("--recompute", action="store_true",
                         help="compute every article's signals from its text again")

    brief = commands.add_parser("brief", help="the period's stories as a Markdown or HTML brief")
    _filters(brief, default_since="24h")
    brief.add_argument("--format", choices=("md", "html"), default="md",
                       help="Markdown (default) or one self-contained HTML page")
    brief.add_argument("--output", type=Path, metavar="FILE", help="write here, not stdout")
    brief.add_argument("--lang", choices=("en", "zh"), default="en",
                       help="headline language when a story has both")


def _filters(parser: argparse.ArgumentParser, *, default_since: str) -> None:
    parser.add_argument("--since", type=duration, default=duration(default_since),
                        metavar="DURATION", help=f"how far back (default {default_since})")
    parser.add_argument("--china", action="store_true", help="China-related stories only")
    parser.add_argument("--topic", action="append", choices=TOPICS, default=[],
                        help="repeatable; any of")


def ensure_grouped(engine: Any) -> None:
    """Group whatever the cache holds that is not in a story yet (cheap when nothing is):
    a cache filled by an older sinowire, or the demo's."""
    engine.group()


# ---- cluster ------------------------------------------------------------------------

def period_end(engine: Any) -> int:
    """Now, or for ``--demo`` the moment its bundled stories were written as of: the demo's
    data is a fixed snapshot, and a period ending today would hold none of it."""
    if getattr(engine, "demo", False):
        from tui.demo import DEMO_AS_OF
        return int(DEMO_AS_OF.timestamp())
    return int(time.time())


def _stamp(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("published must be an ISO date or epoch seconds")
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"published is not an ISO date: {value[:40]!r}") from exc
        if parsed.tzinfo is None:  # a date without a zone is read as UTC, as feeds mean
            parsed = parsed.replace(tzinfo=UTC)
        return int(parsed.timestamp())
    raise ValueError("published must be an ISO date or epoch seconds")


def cluster_stream(source: IO[str], sink: IO[str], settings: Any = None, *,
                   window: float | None = None, explain: bool = False) -> int:
    """Read every record, group them (oldest first), print {id, story} in input order."""
    from tui.config import Settings
    from tui.engine.records import _plain
    from tui.stories import Grouper, MemoryIndex, signals_from_parts
    from tui.stories.grouper import DEFAULT_WINDOW_HOURS
    from tui.tagging import Tagger
    from tui.text import clean_line

    tagger = Tagger.from_settings(settings or Settings())
    outputs: list[dict[str, Any]] = []
    pending: list[tuple[int, Any]] = []
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        record: Any = None
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("each line must be a JSON object")
            title = clean_line(_plain(record.get("title"), "title"))
            if not title.strip():
                raise ValueError("title is required")
            summary = _plain(record.get("summary"), "summary")
            content = _plain(record.get("content"), "content")
            lang = record.get("lang") if record.get("lang") in ("en", "zh") else None
            tags = tagger.tag(title, summary, content, lang)
            signals = signals_from_parts(
                len(outputs), title, summary, content, _stamp(record.get("published")), lang,
                [(e.name, e.type) for e in tags.entities], tagger.canonical)
            outputs.append({"id": record.get("id"), "story": None})
            pending.append((len(outputs) - 1, signals))
        except (ValueError, TypeError) as exc:
            ident = record.get("id") if isinstance(record, dict) else None
            outputs.append({"id": ident, "error": f"line {number}: {clean_line(str(exc), 200)}"})
    index = MemoryIndex()
    grouper = Grouper(index, window or DEFAULT_WINDOW_HOURS)
    pending.sort(key=lambda item: (item[1].published is None, item[1].published or 0, item[0]))
    for position, signals in pending:
        decision = grouper.add(signals)
        if explain and decision.evidence is not None:
            outputs[position]["why"] = decision.evidence.line()
    for position, signals in pending:
        outputs[position]["story"] = index.story_of[signals.ref]
    for out in outputs:
        sink.write(json.dumps(out, ensure_ascii=False) + "\n")
    sink.flush()
    return 0


def cmd_cluster(engine: Any, args: argparse.Namespace) -> int:
    return cluster_stream(sys.stdin, sys.stdout, engine.settings, window=args.window,
                          explain=args.explain)


# ---- stories, regroup, brief --------------------------------------------------------

def story_json(row: Any) -> dict[str, Any]:
    from tui.cli.output import iso

    return {
        "story": row.id, "title": row.title, "lang": row.lang, "langs": list(row.langs),
        "size": row.size, "first_seen": iso(row.first_seen),
        "last_published": iso(row.last_published), "china": row.china,
        "topics": list(row.topics),
        "reports": [{"id": r.article_id, "title": r.title, "outlet": r.outlet, "lang": r.lang,
                     "published": iso(r.published), "url": r.url, "china": r.china,
                     "read": r.read, "evidence": r.evidence} for r in row.reports],
    }


def cmd_stories(context: Any, args: argparse.Namespace) -> int:
    from tui.cli.output import fit
    from tui.text import clean_line

    ensure_grouped(context)
    since = period_end(context) - args.since
    rows = context.store.stories_since(since, china=args.china, topics=args.topic,
                                       limit=max(1, args.limit))
    for row in rows:
        if args.json:
            print(json.dumps(story_json(row), ensure_ascii=False))
            continue
        when = datetime.fromtimestamp(row.last_published, UTC).strftime("%m-%d %H:%M")
        more = f"+{row.size - 1}" if row.size > 1 else "  "
        china = "[CN]" if row.china else "    "
        print(f"{row.id:>6} {when} {more:>4} {'/'.join(row.langs):5} {china} "
              f"{clean_line(row.title, 200)}")
        for report in row.reports:
            stamp = datetime.fromtimestamp(report.published, UTC).strftime("%m-%d %H:%M")
            print(f"         {stamp} {report.lang or '--':2} "
                  f"{fit(clean_line(report.outlet, 40), 16)} {clean_line(report.title, 160)}")
    return 0


def cmd_regroup(context: Any, args: argparse.Namespace) -> int:
    from tui.cli.output import ProgressLine
    progress = ProgressLine(sys.stderr)
    total_seen: list[int] = []

    def report(done: int, total: int) -> None:
        total_seen.append(total)
        if progress.tty:
            progress.count(done, total)
        else:
            print(f"regrouped {done}/{total}", file=sys.stderr, flush=True)

    result = context.regroup(report, signals=not args.keep_signals, window_hours=args.window,
                             recompute=args.recompute)
    progress.finish()
    print(f"regrouped {result.grouped} articles into {result.new_stories - result.merged} "
          f"stories in {result.seconds:.1f} s")
    return 0


def cmd_brief(context: Any, args: argparse.Namespace) -> int:
    from tui.stories.brief import build_brief, to_markdown
    from tui.stories.brief_html import to_html

    ensure_grouped(context)
    now = period_end(context)
    brief = build_brief(context.store, now - args.since, now, china=args.china,
                        topics=tuple(args.topic), lang=args.lang)
    text = to_html(brief) if args.format == "html" else to_markdown(brief)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote a brief of {brief.counts.get('stories', 0)} stories to {args.output}",
          file=sys.stderr)
    return 0


COMMANDS = {"stories": cmd_stories, "regroup": cmd_regroup, "brief": cmd_brief,
            "cluster": cmd_cluster}
