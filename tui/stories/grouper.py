"""The incremental grouper: each new report joins the best story within the window or starts one.

Candidates come only from an index of blocking keys (shared entities, names, amounts, shingle
bands) limited to the window, never from a scan of it. The index is a protocol so the same
grouper runs in memory (``sinowire cluster``, the benchmark) and on the store (ingest).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from tui.stories.score import RUSH_HOURS, Evidence, compare, hopeless
from tui.stories.shingles import similarity
from tui.stories.signals import Signals

DEFAULT_WINDOW_HOURS = 72
KEY_CAP = 64  # a key carried by more reports than this in the window is too common to block on
PRUNE_AT = 64  # a key's postings longer than this are pruned of reports far behind
COMPARE_CAP = 6  # the reports sharing the most keys that a new report is scored against
MEMBER_CAP = 5  # ... of which at most this many from one story (its best-matching members)
MERGE_MARGIN = 2.0  # how far past the bar a second story must be for a report to merge them
SURE_MARGIN = MERGE_MARGIN  # a member this far past the bar settles its story's score


@dataclass(frozen=True)
class Decision:
    """Where a report went and why: ``matched`` is the report it was found most like."""

    ref: Any
    story: int
    evidence: Evidence | None = None
    matched: Any = None
    merged: tuple[int, ...] = ()  # stories this report showed to be the same one, folded in

    @property
    def joined(self) -> bool:
        return self.evidence is not None


class Index(Protocol):
    def lookup(
        self, keys: Iterable[str], published: int | None, window: int, cap: int
    ) -> tuple[dict[str, int], dict[int, list[Signals]]]:
        """(reports per key in the window, candidate story → its members that share a key)."""
        ...

    def assign(self, signals: Signals, story: int | None, evidence: Evidence | None,
               matched: Any) -> int:
        """Record the report in ``story`` (a new story when None); return the story id."""
        ...

    def merge(self, keep: int, others: Iterable[int]) -> None:
        """Fold ``others`` into ``keep`` (a report showed they are one story)."""
        ...


def pick_candidates(shared: dict[Any, int], published: Callable[[Any], int],
                    story_of: Callable[[Any], int]) -> dict[int, list[Any]]:
    """The reports a new one is scored against: those sharing the most blocking keys (the
    newest first among equals), ``COMPARE_CAP`` in all and at most ``MEMBER_CAP`` from one
    story, whose best-matching members stand for the rest.

    Two stable sorts keyed by C-level look-ups (newest first, then most keys first) give
    the order of one sort by (keys, time) with ties as given, without a Python key call per
    report: a flood of near-identical reports shares keys with hundreds, and the ranking
    was a quarter of grouping's time at ingest."""
    if len(shared) > 1:
        ranked = sorted(shared, key=published, reverse=True)  # reverse keeps ties in order
        ranked.sort(key=shared.__getitem__, reverse=True)
        del ranked[4 * COMPARE_CAP:]  # the first 4 × COMPARE_CAP only, as before
    else:
        ranked = list(shared)
    stories: dict[int, list[Any]] = {}
    taken = 0
    for ref in ranked:
        members = stories.setdefault(story_of(ref), [])
        if len(members) < MEMBER_CAP:
            members.append(ref)
            taken += 1
            if taken == COMPARE_CAP:
                break
    return stories


class Postings:
    """One key's reports: dated ones sorted by time (a bisect finds the window), undated
    ones apart (they are in every window). Input comes mostly oldest first: appends."""

    __slots__ = ("refs", "times", "undated")

    def __init__(self) -> None:
        self.times: list[int] = []
        self.refs: list[Any] = []
        self.undated: list[Any] = []

    def add(self, when: int | None, ref: Any) -> None:
        if when is None:
            self.undated.append(ref)
        elif not self.times or when >= self.times[-1]:
            self.times.append(when)
            self.refs.append(ref)
        else:
            at = bisect_right(self.times, when)
            self.times.insert(at, when)
            self.refs.insert(at, ref)

    def window(self, published: int | None, window: int) -> tuple[int, int]:
        """The slice of dated postings within ``window`` of ``published``."""
        if published is None:
            return 0, len(self.times)
        return (bisect_left(self.times, published - window),
                bisect_right(self.times, published + window))

    def drop_before(self, before: int) -> None:
        cut = bisect_left(self.times, before)
        if cut:
            del self.times[:cut]
            del self.refs[:cut]

    def __len__(self) -> int:
        return len(self.times) + len(self.undated)


