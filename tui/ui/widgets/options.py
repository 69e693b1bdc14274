"""Updating an OptionList in place, so new counts are a repaint, not a layout."""

from __future__ import annotations

from textual.widgets import OptionList
from textual.widgets.option_list import Option

Shape = list[tuple[str | None, bool] | None]


def update_options(widget: OptionList, options: list[Option | None], shape: Shape | None
                   ) -> Shape:
    """Show ``options``; returns their shape, to pass back in next time.

    An auto-height OptionList lays out the whole screen on ``set_options`` (~25 ms at
    160x45). When the options have the same ids in the same places (only counts or marks
    changed), replacing the prompts is enough: a repaint of this pane alone.
    """
    new_shape: Shape = [None if o is None else (o.id, o.disabled) for o in options]
    if new_shape != shape:
        widget.set_options(options)
        return new_shape
    index = 0
    for option in options:
        if option is not None:  # (Content compares plain text only: replace them all)
            widget.replace_option_prompt_at_index(index, option.prompt)
            index += 1
    return new_shape
