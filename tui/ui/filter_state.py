"""The list's filter with an undo stack and "clear the last filter that is on" (no Textual).

Escape means *clear the last filter that is on*: the field turned on most recently (and
still on) goes back to its default. Undo (its own key) walks the history back, escape's
own changes included. Kept apart from the screen so both rules have plain unit tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from tui.models import Filter, WatchScope

_DEFAULT = Filter()
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Filter))


def on_fields(flt: Filter) -> set[str]:
    """The fields of ``flt`` that narrow the list (differ from the empty filter)."""
    return {name for name in FIELDS if getattr(flt, name) != getattr(_DEFAULT, name)}


@dataclass
class FilterState:
    """The current filter, what came before it, and the order its fields were turned on."""

    current: Filter = field(default_factory=Filter)
    history: list[Filter] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    """Fields that are on, oldest first: the last one is what escape clears."""

    def apply(self, new: Filter, *, push: bool = True) -> bool:
        """Make ``new`` current (the old one goes on the undo stack); False if no change."""
        if new == self.current:
            return False
        if push:
            self.history.append(self.current)
        self._track(self.current, new)
        self.current = new
        return True

    def _track(self, old: Filter, new: Filter) -> None:
        now_on = on_fields(new)
        changed = {n for n in now_on if getattr(old, n) != getattr(new, n)}
        self.order = [n for n in self.order if n in now_on and n not in changed]
        # Fields that changed together keep a stable order (the table's).
        self.order += [n for n in FIELDS if n in changed]
        self.order += [n for n in FIELDS if n in now_on and n not in self.order]

    def clear_last(self) -> str | None:
        """Turn off the newest filter that is on; its field name, or None if none is on."""
        if not self.order:
            return None
        name = self.order[-1]
        self.apply(replace(self.current, **{name: getattr(_DEFAULT, name)}))
        return name

    def undo(self) -> bool:
        """Go back to the filter before the last change; False with nothing to undo."""
        if not self.history:
            return False
        previous = self.history.pop()
        self._track(self.current, previous)
        self.current = previous
        return True


def chosen_view(flt: Filter, kind: str, feed_id: int | None = None,
                watch: WatchScope | None = None) -> Filter:
    """The filter after a feed-pane choice: the view (a feed, a watch, unread, China,
    starred or all) replaces the old view; the other filters stay on."""
    base = replace(flt, feed_id=None, starred=False, china=False, unread=False, watch=None)
    if kind == "feed" and feed_id is not None:
        return replace(base, feed_id=feed_id)
    if kind == "watch":  # narrowed by the watch, composed with the filters on
        return replace(base, watch=watch)
    return replace(base, unread=kind == "unread", china=kind == "china",
                   starred=kind == "starred")  # "all": none of them
