"""Every key binding in one table, so remapping, the help screen and the palette agree.

Widgets build their ``BINDINGS`` from this table with :func:`bindings`; ``[keys]`` in
config.toml maps a binding id to new keys and is applied with ``App.set_keymap``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.keys import REPLACED_KEYS, Keys, _get_unicode_name_from_key


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
    KeySpec("clear_last", "escape", "clear_last", "Back",
            "Leave the box or pane, close the story, else clear the last filter that is on",
            show=False),
    KeySpec("undo", "z", "undo", "Undo", "Undo the last filter change", show=False),
    KeySpec("relevance", "b", "toggle_relevance", "Relevance",
            "Search results: best match first instead of newest first", show=False),
    KeySpec("clear_all", "x", "clear_filters", "Clear", "Clear every filter"),
    KeySpec("toggle_read", "m", "toggle_read", "Read", "Mark the current story read/unread"),
    KeySpec("mark_visible_read", "a", "mark_visible_read", "All read",
            "Mark every story in the list read", show=False),
    KeySpec("star", "s", "toggle_star", "Star", "Star or unstar the current story"),
    KeySpec("open_browser", "o", "open_browser", "Browser",
            "Open the current story in the web browser (http/https only)"),
    KeySpec("copy_link", "y", "copy_link", "Copy link",
            "Copy the current story's link to the clipboard", show=False),
    KeySpec("links", "l", "pick_link", "Links",
            "Pick one of the story's links (its own, its source, its references)"),
    KeySpec("evidence", "w", "toggle_evidence", "Why China",
            "Expand or collapse the reader's Why-China evidence", show=False),
    KeySpec("full_text", "f", "full_text", "Full text", "Fetch the full text of the story"),
    KeySpec("refresh", "r", "refresh", "Refresh", "Poll every feed now"),
    KeySpec("group_stories", "v", "toggle_grouped", "Stories/flat",
            "List one row per story (its reports folded in, +N) or every report (flat)"),
    KeySpec("next_report", "greater_than_sign,full_stop", "next_report", "Next report",
            "In an open story: show its next report (another outlet or language)",
            show=False),
    KeySpec("previous_report", "less_than_sign,comma", "previous_report", "Previous report",
            "In an open story: show its previous report", show=False),
    KeySpec("brief", "B", "brief", "Brief",
            "Today's China brief: the last day's stories, China first, by topic"),
    KeySpec("next_story", "J", "open_next", "Next", "Open the next story", show=False),
    KeySpec("previous_story", "K", "open_previous", "Previous", "Open the previous story",
            show=False),
    KeySpec("reader_page", "space", "reader_page", "Scroll", "Scroll the open story a page",
            show=False, palette=False),
    KeySpec("add_feed", "n", "add_feed", "Add feed", "Subscribe to a feed URL", show=False),
    KeySpec("save_watch", "W", "save_watch", "Save watch",
            "Save the current filter as a watch (named; it alerts)", show=False),
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
PANE_KEYS: tuple[KeySpec, ...] = LIST_KEYS[:2]
"""j/k (down/up) in the feed pane, the reader and the sidebar too: the same ids, so one
remap moves them everywhere."""
FEED_KEYS: tuple[KeySpec, ...] = (
    KeySpec("remove_feed", "delete,D", "remove_feed", "Remove feed",
            "Unsubscribe from the highlighted feed, or delete the highlighted watch "
            "(asks first)", palette=False),
)
APP_KEYS: tuple[KeySpec, ...] = (
    KeySpec("quit", "q", "quit", "Quit", "Quit sinowire", palette=False),
)
DIALOG_KEYS: tuple[KeySpec, ...] = (
    KeySpec("picker_apply", "a", "apply", "Apply", "Pickers: apply the choice"),
    KeySpec("picker_clear", "x", "clear", "Clear", "Pickers: clear every choice"),
    KeySpec("picker_cancel", "escape", "cancel", "Cancel", "Pickers: close, changing nothing"),
    KeySpec("link_copy", "y", "copy", "Copy", "Link picker: copy the highlighted link"),
    KeySpec("link_close", "escape", "close", "Close", "Link picker: close"),
    KeySpec("confirm_yes", "y", "answer(True)", "Yes", "Questions: answer yes"),
    KeySpec("confirm_no", "n,escape", "answer(False)", "No", "Questions: answer no"),
    KeySpec("brief_close", "escape,q", "dismiss", "Close", "Brief: close it"),
)
"""Keys inside dialogs; they only clash with each other (a dialog hides the screen's)."""
ALL_KEYS: tuple[KeySpec, ...] = SCREEN_KEYS + LIST_KEYS + FEED_KEYS + APP_KEYS + DIALOG_KEYS
BY_ID: dict[str, KeySpec] = {spec.id: spec for spec in ALL_KEYS}


def bindings(specs: tuple[KeySpec, ...]) -> list[BindingType]:
    """Textual bindings (with ids, so a keymap can remap them) for a group of specs."""
    return [
        Binding(spec.keys, spec.action, spec.label, show=spec.show, id=spec.id,
                tooltip=spec.help, priority=spec.priority)
        for spec in specs
    ]


MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_KEY_NAMES = frozenset(k.value for k in Keys) | frozenset(
    {"space", "enter", "tab", "escape", "backspace", "delete", "insert", "home", "end",
     "pageup", "pagedown", "up", "down", "left", "right"}
    | {f"f{n}" for n in range(1, 25)})


def valid_key(key: str) -> bool:
    """Is ``key`` (``"j"``, ``"ctrl+d"``, ``"slash"``) a key a terminal can send?"""
    *mods, name = key.strip().split("+")
    if not name or any(m not in MODIFIERS for m in mods) or len(set(mods)) != len(mods):
        return False
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    if name in _KEY_NAMES:
        return True
    unicode_name = _get_unicode_name_from_key(REPLACED_KEYS.get(name, name))
    try:  # Textual names punctuation by its Unicode name: slash, question_mark…
        return len(unicodedata.lookup(unicode_name.replace("_", " "))) == 1
    except KeyError:
        return False


def _groups(spec_id: str) -> tuple[str, ...]:
    """Which key scope a binding can collide in: each dialog apart from the main screen."""
    if BY_ID[spec_id] in DIALOG_KEYS:
        return ("dialog", spec_id.split("_")[0])
    return ("screen",)


def keymap(overrides: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Check ``settings.keys``: the usable keymap and one line per refused entry.

    Refused: unknown ids, keys no terminal sends, and keys another binding in the same
    scope already answers to (which would leave one of them unreachable).
    """
    problems = [f"unknown binding id {k!r}" for k in sorted(overrides) if k not in BY_ID]
    known: dict[str, str] = {}
    for spec_id, keys in overrides.items():
        if spec_id not in BY_ID:
            continue
        names = [k.strip() for k in str(keys).split(",") if k.strip()]
        bad = [k for k in names if not valid_key(k)]
        if not names or bad:
            problems.append(f"{spec_id} = {keys!r}: not a key ({', '.join(bad) or 'empty'})")
            continue
        known[spec_id] = ",".join(names)
    # Clashes: checked against the keys everything else will really have.
    for spec_id in list(known):
        taken = {
            key: other.id for other in ALL_KEYS
            if other.id != spec_id and _groups(other.id) == _groups(spec_id)
            for key in effective_keys(other, known).split(",")
        }
        clash = [(k, taken[k]) for k in known[spec_id].split(",") if k in taken]
        if clash:
            key, other = clash[0]
            problems.append(f"{spec_id} = {known[spec_id]!r}: {key} is already "
                            f"{BY_ID[other].label} ({other}); kept {BY_ID[spec_id].keys}")
            del known[spec_id]
    return known, problems


_DISPLAY = {
    "slash": "/",
    "question_mark": "?",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "comma": ",",
    "full_stop": ".",
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
