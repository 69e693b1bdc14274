"""Multi-select pickers for topics and regions, with counts under the current filters.

The picker opens at once; the counts (a scan of the filtered list) arrive a moment later
as a :class:`~tui.ui.messages.PickerCounts` from the main screen's worker.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, SelectionList, Static
from textual.widgets.selection_list import Selection

from tui.models import REGIONS, TOPICS
from tui.ui.keys import BY_ID, DIALOG_KEYS, bindings, display_keys
from tui.ui.messages import PickerCounts

if TYPE_CHECKING:
    from tui.ui.screens.main import MainScreen


def pick_topics(screen: MainScreen) -> None:
    """Open the topics picker over ``screen``; its counts follow from a worker."""
    names = list(TOPICS) + sorted(t for t in screen.settings.user_topics if t not in TOPICS)
    flt = screen.flt
    picker = PickerScreen("Topics (any of)", names, flt.topics,
                          apply_key=_first_key(screen, "topics"), keys=screen.user_keys)
    screen.app.push_screen(picker, lambda chosen: _picked(screen, "topics", chosen))
    # The counts (a scan of the filtered list) follow the open picker.
    screen.read("picker", "Counting topics", lambda store: store.topic_counts(flt),
                PickerCounts, to=picker)


def pick_regions(screen: MainScreen) -> None:
    flt = screen.flt
    picker = PickerScreen("Regions (any of; TW is never folded into China)", list(REGIONS),
                          flt.regions, apply_key=_first_key(screen, "regions"),
                          keys=screen.user_keys)
    screen.app.push_screen(picker, lambda chosen: _picked(screen, "regions", chosen))
    screen.read("picker", "Counting regions", lambda store: {
        r: store.count_articles(replace(flt, regions=frozenset({r}))) for r in REGIONS
    }, PickerCounts, to=picker)


def _first_key(screen: MainScreen, binding_id: str) -> str:
    return screen.user_keys.get(binding_id, BY_ID[binding_id].keys).split(",")[0]


def _picked(screen: MainScreen, field: str, chosen: frozenset[str] | None) -> None:
    if chosen is None:
        return
    if field == "topics":
        screen.apply_filter(replace(screen.flt, topics=chosen))
    else:
        screen.apply_filter(replace(screen.flt, regions=chosen))


class PickerScreen(ModalScreen[frozenset[str] | None]):
    """Dismisses with the chosen values (apply) or None (cancel)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(
        tuple(s for s in DIALOG_KEYS if s.id.startswith("picker_")))

    def __init__(self, title: str, values: list[str], chosen: frozenset[str],
                 apply_key: str = "", counts: dict[str, int] | None = None,
                 keys: dict[str, str] | None = None) -> None:
        super().__init__()
        self._keys = keys or {}
        self._title = title
        self._values = values
        self._counts = counts
        self._chosen = chosen
        self._apply_key = apply_key

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Static(Content.styled(self._title, "bold"), classes="dialog-title")
            yield SelectionList[str](
                *[Selection(self._prompt(value), value, value in self._chosen)
                  for value in self._values],
                id="choices",
            )
            yield Static(Content.styled(self._hint(), "$text-muted"), classes="picker-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Clear", id="clear")
                yield Button("Cancel", id="cancel")

    def _hint(self) -> str:
        def key(spec_id: str) -> str:
            return display_keys(self._keys.get(spec_id, BY_ID[spec_id].keys))

        return (f"space/enter toggle · {key('picker_apply')} apply · "
                f"{key('picker_clear')} clear · {key('picker_cancel')} cancel")

    def _prompt(self, value: str) -> Content:
        count = "…" if self._counts is None else str(self._counts.get(value, 0))
        return Content.assemble(value + "  ", (count, "$text-muted"))

    def on_picker_counts(self, event: PickerCounts) -> None:
        if not event.stale:
            self.show_counts(event.counts)

    def show_counts(self, counts: dict[str, int]) -> None:
        """The counts have arrived (from the main screen's worker)."""
        self._counts = counts
        if not self.is_attached:
            return  # dismissed before they came
        choices = self.query_one("#choices", SelectionList)
        for index, value in enumerate(self._values):
            choices.replace_option_prompt_at_index(index, self._prompt(value))

    def on_resize(self) -> None:
        """Fit any terminal: the list gives way (it scrolls), the keys and buttons stay."""
        chrome = 12  # border, padding, title, hint and buttons
        self.query_one("#choices").styles.max_height = max(3, int(self.size.height * 0.9)
                                                           - chrome)

    def on_mount(self) -> None:
        self.on_resize()
        choices = self.query_one("#choices", SelectionList)
        choices.focus()
        if choices.option_count:
            choices.highlighted = 0

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]  # Textual's Key event, untyped here as in the base
        # The key that opened the picker also closes it, applying the choice.
        if self._apply_key and event.key == self._apply_key:
            event.stop()
            self.action_apply()

    @property
    def selected(self) -> frozenset[str]:
        return frozenset(self.query_one("#choices", SelectionList).selected)

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        self.dismiss(self.selected)

    @on(Button.Pressed, "#clear")
    def action_clear(self) -> None:
        self.query_one("#choices", SelectionList).deselect_all()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
