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
from operator import itemgetter
from typing import Any

from tui.store.stories import StoryBatch, StoryMember
from tui.stories.grouper import KEY_CAP, Postings, pick_candidates
from tui.stories.score import Evidence
from tui.stories.signals import Signals, signals_version

CACHE_SIZE = 20_000  # decoded signals kept across group_new's batches and calls
WINDOW_CAP = 400_000  # postings a kept window may hold before it is read afresh
COMMON = 4 * KEY_CAP  # a key more reports in a batch's span carry is counted, not looked up


class Window:
    """The stored postings of the keys grouping has asked about, kept across ``group_new``
    calls so each feed's batch does not read them from SQL again.

    It holds every posting published from ``low`` on of each key it has read (read once,
    the first time a batch carries the key) with each report's story, and is kept in step
    by the batches' own assignments, merges and story ids. ``stamp`` is what it is valid
    for: the connection's ``data_version`` (another connection committed: stale) and the
    store's :attr:`stories_generation` (a regroup, a re-placed report, deleted articles).
    """

    def __init__(self, low: int, stamp: tuple[int, int, int]) -> None:
        self.low = low
        self.stamp = stamp
        self.postings: dict[str, Postings] = {}
        self.story: dict[int, int] = {}
        self.published: dict[int, int] = {}
        self.members: dict[int, set[int]] = {}
        self.raw: dict[int, str] = {}  # stored signals (JSON) read but not decoded yet
        self.size = 0
        self._unsorted: set[str] = set()

    def read(self, store: Any, keys: Iterable[str]) -> None:
        """Read the postings of the keys not held yet (one query per chunk of keys)."""
        postings = self.postings
        missing = [key for key in keys if key not in postings]
        if not missing:
            return
        rows = store.story_key_rows(missing, self.low)  # in key order, each by (time, id)
        for key in missing:
            postings[key] = Postings()
        # Each key's run of rows becomes its lists in one slice (counted and cut in C): a
        # warm window reads tens of thousands of postings on an update's first call.
        times = [row[1] for row in rows]
        refs = [row[2] for row in rows]
        at = 0
        for key, count in Counter(map(itemgetter(0), rows)).items():
            found = postings[key]
            found.times, found.refs = times[at : at + count], refs[at : at + count]
            at += count
        story = self.story
        for ref, row in {row[2]: row for row in rows}.items():
            if ref not in story:
                self.place(ref, row[3], row[1])
        self.size += len(rows)

    def place(self, ref: int, story: int, published: int) -> None:
        old = self.story.get(ref)
        if old is not None:
            self.members[old].discard(ref)
        self.story[ref] = story
        self.published[ref] = published
        self.members.setdefault(story, set()).add(ref)

    def add(self, keys: Iterable[str], published: int, ref: int) -> None:
        """A posting of the batch's own under each key: after those of its time, as a read
        would not put it if its id is lower (then the key is sorted again at
        :meth:`settle`). One bisect per key, and none when it is the key's newest."""
        postings = self.postings
        unsorted = self._unsorted
        added = 0
        for key in keys:
            found = postings[key]
            times = found.times
            added += 1
            if not times or published > times[-1]:
                times.append(published)
                found.refs.append(ref)
                continue
            at = bisect_right(times, published)
            refs = found.refs
            if at and times[at - 1] == published and refs[at - 1] > ref:
                unsorted.add(key)
            times.insert(at, published)
            refs.insert(at, ref)
        self.size += added

    def merge(self, keep: int, others: Iterable[int]) -> None:
        for other in others:
            for ref in self.members.pop(other, ()):
                self.story[ref] = keep
                self.members.setdefault(keep, set()).add(ref)

    def settle(self, ids: dict[int, int]) -> None:
        """After a batch is written: provisional story ids become the stored ones, and the
        postings are in the order a read from the store gives (time, then id)."""
        for provisional, real in ids.items():
            self.merge(real, (provisional,))
        for key in self._unsorted:
            postings = self.postings[key]
            pairs = sorted(zip(postings.times, postings.refs, strict=True))
            postings.times = [when for when, _ in pairs]
            postings.refs = [ref for _, ref in pairs]
        self._unsorted.clear()

    def count(self, key: str, low: int, high: int) -> int:
        times = self.postings[key].times
        return bisect_right(times, high) - bisect_left(times, low)


def _within(postings: Postings, low: int, high: int) -> list[int]:
    times = postings.times
    return postings.refs[bisect_left(times, low):bisect_right(times, high)]


