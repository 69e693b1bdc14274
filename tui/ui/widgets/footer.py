"""The key footer, recomposed once per change of the bindings, not once per signal."""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class OnceFooter(Footer):
    """Textual's Footer queues a full recompose (a widget per key) for every
    ``bindings_updated`` signal; while focus settles at start-up the screen sends five in
    a row, each recompose 50-100 ms here, and the first key waited behind them. Here a
    signal asks for one recompose after the refresh, and it is skipped when the keys it
    would show are the ones already shown."""

    _recompose_pending = False
    _composed: Hashable = None

    def compose(self) -> ComposeResult:
        self._composed = self._keys()
        yield from super().compose()

    def _keys(self) -> Hashable:
        """What compose shows, as a value: every active binding and its state."""
        if not self._bindings_ready:
            return None
        return tuple((b.key, self.app.get_key_display(b), b.description, b.action, b.show,
                      b.group, enabled, tooltip)
                     for _node, b, enabled, tooltip in self.screen.active_bindings.values())

    def bindings_changed(self, screen: Screen) -> None:  # type: ignore[type-arg]
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._recompose_pending:
            self._recompose_pending = True
            self.call_after_refresh(self._recompose_once)

    async def _recompose_once(self) -> None:
        self._recompose_pending = False  # a signal from here on asks for another
        if self.is_attached and self._keys() != self._composed:
            await self.recompose()