class MemoryIndex:
    """An in-memory index for streams, measurements and bulk regroups.

    ``meta`` (published, ref, title, lang) and ``keys_of`` outlive :meth:`prune`, which drops
    what only candidates need (postings, signals) once it is older than the window. A lookup
    costs a bisect per key plus at most ``cap`` postings per key, whatever the window holds.
    """

    def __init__(self) -> None:
        self.postings: dict[str, Postings] = defaultdict(Postings)
        self.signals: dict[Any, Signals] = {}
        self.story_of: dict[Any, int] = {}
        self.members: dict[int, list[Any]] = defaultdict(list)
        self.meta: dict[Any, tuple[int, Any, str, str | None]] = {}
        self.keys_of: dict[Any, tuple[str, ...]] = {}
        self.when: dict[Any, int] = {}  # ref → published, 0 when undated (for the ranking)
        self._next = 1

    def lookup(
        self, keys: Iterable[str], published: int | None, window: int, cap: int
    ) -> tuple[dict[str, int], dict[int, list[Signals]]]:
        counts: dict[str, int] = {}
        shared: Counter[Any] = Counter()  # counted in C, in the order first seen
        tally = shared.update
        find = self.postings.get
        for key in keys:
            postings = find(key)
            if postings is None:
                counts[key] = 0
                continue
            times = postings.times
            if published is None:
                low, high = 0, len(times)
            else:
                if len(times) > PRUNE_AT:
                    postings.drop_before(published - 2 * window)  # far behind: never a candidate
                low = bisect_left(times, published - window)
                high = bisect_right(times, published + window)
            count = counts[key] = high - low + len(postings.undated)
            if count <= cap:
                tally(postings.refs[low:high])
                tally(postings.undated)
        signals = self.signals
        picked = pick_candidates(shared, self.when.__getitem__, self.story_of.__getitem__)
        return counts, {story: [signals[ref] for ref in refs]
                        for story, refs in picked.items()}

    def assign(self, signals: Signals, story: int | None, evidence: Evidence | None,
               matched: Any) -> int:
        if story is None:
            story = self._next
            self._next += 1
        ref = signals.ref
        published = signals.published
        self.signals[ref] = signals
        self.story_of[ref] = story
        self.members[story].append(ref)
        keys = signals.blocking_keys()
        self.meta[ref] = (published or 0, ref, signals.title, signals.lang)
        self.when[ref] = published or 0
        self.keys_of[ref] = keys
        postings = self.postings
        for key in keys:
            postings[key].add(published, ref)
        return story

    def prune(self, before: int) -> None:
        """Forget candidates published before ``before`` (they can no longer match)."""
        for key in list(self.postings):
            postings = self.postings[key]
            postings.drop_before(before)
            if not postings:
                del self.postings[key]
        for ref in [r for r, s in self.signals.items()
                    if s.published is not None and s.published < before]:
            del self.signals[ref]

    def merge(self, keep: int, others: Iterable[int]) -> None:
        for other in others:
            for ref in self.members.pop(other, []):
                self.story_of[ref] = keep
                self.members[keep].append(ref)
        self.members[keep].sort(key=lambda ref: self.meta[ref][0])


class Grouper:
    """Puts reports into stories one at a time, in the order given (oldest first is best)."""

    def __init__(self, index: Index, window_hours: float = DEFAULT_WINDOW_HOURS) -> None:
        self.index = index
        self.window = int(window_hours * 3600)

    def matches(self, signals: Signals) -> list[tuple[float, int, Evidence, Any]]:
        """Every story this report belongs to, best first: (margin, story, evidence, match)."""
        counts, stories = self.index.lookup(
            signals.blocking_keys(), signals.published, self.window, KEY_CAP
        )

        def df(key: str) -> int:
            return counts.get(key, 0) + 1

        found: list[tuple[float, int, Evidence, Any]] = []
        memo: dict[str, float] = {}
        published = signals.published
        rush_seconds = RUSH_HOURS * 3600
        for story, members in stories.items():
            best: tuple[float, int, Evidence, Any] | None = None
            for member in members:
                if published is None or member.published is None:
                    rush = False
                else:
                    apart = abs(published - member.published)
                    if apart > self.window:
                        continue
                    rush = apart <= rush_seconds
                sim = similarity(signals.sig, member.sig, signals.empty, member.empty)
                if hopeless(signals, member, rush, sim):
                    continue
                evidence = compare(signals, member, df, memo, sim)
                margin = evidence.score - evidence.threshold
                if evidence.same and (best is None or margin > best[0]):
                    best = (margin, story, evidence, member.ref)
                    if margin >= SURE_MARGIN:
                        break  # clearly this story: its other members cannot change that
            if best is not None:
                found.append(best)
        found.sort(key=lambda item: (-item[0], item[1]))
        return found

    def add(self, signals: Signals) -> Decision:
        found = self.matches(signals)
        if not found:
            story = self.index.assign(signals, None, None, None)
            return Decision(signals.ref, story, None, None)
        _, story, evidence, matched = found[0]
        # A report that clearly belongs to two stories shows they are one (single link).
        others = tuple(item[1] for item in found[1:] if item[0] >= MERGE_MARGIN)
        if others:
            self.index.merge(story, others)
        self.index.assign(signals, story, evidence, matched)
        return Decision(signals.ref, story, evidence, matched, others)
