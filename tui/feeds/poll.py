"""Polling: decide which feeds are due, fetch them in parallel, parse and store serially.

One function serves ``sinowire fetch`` and the app's background worker. Only the HTTP part
runs in parallel (a few threads, one request per host at a time); parsing happens in the
isolated worker process and writing happens on the calling thread, one transaction per
feed, so SQLite never sees two writers from one poll. Progress is reported per feed and a
``cancel`` event is honoured between feeds.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from tui.config import Settings
from tui.engine.jobs import ArticleTagger, TagConfig, parse_and_tag
from tui.engine.worker import IsolatedRunner, IsolatedTimeout
from tui.feeds.fetch import fetch, make_session
from tui.feeds.parse import ParseError, body_hash
from tui.feeds.schedule import due_feeds, next_due_after_error, next_due_after_success
from tui.models import Feed, FeedOutcome, FetchResult, PollReport
from tui.store import Store

Fetcher = Callable[..., FetchResult]
ProgressCallback = Callable[[FeedOutcome], None]


def poll(
    store: Store,
    settings: Settings,
    *,
    tagger: ArticleTagger | None = None,
    feeds: list[Feed] | None = None,
    force: bool = False,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    fetcher: Fetcher = fetch,
    runner: IsolatedRunner | None = None,
    clock: Callable[[], float] = time.time,
) -> PollReport:
    """Poll due feeds (or ``feeds``; all with ``force``) and store what changed.

    Articles are tagged in the parse worker process unless a ``tagger`` is given (tests
    use that to tag in-process with a predictable tagger).
    """
    if feeds is not None:
        # Re-read them: a caller's Feed objects may predate an earlier poll, and a stale
        # error_count, ETag or body hash would reset the backoff or resend old validators.
        todo = [fresh for fresh in (store.feed(f.id) for f in feeds) if fresh is not None]
    else:
        todo = due_feeds(store.feeds(), int(clock()), force=force)
    if not todo:
        return PollReport()
    cancel = cancel or threading.Event()
    stop_fetching = threading.Event()
    fetched: queue.Queue[tuple[Feed, FetchResult]] = queue.Queue()
    own_runner = runner is None
    runner = runner or IsolatedRunner()
    outcomes: list[FeedOutcome] = []

    def fetch_host(group: list[Feed]) -> None:
        session = make_session(settings)
        try:
            for feed in group:
                if stop_fetching.is_set() or cancel.is_set():
                    return
                try:
                    result = fetcher(feed.url, settings=settings, etag=feed.etag,
                                     last_modified=feed.last_modified, session=session)
                except Exception as exc:  # a fetcher bug must not kill the poll
                    result = FetchResult(status="error", url=feed.url, error=f"fetch failed: {exc}")
                fetched.put((feed, result))
        finally:
            session.close()

    by_host: dict[str, list[Feed]] = defaultdict(list)
    for feed in todo:
        by_host[(urlsplit(feed.url).hostname or "").lower()].append(feed)
    pool = ThreadPoolExecutor(max_workers=settings.concurrency, thread_name_prefix="fetch")
    try:
        for group in by_host.values():
            pool.submit(fetch_host, group)
        for index in range(1, len(todo) + 1):
            if cancel.is_set():
                break
            feed, result = _next_result(fetched, cancel)
            if feed is None:
                break
            outcome = _store_result(store, settings, feed, result, tagger=tagger,
                                    runner=runner, force=force, now=int(clock()),
                                    index=index, total=len(todo))
            outcomes.append(outcome)
            if on_progress:
                on_progress(outcome)
    finally:
        stop_fetching.set()
        pool.shutdown(wait=True, cancel_futures=True)
        if own_runner:
            runner.close()
    return PollReport(outcomes=tuple(outcomes), cancelled=cancel.is_set())


def _next_result(
    fetched: queue.Queue[tuple[Feed, FetchResult]], cancel: threading.Event
) -> tuple[Feed, FetchResult] | tuple[None, None]:
    while True:
        try:
            return fetched.get(timeout=0.2)
        except queue.Empty:
            if cancel.is_set():
                return None, None


def _store_result(
    store: Store, settings: Settings, feed: Feed, result: FetchResult, *,
    tagger: ArticleTagger | None, runner: IsolatedRunner, force: bool, now: int, index: int,
    total: int,
) -> FeedOutcome:
    interval = settings.interval_for(feed.url)
    started = time.monotonic()

    def done(status: str, *, new: int = 0, updated: int = 0,
             error: str | None = None) -> FeedOutcome:
        return FeedOutcome(feed_id=feed.id, url=feed.url, index=index, total=total,
                           status=status, new=new, updated=updated, error=error,
                           elapsed=result.elapsed + time.monotonic() - started)

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
        if result.status == "not_modified":
            store.record_fetch(feed.id, now=now,
                               next_due=next_due_after_success(now, interval, result.retry_after),
                               etag=result.etag, last_modified=result.last_modified)
            return done("not_modified")
        digest = body_hash(result.body)
        next_due = next_due_after_success(now, interval, result.retry_after)
        if digest == feed.body_hash and not force:
            store.record_fetch(feed.id, now=now, next_due=next_due, etag=result.etag,
                               last_modified=result.last_modified)
            return done("not_modified")
        try:
            parsed, tags = runner.run(parse_and_tag, result.body, result.headers,
                                      result.final_url or feed.url,
                                      TagConfig.from_settings(settings) if tagger is None
                                      else None,
                                      timeout=settings.parse_timeout)
        except ParseError as exc:
            return failed(str(exc))
        except IsolatedTimeout:
            return failed(f"parsing took longer than {settings.parse_timeout:g} s; skipped")
        except Exception as exc:  # a parser crash on one feed must not end the whole poll
            return failed(f"could not parse the feed ({type(exc).__name__})")
        if tagger is None:
            by_article = {id(a): t for a, t in zip(parsed.articles, tags, strict=True)}
            tagger = lambda article: by_article[id(article)]  # noqa: E731
        new, updated = store.save_articles(
            feed.id, parsed.articles, tagger=tagger, now=now, next_due=next_due,
            feed_title=parsed.title if not feed.title else "", site_url=parsed.site_url,
            lang=parsed.lang or feed.lang, etag=result.etag,
            last_modified=result.last_modified, body_hash=digest,
        )
        return done("ok", new=new, updated=updated)
    except sqlite3.Error as exc:
        # Nothing was recorded, so the feed stays due and the next poll tries again.
        return done("error", error=f"{database_reason(exc)}; will retry next poll")


def database_reason(exc: sqlite3.Error) -> str:
    """A failed database write in words (busy past the timeout, disk full, read-only)."""
    message = str(exc).lower()
    if "locked" in message or "busy" in message:
        return "database busy (another sinowire is writing)"
    if "disk is full" in message or "disk i/o" in message:
        return f"could not save: {exc}"
    if "readonly" in message or "read-only" in message:
        return "could not save: the database is read-only"
    return f"database: {exc}"
