"""The grouping stage of ``update``: new articles join stories in the store, with evidence.

The engine calls, after the feed's articles are written and before alerts::

    report = group_new(store, article_ids, settings_window_hours)   # ids: None = all ungrouped

It reads what grouping needs (text, time, the tagger's stored entities: no re-tagging) and
works in batches of up to 500 reports: the batch's candidates come from the store
(:class:`~tui.stories.store_index.StoreIndex`), the grouper runs in memory, and the
decisions are written in bulk in one transaction per batch. A poll's new reports cost a
handful of statements, not eight each.
"""

from __future__ import annotations

import gc
import json
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tui.stories.grouper import DEFAULT_WINDOW_HOURS, Grouper, MemoryIndex
from tui.stories.signals import Signals, signals_from_parts, signals_version
from tui.stories.store_index import WINDOW_CAP, StoreIndex, Window

Records = list[dict[str, Any]]
Compute = Callable[[Iterable[tuple[Any, Records]]], Iterable[tuple[Any, list[Signals]]]]
"""Signals for batches of grouping inputs, in order, each with the caller's tag: in this
process by default; the engine passes one that spreads the batches over every core."""

BATCH = 500


@dataclass(frozen=True)
class GroupReport:
    grouped: int = 0  # articles put in a story
    joined: int = 0  # ... of which joined an existing story
    new_stories: int = 0
    merged: int = 0  # stories folded into another because a report bridged them
    seconds: float = 0.0


_DECODED: weakref.WeakKeyDictionary[Any, dict[int, Signals]] = weakref.WeakKeyDictionary()
"""Stored signals decoded by earlier ``group_new`` calls on a store (each feed's grouping
scores against the same recent reports: decode them, and work out their key sets, once).
An article re-placed here updates its entry; ``regroup`` drops them all."""

_WINDOWS: weakref.WeakKeyDictionary[Any, Window] = weakref.WeakKeyDictionary()
"""The stored postings kept across ``group_new`` calls on a store (an update groups after
each feed: each call would read the same recent postings again). Dropped when it is stale
(:func:`_window`), when a call fails, and by ``regroup``."""

_OFFERED: weakref.WeakKeyDictionary[Any, dict[int, Signals]] = weakref.WeakKeyDictionary()
OFFER_CAP = 50_000  # offered signals kept per store before the oldest offers are dropped


def offer_signals(store: Any, signals: dict[int, Signals]) -> None:
    """Signals the worker computed for newly stored articles (id → signals with the stored
    time): the next :func:`group_new` of ungrouped articles takes them instead of reading
    and scanning each article's text again in the writing process."""
    offered = _OFFERED.setdefault(store, {})
    if len(offered) + len(signals) > OFFER_CAP:
        offered.clear()  # nobody grouped them: group_new reads their text, as before
    offered.update(signals)


