"""The link picker: a story's own link, its source, and its numbered references.

Every URL comes from a feed or a page, so prompts are Content (plain text); only
http(s) links are opened, others are listed dimmed and can only be copied.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.models import ArticleDetail, Feed
from tui.text import clean_line, safe_url
from tui.ui.keys import BY_ID, DIALOG_KEYS, bindings, display_keys
from tui.ui.references import split_references
from tui.ui.screens.article_actions import copy_link, open_link

Link = tuple[str, str]
"""(label, url)"""


def story_links(detail: ArticleDetail, feed: Feed | None) -> list[Link]:
    """The story's link, its source's site and feed, then its references, deduplicated."""
    links: list[Link] = []
    if detail.row.url:
        links.append(("story", detail.row.url))
    if feed is not None:
        if feed.site_url:
            links.append(("source", feed.site_url))
        links.append(("feed", feed.url))
    text, _source = detail.body()
    for ref in split_references(text)[1]:
        links.append((f"[{ref.number}]" + (f" {ref.title}" if ref.title else ""), ref.url))
    seen: set[str] = set()
    unique = []
    for label, url in links:
        if url not in seen:
            seen.add(url)
            unique.append((label, url))
    return unique


class LinkPicker(ModalScreen[None]):
    """enter opens the highlighted link in the browser, y copies it, esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(
        tuple(s for s in DIALOG_KEYS if s.id.startswith("link_")))

    def __init__(self, links: list[Link], keys: dict[str, str] | None = None) -> None:
        super().__init__()
        self._links = links
        self._keys = keys or {}

    def compose(self) -> ComposeResult:
        def key(spec_id: str) -> str:
            return display_keys(self._keys.get(spec_id, BY_ID[spec_id].keys))

        with Vertical(classes="dialog links"):
            yield Static(Content.styled("Links", "bold"), classes="dialog-title")
            yield OptionList(*[self._option(i, label, url)
                               for i, (label, url) in enumerate(self._links)], id="links")
            yield Static(Content.styled(
                f"enter open in browser · {key('link_copy')} copy · {key('link_close')} close",
                "$text-muted"))

    @staticmethod
    def _option(index: int, label: str, url: str) -> Option:
        style = "" if safe_url(url) else "$text-muted"
        return Option(Content.assemble((f"{clean_line(label, 40)}  ", "bold $text-secondary"),
                                       (clean_line(url, 200), style)), id=str(index))

    def on_mount(self) -> None:
        links = self.query_one("#links", OptionList)
        links.focus()
        links.highlighted = 0

    @property
    def highlighted_url(self) -> str | None:
        index = self.query_one("#links", OptionList).highlighted
        return self._links[index][1] if index is not None else None

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        url = self._links[int(event.option.id or 0)][1]
        safe = safe_url(url)
        if safe is None:
            self.notify(f"Not opening {clean_line(url, 100)}: only http(s) links are opened.",
                        severity="warning", markup=False)
            return
        if open_link(self, safe):
            self.dismiss(None)

    def action_copy(self) -> None:
        url = self.highlighted_url
        if url:
            copy_link(self, url)
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
