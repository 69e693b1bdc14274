"""Stories: the same event across outlets and languages, grouped at ingest with its evidence.

Pure core (no textual, no SQL here except through the Store in :mod:`tui.stories.stage`)::

    from tui.stories import Grouper, MemoryIndex, signals_from_record
    grouper = Grouper(MemoryIndex(), window_hours=72)
    decision = grouper.add(signals_from_record(record, tagger))   # -> Decision (story, evidence)

    from tui.stories.stage import group_new, regroup
    report = group_new(store, article_ids, window_hours=72)      # the engine's stage
"""

from __future__ import annotations

from tui.stories.grouper import Decision, Grouper, MemoryIndex
from tui.stories.signals import Signals, signals_from_parts, signals_from_record

__all__ = [
    "Decision",
    "Grouper",
    "MemoryIndex",
    "Signals",
    "signals_from_parts",
    "signals_from_record",
]
