"""One update of the cache: due feeds → fetch → parse and tag (worker) → decide → write.

HTTP runs in a few threads (one request per host at a time); parsing and tagging happen in
the engine's worker process, fed by one thread, while the calling thread writes the feed
before, one transaction per feed, so SQLite never sees two writers from one update. Progress is
reported per feed and a ``cancel`` event is honoured between feeds. The engine adds the
stages that follow (retention) and is the only caller.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from tui.config import Settings
from tui.engine.decide import Decision, decide
from tui.engine.jobs import parse_tag_and_sign
from tui.engine.worker import IsolatedMemoryError, IsolatedRunner, IsolatedTimeout
from tui.feeds.fetch import fetch, make_session
from tui.feeds.parse import ParseError, body_hash
from tui.feeds.schedule import due_feeds, next_due_after_error, next_due_after_success
from tui.models import Feed, FeedOutcome, FetchResult, ParsedFeed, Tags
from tui.store import Store
from tui.store.errors import database_reason, is_busy
from tui.store.sqlite import sqlite3

if TYPE_CHECKING:
    from tui.stories.signals import Signals

Fetcher = Callable[..., FetchResult]
ProgressCallback = Callable[[FeedOutcome], None]


def feeds_to_update(store: Store, feeds: list[Feed] | None, *, force: bool,
                    now: int) -> list[Feed]:
    """The named feeds (re-read: a caller's copies may predate an earlier poll, and a stale
    error count or ETag would reset the backoff or resend old validators), else the due ones."""
    if feeds is not None:
        return [fresh for fresh in (store.feed(f.id) for f in feeds) if fresh is not None]
    return due_feeds(store.feeds(), now, force=force)


HELPERS_AT = 20
"""Never-parsed feeds in one update from which helper workers parse too: below it their
start (0.6-1.2 s of CPU each: imports and the tagger) costs more than it saves (measured
at 10 cold feeds x 20 on a busy 2-core machine: one worker 4.1 s CPU, two 5.3 s)."""

WRITE_ATTEMPTS = 3
"""Tries at storing a feed when another writer holds the lock (each waits the busy timeout):
three writers on one cache (cron fetches and the app) gave no lock free for 10 s now and then
on a loaded machine, and a deferred transaction can be refused at once; nothing was written,
so trying again is safe and the feed is not reported as failed for another's write."""

PARSED_AHEAD = 3
"""Feeds parsed and tagged but not yet stored: enough to keep the worker busy while the
store writes, few enough that a big poll does not hold many feeds' articles in memory."""


@dataclass
class _Parsed:
    """One fetched feed, parsed and tagged in the worker (or why not)."""

    feed: Feed
    result: FetchResult
    digest: str | None = None
    parsed: ParsedFeed | None = None
    tags: tuple[Tags, ...] = ()
    signals: tuple[Signals, ...] = ()  # grouping signals, computed in the worker too
    error: str | None = None
    seconds: float = 0.0


def fetch_and_store(
    store: Store,
    settings: Settings,
    todo: list[Feed],
    *,
    runner: IsolatedRunner,
    helpers: Sequence[IsolatedRunner] = (),
    force: bool = False,
    on_progress: ProgressCallback | None = None,
    on_stored: ProgressCallback | None = None,
    cancel: threading.Event,
    fetcher: Fetcher = fetch,
    clock: Callable[[], float] = time.time,
) -> list[FeedOutcome]:
    """Fetch ``todo`` in parallel and store each feed as its body arrives.

    Three stages run at once: HTTP in a few threads, parse + tag in the worker process
    (driven by one thread), and writes on the calling thread, so the store writes one feed
    while the worker parses the next. ``on_stored`` runs on the calling thread after each
    feed with new or changed articles (the engine groups them there, still overlapping
    the worker).

    ``helpers`` are more workers that parse in parallel with ``runner`` when several
    never-parsed feeds are fetched (a cold cache; ``sinowire fetch`` on a multi-core
    machine). Each has its own time and memory limits; none is started unless needed.
    """
    cold = sum(1 for feed in todo if feed.body_hash is None)
    runners = [runner, *helpers] if cold >= HELPERS_AT else [runner]
    if cold:
        # The worker's start (imports, the tagger) overlaps the first requests.
        for one in runners:
            one.start()
    claimed = itertools.count()
    stop = threading.Event()
    fetched: queue.Queue[tuple[Feed, FetchResult]] = queue.Queue()
    ready: queue.Queue[_Parsed] = queue.Queue(maxsize=PARSED_AHEAD)
    outcomes: list[FeedOutcome] = []

    def halted() -> bool:
        return stop.is_set() or cancel.is_set()

    def fetch_host(group: list[Feed]) -> None:
        session = make_session(settings)
        try:
            for feed in group:
                if halted():
                    return
                try:
                    result = fetcher(feed.url, settings=settings, etag=feed.etag,
                                     last_modified=feed.last_modified, session=session,
                                     headers=settings.headers_for(feed.url))
                except Exception as exc:  # a fetcher bug must not kill the update
                    result = FetchResult(status="error", url=feed.url, error=f"fetch failed: {exc}")
                fetched.put((feed, result))
        finally:
            session.close()

    def parse_all(worker: IsolatedRunner) -> None:
        while next(claimed) < len(todo):  # one claim per fetched feed, across threads
            got = _next(fetched, halted)
            if got is None:
                return
            item = _parse(worker, settings, *got, force=force)
            while not halted():
                try:
                    ready.put(item, timeout=0.2)
                    break
                except queue.Full:
                    continue

    by_host: dict[str, list[Feed]] = defaultdict(list)
    for feed in todo:
        by_host[(urlsplit(feed.url).hostname or "").lower()].append(feed)
    pool = ThreadPoolExecutor(max_workers=settings.concurrency, thread_name_prefix="fetch")
    parsers = [threading.Thread(target=parse_all, args=(one,), name=f"sinowire-parse-{n}",
                                daemon=True) for n, one in enumerate(runners)]
    try:
        for group in by_host.values():
            pool.submit(fetch_host, group)
        for parser in parsers:
            parser.start()
        for index in range(1, len(todo) + 1):
            if cancel.is_set():
                break
            item = _next(ready, cancel.is_set)
            if item is None:
                break
            outcome = _store_result(store, settings, item, force=force, now=int(clock()),
                                    index=index, total=len(todo))
            outcomes.append(outcome)
            if on_stored and (outcome.new or outcome.updated):
                on_stored(outcome)
            if on_progress:
                on_progress(outcome)
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        for parser in parsers:
            if parser.is_alive():
                parser.join()
    return outcomes


