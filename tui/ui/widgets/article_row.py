"""One row of the article list as text: marks, age, region, outlet, title, reach, chips.

Split from the list widget (which scrolls, keeps the cursor and asks the pager for rows) so
the row's layout rules live in one place and can be read without the view around them.
Plain ``rich.text.Text`` from plain strings, never parsed as markup; the styles come from
the widget (its component classes), so the cursor's background shows through.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text

from tui.models import ArticleRow
from tui.text import clean_line
from tui.ui.format import region_marker, relative_time
from tui.ui.widgets.story_mark import fit_reach, story_mark

SOURCE_WIDTH = 14
MAX_CHIPS = 3


def source_width(width: int) -> int:
    """The feed name's column: wider on wide lists, never more than a sixth."""
    if width < 80:
        return 10
    return max(SOURCE_WIDTH, min(22, width // 6))


def chip_labels(topics: tuple[str, ...], filtered: frozenset[str], title_len: int,
                room: int) -> list[str]:
    """Topic chips that fit beside the whole title: the filtered-by topics first, then
    the rest, and ``+N`` for those that do not fit (never silently dropped)."""
    ordered = [t for t in topics if t in filtered] + [t for t in topics if t not in filtered]
    if not ordered:
        return []
    # The title gets the width; chips get what is left (a filtered topic always shows).
    free = room - min(title_len, max(20, room - 12))
    shown: list[str] = []
    for index, topic in enumerate(ordered):
        rest = len(ordered) - index - 1
        more = len(f" +{rest}") if rest else 0
        if sum(len(c) + 1 for c in shown) + len(topic) + 1 + more > free and not (
                not shown and topic in filtered):
            break
        shown.append(topic)
        if len(shown) == MAX_CHIPS:
            break
    hidden = len(ordered) - len(shown)
    return shown + ([f"+{hidden}"] if hidden else [])


def row_text(row: ArticleRow, width: int, now: float, filtered: frozenset[str],
             style: Callable[[str], Style]) -> Text:
    """The row's line for a list ``width`` wide (``style``: a component class's style)."""
    line = Text(no_wrap=True, end="")
    line.append("●" if not row.read else " ", style("article-list--mark"))
    line.append("★" if row.starred else " ", style("article-list--star"))
    line.append(relative_time(now, row.published).rjust(4) + " ",
                style("article-list--dim"))
    line.append(region_marker(row.regions).ljust(5) + " ", style("article-list--region"))
    mark, reach = story_mark(row)
    source = Text(clean_line(row.feed_title, 80), style=style("article-list--dim"))
    source.truncate(source_width(width) - len(mark), overflow="ellipsis", pad=not mark)
    if mark:  # "Asia Crypto Desk +2": this outlet and two more reports
        source.append(mark, style("article-list--story"))
        source.truncate(source_width(width), pad=True)
    line.append_text(source)
    line.append(" ")
    title = Text(clean_line(row.title, 300))
    room = width - line.cell_len
    chips = Text(no_wrap=True, end="")
    for chip in chip_labels(row.topics, filtered, title.cell_len, room):
        chips.append(" " + chip, style("article-list--chip"))
    # The story's languages and other outlets get what the title and chips leave.
    reach_text = Text(no_wrap=True, end="")
    free = room - chips.cell_len - min(title.cell_len, max(20, room - 12))
    shown = fit_reach(reach, free)
    if shown:
        reach_text.append(" " + shown, style("article-list--story"))
    title_width = max(1, width - line.cell_len - reach_text.cell_len - chips.cell_len)
    title.truncate(title_width, overflow="ellipsis", pad=True)
    line.append_text(title)
    line.append_text(reach_text)
    line.append_text(chips)
    return line
