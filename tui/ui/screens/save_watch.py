"""Save the list's filter as a watch: a name prompt whose errors are shown inline.

The name is checked (and the watch written) by the core's ``save_watch``, which refuses a
bad or duplicate name and never leaves config.toml half-edited; on any refusal the dialog
stays open with the typed name, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tui.alerts.configfile import save_watch
from tui.alerts.watch import NAME_MAX, Watch
from tui.config import ConfigError
from tui.models import Filter
from tui.text import clean_line

PREVIEW_NAME = "preview"


def watch_for(name: str, flt: Filter, feed_url: str | None) -> Watch:
    """The watch ``flt`` would be saved as; ConfigError for a bad name or an empty filter."""
    return Watch.from_filter(name, flt, feed_url=feed_url)


class SaveWatchScreen(ModalScreen[Watch | None]):
    """Dismisses with the watch as saved (read back from the file), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="save_watch_cancel"),
    ]

    def __init__(self, flt: Filter, *, feed_url: str | None, path: Path, demo: bool = False,
                 taken: Iterable[str] = ()) -> None:
        super().__init__()
        self._flt = flt
        self._feed_url = feed_url
        self._path = path
        self._demo = demo
        self._taken = {name.casefold(): name for name in taken}

    def compose(self) -> ComposeResult:
        query = watch_for(PREVIEW_NAME, self._flt, self._feed_url).query()
        # The full path is in the toast after saving; here it would crowd a small terminal.
        where = ("the demo's throwaway config.toml" if self._demo
                 else "config.toml, as a [[watch]] table")
        lines = [Content.assemble(("Matches  ", "$text-muted"), clean_line(query, 200))]
        if self._flt.unread or self._flt.starred:
            lines.append(Content.styled("(unread and starred are views: not saved)",
                                        "$text-muted"))
        lines.append(Content.assemble(("Saved to ", "$text-muted"), clean_line(where, 200)))
        with Vertical(classes="dialog"):
            yield Static(Content.styled("Save the filter as a watch", "bold"),
                         classes="dialog-title")
            yield Static(Content("\n").join(lines), classes="dialog-text")
            yield Input(placeholder="a name, e.g. hong-kong", id="name", max_length=NAME_MAX)
            yield Static("", id="error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        error = self.query_one("#error", Static)
        if not name:
            error.update(Content("Type a name: it is shown in the feed pane and in alerts."))
            return
        if name.casefold() in self._taken:
            error.update(Content.assemble(
                "There is already a watch named ", (clean_line(self._taken[name.casefold()],
                                                                NAME_MAX), "bold"),
                ": pick another name (or remove that one with D in the feed pane)."))
            return
        try:
            saved = save_watch(self._path, watch_for(name, self._flt, self._feed_url))
        except ConfigError as exc:
            error.update(Content(clean_line(str(exc), 300)))
            return
        except OSError as exc:
            error.update(Content(clean_line(f"cannot write {self._path}: {exc}", 300)))
            return
        self.dismiss(saved)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
