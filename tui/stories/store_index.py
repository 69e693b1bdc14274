"""The grouper's index on the store for one batch of ``group_new``: candidates in memory.

A batch's candidates come from ``story_keys`` in two queries (the postings of the keys the
batch carries, then the signals of the stored reports they name); the grouper then looks
them up in memory and its assignments are written in bulk by :meth:`StoreIndex.flush`.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from tui.store.stories import StoryBatch, StoryMember
from tui.stories.grouper import KEY_CAP, Postings, pick_candidates
from tui.stories.score import Evidence
from tui.stories.signals import Signals, signals_version

CACHE_SIZE = 20_000  # decoded signals kept across group_new's batches and calls


class StoreIndex:
    """The grouper's index for one batch of reports on the store: no per-report round trip.

    Built from one query for the stored postings of every blocking key the batch carries,
    within the batch's span (with each posting's story) and one for the signals of the
    stored reports the batch will be scored against. Lookups then run in memory (a bisect
    per key), assignments are kept, and :meth:`flush` writes them in bulk.
    """

    def __init__(self, store: Any, batch: Sequence[Signals], window: int,
                 cache: dict[int, Signals] | None = None, *, placed: bool = True) -> None:
        self.store = store
        self.window = window
        self.merged = 0
        self._cache = {} if cache is None else cache
        self._postings: dict[str, Postings] = {}  # dated only: every stored report is
        self._common: dict[str, int] = {}  # keys too common to read: their count
        self._story: dict[int, int] = {}
        self._published: dict[int, int] = {}
        self._new: dict[int, tuple[int, str, str | None]] = {}
        self._members: list[StoryMember] = []
        self._merges: list[tuple[int, tuple[int, ...]]] = []
        mine = {s.ref for s in batch}
        # ``placed=False``: the caller knows no report is in a story yet (ungrouped ones).
        self._old = {ref: story for ref, (story, _) in store.story_of(sorted(mine)).items()
                     } if placed else {}
        carried = Counter(k for s in batch for k in s.blocking_keys())
        keys = carried.keys()
        # A posting is read only by a later report of the batch with that key: a key one
        # report carries (most shingle bands) needs none (a third of the assigns' work).
        self._shared = {key for key, count in carried.items() if count > 1}
        times = [s.published for s in batch if s.published is not None]
        if not keys or not times:
            return
        counts, rows = store.story_postings(keys, min(times) - window, max(times) + window,
                                            4 * KEY_CAP)
        for key, count in counts.items():
            if count > 4 * KEY_CAP:
                self._common[key] = count
        rows.sort(key=lambda row: (row[1], row[2]))  # by time: each key's list is appended
        for key, published, ref, story in rows:
            if ref in mine:  # a re-placed report is no candidate for itself
                continue
            postings = self._postings.get(key)
            if postings is None:
                postings = self._postings[key] = Postings()
            postings.add(published, ref)
            self._story[ref] = story
            self._published[ref] = published
        # The stored reports the batch may be scored against: their signals in one read
        # (most are decoded already: the cache outlives a call), not a ranking per report.
        self._load(self._story)

    def _load(self, refs: Iterable[int]) -> None:
        missing = [ref for ref in refs if ref not in self._cache]
        if missing:
            for ref, data in self.store.story_signals(missing).items():
                if len(self._cache) >= CACHE_SIZE:
                    self._cache.clear()
                self._cache[ref] = Signals.from_json(ref, json.loads(data))

    def _ranked(self, keys: Iterable[str], published: int, cap: int
                ) -> tuple[dict[str, int], dict[int, list[int]]]:
        counts: dict[str, int] = {}
        shared: dict[int, int] = {}
        low, high = published - self.window, published + self.window
        find = self._postings.get
        common = self._common
        for key in keys:
            postings = find(key)
            if postings is None:
                counts[key] = common.get(key, 0)
                continue
            times = postings.times
            start, end = bisect_left(times, low), bisect_right(times, high)
            count = counts[key] = common.get(key, 0) + end - start
            if count <= cap:
                for ref in postings.refs[start:end]:
                    shared[ref] = shared.get(ref, 0) + 1
        return counts, pick_candidates(shared, self._published.__getitem__,
                                       self._story.__getitem__)

    def lookup(
        self, keys: Iterable[str], published: int | None, window: int, cap: int
    ) -> tuple[dict[str, int], dict[int, list[Signals]]]:
        counts, picked = self._ranked(keys, published or 0, cap)
        self._load(ref for refs in picked.values() for ref in refs)  # a fallback
        stories: dict[int, list[Signals]] = {}
        for story, refs in picked.items():
            found = [self._cache[ref] for ref in refs if ref in self._cache]
            if found:
                stories[story] = found
        return counts, stories

    def assign(self, signals: Signals, story: int | None, evidence: Evidence | None,
               matched: Any) -> int:
        ref = signals.ref
        published = signals.published or 0
        if story is None:
            story = -1 - len(self._new)
            self._new[story] = (published, signals.title, signals.lang)
        blob = None if evidence is None else evidence.stored(matched)
        keys = signals.blocking_keys()
        self._members.append(StoryMember(
            story, ref, published, signals.title, signals.lang,
            signals.stored_json(), blob, matched, keys))
        self._story[ref] = story
        self._published[ref] = published
        self._cache[ref] = signals
        shared = self._shared
        for key in keys:
            if key not in shared:
                continue
            if key in self._common:
                self._common[key] += 1
            else:
                postings = self._postings.get(key)
                if postings is None:
                    postings = self._postings[key] = Postings()
                postings.add(published, ref)
        return story

    def merge(self, keep: int, others: Iterable[int]) -> None:
        others = tuple(others)
        self.merged += len(others)
        self._merges.append((keep, others))
        folded = set(others)
        for ref, story in self._story.items():
            if story in folded:
                self._story[ref] = keep

    def flush(self) -> None:
        """Write the batch (in the caller's transaction)."""
        # A merge after a report joined moved it: its story is the one it is in now.
        story = self._story
        members = [m if m.story == story[m.article] else m._replace(story=story[m.article])
                   for m in self._members]
        folded = {o for _, others in self._merges for o in others}
        new = {p: v for p, v in self._new.items() if p not in folded}
        self.store.story_write(StoryBatch(new, members, self._merges, self._old,
                                          signals_version()))
