"""The Engine: the one way anything updates the cache.

The CLI's handlers, the app's workers, the demo seeder and the tests all come through here;
nothing else wires fetch, parse, tag, store and retention together. Reads (lists, counts,
search, entities) stay on the store, which the engine exposes per thread.

CPU work on untrusted input (parsing, tagging, extraction) runs in one worker process per
engine, started on first use and reused for every job, with a time and a memory limit per
job. Store connections are per thread (SQLite's rule), opened on first use in each thread.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.alerts.notify import NotifySettings
from tui.config import Settings
from tui.engine import jobs
from tui.engine.cores import POOL_AT, on_cores
from tui.engine.grouping import Grouping
from tui.engine.worker import IsolatedRunner
from tui.models import Article, ArticleDetail, Feed, Tags, UpdateReport
from tui.paths import Paths
from tui.store import FeedExistsError, Store, StoreError
from tui.store.errors import database_reason
from tui.store.sqlite import sqlite3

if TYPE_CHECKING:
    from tui.alerts.channels import Channels
    from tui.alerts.stage import AlertReport
    from tui.alerts.watch import Watch
    from tui.engine.update import Fetcher, ProgressCallback
    from tui.stories.stage import GroupReport

RetagProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportReport:
    added: int
    duplicates: int
    skipped: tuple[str, ...]


class Engine:
    """Owns the settings, the database path, the worker process and per-thread stores."""

    def __init__(self, settings: Settings, db_path: Path, *, demo: bool = False,
                 paths: Paths | None = None, fetcher: Fetcher | None = None,
                 clock: Callable[[], float] = time.time,
                 on_first_open: Callable[[Store], object] | None = None,
                 on_close: Callable[[], object] | None = None,
                 worker: IsolatedRunner | None = None,
                 watches: Sequence[Watch] = (), notify: NotifySettings | None = None,
                 alert_channels: Channels | None = None) -> None:
        self.settings = settings
        self.db_path = db_path
        self.demo = demo
        self.paths = paths
        self.watches = tuple(watches)
        self.notify = notify or NotifySettings()
        self.alert_channels = alert_channels
        self._on_first_open = on_first_open
        self._on_close = on_close
        self._fetcher = fetcher
        """None: the real HTTP fetch, imported on first use (the app's first frame and
        the read-only commands never load requests, feedparser or the updater)."""
        self.clock = clock
        self._owns_worker = worker is None
        self._noted_version: str | None = None  # the tag config last noted in the store
        """A worker passed in (tests share one across engines) is the caller's to close."""
        self.worker = worker or self._new_worker()
        self.parse_workers = 1
        """Workers parsing at once in an update of a cold cache: 1 for the app (its poll
        must leave a core to the UI); ``sinowire fetch`` sets one per core, up to 2."""
        self._local = threading.local()
        self._stores: list[Store] = []
        self._stores_lock = threading.Lock()

    def _new_worker(self) -> IsolatedRunner:
        return IsolatedRunner(memory_mb=self.settings.worker_memory_mb,
                              initializer=jobs.init_worker,
                              initargs=(jobs.TagConfig.from_settings(self.settings),))

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is not None:
            return self._fetcher
        from tui.feeds.fetch import fetch

        return fetch

    # -- the store ---------------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The calling thread's store, opened on first use."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
            store = Store.open(self.db_path)
            self._local.store = store
            with self._stores_lock:
                self._stores.append(store)
                first, self._on_first_open = self._on_first_open, None
            if first is not None:
                first(store)
        return store

    def use_store(self, store: Store) -> None:
        """Use an already open store for the calling thread (the caller keeps closing it)."""
        self._local.store = store

    def release_thread_store(self) -> None:
        """Close the calling thread's store: for short-lived threads (the app's workers)."""
        store: Store | None = getattr(self._local, "store", None)
        if store is not None:
            self._local.store = None
            with self._stores_lock:
                if store in self._stores:
                    self._stores.remove(store)
            store.close()

    def close(self) -> None:
        """Stop the worker and close every thread's store."""
        if self._owns_worker:
            self.worker.close()
        with self._stores_lock:
            for store in self._stores:
                # A store opened by a thread still running (an abandoned fetch at quit)
                # cannot be closed from here; that thread's connection goes with it.
                with contextlib.suppress(sqlite3.ProgrammingError):
                    store.close()
            self._stores.clear()
        self._local = threading.local()
        if self._on_close is not None:
            self._on_close()
            self._on_close = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- updating ----------------------------------------------------------------------

    def update(self, feeds: list[Feed] | None = None, *, force: bool = False,
               on_progress: ProgressCallback | None = None,
               cancel: threading.Event | None = None,
               in_child: bool = False) -> UpdateReport:
        """Poll due feeds (or ``feeds``; every feed with ``force``), store what changed, then
        apply retention. The same for ``sinowire fetch`` and the app's poller.

        ``in_child`` (the app) runs it all in a child process on the same cache, so the
        calling process keeps its GIL for the UI; an engine built with stand-ins (a
        fetcher, a clock, a shared worker: tests) updates in-process anyway.
        """
        if in_child and self._plain():
            from tui.engine.child_update import update_in_child

            return update_in_child(self, None if feeds is None else [f.id for f in feeds],
                                   force=force, on_progress=on_progress,
                                   cancel=cancel or threading.Event())
        from tui.engine.update import feeds_to_update, fetch_and_store

        store = self.store
        todo = feeds_to_update(store, feeds, force=force, now=int(self.clock()))
        if not todo:
            return UpdateReport()
        cancel = cancel or threading.Event()
        self._note_tag_config()
        grouping = Grouping(self.group)
        helpers = [self._new_worker() for _ in range(self.parse_workers - 1)
                   ] if self._owns_worker else []
        try:
            outcomes = fetch_and_store(store, self.settings, todo, runner=self.worker,
                                       helpers=helpers, force=force,
                                       on_progress=on_progress, cancel=cancel,
                                       fetcher=self.fetcher, clock=self.clock,
                                       on_stored=grouping.after_feed)
        finally:
            for helper in helpers:
                helper.close()
        new_ids = [i for outcome in outcomes for i in outcome.new_ids]
        stories, problem = grouping.finish()
        alerts = self.alert(new_ids)
        removed, retention_problem = self.apply_retention()
        return UpdateReport(outcomes=tuple(outcomes), cancelled=cancel.is_set(),
                            removed=removed, retention_error=retention_problem,
                            alerts=alerts, stories=stories, grouping_error=problem)

    def _plain(self) -> bool:
        """Built from settings alone, so a child process can build the same engine."""
        from tui.feeds.fetch import fetch

        return (self.fetcher is fetch and self.clock is time.time and self._owns_worker
                and not self.demo and self.alert_channels is None)

    def group(self, article_ids: Sequence[int] | None = None) -> GroupReport:
        """Put new articles (or ``article_ids``, re-placed) into stories: the same event from
        several outlets and languages becomes one story, each join with its evidence."""
        from tui.stories.stage import group_new

        return group_new(self.store, article_ids, self.settings.story_window_hours)

    def regroup(self, on_progress: RetagProgress | None = None, *, signals: bool = True,
                window_hours: float | None = None, workers: int | None = None,
                recompute: bool = False) -> GroupReport:
        """Forget every story and group the whole cache again (after a rule change).

        Stale signals are computed from the text on every core, as ``retag`` tags (a
        process pool, a few batches in flight), while this process groups; a cache
        under ``POOL_AT`` articles is not worth the pool's start unless ``workers`` says.
        """
        import os

        from tui.stories.stage import regroup

        store = self.store
        count = workers or max(1, min(4, os.cpu_count() or 1))
        compute = None
        if workers is not None or (count > 1 and store.count_all() >= POOL_AT):
            def compute(items: Iterable[tuple[Any, list[dict[str, Any]]]]
                        ) -> Iterator[tuple[Any, Any]]:
                return on_cores(jobs.sign_batch, items, count)
        return regroup(store, window_hours or self.settings.story_window_hours,
                       progress=on_progress, signals=signals, recompute=recompute,
                       compute=compute)

    def alert(self, new_ids: Sequence[int]) -> AlertReport | None:
        """Tell the user about new stories that match an alerting watch (once per story)."""
        if not new_ids or not any(watch.alert for watch in self.watches):
            return None
        from tui.alerts.stage import run_alerts

        return run_alerts(self.store, new_ids, self.watches, self.notify,
                          channels=self.alert_channels, now=self.clock())

    def apply_retention(self) -> tuple[int, str | None]:
        """Remove what retention says; a busy or full database is reported, not raised (the
        update's stories are stored; the next update tries again)."""
        now = int(self.clock())
        try:
            removed = self.store.apply_retention(days=self.settings.retention_days,
                                                 per_feed=self.settings.retention_per_feed,
                                                 now=now)
            self.store.prune_alerts(before=now - 365 * 86400)
            return removed, None
        except sqlite3.Error as exc:
            return 0, f"retention skipped: {database_reason(exc)}"

    def full_text(self, article_id: int) -> ArticleDetail:
        """Fetch the story's page, extract its text, store it, re-tag from it; the story.

        A failure is stored too (the reason shows with the summary, and the page is not
        fetched again on every open); raises KeyError for an unknown id.
        """
        from tui.html.extract import ExtractError, extract_url

        store = self.store
        detail = store.article(article_id)
        if detail is None:
            raise KeyError(article_id)
        now = int(self.clock())
        self._note_tag_config()
        try:
            if not detail.row.url:
                raise ExtractError("the story has no link to fetch the full text from")
            feed = store.feed(detail.row.feed_id)
            extracted = extract_url(detail.row.url, self.settings, runner=self.worker,
                                    origin=feed.url if feed is not None else None)
        except ExtractError as exc:
            store.save_extracted(article_id, text=None, error=str(exc) or "extraction failed",
                                 now=now)
        else:
            text = extracted.text or None
            tags = self._tag_full_text(detail, text) if text else None
            store.save_extracted(article_id, text=text, error=None, now=now, tags=tags)
            if tags is not None:
                self.group([article_id])  # the full text may tie it to another story
        fresh = store.article(article_id)
        assert fresh is not None
        return fresh

    def _tag_full_text(self, detail: ArticleDetail, text: str) -> Tags:
        article = Article(guid=detail.guid, title=detail.row.title, summary=detail.summary,
                          content_text=text, lang=detail.lang)
        [(_id, tags)] = self.worker.run(jobs.tag_batch, [(detail.row.id, article)],
                                        frozenset({detail.row.id}),
                                        timeout=self.settings.parse_timeout)
        return tags

    def retag(self, on_progress: RetagProgress | None = None, *,
              workers: int | None = None) -> int:
        """Re-tag the whole cache (after the gazetteer or config changed) on every core,
        writing only articles whose tags changed; returns the number of articles looked at.

        Only articles whose inputs or rules moved (``tag_hash``) are sent to a worker; after
        an edit of user entities or topic terms, only those that mention an edited term
        (:mod:`tui.engine.retag_plan`), and the rest get the new hash alone; after an edit of
        topic terms alone, those are re-scored for topics only."""
        import os
        from functools import partial

        from tui.engine import retag_plan

        store = self.store
        total = store.count_all()
        config = jobs.TagConfig.from_settings(self.settings)
        plan = retag_plan.RetagPlan.for_store(config, store.tag_configs())
        store.note_tag_config(plan.current, retag_plan.record(config))
        count = workers or max(1, min(4, os.cpu_count() or 1))
        done = 0
        batches = (((len(items), restamp),
                    ((stale, full_text_ids, retopic) if stale or retopic else ()))
                   for items, full_text_ids, hashes in store.taggable_batches()
                   for stale, retopic, restamp in (plan.split(items, hashes),))
        for (size, restamp), result in on_cores(partial(jobs.retag_batch, config), batches,
                                                count):
            tags, rescored = result or ([], [])
            store.write_tags(tags, restamp, rescored)
            done += size
            if on_progress:
                on_progress(done, total)
        store.forget_tag_configs(keep=plan.current)  # every hash is today's now
        return done

    def _note_tag_config(self) -> None:
        """Note the config this engine tags with, under its rules version, before its tags
        are written: a retag reads it to tell what a later config edit changed. A busy or
        read-only cache goes without (a retag then tags those articles in full)."""
        from tui.engine import retag_plan

        config = jobs.TagConfig.from_settings(self.settings)
        version = retag_plan.config_version(config)
        if version == self._noted_version:  # every poll and full text: noted once
            return
        with contextlib.suppress(sqlite3.Error, StoreError):
            self.store.note_tag_config(version, retag_plan.record(config))
            self._noted_version = version

    # -- feeds -------------------------------------------------------------------------

    def import_opml(self, data: bytes) -> ImportReport:
        """Subscribe to an OPML document's feeds (raises OpmlError for a bad document)."""
        from tui.feeds.opml import parse_opml

        result = parse_opml(data)
        added = duplicates = 0
        skipped = list(result.skipped)
        store = self.store
        with store.batch_feed_changes():  # feeds.opml written once, not per feed
            for item in result.feeds:
                try:
                    store.add_feed(item.url, item.title, item.lang)
                    added += 1
                except FeedExistsError:
                    duplicates += 1
                except StoreError as exc:
                    if store.damaged is not None:
                        raise  # a damaged cache is one error, not a skip per outline
                    skipped.append(str(exc))
        return ImportReport(added, duplicates, tuple(skipped))

    def export_opml(self) -> bytes:
        from tui.feeds.opml import OpmlFeed, export_opml

        return export_opml(OpmlFeed(url=f.url, title=f.title, lang=f.lang)
                           for f in self.store.feeds())

    # -- tagging without a cache, and the demo -----------------------------------------

    def tag_records(self, lines: Iterable[str]) -> Iterator[dict[str, Any]]:
        """The ``sinowire tag`` filter: JSON Lines in, one tags record (or error) per line."""
        from tui.engine.records import tag_lines

        return tag_lines(lines, self.settings)

    def seed_demo(self) -> int:
        """Subscribe and load the bundled demo feeds through the same decide → write path."""
        from tui.demo import DEMO_FEEDS, read_demo_feed
        from tui.engine.decide import decide
        from tui.feeds.parse import body_hash

        store = self.store
        now = int(self.clock())
        total = 0
        self._note_tag_config()
        for demo in DEMO_FEEDS:
            feed = store.feed_by_url(demo.url) or store.add_feed(demo.url, demo.title, demo.lang)
            body = read_demo_feed(demo.filename)
            parsed, tags = self.worker.run(jobs.parse_and_tag, body,
                                           {"content-type": "application/rss+xml"}, demo.url,
                                           timeout=max(60.0, self.settings.parse_timeout))
            decision = decide(store.existing(feed.id),
                              list(zip(parsed.articles, tags, strict=True)), now=now)
            new_ids, _updated = store.write_feed(
                feed.id, decision, now=now, next_due=DEMO_NEVER_DUE, feed_title=demo.title,
                site_url=parsed.site_url, lang=demo.lang, body_hash=body_hash(body))
            total += len(new_ids)
        self.group()  # the demo shows stories, as an update would leave them
        return total

    def with_settings(self, **changes: Any) -> Engine:
        """A second engine on the same cache with some settings changed (first-run fetch)."""
        return Engine(replace(self.settings, **changes), self.db_path, demo=self.demo,
                      paths=self.paths, fetcher=self._fetcher, clock=self.clock,
                      watches=self.watches, notify=self.notify,
                      alert_channels=self.alert_channels)


DEMO_NEVER_DUE = 253402300799
"""Demo feeds are never polled: due at 9999-12-31 23:59:59 UTC, the last time every
platform can turn into a date (2**62 could not, and ``feeds list --json`` crashed)."""
