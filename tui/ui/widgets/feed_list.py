"""The feed pane: virtual feeds (All, Unread, China, Starred), each subscription, watches.

Feed titles come from the feeds themselves, so prompts are built as Content (plain
text), never markup. A failing feed carries a ``!`` mark; its reason and next poll time
are announced when highlighted so the status line can show them. A stale feed (it
answers, but nothing new for ``[poll] stale_days``) is dimmed and says so. Watches
(saved filters) follow the feeds in their own section, with unread counts and a ``*``
mark while they hold alerts the user has not looked at.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.models import Feed, Filter, WatchScope
from tui.text import clean_line
from tui.ui.keys import FEED_KEYS, PANE_KEYS, bindings
from tui.ui.messages import CountsLoaded, StaleLoaded, WatchesLoaded
from tui.ui.widgets.options import PaneOptionList, Shape, update_options

VIRTUAL = (("all", "All"), ("unread", "Unread"), ("china", "China"), ("starred", "Starred"))
WATCH_PREFIX = "watch-"


@dataclass(frozen=True)
class WatchRow:
    """One watch as the pane shows it; ``capped``: at least ``unread`` (the count stopped)."""

    scope: WatchScope
    unread: int
    capped: bool = False


def failure_reason(error: str) -> str:
    """A failing feed's reason, short enough for the pane (the status line has it all)."""
    return clean_line(error, 40)


def selected_id(flt: Filter) -> str:
    """The option the feed pane marks as the chosen view of ``flt``."""
    if flt.watch is not None:
        return WATCH_PREFIX + flt.watch.name
    if flt.feed_id is not None:
        return f"feed-{flt.feed_id}"
    if flt.starred:
        return "starred"
    if flt.china:
        return "china"
    return "unread" if flt.unread else "all"


