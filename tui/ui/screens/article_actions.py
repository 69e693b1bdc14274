"""Actions on the current story: read/unread, star, mark the list read, browser, full text.

A mixin for MainScreen (plain methods; the screen supplies the store and the panes).
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.content import Content

from tui.models import Filter
from tui.store import Store
from tui.text import clean_line, safe_url
from tui.ui.keys import BY_ID, display_keys

if TYPE_CHECKING:
    from tui.ui.widgets.article_list import ArticleList
    from tui.ui.widgets.reader import Reader


BROWSER_FAILED = "No browser could be started for {url}. Press {key} to copy the link."


def open_link(widget: Any, url: str) -> bool:
    """Open ``url`` (already checked to be http/https) and say what really happened.

    ``webbrowser.open`` returns False when no browser could be started (a server, a bare
    container): then say so and offer the copy key instead of claiming success.
    """
    # webbrowser passes the URL as one argv element to the browser; no shell involved.
    try:
        opened = webbrowser.open(url)
    except Exception:  # a broken browser setting must not take the app down
        opened = False
    shown = clean_line(url, 100)
    if opened:
        widget.notify(f"Opened {shown} in the browser", markup=False)
    else:
        keys = getattr(widget.app, "user_keys", {})
        key = display_keys(keys.get("copy_link", BY_ID["copy_link"].keys).split(",")[0])
        widget.notify(BROWSER_FAILED.format(url=shown, key=key), severity="warning",
                      timeout=10, markup=False)
    return opened


def copy_link(widget: Any, url: str) -> None:
    """Copy through the terminal (OSC 52, which Textual sends): works over ssh too."""
    widget.app.copy_to_clipboard(url)
    widget.notify(f"Copied {clean_line(url, 100)} (if your terminal allows the clipboard)",
                  markup=False)


class ArticleActionsMixin:
    """Needs the screen's store, filter, open article and panes."""

    store: Store
    demo: bool
    flt: Filter
    open_id: int | None
    if TYPE_CHECKING:  # the screen's panes, read-only properties on MainScreen

        @property
        def articles(self) -> ArticleList: ...

        @property
        def reader(self) -> Reader: ...

    app: Any
    notify: Any
    refresh_chrome: Callable[[], None]
    data_changed: Callable[[], None]
    show_article: Callable[..., None]
    read_ids: Callable[[int], list[int]]

    def action_toggle_read(self) -> None:
        row = self.articles.current_row
        if row is None:
            return
        self.store.set_read(self.read_ids(row.id), not row.read)  # grouped: the story
        self._row_changed(row.id)

    def action_toggle_star(self) -> None:
        row = self.articles.current_row
        if row is None:
            return
        self.store.set_starred(row.id, not row.starred)
        self._row_changed(row.id)

    def _row_changed(self, article_id: int) -> None:
        row = self.store.article_row(article_id)
        if row is not None:
            self.articles.update_row(row)
        if self.open_id == article_id:
            self.reader.show(self.store.article(article_id), story=self.reader.story,
                             scroll_home=False)
        self.refresh_chrome()

    def action_mark_visible_read(self) -> None:
        unread = self.store.count_articles(replace(self.flt, unread=True))
        if unread == 0:
            self.notify("Nothing unread in this list.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                changed = self.store.mark_read(self.flt)
                self.data_changed()
                self.notify(f"{changed:,} stor{'y' if changed == 1 else 'ies'} marked read")

        if unread <= 10:  # small lists: just do it
            answered(True)
            return
        from tui.ui.screens.confirm import ConfirmScreen  # dialogs load when first used

        question = Content(f"Mark {unread:,} unread stories in this list as read?")
        self.app.push_screen(ConfirmScreen(question, "Mark read"), answered)

    def action_open_browser(self) -> None:
        row = self.articles.current_row
        if row is None:
            return
        url = safe_url(row.url)
        if url is None:
            self.notify(f"Not opening {clean_line(row.url or 'an empty link', 100)}: only "
                        "http(s) links are opened.", severity="warning", markup=False)
            return
        open_link(self, url)

    def action_copy_link(self) -> None:
        row = self.articles.current_row
        if row is None or not row.url:
            self.notify("This story has no link to copy.")
            return
        copy_link(self, row.url)

    def action_pick_link(self) -> None:
        from tui.ui.screens.links import LinkPicker, story_links  # loads when first used

        row = self.articles.current_row
        if self.open_id is not None:
            detail = self.store.article(self.open_id)
        else:
            detail = self.store.article(row.id) if row is not None else None
        if detail is None:
            return
        feed = self.store.feed(detail.row.feed_id)
        links = story_links(detail, feed)
        if not links:
            self.notify("This story has no links.")
            return
        self.app.push_screen(LinkPicker(links, getattr(self.app, "user_keys", {})))

    def action_toggle_evidence(self) -> None:
        if self.open_id is None:
            self.notify("Open a story first (enter): w shows or folds its Why-China evidence.")
            return
        self.reader.toggle_evidence()

    def action_full_text(self) -> None:
        if self.open_id is None:
            row = self.articles.current_row
            if row is None:
                return
            self.show_article(row.id, mark_read=True)
        if self.demo:
            self.notify("Demo data: no network, so no full text.")
            return
        self.reader.fetch_full_text()
