"""The status line: poll progress or its summary, a one-off notice, the highlighted feed.

Feed errors come from the network, so they are put in as Content text, not markup.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui.models import Feed
from tui.text import clean_line
from tui.ui.format import Clock, ago, until


class StatusLine(Static):
    """One line at the bottom; state is set by the screen, text rebuilt here."""

    def __init__(self, clock: Clock, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock
        self.polling: tuple[int, int] | None = None
        self.last_update: int | None = None
        """Newest successful fetch of any feed (from the store)."""
        self.last_poll: int | None = None
        """When a poll in this session finished (successful or not)."""
        self.new = 0
        self.failing = 0
        self.feed: Feed | None = None
        self.demo = False
        self._shown: tuple[str, tuple[object, ...]] | None = None

    def counted(self, feeds: list[Feed]) -> None:
        """The feeds were read again: how many fail, and (once) when one last answered."""
        self.failing = sum(1 for f in feeds if f.last_error)
        if self.last_update is None:
            self.last_update = max((f.last_success or 0 for f in feeds), default=0) or None
        self.render_status()

    def render_status(self) -> None:
        """Rebuild the text from the current state (also called by a slow timer)."""
        now = self._clock()
        parts: list[Content] = []
        if self.demo:
            parts.append(Content.styled("DEMO DATA — no network", "bold $text-warning"))
        if self.polling is not None:
            done, total = self.polling
            parts.append(Content.styled(f"polling {done}/{total} …", "bold $accent"))
        elif self.demo:
            pass
        elif self.last_poll is not None:
            parts.append(Content(f"polled {ago(now, self.last_poll)}"))
        elif self.last_update is not None:
            parts.append(Content(f"updated {ago(now, self.last_update)}"))
        else:
            parts.append(Content("never updated (r polls now)"))
        if self.new:
            parts.append(Content(f"{self.new} new"))
        if self.failing:
            s = "" if self.failing == 1 else "s"
            parts.append(Content.styled(f"{self.failing} feed{s} failing", "$text-error"))
        feed = self.feed
        if feed is not None:
            state = Content.assemble(
                ("feed ", "$text-muted"), clean_line(feed.display_title, 40), ": ",
            )
            if feed.last_error:
                state = state + Content.styled(clean_line(feed.last_error, 120), "$text-error")
            else:
                state = state + Content(f"ok, fetched {ago(now, feed.last_success)}")
            if not self.demo:
                state = state + Content.styled(f" · next poll {until(now, feed.next_due)}",
                                               "$text-muted")
            parts.append(state)
        text = Content(" · ").join(parts)
        shown = (text.plain, tuple(text.spans))
        if shown != self._shown:  # one line, fixed height: a repaint, never a layout
            self._shown = shown
            self.update(text, layout=False)