Item = TypeVar("Item")


def _next(source: queue.Queue[Item], halted: Callable[[], bool]) -> Item | None:
    while True:
        try:
            return source.get(timeout=0.2)
        except queue.Empty:
            if halted():
                return None


def _parse(runner: IsolatedRunner, settings: Settings, feed: Feed, result: FetchResult, *,
           force: bool) -> _Parsed:
    """Parse and tag a fetched body in the worker, unless it needs no parse (an error, a
    304, or the same bytes as last time)."""
    item = _Parsed(feed, result)
    if result.status != "ok":
        return item
    item.digest = body_hash(result.body)
    if item.digest == feed.body_hash and not force:
        return item
    started = time.monotonic()
    try:
        item.parsed, item.tags, item.signals = runner.run(
            parse_tag_and_sign, result.body, result.headers, result.final_url or feed.url,
            timeout=settings.parse_timeout)
    except ParseError as exc:
        item.error = str(exc)
    except IsolatedTimeout:
        item.error = f"parsing took longer than {settings.parse_timeout:g} s; skipped"
    except IsolatedMemoryError as exc:
        item.error = f"parsing {exc}; skipped"
    except Exception as exc:  # a parser crash on one feed must not end the whole update
        item.error = f"could not parse the feed ({type(exc).__name__})"
    item.seconds = time.monotonic() - started
    return item


def _store_result(store: Store, settings: Settings, item: _Parsed, *, force: bool, now: int,
                  index: int, total: int) -> FeedOutcome:
    feed, result = item.feed, item.result
    interval = settings.interval_for(feed.url)
    started = time.monotonic()

    def done(status: str, *, new_ids: tuple[int, ...] = (), updated: int = 0,
             error: str | None = None) -> FeedOutcome:
        return FeedOutcome(feed_id=feed.id, url=feed.url, index=index, total=total,
                           status=status, new=len(new_ids), updated=updated, error=error,
                           elapsed=result.elapsed + item.seconds + time.monotonic() - started,
                           new_ids=new_ids)

    def failed(error: str) -> FeedOutcome:
        due = next_due_after_error(now, interval, feed.error_count, result.retry_after)
        try:
            store.record_fetch(feed.id, now=now, next_due=due, error=error)
        except sqlite3.Error as exc:
            error = f"{error} (and could not record it: {exc})"
        return done("error", error=error)

    try:
        if result.status == "error":
            return failed(result.error or "unknown error")
        if item.error is not None:
            return failed(item.error)
        next_due = next_due_after_success(now, interval, result.retry_after)
        parsed = item.parsed
        if parsed is None:  # a 304, or the same bytes as last time
            store.record_fetch(feed.id, now=now, next_due=next_due, etag=result.etag,
                               last_modified=result.last_modified)
            return done("not_modified")
        tagged = list(zip(parsed.articles, item.tags, strict=True))
        for attempt in range(WRITE_ATTEMPTS):
            # What is new is decided again on each attempt: another writer may have stored
            # some of these entries while this one waited.
            decision = decide(store.existing(feed.id), tagged, now=now)
            try:
                new_ids, updated = store.write_feed(
                    feed.id, decision, now=now, next_due=next_due,
                    feed_title=parsed.title if not feed.title else "",
                    site_url=parsed.site_url, lang=parsed.lang or feed.lang, etag=result.etag,
                    last_modified=result.last_modified, body_hash=item.digest,
                )
                break
            except sqlite3.OperationalError as exc:
                if not is_busy(exc) or attempt == WRITE_ATTEMPTS - 1:
                    raise
        _offer_signals(store, item, decision, new_ids, now)
        return done("ok", new_ids=tuple(new_ids), updated=updated)
    except sqlite3.Error as exc:
        # Nothing was recorded, so the feed stays due and the next update tries again.
        return done("error", error=f"{database_reason(exc)}; will retry next poll")


def _offer_signals(store: Store, item: _Parsed, decision: Decision, new_ids: list[int],
                   now: int) -> None:
    """Hand the worker's grouping signals of the inserted articles to the grouping stage."""
    parsed = item.parsed
    if not item.signals or parsed is None:
        return
    from tui.stories.stage import offer_inserted

    # The worker read an article without a language in the feed's declared one; the
    # store reads it in the one the user set for the feed, if that differs.
    relabelled = bool(item.feed.lang and parsed.lang and item.feed.lang != parsed.lang)
    by_article = {id(a): s for a, s in zip(parsed.articles, item.signals, strict=True)
                  if not (relabelled and a.lang is None)}
    offer_inserted(store, [i.article for i in decision.inserts], new_ids,
                   lambda article: by_article.get(id(article)), now)
