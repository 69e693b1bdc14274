"""``sinowire feeds check``: a health report per subscribed feed, for cleaning a list.

Each feed is fetched the way an update fetches it (the engine's fetcher, the feed's own
headers, the same size caps and deadline) and parsed in the engine's worker, but nothing
is stored. A feed that answered with validators is asked again with them to see whether
the server honours conditional GET (a 304), which matters for big feeds polled often.
"""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

import requests

from tui.engine import Engine
from tui.feeds.fetch import make_session
from tui.feeds.parse import ParseError, parse_feed
from tui.models import Feed, FetchResult
from tui.settings.defaults import retired_for


@dataclass(frozen=True)
class FeedCheck:
    id: int
    url: str
    title: str
    status: str  # ok, stale, empty, error
    http_status: int | None
    error: str | None
    items: int
    newest_item_days: float | None
    bytes: int
    conditional_get: str  # yes, ignored, no (no validators sent), unknown
    seconds: float
    retired: str | None = None  # why the default was dropped, when it was


def check_feed(engine: Engine, feed: Feed, *, now: float) -> FeedCheck:
    """Fetch and parse one feed; never raises for the feed's trouble."""
    settings = engine.settings
    session = make_session(settings)
    retired = retired_for(feed.url)
    started = time.monotonic()
    error: str | None = None
    items, newest, conditional = 0, None, "unknown"
    try:
        try:
            result = engine.fetcher(feed.url, settings=settings, session=session,
                                    headers=settings.headers_for(feed.url))
        except Exception as exc:  # as in an update: a fetcher bug is this feed's error
            result = FetchResult(status="error", url=feed.url, error=f"fetch failed: {exc}")
        if result.status != "ok":
            error = result.error or result.status
        else:
            error, items, newest = _parse(engine, feed, result)
            conditional = _conditional(engine, feed, result.etag, result.last_modified, session)
    finally:
        session.close()
    age = None if newest is None else round(max(0.0, now - newest) / 86400, 1)
    if error:
        status = "error"
    elif items == 0:
        status = "empty"
    elif age is not None and age > settings.stale_days:
        status = "stale"
    else:
        status = "ok"
    return FeedCheck(id=feed.id, url=feed.url, title=feed.display_title, status=status,
                     http_status=result.http_status, error=error, items=items,
                     newest_item_days=age, bytes=len(result.body), conditional_get=conditional,
                     seconds=round(time.monotonic() - started, 3),
                     retired=retired.reason if retired else None)


def _parse(engine: Engine, feed: Feed, result: FetchResult) -> tuple[str | None, int, int | None]:
    """(error, item count, newest item time) from parsing in the engine's worker."""
    try:
        parsed = engine.worker.run(parse_feed, result.body, result.headers,
                                   result.final_url or feed.url,
                                   timeout=engine.settings.parse_timeout)
    except ParseError as exc:
        return str(exc), 0, None
    except Exception as exc:  # a worker timeout or crash is this feed's problem only
        return f"could not parse the feed ({type(exc).__name__})", 0, None
    stamps = [stamp for a in parsed.articles if (stamp := a.published or a.updated)]
    return None, len(parsed.articles), max(stamps) if stamps else None


def _conditional(engine: Engine, feed: Feed, etag: str | None, last_modified: str | None,
                 session: requests.Session) -> str:
    if not etag and not last_modified:
        return "no"
    again = engine.fetcher(feed.url, settings=engine.settings, etag=etag,
                           last_modified=last_modified, session=session,
                           headers=engine.settings.headers_for(feed.url))
    if again.status == "not_modified":
        return "yes"
    return "ignored" if again.status == "ok" else "unknown"


def check_feeds(engine: Engine, feeds: list[Feed]) -> list[FeedCheck]:
    now = engine.clock()
    workers = max(1, min(engine.settings.concurrency, len(feeds)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="check") as pool:
        return list(pool.map(lambda feed: check_feed(engine, feed, now=now), feeds))


def format_check(check: FeedCheck) -> str:
    age = "--" if check.newest_item_days is None else f"{check.newest_item_days:g} d"
    size = f"{check.bytes / 1024:.0f} KiB" if check.bytes else "--"
    code = check.http_status if check.http_status is not None else "--"
    line = (f"[{check.id:>3}] {check.status:6} HTTP {code}  {check.items:>4} items  "
            f"newest {age:>8}  {size:>9}  cond-GET {check.conditional_get:8} {check.url}")
    if check.error:
        line += f"\n      {check.error}"
    if check.retired:
        line += f"\n      dropped from the defaults: {check.retired} (feeds update-defaults)"
    return line


def cmd_feeds_check(engine: Engine, json_output: bool, feeds: list[Feed] | None = None) -> int:
    """Print the report; exit 0 (the check ran, whatever the feeds said)."""
    todo = engine.store.feeds() if feeds is None else feeds
    checks = check_feeds(engine, todo)
    for check in checks:
        if json_output:
            print(json.dumps(asdict(check), ensure_ascii=False))
        else:
            print(format_check(check))
    bad = sum(1 for c in checks if c.status != "ok")
    if not json_output:
        print(f"{len(checks)} feeds checked · {len(checks) - bad} ok · {bad} need a look",
              file=sys.stderr)
    return 0