def offer_inserted(store: Any, inserted: Sequence[Any], new_ids: Sequence[int],
                   signals_for: Callable[[Any], Signals | None], now: int) -> int:
    """Offer the signals of a feed's inserted articles (``signals_for(article)``, None when
    unknown) with the ids and times the store gave them; returns how many were offered.

    When another writer won an insert, ids and articles no longer line up: nothing is
    offered and grouping reads those articles' text, as it would without signals.
    """
    if len(new_ids) != len(inserted):
        return 0
    from tui.store.ingest import FUTURE_SLACK

    offered = {}
    for article_id, article in zip(new_ids, inserted, strict=True):
        signals = signals_for(article)
        if signals is None:
            continue
        published = article.published or article.updated
        if published is None or published > now + FUTURE_SLACK or published < 0:
            published = now  # as the store writes it
        offered[article_id] = signals.moved(article_id, published)
    offer_signals(store, offered)
    return len(offered)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Hold off Python's cycle collector while a batch is grouped and written.

    A batch allocates tens of thousands of small objects (candidates, evidence, rows) and
    makes no reference cycles: refcounting frees them all. Each allocation burst still set
    off collections, and a full one walks the whole heap (the decoded signals, in the bench
    the tagger's gazetteer too): a sixth of grouping's time went there. Collections resume
    after the batch (only if they were on: another thread may hold them off too).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _take_offered(store: Any, ids: Sequence[int]) -> dict[int, Signals]:
    offered = _OFFERED.get(store)
    if not offered:
        return {}
    return {i: offered.pop(i) for i in ids if i in offered}


def _signals(record: dict[str, Any]) -> Signals:
    return signals_from_parts(record["id"], record["title"], record["summary"],
                              record["content"], record["published"], record["lang"],
                              record["entities"])


def signals_of_records(records: Records) -> list[Signals]:
    """Signals of :meth:`grouping_inputs` records (picklable both ways: a pool job)."""
    return [_signals(record).prepared() for record in records]


def in_process(items: Iterable[tuple[Any, Records]]) -> Iterable[tuple[Any, list[Signals]]]:
    """The default :data:`Compute`: one batch after another, here."""
    for tag, records in items:
        yield tag, signals_of_records(records)


def _stamp(store: Any, seconds: int) -> tuple[int, int, int]:
    version = store.db.conn.execute("PRAGMA data_version").fetchone()[0]
    return int(version), store.stories_generation, seconds


def _window(store: Any, low: int, seconds: int, *, keep: bool) -> Window:
    """The kept window if it is still valid for a batch reaching back to ``low``: no other
    connection committed since it was read, nothing on this one moved or removed grouped
    reports, the same window length, and it reaches back far enough; else a new one."""
    stamp = _stamp(store, seconds)
    kept = _WINDOWS.get(store)
    if (kept is None or kept.stamp != stamp or kept.low > low or kept.size > WINDOW_CAP
            or not keep):
        # One window further back: the next feeds' items are often a little older (each
        # reaching back past the last read would read it all again).
        kept = Window(low - seconds if keep else low, stamp)
        if keep:
            _WINDOWS[store] = kept
        else:
            _WINDOWS.pop(store, None)
    return kept


def group_new(
    store: Any,
    article_ids: Sequence[int] | None = None,
    window_hours: float = DEFAULT_WINDOW_HOURS,
    *,
    progress: Callable[[int, int], None] | None = None,
    reuse_signals: bool = False,
) -> GroupReport:
    """Group ``article_ids`` (None: every article not in a story yet), oldest first.

    Idempotent: articles already in a story are skipped unless named, and named ones are
    re-placed. Safe to call after every feed or once per update. ``reuse_signals`` takes
    each article's current stored signals (stale ones are recomputed) instead of reading its
    text again; new
    articles whose signals the engine's worker computed (:func:`offer_signals`) take those.
    """
    started = time.perf_counter()
    ids = store.ungrouped_ids() if article_ids is None else store.by_published(article_ids)
    cache = _DECODED.setdefault(store, {})
    grouped = joined = new = merged = 0
    now = int(time.time())
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        stored = store.story_signals(batch, signals_version()) if reuse_signals else {}
        offered = _take_offered(store, batch) if article_ids is None else {}
        todo = [i for i in batch if i not in stored and i not in offered]
        signals = [Signals.from_json(ref, json.loads(data)) for ref, data in stored.items()]
        signals += offered.values()
        signals += [_signals(record) for record in store.grouping_inputs(todo)]
        signals = sorted((s if s.published is not None else s.moved(s.ref, now)
                          for s in signals), key=lambda s: (s.published or 0, s.ref))
        seconds = int(window_hours * 3600)
        # Re-placed reports (named ids) move: their batch reads a window of its own.
        kept = _window(store, min((s.published or 0 for s in signals), default=0) - seconds,
                       seconds, keep=article_ids is None)
        try:
            with no_cycle_collection():
                index = StoreIndex(store, signals, seconds, kept, cache,
                                   placed=article_ids is not None)
                grouper = Grouper(index, window_hours)
                for one in signals:
                    decision = grouper.add(one)
                    grouped += 1
                    if decision.joined:
                        joined += 1
                    else:
                        new += 1
                with store.db.atomic():
                    index.flush()
        except BaseException:
            _WINDOWS.pop(store, None)  # it may hold what the failed write did not store
            raise
        merged += index.merged
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))
    return GroupReport(grouped, joined, new, merged, time.perf_counter() - started)


