"""The three columns (feeds | list over reader | entities) and who gets how much width.

Below NARROW columns the side panes start hidden; whatever the user shows, the list keeps
MIN_LIST columns (titles stay readable), so a side pane just asked for pushes the other
one out. ``e`` on a narrow terminal pops the sidebar up for one pick and puts things
back afterwards.
"""

from __future__ import annotations

from textual.containers import Horizontal
from textual.events import Resize
from textual.widget import Widget

NARROW = 110
MIN_LIST = 50
WIDTHS = {"feeds": 24, "entities": 28}  # as in app.tcss


class Panes(Horizontal):
    """Holds #feeds, #middle and #entities; shows and hides the two side panes."""

    def __init__(self, *children: Widget, id: str | None = None) -> None:
        super().__init__(*children, id=id)
        self._by_user = False
        """The user toggled a pane: stop deciding by width alone."""
        self._popped: set[str] = set()
        """Panes changed for a sidebar pick, to restore after it."""

    def _pane(self, name: str) -> Widget:
        return self.query_one(f"#{name}")

    def on_resize(self, event: Resize) -> None:
        if not self._by_user:
            wide = self.app.size.width >= NARROW
            for name in WIDTHS:
                self._pane(name).display = wide
        self.fit(keep="feeds")

    def fit(self, keep: str) -> None:
        """Hide side panes until the list has MIN_LIST columns; ``keep`` goes last."""
        order = [name for name in WIDTHS if name != keep] + [keep]
        for name in order:
            used = sum(w for n, w in WIDTHS.items() if self._pane(n).display)
            if self.app.size.width - used >= MIN_LIST:
                return
            self._pane(name).display = False

    def toggle(self, name: str) -> None:
        self._by_user = True
        pane = self._pane(name)
        pane.display = not pane.display
        self.fit(keep=name)

    def pop_sidebar(self) -> None:
        """Show the sidebar for a pick even where it does not fit beside the feed pane."""
        sidebar, feeds = self._pane("entities"), self._pane("feeds")
        if not sidebar.display:
            self._popped.add("entities")
            sidebar.display = True
            if feeds.display and self.app.size.width - sum(WIDTHS.values()) < MIN_LIST:
                self._popped.add("feeds")
                feeds.display = False

    def restore(self) -> None:
        """Undo :meth:`pop_sidebar` once the pick is done."""
        if "entities" in self._popped:
            self._pane("entities").display = False
        if "feeds" in self._popped:
            self._pane("feeds").display = True
        self._popped.clear()
