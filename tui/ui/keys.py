"""Every key binding in one table, so remapping, the help screen and the palette agree.

Widgets build their ``BINDINGS`` from this table with :func:`bindings`; ``[keys]`` in
config.toml maps a binding id to new keys and is applied with ``App.set_keymap``.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class KeySpec:
    """One remappable binding: its id, default keys, action and what it is for."""

    id: str
    keys: str
    action: str
    label: str
    help: str
    show: bool = True
    palette: bool = True
    priority: bool = False


# Grouped by where the binding lives: screen-wide, article list, feed pane.
SCREEN_KEYS: tuple[KeySpec, ...] = (
    KeySpec("china_only", "c", "toggle_china", "China", "Show only China stories (CN+HK+MO)"),
    KeySpec("topics", "t", "pick_topics", "Topics", "Pick topics (multi-select, with counts)"),
    KeySpec("regions", "g", "pick_regions", "Regions", "Pick regions: CN, HK, MO, TW"),
    KeySpec("unread_only", "u", "toggle_unread", "Unread", "Show only unread stories"),
    KeySpec("search", "slash", "search", "Search", "Search titles and text (EN and 中文)"),
    KeySpec("entities", "e", "focus_entities", "Entities", "Focus the entity sidebar"),
    KeySpec("clear_last", "escape", "clear_last", "Back", "Undo the last filter change",
            show=False),
    KeySpec("clear_all", "x", "clear_filters", "Clear", "Clear every filter"),
    KeySpec("toggle_read", "m", "toggle_read", "Read", "Mark the current story read/unread"),
    KeySpec("mark_visible_read", "a", "mark_visible_read", "All read",
            "Mark every story in the list read", show=False),
    KeySpec("star", "s", "toggle_star", "Star", "Star or unstar the current story"),
    KeySpec("open_browser", "o", "open_browser", "Browser",
            "Open the current story in the web browser (http/https only)"),
    KeySpec("full_text", "f", "full_text", "Full text", "Fetch the full text of the story"),
    KeySpec("refresh", "r", "refresh", "Refresh", "Poll every feed now"),
    KeySpec("next_story", "J", "open_next", "Next", "Open the next story", show=False),
    KeySpec("previous_story", "K", "open_previous", "Previous", "Open the previous story",
            show=False),
    KeySpec("reader_page", "space", "reader_page", "Scroll", "Scroll the open story a page",
            show=False, palette=False),
    KeySpec("add_feed", "n", "add_feed", "Add feed", "Subscribe to a feed URL", show=False),
    KeySpec("toggle_feeds", "left_square_bracket", "toggle_feeds", "Feeds",
            "Show or hide the feed pane", show=False),
    KeySpec("toggle_sidebar", "right_square_bracket", "toggle_sidebar", "Sidebar",
            "Show or hide the entity sidebar", show=False),
    KeySpec("help", "question_mark", "help", "Help", "Show all keys"),
)
LIST_KEYS: tuple[KeySpec, ...] = (
    KeySpec("cursor_down", "j,down", "cursor_down", "Down", "Next story", show=False,
            palette=False),
    KeySpec("cursor_up", "k,up", "cursor_up", "Up", "Previous story", show=False,
            palette=False),
    KeySpec("page_down", "pagedown", "page_down", "Page down", "Next page", show=False,
            palette=False),
    KeySpec("page_up", "pageup", "page_up", "Page up", "Previous page", show=False,
            palette=False),
    KeySpec("first", "home", "first", "First", "First story", show=False, palette=False),
    KeySpec("last", "end", "last", "Last", "Last story", show=False, palette=False),
    KeySpec("open_article", "enter", "open", "Open", "Open the story in the reader",
            show=False, palette=False),
)
FEED_KEYS: tuple[KeySpec, ...] = (
    KeySpec("remove_feed", "delete,D", "remove_feed", "Remove feed",
            "Unsubscribe from the highlighted feed (asks first)", palette=False),
)
APP_KEYS: tuple[KeySpec, ...] = (
    KeySpec("quit", "q", "quit", "Quit", "Quit sinowire", palette=False),
)
ALL_KEYS: tuple[KeySpec, ...] = SCREEN_KEYS + LIST_KEYS + FEED_KEYS + APP_KEYS
BY_ID: dict[str, KeySpec] = {spec.id: spec for spec in ALL_KEYS}


def bindings(specs: tuple[KeySpec, ...]) -> list[Binding]:
    """Textual bindings (with ids, so a keymap can remap them) for a group of specs."""
    return [
        Binding(spec.keys, spec.action, spec.label, show=spec.show, id=spec.id,
                tooltip=spec.help, priority=spec.priority)
        for spec in specs
    ]


def keymap(overrides: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Split ``settings.keys`` into a usable keymap and the ids nobody knows (to report)."""
    known = {k: v for k, v in overrides.items() if k in BY_ID}
    unknown = sorted(k for k in overrides if k not in BY_ID)
    return known, unknown


_DISPLAY = {
    "slash": "/",
    "question_mark": "?",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "escape": "esc",
    "pagedown": "PgDn",
    "pageup": "PgUp",
}


def display_keys(keys: str) -> str:
    """Human form of a key list: ``"j,down"`` -> ``"j / down"``."""
    return " / ".join(_DISPLAY.get(k.strip(), k.strip()) for k in keys.split(","))


def effective_keys(spec: KeySpec, overrides: dict[str, str]) -> str:
    """The keys a binding answers to after the user's remapping."""
    return overrides.get(spec.id, spec.keys)