class FeedList(PaneOptionList):
    """Feed pane; posts Chosen (a virtual feed key or a feed id) and Highlighted."""

    BINDINGS = bindings(FEED_KEYS + PANE_KEYS)

    @dataclass
    class Chosen(Message):
        """A virtual feed (``kind``) or a real feed (``kind == "feed"``) was chosen."""

        kind: str
        feed: Feed | None = None
        watch: WatchScope | None = None

    @dataclass
    class Highlighted(Message):
        """The highlight is on a real feed (its error and schedule are worth showing)."""

        feed: Feed | None

    @dataclass
    class RemoveRequested(Message):
        feed: Feed

    @dataclass
    class RemoveWatchRequested(Message):
        name: str

    flt: reactive[Filter] = reactive(Filter, init=False, repaint=False)
    """The list's filter (bound to the screen's): the pane marks the view it shows (its
    rebuild repaints when the mark moves; a search key repaints nothing here)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._feeds: list[Feed] = []
        self._unread: dict[int, int] = {}
        self._totals: dict[str, int] = {}
        self._watches: list[WatchRow] = []
        self._stale: dict[int, str] = {}
        self._alerted: dict[str, int] = {}
        self._shown: tuple[object, ...] | None = None
        self._shape: Shape | None = None
        self._selected = "all"

    def watch_flt(self, flt: Filter) -> None:
        self._selected = selected_id(flt)
        if self._shown is not None:
            self._rebuild()

    def on_counts_loaded(self, counts: CountsLoaded) -> None:
        """The feeds and their counts (the message goes on to the screen's status line)."""
        if not counts.stale:
            self.show_feeds(counts.feeds, counts.unread, counts.totals)

    def on_watches_loaded(self, event: WatchesLoaded) -> None:
        if not event.stale:
            self.show_watches(event.rows)

    def on_stale_loaded(self, event: StaleLoaded) -> None:
        if not event.stale:
            self.show_stale(event.quiet)

    def show_feeds(self, feeds: list[Feed], unread: dict[int, int],
                   totals: dict[str, int]) -> None:
        """Rebuild the options, keeping the highlight where it was (if anything changed)."""
        self._feeds, self._unread, self._totals = feeds, unread, totals
        self._rebuild()

    def show_watches(self, watches: list[WatchRow]) -> None:
        """The watch section (empty: no section), e.g. after a poll or a save."""
        self._watches = watches
        self._rebuild()

    def show_stale(self, stale: dict[int, str]) -> None:
        """Feeds that answer but publish nothing new: feed id -> for how long ("45 days")."""
        self._stale = stale
        self._rebuild()

    def mark_alerts(self, marks: dict[str, int]) -> None:
        """New alerts per watch name: ``*`` on the watch until it is chosen."""
        for name, count in marks.items():
            self._alerted[name] = self._alerted.get(name, 0) + count
        self._rebuild()

    @property
    def alerted(self) -> dict[str, int]:
        return dict(self._alerted)

    def _rebuild(self) -> None:
        feeds, unread, totals, selected = self._feeds, self._unread, self._totals, self._selected
        shown = (feeds, unread, totals, selected, tuple(self._watches),
                 tuple(self._stale.items()), tuple(self._alerted.items()))
        if shown == self._shown:
            return
        self._shown = shown
        keep = self.highlighted
        options: list[Option | None] = []
        for key, label in VIRTUAL:
            options.append(Option(self._prompt(label, totals.get(key, 0), False,
                                               key == selected), id=key))
        options.append(None)
        for feed in feeds:
            count = unread.get(feed.id, 0)
            stale = feed.id in self._stale and not feed.last_error
            prompt = self._prompt(clean_line(feed.display_title, 60), count,
                                  bool(feed.last_error), selected == f"feed-{feed.id}",
                                  dim=stale)
            if feed.last_error:  # explained where it is seen: a second, dimmed line
                prompt = Content.assemble(prompt, "\n",
                                          ("      " + failure_reason(feed.last_error),
                                           "$text-error 70%"))
            elif stale:  # it answers, but has nothing new: dimmed, and why
                prompt = Content.assemble(prompt, "\n",
                                          (f"      stale, {self._stale[feed.id]}",
                                           "$text-warning 70%"))
            options.append(Option(prompt, id=f"feed-{feed.id}"))
        if self._watches:
            options.append(None)
            options.append(Option(Content.styled("  Watches", "bold $text-muted"),
                                  id="watches-heading", disabled=True))
            for row in self._watches:
                name = row.scope.name
                prompt = self._prompt(clean_line(name, 60), row.unread, False,
                                      selected == WATCH_PREFIX + name, capped=row.capped,
                                      mark="*" if name in self._alerted else "")
                options.append(Option(prompt, id=WATCH_PREFIX + name))
        shape = self._shape
        self._shape = update_options(self, options, shape)
        if self._shape != shape and keep is not None and keep < self.option_count:
            self.highlighted = keep

    @staticmethod
    def _prompt(label: str, count: int, failing: bool, selected: bool, *,
                capped: bool = False, mark: str = "", dim: bool = False) -> Content:
        # Count first, right-aligned, so a long (ellipsised) name never hides it.
        if failing:
            sign = Content.styled("!", "bold $text-error")
        elif mark:
            sign = Content.styled(mark, "bold $text-warning")
        else:
            sign = Content(" ")
        shown = f"{min(count, 999)}+" if capped else f"{count}" if count else ""
        number = Content.styled(f"{shown:>4}", "$text-muted")
        style = "bold $accent" if selected else "$text-muted" if dim else ""
        name = Content.styled(label, style)
        return Content.assemble(sign, number, " ", name)

    def feed_for(self, option_id: str | None) -> Feed | None:
        if option_id and option_id.startswith("feed-"):
            feed_id = int(option_id.removeprefix("feed-"))
            return next((f for f in self._feeds if f.id == feed_id), None)
        return None

    def watch_for(self, option_id: str | None) -> WatchScope | None:
        if option_id and option_id.startswith(WATCH_PREFIX):
            name = option_id.removeprefix(WATCH_PREFIX)
            return next((r.scope for r in self._watches if r.scope.name == name), None)
        return None

    @property
    def highlighted_feed(self) -> Feed | None:
        option = self.highlighted_option
        return self.feed_for(option.id if option else None)

    @property
    def highlighted_watch(self) -> WatchScope | None:
        option = self.highlighted_option
        return self.watch_for(option.id if option else None)

    def on_focus(self) -> None:
        """A pane that gets focus shows where enter would act: highlight a row."""
        if self.highlighted is None:
            try:  # the view the list shows, else the top
                self.highlighted = self.get_option_index(self._selected)
            except Exception:
                self.action_first()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        watch = self.watch_for(event.option.id)
        if watch is not None:
            if self._alerted.pop(watch.name, None):  # looked at: the mark goes
                self._rebuild()
            self.post_message(self.Chosen("watch", watch=watch))
            return
        feed = self.feed_for(event.option.id)
        kind = "feed" if feed else (event.option.id or "all")
        self.post_message(self.Chosen(kind, feed))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.Highlighted(self.feed_for(event.option.id)))

    def action_remove_feed(self) -> None:
        watch = self.highlighted_watch
        if watch is not None:
            self.post_message(self.RemoveWatchRequested(watch.name))
            return
        feed = self.highlighted_feed
        if feed is None:
            self.notify("Highlight a feed or a watch (not All/Unread/China/Starred) to "
                        "remove it.")
            return
        self.post_message(self.RemoveRequested(feed))
