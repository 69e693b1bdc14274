"""The entity sidebar: who and what a story (or the filtered list) mentions, by type.

Entity names come from tagging untrusted text, so prompts are Content. Choosing one
posts Chosen; the screen turns it into ``Filter.entity``.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.models import ENTITY_TYPES, Entity, Filter
from tui.text import clean_line
from tui.ui.keys import PANE_KEYS, bindings
from tui.ui.messages import EntitiesLoaded
from tui.ui.widgets.options import PaneOptionList, Shape, update_options

TYPE_LABELS = {
    "ORG": "Organisations",
    "PERSON": "People",
    "PLACE": "Places",
    "TICKER": "Tickers",
    "MONEY": "Money",
}


class EntitySidebar(PaneOptionList):
    """Entities grouped by type with counts; enter or click filters the list by one."""

    BINDINGS = bindings(PANE_KEYS)

    @dataclass
    class Chosen(Message):
        name: str

    flt: reactive[Filter] = reactive(Filter, init=False, repaint=False)
    """The list's filter (bound to the screen's): its entity is marked once the list's
    entities arrive (no repaint before: they paint when they come)."""
    open_id: reactive[int | None] = reactive(None, init=False)
    """The open story (bound to the screen's): while one is open, its entities show."""

    def on_entities_loaded(self, loaded: EntitiesLoaded) -> None:
        """The list's top entities, unless a story was opened meanwhile."""
        if self.open_id is None and not loaded.stale:
            self.show_entities(loaded.entities, "Entities · list", self.flt.entity)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._names: dict[str, str] = {}
        self._shown: tuple[object, ...] | None = None
        self._shape: Shape | None = None

    def show_entities(self, entities: list[Entity] | tuple[Entity, ...], scope: str,
                      active: str | None) -> None:
        """Show ``entities``; ``scope`` says whose they are (this story / the list)."""
        shown = (tuple(entities), scope, active)
        if shown == self._shown:
            return
        self._shown = shown
        self.border_title = scope
        self._names = {}
        options: list[Option | None] = []
        for kind in ENTITY_TYPES:
            group = [e for e in entities if e.type == kind]
            if not group:
                continue
            if options:
                options.append(None)
            options.append(Option(Content.styled(TYPE_LABELS[kind], "bold $text-secondary"),
                                  disabled=True))
            for number, entity in enumerate(group):
                option_id = f"{kind}-{number}"
                self._names[option_id] = entity.name
                on_mark = "▸ " if active and entity.name.casefold() == active.casefold() else ""
                options.append(Option(
                    Content.assemble(
                        (f"{entity.count:>3}", "$text-muted"), " ",
                        (on_mark, "bold $accent"),
                        clean_line(entity.name, 60),
                    ),
                    id=option_id,
                ))
        if not options:
            options.append(Option(Content.styled("no entities", "$text-muted"), disabled=True))
        self._shape = update_options(self, options, self._shape)

    def on_focus(self) -> None:
        """A pane that gets focus shows where enter would act: highlight a row."""
        if self.highlighted is None:
            self.action_first()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        name = self._names.get(event.option.id or "")
        if name:
            self.post_message(self.Chosen(name))
