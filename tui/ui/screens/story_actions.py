"""Story actions for MainScreen: group the list or flatten it, switch reports, the Brief.

A helper the main screen holds (the screen supplies the store, the panes and ``read``).
Grouping is the list's mode, not a filter: escape and undo leave it alone, and the filter
bar says which mode is on. The story of the open article (a few indexed rows) is read with
the article itself; the Brief, which reads every story of the day, in a worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.store import Store
from tui.store.story_reads import StoryRow
from tui.ui.keys import BY_ID, display_keys
from tui.ui.messages import BriefBuilt

if TYPE_CHECKING:
    from tui.stories.brief import Brief
    from tui.ui.screens.main import MainScreen


class StoryActions:
    """Grouping, report switching and the Brief; MainScreen's actions call these."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def story_for(self, article_id: int) -> StoryRow | None:
        """The article's story when it has other reports (else None: nothing to list)."""
        found = self.screen.store.story_of([article_id]).get(article_id)
        if found is None or found[1] < 2:
            return None
        return self.screen.store.story(found[0])

    def read_ids(self, article_id: int) -> list[int]:
        """What opening a row marks read: grouped, the whole story (one report read is the
        story read); flat, the report alone."""
        if self.screen.articles.grouped:
            return self.screen.store.story_report_ids(article_id)
        return [article_id]

    def toggle_grouped(self) -> None:
        grouped = not self.screen.articles.grouped
        self.screen.articles.set_grouped(grouped, keep_id=self.screen.open_id)
        self.screen.show_filter_bar()
        self.screen.notify("One row per story (its other reports: +N)." if grouped
                           else "Every report, one row each (flat).")

    def next_report(self) -> None:
        self._switch_report(+1)

    def previous_report(self) -> None:
        self._switch_report(-1)

    def _switch_report(self, step: int) -> None:
        screen = self.screen
        story, open_id = screen.reader.story, screen.open_id
        if open_id is None or story is None or len(story.reports) < 2:
            screen.notify("The open story has no other reports." if open_id is not None
                          else "Open a story first (enter).")
            return
        ids = [report.article_id for report in story.reports]
        here = ids.index(open_id) if open_id in ids else 0
        screen.show_article(ids[(here + step) % len(ids)], mark_read=True)

    def brief(self) -> None:
        from tui.ui.screens.brief import BriefScreen, brief_period

        now = self.screen.clock()
        screen = BriefScreen(close_key=self._first_key("brief_close"), now=now)
        self.screen.app.push_screen(screen)

        def build(store: Store) -> Brief | str:
            from tui.stories.brief import build_brief

            try:
                since, until = brief_period(now, store.newest_story_time())
                return build_brief(store, since, until)
            except Exception as exc:  # say why on the screen, not only in the log
                return f"{type(exc).__name__}: {exc}"

        self.screen.read("brief", "Building the brief", build, BriefBuilt, to=screen)

    def switch_keys(self) -> str:
        """The report-switching keys as the story block names them (after remapping)."""
        return f"{self._first_key('previous_report')} {self._first_key('next_report')}"

    def _first_key(self, spec_id: str) -> str:
        keys = self.screen.user_keys
        return display_keys(keys.get(spec_id, BY_ID[spec_id].keys).split(",")[0])
