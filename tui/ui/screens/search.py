"""The search box's session on the main screen: live results, one undo step, esc clears.

A helper the main screen holds; the screen routes ``/``, the box's Changed and Submitted
messages and escape here. The filter stays the screen's: a search is one more field of it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tui.models import Filter
from tui.store.sqlite import sqlite3
from tui.ui.widgets.filter_bar import SearchBox

if TYPE_CHECKING:
    from tui.ui.screens.main import MainScreen


class Search:
    """Opens, runs and closes a search session (one undo step per session)."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._base: Filter | None = None
        self._pushed = False

    @property
    def box(self) -> SearchBox:
        return self.screen.query_one("#search", SearchBox)

    def open(self) -> None:
        box = self.box
        if self._base is None:
            self._base = self.screen.flt
            self._pushed = False
        box.add_class("-active")
        box.value = self.screen.flt.search
        box.focus()

    def changed(self, text: str) -> None:
        # No fixed debounce: the newest text is searched as soon as the keys queued so far
        # are handled (a key typed meanwhile makes the older callback a no-op), and the
        # character and the results are painted in one frame.
        self.screen.call_later(self.run, text)

    def run(self, text: str) -> None:
        screen, box = self.screen, self.box
        if self._base is None or text != box.value or text == screen.flt.search:
            return
        new = replace(screen.flt, search=text)
        try:
            screen.articles.prefetch(new)  # also the validity check: one query, not two
        except sqlite3.OperationalError:  # FTS syntax the index rejects
            box.add_class("-invalid")
            return
        box.remove_class("-invalid")
        # One undo step per search session, not one per keystroke.
        screen.apply_filter(new, push=not self._pushed)
        self._pushed = True

    def submitted(self, text: str) -> None:
        self.run(text)
        self.close(keep=True)

    def close(self, *, keep: bool) -> None:
        screen = self.screen
        self._base = None
        self.box.remove_class("-active")
        if not keep and screen.flt.search:  # "esc to clear" clears, it does not restore
            screen.apply_filter(replace(screen.flt, search=""), push=not self._pushed)
        screen.articles.focus()
