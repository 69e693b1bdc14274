"""The help screen: every key (after the user's remapping) and what it does."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.ui.keys import (
    APP_KEYS,
    DIALOG_KEYS,
    FEED_KEYS,
    LIST_KEYS,
    SCREEN_KEYS,
    KeySpec,
    display_keys,
)

EXTRA = (
    ("tab / shift+tab", "Move between panes (feeds, list, reader, entities)"),
    ("mouse", "Click a feed, a story or an entity; scroll with the wheel"),
    ("ctrl+p", "Command palette: every action by name"),
)


def help_text(overrides: dict[str, str]) -> Content:
    """The key table as Content; ``overrides`` is the keymap in force (id -> keys)."""
    lines: list[Content] = [Content.styled("sinowire keys", "bold $accent"), Content("")]
    groups: tuple[tuple[str, tuple[KeySpec, ...]], ...] = (
        ("Filters and actions", SCREEN_KEYS),
        ("Article list (down/up also move in the feed pane, reader and sidebar)", LIST_KEYS),
        ("Feed pane", FEED_KEYS),
        ("Dialogs", DIALOG_KEYS),
        ("App", APP_KEYS),
    )
    for title, specs in groups:
        lines.append(Content.styled(title, "bold"))
        for spec in specs:
            keys = display_keys(overrides.get(spec.id, spec.keys))
            lines.append(Content.assemble(
                (f"  {keys:<12}", "bold $text-secondary"), spec.help,
                "  ", (f"[{spec.id}]", "$text-muted"),
            ))
        lines.append(Content(""))
    lines.append(Content.styled("Everywhere", "bold"))
    for keys, what in EXTRA:
        lines.append(Content.assemble((f"  {keys:<12}", "bold $text-secondary"), what))
    lines.append(Content(""))
    lines.append(Content.styled(
        "Remap any key in config.toml under [keys], e.g. china_only = \"C\" (the id is shown "
        "in brackets).", "$text-muted"))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """Closed with esc, q or ?."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help_close"),
    ]

    def __init__(self, overrides: dict[str, str]) -> None:
        super().__init__()
        self._overrides = overrides

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(help_text(self._overrides))