def regroup(
    store: Any,
    window_hours: float = DEFAULT_WINDOW_HOURS,
    *,
    progress: Callable[[int, int], None] | None = None,
    signals: bool = True,
    recompute: bool = False,
    compute: Compute | None = None,
) -> GroupReport:
    """Forget every story and group the whole cache again, oldest first, in memory.

    Grouping runs on an in-memory index (postings older than the window are dropped as it
    goes) and the result is written in bulk in one transaction, so a regroup costs little
    more than reading the signals. Each article's stored signals are reused when current
    (stamped with this code's :func:`signals_version` and the article's present tag hash);
    stale or missing ones are computed from the text, batch by batch through ``compute``
    (the engine's spreads them over every core) while grouping goes on here.
    ``signals=False`` reuses every stored signal, even a stale one (after a change to the
    scoring rule only); ``recompute`` computes every one again.
    """
    started = time.perf_counter()
    _DECODED.pop(store, None)  # signals may be recomputed: decode them afresh after
    _WINDOWS.pop(store, None)
    version = signals_version()
    ids = store.by_published(store.all_article_ids())
    index = MemoryIndex()
    grouper = Grouper(index, window_hours)
    evidence: dict[int, tuple[str | None, int | None]] = {}
    fresh: list[tuple[int, int, str]] = []
    joined = 0
    window = int(window_hours * 3600)

    def reads() -> Iterable[tuple[Any, Records]]:
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            stored = {} if recompute else store.story_signals(
                batch, version if signals else None)
            todo = [i for i in batch if i not in stored]
            yield (start + len(batch), stored), store.grouping_inputs(todo)

    for (done, stored), computed in (compute or in_process)(reads()):
        with no_cycle_collection():  # each batch's grouping; computing signals may collect
            found = [Signals.from_json(ref, json.loads(data)) for ref, data in stored.items()]
            fresh += [(s.ref, s.published or 0, s.stored_json()) for s in computed]
            batch_signals = sorted(found + computed, key=lambda s: (s.published or 0, s.ref))
            for one in batch_signals:
                decision = grouper.add(one)
                if decision.evidence is not None:
                    joined += 1
                    evidence[one.ref] = (decision.evidence.stored(decision.matched),
                                         decision.matched)
            if batch_signals:
                index.prune(before=(batch_signals[-1].published or 0) - 2 * window)
        if progress is not None:
            progress(done, len(ids))
    with no_cycle_collection():
        stories, members, keys = _bulk_rows(index, evidence)
        with store.db.atomic():
            # Current signals stay (the rest are rewritten); links are rewritten where changed.
            store.reset_stories(keep_signals=True, keep_links=True)
            store.write_stories(stories, members, keys, fresh, version)
    return GroupReport(len(ids), joined, len(stories), 0, time.perf_counter() - started)


def _bulk_rows(index: MemoryIndex, evidence: dict[int, tuple[str | None, int | None]]
               ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[str, int, int]]]:
    stories = []
    members = []
    keys: list[tuple[str, int, int]] = []
    for story, refs in index.members.items():
        if not refs:
            continue
        rows = sorted((index.meta[ref] for ref in refs), key=lambda m: (m[0], m[1]))
        first = rows[0]
        langs = " ".join(sorted({m[3] for m in rows if m[3]}))
        stories.append((story, first[0], max(m[0] for m in rows), first[2], first[3], langs,
                        len(rows)))
        for ref in refs:
            blob, matched = evidence.get(ref, (None, None))
            members.append((ref, story, blob, matched))
            published = index.meta[ref][0]
            keys += [(key, published, ref) for key in index.keys_of[ref]]
    return stories, members, keys
