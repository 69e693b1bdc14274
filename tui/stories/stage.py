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

from tui.stories.grouper import DEFAULT_WINDOW_HOURS, MEMBERS_CAP, Grouper
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
    """The grouper's index on the store: lookups and assignments go through StoryMixin."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.merged = 0

    def lookup(
        self, keys: Iterable[str], published: int | None, window: int, cap: int
    ) -> tuple[dict[str, int], dict[int, list[Signals]]]:
        if published is None:
            published = int(time.time())
        counts, rows = self.store.story_lookup(keys, published, window, cap)
        stories: dict[int, list[Signals]] = {}
        for story, members in rows.items():
            signals = [Signals.from_json(ref, json.loads(data)) for ref, data in members]
            signals.sort(key=lambda s: s.published or 0)
            stories[story] = signals[-MEMBERS_CAP:]
        return counts, stories

    def assign(self, signals: Signals, story: int | None, evidence: Evidence | None,
               matched: Any) -> int:
        blob = None
        if evidence is not None:
            blob = json.dumps({**evidence.to_json(), "line": evidence.line(),
                               "matched": matched}, ensure_ascii=False)
        return self.store.story_assign(
            signals.ref, story, published=signals.published or int(time.time()),
            title=signals.title, lang=signals.lang,
            data=json.dumps(signals.to_json(), ensure_ascii=False),
            keys=signals.blocking_keys(), evidence=blob, matched=matched)

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
) -> GroupReport:
    """Group ``article_ids`` (None: every article not in a story yet), oldest first.

    Idempotent: articles already in a story are skipped unless named, and named ones are
    re-placed. Safe to call after every feed or once per update.
    """
    started = time.perf_counter()
    ids = list(store.ungrouped_ids() if article_ids is None else article_ids)
    index = StoreIndex(store)
    grouper = Grouper(index, window_hours)
    grouped = joined = new = 0
    inputs = store.grouping_inputs(ids)
    inputs.sort(key=lambda r: (r["published"], r["id"]))
    for start in range(0, len(inputs), BATCH):
        with store.db.atomic():
            for record in inputs[start : start + BATCH]:
                decision = grouper.add(_signals(record))
                grouped += 1
                if decision.joined:
                    joined += 1
                else:
                    new += 1
        if progress is not None:
            progress(min(start + BATCH, len(inputs)), len(inputs))
    return GroupReport(grouped, joined, new, index.merged, time.perf_counter() - started)


def regroup(
    store: Any,
    window_hours: float = DEFAULT_WINDOW_HOURS,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> GroupReport:
    """Forget every story and group the whole cache again (after a rule change)."""
    with store.db.atomic():
        store.reset_stories()
    return group_new(store, None, window_hours, progress=progress)
