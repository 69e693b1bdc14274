"""The incremental grouper: each new report joins the best story within the window or starts one.

Candidates come only from an index of blocking keys (shared entities, names, amounts, shingle
bands) limited to the window, never from a scan of it. The index is a protocol so the same
grouper runs in memory (``sinowire cluster``, the benchmark) and on the store (ingest).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from tui.stories.score import Evidence, compare, hopeless
from tui.stories.signals import Signals

DEFAULT_WINDOW_HOURS = 72
KEY_CAP = 200  # a key carried by more reports than this in the window is too common to block on
PRUNE_AT = 64  # a key's postings longer than this are pruned of reports far behind
COMPARE_CAP = 6  # the reports sharing the most keys that a new report is scored against
MERGE_MARGIN = 2.0  # how far past the bar a second story must be for a report to merge them


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


class MemoryIndex:
    """An in-memory index for streams, measurements and bulk regroups.

    ``meta`` (published, ref, title, lang) and ``keys_of`` outlive :meth:`prune`, which drops
    what only candidates need (postings, signals) once it is older than the window.
    """

    def __init__(self) -> None:
        self.postings: dict[str, list[tuple[int | None, Any]]] = defaultdict(list)
        self.signals: dict[Any, Signals] = {}
        self.story_of: dict[Any, int] = {}
        self.members: dict[int, list[Any]] = defaultdict(list)
        self.meta: dict[Any, tuple[int, Any, str, str | None]] = {}
        self.keys_of: dict[Any, list[str]] = {}
        self._next = 1

    def lookup(
        self, keys: Iterable[str], published: int | None, window: int, cap: int
    ) -> tuple[dict[str, int], dict[int, list[Signals]]]:
        counts: dict[str, int] = {}
        shared: dict[Any, int] = defaultdict(int)
        for key in keys:
            postings = self.postings.get(key, ())
            if published is not None and len(postings) > PRUNE_AT:
                # Input comes mostly oldest first: drop what is far behind, once in a while.
                postings = self.postings[key] = [
                    p for p in postings if p[0] is None or p[0] >= published - 2 * window]
            hits = [ref for when, ref in postings
                    if published is None or when is None or abs(when - published) <= window]
            counts[key] = len(hits)
            if len(hits) <= cap:
                for ref in hits:
                    shared[ref] += 1
        ranked = sorted(shared, key=lambda ref: (-shared[ref],
                                               -(self.signals[ref].published or 0)))
        ranked = ranked[:COMPARE_CAP]
        stories: dict[int, list[Signals]] = defaultdict(list)
        for ref in ranked:
            stories[self.story_of[ref]].append(self.signals[ref])
        return counts, stories

    def assign(self, signals: Signals, story: int | None, evidence: Evidence | None,
               matched: Any) -> int:
        if story is None:
            story = self._next
            self._next += 1
        self.signals[signals.ref] = signals
        self.story_of[signals.ref] = story
        self.members[story].append(signals.ref)
        keys = signals.blocking_keys()
        self.meta[signals.ref] = (signals.published or 0, signals.ref, signals.title,
                                  signals.lang)
        self.keys_of[signals.ref] = keys
        for key in keys:
            self.postings[key].append((signals.published, signals.ref))
        return story

    def prune(self, before: int) -> None:
        """Forget candidates published before ``before`` (they can no longer match)."""
        for key in list(self.postings):
            kept = [p for p in self.postings[key] if p[0] is None or p[0] >= before]
            if kept:
                self.postings[key] = kept
            else:
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
        for story, members in stories.items():
            best: tuple[float, int, Evidence, Any] | None = None
            for member in members:
                if (signals.published is not None and member.published is not None
                        and abs(signals.published - member.published) > self.window):
                    continue
                if hopeless(signals, member):
                    continue
                evidence = compare(signals, member, df, memo)
                margin = evidence.score - evidence.threshold
                if evidence.same and (best is None or margin > best[0]):
                    best = (margin, story, evidence, member.ref)
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
