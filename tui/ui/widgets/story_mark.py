"""What a grouped list row adds for its story: ``+N`` beside the outlet, and its reach.

The reach (the languages, then the other outlets) goes after the title only in the cells the
title and the topic chips leave, cut at an outlet name's end or with an ellipsis, never
squeezing the title. Plain strings: the list puts them in ``Text`` (no markup).
"""

from __future__ import annotations

import re

from rich.cells import cell_len, set_cell_size

from tui.models import ArticleRow
from tui.store.story_list import StoryListRow
from tui.text import clean_line

_LANGS = re.compile(r"[a-z]{2,3}(?:/[a-z]{2,3})+")
"""The languages part alone ("en/zh"), as story_mark writes it."""


def story_mark(row: ArticleRow) -> tuple[str, str]:
    """(`` +2``, ``en/zh · Asia Crypto Desk, 链报快讯``) for a story row with other reports:
    the mark goes beside the outlet, the reach after the title where it fits."""
    if not isinstance(row, StoryListRow) or row.others <= 0:
        return "", ""
    parts = ["/".join(row.langs)] if len(row.langs) > 1 else []
    outlets = ", ".join(clean_line(name, 40) for name in row.outlets if name)
    if outlets:
        parts.append(outlets)
    return f" +{row.others}", " · ".join(parts)


def fit_reach(reach: str, free: int) -> str:
    """The reach in ``free`` cells (less one for the space): whole, or the outlets cut
    with an ellipsis (at least a few letters of one), or the languages alone, or nothing."""
    room = free - 1
    if not reach or room < 5:
        return ""
    if cell_len(reach) <= room:
        return reach
    langs, sep, outlets = reach.partition(" · ")
    if not sep:  # one part: the languages (never cut: they do not fit) or the outlets
        if _LANGS.fullmatch(reach):
            return ""
        langs, outlets = "", reach
    head = f"{langs} · " if langs else ""
    if outlets and room - cell_len(head) >= 6:
        return head + set_cell_size(outlets, room - cell_len(head) - 1).rstrip() + "…"
    return langs if langs and cell_len(langs) <= room else ""
