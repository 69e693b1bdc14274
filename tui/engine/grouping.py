"""Grouping during an update, as the engine runs it: after each stored feed, then once more.

Kept apart from the engine so its error rule (a failed pass stops the per-feed passes; the
final pass's error is the one reported) has one home and a name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.store.errors import database_reason
from tui.store.sqlite import sqlite3

if TYPE_CHECKING:
    from tui.stories.stage import GroupReport


class Grouping:
    """Grouping during an update: after each stored feed (on the writing thread, while the
    worker parses the next feed), then once more at the end for anything left over.

    A database error stops the per-feed grouping; the final pass tries again and its error
    is the one reported (the stories are stored either way and group on the next poll).
    """

    def __init__(self, group: Callable[[], GroupReport]) -> None:
        self._group = group
        self._reports: list[GroupReport] = []
        self._failed = False

    def after_feed(self, _outcome: object) -> None:
        if self._failed:
            return
        try:
            self._reports.append(self._group())
        except sqlite3.Error:
            self._failed = True

    def finish(self) -> tuple[GroupReport | None, str | None]:
        try:
            self._reports.append(self._group())
        except sqlite3.Error as exc:  # disk full, busy: the stories are stored; group later
            problem = f"grouping skipped: {database_reason(exc)}; will retry next poll"
            return (_sum_reports(self._reports) if self._reports else None), problem
        return _sum_reports(self._reports), None


def _sum_reports(reports: list[GroupReport]) -> GroupReport:
    from tui.stories.stage import GroupReport

    return GroupReport(*(sum(getattr(r, name) for r in reports) for name in
                         ("grouped", "joined", "new_stories", "merged", "seconds")))
