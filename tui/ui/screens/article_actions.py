"""Actions on the current story: read/unread, star, mark the list read, browser, full text.

A helper the main screen holds: its action_* methods call in here (the screen owns the
store, the filter, the open story and the panes).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widget import Widget

from tui.text import clean_line, safe_url
from tui.ui.keys import BY_ID, display_keys

if TYPE_CHECKING:
    from tui.ui.screens.main import MainScreen


BROWSER_FAILED = "No browser could be started for {url}. Press {key} to copy the link."


def open_link(widget: Widget, url: str) -> bool:
    """Open ``url`` (already checked to be http/https) and say what really happened.

    ``webbrowser.open`` returns False when no browser could be started (a server, a bare
    container): then say so and offer the copy key instead of claiming success.
    """
    # webbrowser passes the URL as one argv element to the browser; no shell involved.
    # Imported here: it (and shlex) is a key's need, not the first frame's.
    import webbrowser

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


def copy_link(widget: Widget, url: str) -> None:
    """Copy through the terminal (OSC 52, which Textual sends): works over ssh too."""
    widget.app.copy_to_clipboard(url)
    widget.notify(f"Copied {clean_line(url, 100)} (if your terminal allows the clipboard)",
                  markup=False)


class ArticleActions:
    """The open or highlighted story's actions; MainScreen's action_* methods call them."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def toggle_read(self) -> None:
        row = self.screen.articles.current_row
        if row is None:
            return
        screen = self.screen  # grouped, the whole story
        screen.store.set_read(screen.stories.read_ids(row.id), not row.read)
        self._row_changed(row.id)

    def toggle_star(self) -> None:
        row = self.screen.articles.current_row
        if row is None:
            return
        self.screen.store.set_starred(row.id, not row.starred)
        self._row_changed(row.id)

    def _row_changed(self, article_id: int) -> None:
        row = self.screen.store.article_row(article_id)
        if row is not None:
            self.screen.articles.update_row(row)
        if self.screen.open_id == article_id:
            reader = self.screen.reader
            reader.show(self.screen.store.article(article_id), story=reader.story,
                        scroll_home=False)
        self.screen.refresh_chrome()

    def mark_visible_read(self) -> None:
        unread = self.screen.store.count_articles(replace(self.screen.flt, unread=True))
        if unread == 0:
            self.screen.notify("Nothing unread in this list.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                changed = self.screen.store.mark_read(self.screen.flt)
                self.screen.data_changed()
                stories = "story" if changed == 1 else "stories"
                self.screen.notify(f"{changed:,} {stories} marked read")

        if unread <= 10:  # small lists: just do it
            answered(True)
            return
        from tui.ui.screens.confirm import ConfirmScreen  # dialogs load when first used

        question = Content(f"Mark {unread:,} unread stories in this list as read?")
        self.screen.app.push_screen(ConfirmScreen(question, "Mark read"), answered)

    def open_browser(self) -> None:
        row = self.screen.articles.current_row
        if row is None:
            return
        url = safe_url(row.url)
        if url is None:
            self.screen.notify(f"Not opening {clean_line(row.url or 'an empty link', 100)}: "
                               "only http(s) links are opened.", severity="warning",
                               markup=False)
            return
        open_link(self.screen, url)

    def copy_link(self) -> None:
        row = self.screen.articles.current_row
        if row is None or not row.url:
            self.screen.notify("This story has no link to copy.")
            return
        copy_link(self.screen, row.url)

    def pick_link(self) -> None:
        from tui.ui.screens.links import LinkPicker, story_links  # loads when first used

        row = self.screen.articles.current_row
        if self.screen.open_id is not None:
            detail = self.screen.store.article(self.screen.open_id)
        else:
            detail = self.screen.store.article(row.id) if row is not None else None
        if detail is None:
            return
        feed = self.screen.store.feed(detail.row.feed_id)
        links = story_links(detail, feed)
        if not links:
            self.screen.notify("This story has no links.")
            return
        self.screen.app.push_screen(LinkPicker(links, self.screen.user_keys))

    def toggle_evidence(self) -> None:
        if self.screen.open_id is None:
            self.screen.notify("Open a story first (enter): w shows or folds its Why-China "
                               "evidence.")
            return
        self.screen.reader.toggle_evidence()

    def full_text(self) -> None:
        if self.screen.open_id is None:
            row = self.screen.articles.current_row
            if row is None:
                return
            self.screen.show_article(row.id, mark_read=True)
        if self.screen.demo:
            self.screen.notify("Demo data: no network, so no full text.")
            return
        self.screen.reader.fetch_full_text()
