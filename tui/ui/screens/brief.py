"""The Brief screen: the last day's stories, China first, by topic (``sinowire brief`` in-app).

The brief is built by :func:`tui.stories.brief.build_brief` in a thread worker (it reads
every story's reports and entities); the screen opens at once with "Building…" and shows the
result when it arrives. Every string from a feed goes into ``Content`` as plain text.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.stories.brief import Brief, BriefStory, section_title, when
from tui.text import clean_line
from tui.ui.format import ago
from tui.ui.keys import DIALOG_KEYS, PANE_KEYS, bindings
from tui.ui.messages import BriefBuilt

DAY = 86400


def brief_period(now: float, newest: int | None) -> tuple[int, int]:
    """(since, until): the 24 hours up to now, or up to the newest report when the cache has
    not been updated for a while (a brief of nothing says less than the last day's)."""
    end = min(int(now), newest) if newest else int(now)
    return end - DAY, end


def render_brief(brief: Brief, *, stale: str = "", close_key: str = "esc") -> Content:
    """The brief as inert Content: a heading per section, a block per story. ``stale`` says
    why the period ends before now (the cache's newest report is older)."""
    muted = "$text-muted"
    counts = brief.counts
    lines: list[Content] = [
        Content.assemble(("China crypto brief", "bold $accent"),
                         (f"   ({close_key} closes)", muted)),
        Content.styled(
            f"{when(brief.since)} → {when(brief.until)} · {counts.get('stories', 0)} stories "
            f"({counts.get('china', 0)} China) from {counts.get('reports', 0)} reports", muted),
    ]
    if stale:
        lines.append(Content.styled(stale, "$text-warning"))
    if not brief.sections:
        lines += [Content(""), Content.styled("No stories in this period.", muted)]
    for section in brief.sections:
        style = "bold $text-error" if section.china else "bold"
        lines += [Content(""), Content.styled(f"── {section_title(section)} ──", style)]
        for story in section.stories:
            lines += [Content(""), *_story(story)]
    return Content("\n").join(lines)


def _story(story: BriefStory) -> list[Content]:
    muted = "$text-muted"
    out = [Content.styled(clean_line(story.headline, 300), "bold")]
    if story.other_headline:
        out.append(Content.styled(clean_line(story.other_headline, 300), "italic"))
    if story.lead:
        out.append(Content(clean_line(story.lead, 400)))
    sources = " · ".join(f"{clean_line(s.outlet or 'source', 40)} ({s.lang or '?'})"
                         for s in story.sources)
    out.append(Content.assemble((f"Sources ({len(story.sources)}, {'/'.join(story.langs)}): ",
                                 muted), sources))
    if story.china_evidence:
        out.append(Content.assemble(("China: ", "$text-error"),
                                    clean_line(story.china_evidence, 300)))
    if story.entities:
        out.append(Content.assemble(("Entities: ", muted),
                                    clean_line(", ".join(story.entities), 300)))
    if story.why:
        out.append(Content.assemble(("Why one story: ", muted), clean_line(story.why, 300)))
    return out


class BriefView(VerticalScroll, can_focus=True):
    """The scrolling body; j/k scroll it like the reader."""

    BINDINGS = bindings(PANE_KEYS)

    def action_cursor_down(self) -> None:
        self.scroll_down(animate=False)

    def action_cursor_up(self) -> None:
        self.scroll_up(animate=False)


class BriefScreen(ModalScreen[None]):
    """Closed with escape (or q); the text arrives from a worker (:class:`BriefBuilt`)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(
        tuple(k for k in DIALOG_KEYS if k.id.startswith("brief_")))
    DEFAULT_CSS = """
    BriefScreen { align: center middle; }
    BriefScreen #brief {
        width: 110; max-width: 98%; height: 94%;
        padding: 1 2; border: thick $accent; background: $surface;
    }
    BriefScreen #brief-text { width: 100%; }
    """

    def __init__(self, *, close_key: str = "esc", now: float = 0.0) -> None:
        super().__init__()
        self.close_key = close_key
        self.now = now
        """The app's clock when the brief was asked for (its staleness is relative to it)."""

    def compose(self) -> ComposeResult:
        with BriefView(id="brief"):
            yield Static(Content.styled("Building the brief…", "$text-muted"),
                         id="brief-text")

    def on_mount(self) -> None:
        self.query_one(BriefView).focus()

    def on_brief_built(self, event: BriefBuilt) -> None:
        if event.stale:
            return
        if isinstance(event.brief, str):
            self.show_error(event.brief)
        else:
            self.show_brief(event.brief, self.now)

    def show_brief(self, brief: Brief, now: float) -> None:
        """Called on the UI thread with the built brief (``now``: the app's clock)."""
        stale = ""
        if brief.until < now - 6 * 3600:  # a quiet few hours is not a stale cache
            stale = (f"The cache's newest report is {ago(now, brief.until)}: this is the last "
                     "day of what is cached (r polls now).")
        if self.is_attached:
            self.query_one("#brief-text", Static).update(
                render_brief(brief, stale=stale, close_key=self.close_key))

    def show_error(self, message: str) -> None:
        if self.is_attached:
            self.query_one("#brief-text", Static).update(
                Content.styled(f"The brief could not be built: {message}", "$text-error"))
