"""Subscribe to a feed: a URL input whose errors are shown inline (as plain text)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tui.models import Feed
from tui.store import Store, StoreError
from tui.text import clean_line, safe_url


class AddFeedScreen(ModalScreen[Feed | None]):
    """Dismisses with the new Feed, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="add_feed_cancel"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content.styled("Add a feed", "bold"), classes="dialog-title")
            yield Input(placeholder="https://example.com/feed.xml", id="url")
            yield Static("", id="error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", variant="primary", id="add")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        raw = self.query_one("#url", Input).value.strip()
        error = self.query_one("#error", Static)
        if not raw:
            error.update(Content("Type the address of an RSS or Atom feed."))
            return
        url = safe_url(raw)
        if url is None:
            error.update(Content(f"Not an http(s) URL: {clean_line(raw, 120)}"))
            return
        try:
            feed = self._store.add_feed(url)
        except StoreError as exc:
            error.update(Content(clean_line(str(exc), 300)))
            return
        self.dismiss(feed)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
