"""The grouping stage of ``update``: new articles join stories in the store, with evidence.

The engine calls, after the feed's articles are written and before alerts::

    report = group_new(store, article_ids, settings_window_hours)   # ids: None = all ungrouped

It reads what grouping needs (text, time, the tagger's stored entities: no re-tagging), finds
candidates by blocking keys in ``story_keys`` and writes the decisions, all in one transaction.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tui.stories.grouper import COMPARE_CAP, DEFAULT_WINDOW_HOURS, Grouper, MemoryIndex
from tui.stories.score import Evidence
from tui.stories.signals import Signals, signals_from_parts

BATCH = 500


@dataclass(frozen=True)
class GroupReport:
    grouped: int = 0  # articles put in a story
    joined: int = 0  # ... of which joined an existing story
    new_stories: int = 0
    merged: int = 0  # stories folded into another because a report bridged them
    seconds: float = 0.0


class StoreIndex:
    """The grouper's index on the store: lookups and assignments go through StoryMixin.

    Signals of recently grouped articles are kept decoded (the next reports' candidates are
    mostly the last few hours' reports).
    """

    def __init__(self, store: Any, cache_size: int = 20_000) -> None:
        self.store = store
        self.merged = 0
        self._cache: dict[int, Signals] = {}
        self._cache_size = cache_size

    def lookup(
        self, keys: Iterable[str], published: int | None, window: int, cap: int
    ) -> tuple[dict[str, int], dict[int, list[Signals]]]:
        if published is None:
            published = int(time.time())
        counts, rows = self.store.story_lookup(keys, published, window, cap)
        # The members sharing the most keys, at most COMPARE_CAP in all, are scored.
        ranked = sorted(((hits, ref, story) for story, members in rows.items()
                         for ref, hits in members), reverse=True)[:COMPARE_CAP]
        missing = [ref for _, ref, _ in ranked if ref not in self._cache]
        if missing:
            for ref, data in self.store.story_signals(missing).items():
                self._remember(Signals.from_json(ref, json.loads(data)))
        stories: dict[int, list[Signals]] = {}
        for _, ref, story in ranked:
            if ref in self._cache:
                stories.setdefault(story, []).append(self._cache[ref])
        return counts, stories

    def _remember(self, signals: Signals) -> None:
        if len(self._cache) >= self._cache_size:
            self._cache.clear()
        self._cache[signals.ref] = signals

    def assign(self, signals: Signals, story: int | None, evidence: Evidence | None,
               matched: Any) -> int:
        blob = None
        if evidence is not None:
            blob = json.dumps({**evidence.to_json(), "line": evidence.line(),
                               "matched": matched}, ensure_ascii=False)
        self._remember(signals)
        return int(self.store.story_assign(
            signals.ref, story, published=signals.published or int(time.time()),
            title=signals.title, lang=signals.lang,
            data=json.dumps(signals.to_json(), ensure_ascii=False),
            keys=signals.blocking_keys(), evidence=blob, matched=matched))

    def merge(self, keep: int, others: Iterable[int]) -> None:
        others = list(others)
        self.merged += len(others)
        self.store.story_merge(keep, others)


def _signals(record: dict[str, Any]) -> Signals:
    return signals_from_parts(record["id"], record["title"], record["summary"],
                              record["content"], record["published"], record["lang"],
                              record["entities"])


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
    each article's stored signals when it has them instead of reading its text again.
    """
    started = time.perf_counter()
    ids = store.ungrouped_ids() if article_ids is None else store.by_published(article_ids)
    index = StoreIndex(store)
    grouper = Grouper(index, window_hours)
    grouped = joined = new = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        stored = store.story_signals(batch) if reuse_signals else {}
        todo = [i for i in batch if i not in stored]
        signals = [Signals.from_json(ref, json.loads(data)) for ref, data in stored.items()]
        signals += [_signals(record) for record in store.grouping_inputs(todo)]
        signals.sort(key=lambda s: (s.published or 0, s.ref))
        with store.db.atomic():
            for one in signals:
                decision = grouper.add(one)
                grouped += 1
                if decision.joined:
                    joined += 1
                else:
                    new += 1
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))
    return GroupReport(grouped, joined, new, index.merged, time.perf_counter() - started)


def regroup(
    store: Any,
    window_hours: float = DEFAULT_WINDOW_HOURS,
    *,
    progress: Callable[[int, int], None] | None = None,
    signals: bool = True,
) -> GroupReport:
    """Forget every story and group the whole cache again, oldest first, in memory.

    Grouping runs on an in-memory index (postings older than the window are dropped as it
    goes) and the result is written in bulk in one transaction, so a regroup costs little
    more than reading the signals. After a change to the signals (the tagger, the
    extractors) keep ``signals=True``: each article's text is read again. After a change
    to the scoring rule only, ``signals=False`` reuses the stored signals.
    """
    started = time.perf_counter()
    ids = store.by_published(store.all_article_ids())
    index = MemoryIndex()
    grouper = Grouper(index, window_hours)
    evidence: dict[int, tuple[str | None, int | None]] = {}
    fresh: list[tuple[int, int, str]] = []
    joined = 0
    window = int(window_hours * 3600)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        stored = {} if signals else store.story_signals(batch)
        todo = [i for i in batch if i not in stored]
        found = [Signals.from_json(ref, json.loads(data)) for ref, data in stored.items()]
        computed = [_signals(record) for record in store.grouping_inputs(todo)]
        fresh += [(s.ref, s.published or 0, json.dumps(s.to_json(), ensure_ascii=False))
                  for s in computed]
        batch_signals = sorted(found + computed, key=lambda s: (s.published or 0, s.ref))
        for one in batch_signals:
            decision = grouper.add(one)
            if decision.evidence is not None:
                joined += 1
                evidence[one.ref] = (json.dumps(
                    {**decision.evidence.to_json(), "line": decision.evidence.line(),
                     "matched": decision.matched}, ensure_ascii=False), decision.matched)
        if batch_signals:
            index.prune(before=(batch_signals[-1].published or 0) - 2 * window)
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))
    stories, members, keys = _bulk_rows(index, evidence)
    with store.db.atomic():
        store.reset_stories(keep_signals=not signals)
        store.write_stories(stories, members, keys, fresh)
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
