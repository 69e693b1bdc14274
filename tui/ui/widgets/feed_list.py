"""The feed pane: virtual feeds (All, Unread, China, Starred) then each subscription.

Feed titles come from the feeds themselves, so prompts are built as Content (plain
text), never markup. A failing feed carries a ``!`` mark; its reason and next poll time
are announced when highlighted so the status line can show them.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.models import Feed
from tui.text import clean_line
from tui.ui.keys import FEED_KEYS, PANE_KEYS, bindings
from tui.ui.widgets.options import Shape, update_options

VIRTUAL = (("all", "All"), ("unread", "Unread"), ("china", "China"), ("starred", "Starred"))


def failure_reason(error: str) -> str:
    """A failing feed's reason, short enough for the pane (the status line has it all)."""
    return clean_line(error, 40)


class FeedList(OptionList):
    """Feed pane; posts Chosen (a virtual feed key or a feed id) and Highlighted."""

    BINDINGS = bindings(FEED_KEYS + PANE_KEYS)

    @dataclass
    class Chosen(Message):
        """A virtual feed (``kind``) or a real feed (``kind == "feed"``) was chosen."""

        kind: str
        feed: Feed | None = None

    @dataclass
    class Highlighted(Message):
        """The highlight is on a real feed (its error and schedule are worth showing)."""

        feed: Feed | None

    @dataclass
    class RemoveRequested(Message):
        feed: Feed

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._feeds: list[Feed] = []
        self._shown: tuple[object, ...] | None = None
        self._shape: Shape | None = None
        self._selected = "all"

    def show_feeds(self, feeds: list[Feed], unread: dict[int, int], totals: dict[str, int],
                   selected: str) -> None:
        """Rebuild the options, keeping the highlight where it was (if anything changed)."""
        shown = (feeds, unread, totals, selected)
        if shown == self._shown:
            return
        self._shown = shown
        self._feeds = feeds
        self._selected = selected
        keep = self.highlighted
        options: list[Option | None] = []
        for key, label in VIRTUAL:
            options.append(Option(self._prompt(label, totals.get(key, 0), False,
                                               key == selected), id=key))
        options.append(None)
        for feed in feeds:
            count = unread.get(feed.id, 0)
            prompt = self._prompt(clean_line(feed.display_title, 60), count,
                                  bool(feed.last_error), selected == f"feed-{feed.id}")
            if feed.last_error:  # explained where it is seen: a second, dimmed line
                prompt = Content.assemble(prompt, "\n",
                                          ("      " + failure_reason(feed.last_error),
                                           "$text-error 70%"))
            options.append(Option(prompt, id=f"feed-{feed.id}"))
        shape = self._shape
        self._shape = update_options(self, options, shape)
        if self._shape != shape and keep is not None and keep < self.option_count:
            self.highlighted = keep

    @staticmethod
    def _prompt(label: str, count: int, failing: bool, selected: bool) -> Content:
        # Count first, right-aligned, so a long (ellipsised) name never hides it.
        mark = Content.styled("!", "bold $text-error") if failing else Content(" ")
        number = Content.styled(f"{count:>4}" if count else "    ", "$text-muted")
        name = Content.styled(label, "bold $accent" if selected else "")
        return Content.assemble(mark, number, " ", name)

    def feed_for(self, option_id: str | None) -> Feed | None:
        if option_id and option_id.startswith("feed-"):
            feed_id = int(option_id.removeprefix("feed-"))
            return next((f for f in self._feeds if f.id == feed_id), None)
        return None

    @property
    def highlighted_feed(self) -> Feed | None:
        option = self.highlighted_option
        return self.feed_for(option.id if option else None)

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
        feed = self.feed_for(event.option.id)
        kind = "feed" if feed else (event.option.id or "all")
        self.post_message(self.Chosen(kind, feed))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.Highlighted(self.feed_for(event.option.id)))

    def action_remove_feed(self) -> None:
        feed = self.highlighted_feed
        if feed is None:
            self.notify("Highlight a feed (not All/Unread/China/Starred) to remove it.")
            return
        self.post_message(self.RemoveRequested(feed))
