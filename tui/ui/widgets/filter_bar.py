"""The filter bar (what the list shows, in one line) and the search box.

Search text and entity names are user/feed text, so they go in as Content variables.
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Input, Static

from tui.models import Filter
from tui.text import clean_line
from tui.ui.keys import BY_ID, display_keys


def describe(flt: Filter, feed_title: str | None, count: int, *,
             capped: bool = False, relevance: bool = False,
             keys: dict[str, str] | None = None, grouped: bool = True) -> Content:
    """One line: ``China · topics: mining · search: "…" · entity: Bitmain · unread``,
    then the count: stories when the list is grouped, reports when it is flat."""
    def key(spec_id: str) -> str:
        return display_keys((keys or {}).get(spec_id, BY_ID[spec_id].keys).split(",")[0])

    parts: list[Content] = []
    if flt.watch is not None:
        parts.append(Content.assemble(("watch: ", "$text-muted"),
                                      (clean_line(flt.watch.name, 60), "bold $accent")))
    if feed_title is not None:
        parts.append(Content.assemble(("feed: ", "$text-muted"), clean_line(feed_title, 60)))
    if flt.china:
        parts.append(Content.styled("China", "bold $text-error"))
    if flt.regions:
        parts.append(Content.assemble(("regions: ", "$text-muted"),
                                      (", ".join(sorted(flt.regions)), "bold $text-error")))
    if flt.topics:
        parts.append(Content.assemble(("topics: ", "$text-muted"),
                                      (", ".join(sorted(flt.topics)), "$text-secondary")))
    if flt.search.strip():
        order = "best match first" if relevance else "newest first"
        other = "newest" if relevance else "relevance"
        parts.append(Content.assemble(("search: ", "$text-muted"),
                                      (f"“{clean_line(flt.search, 60)}”", "bold"),
                                      (f" {order} ({key('relevance')}: {other})",
                                       "$text-muted")))
    if flt.entity:
        parts.append(Content.assemble(("entity: ", "$text-muted"),
                                      (clean_line(flt.entity, 60), "bold $accent")))
    if flt.unread:
        parts.append(Content.styled("unread", "bold"))
    if flt.starred:
        parts.append(Content.styled("★ starred", "$text-warning"))
    label = Content.styled(" Filters ", "reverse") if parts else Content.styled(
        " All stories ", "reverse $text-muted")
    body = Content(" · ").join(parts)
    if grouped:
        stories = f"{count:,}{'+' if capped else ''} stor{'y' if count == 1 else 'ies'}"
    else:
        stories = (f"{count:,}{'+' if capped else ''} report{'' if count == 1 else 's'}, "
                   f"flat ({key('group_stories')}: by story)")
    hint = (f"({key('clear_last')} clears the last · {key('undo')} undo · "
            f"{key('clear_all')} clears all)") if parts else ""
    return Content.assemble(label, " ", body, "  ", (stories, "$text-muted"), "  ",
                            (hint, "$text-muted"))


class FilterBar(Static):
    """Shows the active filters; the screen calls :meth:`show`."""

    _shown: tuple[object, ...] | None = None

    def show(self, flt: Filter, feed_title: str | None, count: int, *,
             capped: bool = False, relevance: bool = False,
             keys: dict[str, str] | None = None, grouped: bool = True) -> None:
        shown = (flt, feed_title, count, capped, relevance,
                 tuple(sorted((keys or {}).items())), grouped)
        if shown != self._shown:  # one line, fixed height: a repaint, never a layout
            self._shown = shown
            self.update(describe(flt, feed_title, count, capped=capped, relevance=relevance,
                                 keys=keys, grouped=grouped), layout=False)


class SearchBox(Input):
    """Search-as-you-type input; hidden until ``/``. The screen debounces its changes."""

    DEFAULT_CSS = """
    SearchBox { display: none; }
    SearchBox.-active { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="search titles and text — English or 中文; enter to keep, "
                         "esc to clear", id=id)

    def _watch_value(self, value: str) -> None:
        # Input grows its virtual size (a layout reactive) to the text's width on every
        # key: a layout and repaint of the whole screen (~15 ms at 160x45, the side panes
        # too) before the key's results can paint. The box's own size is fixed, so set the
        # width without a layout; Input's assignment then changes nothing.
        self.set_reactive(Widget.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)
