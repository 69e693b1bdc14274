"""Updating an OptionList in place, so new counts are a repaint, not a layout."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.reactive import Reactive
from textual.visual import VisualType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

Shape = list[tuple[str | None, bool, int] | None]


class PaneOptionList(OptionList):
    """An OptionList whose height the stylesheet fixes (a pane: ``height: 100%``).

    Textual lays out the whole screen whenever an OptionList's line count changes (its
    ``virtual_size`` is a layout reactive): ~25-40 ms at 160x45, and during a poll the
    entity pane's groups and the feed pane's error lines change shape every refresh,
    so a key pressed then waited for a layout. A pane of fixed size needs only a repaint
    and its scrollbar updated (``_scroll_update`` does that; a scrollbar that appears or
    goes still asks for a layout itself). Not for an auto-height list.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)


def update_options(widget: OptionList, options: list[Option | None], shape: Shape | None
                   ) -> Shape:
    """Show ``options``; returns their shape, to pass back in next time.

    An auto-height OptionList lays out the whole screen on ``set_options`` (~25 ms at
    160x45). When the options have the same ids in the same places (only counts or marks
    changed), replacing the prompts is enough: a repaint of this pane alone. A prompt that
    gains or loses a line (a feed turning stale) changes the shape: the rows below move.
    """
    new_shape: Shape = [None if o is None else (o.id, o.disabled, _lines(o.prompt))
                        for o in options]
    if new_shape != shape:
        widget.set_options(options)
        return new_shape
    index = 0
    for option in options:
        if option is not None:
            if not _same(widget.get_option_at_index(index).prompt, option.prompt):
                _replace_prompt(widget, index, option.prompt)
            index += 1
    return new_shape


def _lines(prompt: object) -> int:
    text = prompt.plain if isinstance(prompt, Content) else str(prompt)
    return text.count("\n")


def _same(a: object, b: object) -> bool:
    if isinstance(a, Content) and isinstance(b, Content):  # Content == compares text only
        return a.plain == b.plain and a.spans == b.spans
    return a == b


def _replace_prompt(widget: OptionList, index: int, prompt: VisualType) -> None:
    """Replace one prompt, re-rendering only that option.

    ``replace_option_prompt_at_index`` drops the render cache of every option, so moving
    the feed pane's "selected" mark re-rendered all 50 feeds (~20 ms). Textual is pinned
    (8.2.8); on another version without this cache, the public call is used.
    """
    cache = getattr(widget, "_option_render_cache", None)
    option = widget.get_option_at_index(index)
    if cache is None or not hasattr(option, "_set_prompt"):
        widget.replace_option_prompt_at_index(index, prompt)
        return
    option._set_prompt(prompt)
    for key in [k for k in cache.keys() if k[0] is option]:  # noqa: SIM118 (no __iter__)
        cache.discard(key)
    widget.refresh()