class StoreIndex:
    """The grouper's index for one batch of reports on the store: no per-report round trip.

    Candidates come from a :class:`Window` of stored postings (the keys the batch carries
    that it does not hold yet are read in one query) and the signals of the stored reports
    the batch will be scored against. A key more than ``COMMON`` reports carry within the
    batch's span is counted once for the batch (it gives no candidates). Lookups run in
    memory (a bisect per key), assignments are kept, and :meth:`flush` writes them in bulk.
    """

    def __init__(self, store: Any, batch: Sequence[Signals], window: int, kept: Window,
                 cache: dict[int, Signals] | None = None, *, placed: bool = True) -> None:
        self.store = store
        self.window = window
        self.merged = 0
        self.kept = kept
        self._cache = {} if cache is None else cache
        self._raw = kept.raw
        self._common: dict[str, int] = {}  # keys too common to look up: their count
        self._new: dict[int, tuple[int, str, str | None]] = {}
        self._members: list[StoryMember] = []
        self._merges: list[tuple[int, tuple[int, ...]]] = []
        mine = {s.ref for s in batch}
        # ``placed=False``: the caller knows no report is in a story yet (ungrouped ones).
        self._old = {ref: story for ref, (story, _) in store.story_of(sorted(mine)).items()
                     } if placed else {}
        keys = {k for s in batch for k in s.blocking_keys()}
        times = [s.published for s in batch if s.published is not None]
        if not keys or not times:
            return
        kept.read(store, keys)
        low, high = min(times) - window, max(times) + window
        for key in keys:
            count = kept.count(key, low, high)
            if count > COMMON:
                self._common[key] = count
        if self._old:  # a re-placed report is no candidate for itself (a window of its own)
            for key in keys:
                postings = kept.postings[key]
                pairs = [(t, r) for t, r in zip(postings.times, postings.refs, strict=True)
                         if r not in mine]
                postings.times = [t for t, _ in pairs]
                postings.refs = [r for _, r in pairs]
        # The stored reports the batch may be scored against: their signals in one read
        # (most are decoded already: the cache outlives a call), not a ranking per report.
        self._load({ref for key in keys if key not in self._common
                    for ref in _within(kept.postings[key], low, high)})

    def _load(self, refs: Iterable[int]) -> None:
        """Read the stored signals of the reports not decoded yet, in one query: kept as
        JSON until one is a candidate (most never are: a warm window names thousands)."""
        cache, raw = self._cache, self._raw
        missing = [ref for ref in refs if ref not in cache and ref not in raw]
        if missing:
            if len(raw) + len(missing) > CACHE_SIZE:
                raw.clear()  # kept for the window's calls, within the cache's bound
            raw.update(self.store.story_signals(missing))

    def _decoded(self, ref: int) -> Signals | None:
        found = self._cache.get(ref)
        if found is None:
            data = self._raw.pop(ref, None)
            if data is None:
                return None
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            found = self._cache[ref] = Signals.from_json(ref, json.loads(data))
        return found

    def _ranked(self, keys: Iterable[str], published: int, cap: int
                ) -> tuple[dict[str, int], dict[int, list[int]]]:
        counts: dict[str, int] = {}
        hits: list[int] = []
        low, high = published - self.window, published + self.window
        find = self.kept.postings.__getitem__
        common = self._common
        for key in keys:
            if key in common:
                counts[key] = common[key]
                continue
            times = (postings := find(key)).times
            start, end = bisect_left(times, low), bisect_right(times, high)
            count = counts[key] = end - start
            if count <= cap and count:
                hits += postings.refs[start:end]
        shared = Counter(hits)  # counted in C, in the order first seen
        return counts, pick_candidates(shared, self.kept.published.__getitem__,
                                       self.kept.story.__getitem__)

    def lookup(
        self, keys: Iterable[str], published: int | None, window: int, cap: int
    ) -> tuple[dict[str, int], dict[int, list[Signals]]]:
        counts, picked = self._ranked(keys, published or 0, cap)
        self._load(ref for refs in picked.values() for ref in refs)  # a fallback
        stories: dict[int, list[Signals]] = {}
        decoded = self._decoded
        for story, refs in picked.items():
            found = [one for ref in refs if (one := decoded(ref)) is not None]
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
        kept = self.kept
        kept.place(ref, story, published)
        self._cache[ref] = signals
        common = self._common
        for key in keys:
            if key in common:
                common[key] += 1
        kept.add(keys, published, ref)
        return story

    def merge(self, keep: int, others: Iterable[int]) -> None:
        others = tuple(others)
        self.merged += len(others)
        self._merges.append((keep, others))
        self.kept.merge(keep, others)

    def flush(self) -> None:
        """Write the batch (in the caller's transaction)."""
        # A merge after a report joined moved it: its story is the one it is in now.
        story = self.kept.story
        members = [m if m.story == story[m.article] else m._replace(story=story[m.article])
                   for m in self._members]
        folded = {o for _, others in self._merges for o in others}
        new = {p: v for p, v in self._new.items() if p not in folded}
        ids = self.store.story_write(StoryBatch(new, members, self._merges, self._old,
                                                signals_version()))
        self.kept.settle(ids)
