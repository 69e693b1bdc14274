"""Pilot tests for stories in the app, on the bundled demo data grouped at seed time.

The list is one row per story by default (``+N`` beside the outlet), ``v`` flattens it and
back, opening a story lists its other reports and ``<``/``>`` switch between them, reading
one report marks the story read, filters apply to stories, and ``B`` shows the brief.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Static

from tests.engine_helpers import put_in_stories
from tests.ui.conftest import AppFactory, run, settle
from tests.ui.test_app import articles, list_text, reader_text, screen, static_text
from tui.models import Filter
from tui.store import Store
from tui.store.story_list import StoryListRow
from tui.text import clean_line
from tui.ui.screens.brief import BriefScreen
from tui.ui.screens.main import MainScreen


def first_grouped(path: Path) -> int:
    """The index of the first list row standing for several reports."""
    with Store.open(path) as store:
        rows = store.list_story_rows(limit=100)
    return next(i for i, row in enumerate(rows) if row.others > 0)


def test_the_demo_is_grouped_at_seed_time(demo_db: tuple[Path, float]) -> None:
    path, _now = demo_db
    with Store.open(path) as store:
        rows = store.list_story_rows(limit=200)
        assert store.count_story_rows() == len(rows) < store.count_articles()
        crossing = [r for r in rows if r.others and len(r.langs) > 1]
        assert len(crossing) >= 3  # the same event in English and Chinese


def test_grouped_list_toggles_flat_and_counts_stay_honest(
        demo_db: tuple[Path, float], app_for: AppFactory) -> None:
    path, now = demo_db
    with Store.open(path) as store:
        stories, reports = store.count_story_rows(), store.count_articles()
        china = store.count_story_rows(Filter(china=True))
    index = first_grouped(path)

    async def scenario() -> None:
        app = app_for(path, clock=lambda: now)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            listing = articles(app)
            assert listing.grouped and listing.count == stories
            assert f"{stories} stories" in static_text(app, "#filter-bar")
            row = listing.row_at(index)
            assert isinstance(row, StoryListRow) and row.others >= 1
            assert f" +{row.others}" in list_text(app).splitlines()[index]
            await pilot.press(*["j"] * index)
            await pilot.press("v")
            await settle(pilot)
            assert not listing.grouped and listing.count == reports
            assert f"{reports} reports, flat" in static_text(app, "#filter-bar")
            assert listing.current_id == row.id  # the cursor stayed on the report
            await pilot.press("c")  # filters apply in both modes, and the mode stays
            await settle(pilot)
            assert not listing.grouped
            await pilot.press("v")
            await settle(pilot)
            assert listing.grouped and listing.count == china
            await pilot.press("escape")  # escape clears the filter, not the grouping
            await settle(pilot)
            assert listing.grouped and listing.count == stories

    run(scenario())


def test_opening_a_story_lists_its_reports_and_switches(
        demo_db: tuple[Path, float], app_for: AppFactory) -> None:
    path, now = demo_db
    index = first_grouped(path)

    async def scenario() -> None:
        app = app_for(path, clock=lambda: now)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            main = screen(app)
            await pilot.press(*["j"] * index, "enter")
            await settle(pilot)
            row = articles(app).row_at(index)
            assert isinstance(row, StoryListRow)
            assert main.open_id == row.id
            story = main.reader.story
            assert story is not None and len(story.reports) == row.others + 1
            text = reader_text(app)
            assert "Also reported by" in text and "Why one story:" in text
            others = [r for r in story.reports if r.article_id != row.id]
            assert all(r.title in text and r.outlet in text for r in others)
            with Store.open(path) as store:  # one report read: the story read
                assert all(store.article_row(r.article_id).read  # type: ignore[union-attr]
                           for r in story.reports)
            await pilot.press("greater_than_sign")
            await settle(pilot)
            assert main.open_id != row.id and main.open_id in [r.article_id for r in others]
            assert row.title in reader_text(app)  # now listed among the others
            assert articles(app).cursor == index  # the list stays on the story
            await pilot.press("less_than_sign")
            await settle(pilot)
            assert main.open_id == row.id
            await pilot.press("full_stop", "comma")  # the unshifted keys too
            assert main.open_id == row.id
            await pilot.press("escape")  # closes the story, as before
            assert main.open_id is None and articles(app).grouped

    run(scenario())


def test_a_report_alone_has_no_story_block(demo_db: tuple[Path, float],
                                           app_for: AppFactory) -> None:
    path, now = demo_db
    with Store.open(path) as store:
        rows = store.list_story_rows(limit=100)
    alone = next(i for i, row in enumerate(rows) if row.others == 0)

    async def scenario() -> None:
        app = app_for(path, clock=lambda: now)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press(*["j"] * alone, "enter")
            await settle(pilot)
            assert "Also reported by" not in reader_text(app)
            await pilot.press("greater_than_sign")
            await settle(pilot)
            assert any("no other reports" in n.message for n in app._notifications)

    run(scenario())


def test_brief_screen_shows_the_day_and_escape_closes_it(
        demo_db: tuple[Path, float], app_for: AppFactory) -> None:
    path, now = demo_db

    async def scenario() -> None:
        app = app_for(path, clock=lambda: now)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("B")
            await settle(pilot)
            assert isinstance(app.screen, BriefScreen)
            content = app.screen.query_one("#brief-text", Static).content
            text = getattr(content, "plain", str(content))
            assert "China crypto brief" in text and "── China · " in text
            assert "Sources (2, en/zh)" in text  # a story told in both languages
            await pilot.press("j", "j")
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)

    run(scenario())


def test_brief_text_stays_text(demo_db: tuple[Path, float]) -> None:
    """A headline with markup is shown literally (Content, never markup)."""
    from tui.stories.brief import Brief, BriefStory, Section, Source
    from tui.ui.screens.brief import render_brief

    hostile = "[@click=app.quit]quit[/] [b]bold[/b] \x1b[31mred"
    story = BriefStory(1, hostile, None, "lead [red]x[/]", True, "", (), "", (
        Source("Out[let]", "en", hostile, None, 0),), 0)
    text = render_brief(Brief(0, 86400, (Section(True, "markets", (story,)),),
                              {"stories": 1})).plain
    assert "[@click=app.quit]quit[/] [b]bold[/b]" in text and "\x1b" not in text
    assert "Out[let] (en)" in text and "lead [red]x[/]" in text


def test_hostile_titles_in_a_story_stay_text(stories_db: Path, app_for: AppFactory) -> None:
    """A report titled with markup, in a story with two others, shows literally in the
    list, in the other reports' block and after switching to it."""
    with Store.open(stories_db) as store:
        rows = store.list_articles(limit=3)
        refs, hostile, zh = (row.id for row in rows)
        title = clean_line(rows[1].title, 200)  # as shown: control characters gone
        assert "[bold red]Fake[/]" in title and "[link=x]y[/link]" in title
        put_in_stories(store, [(zh, hostile, refs)],  # oldest first, as grouping writes
                       evidence='{"line": "shared [b]x[/b]", "score": 1}')

    async def scenario() -> None:
        app = app_for(stories_db)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            assert " +2" in list_text(app).splitlines()[0]
            await pilot.press("enter")
            await settle(pilot)
            text = reader_text(app)
            assert title in text and "Why one story: shared [b]x[/b]" in text
            await pilot.press("greater_than_sign")  # refs is the newest: next wraps round
            await settle(pilot)
            assert screen(app).open_id == zh
            await pilot.press("greater_than_sign")
            await settle(pilot)
            assert screen(app).open_id == hostile
            assert reader_text(app).startswith(title)
            assert app.is_running  # the markup in the title did nothing

    run(scenario())


@given(langs=st.sampled_from(["", "en/zh", "en/ja/zh"]),
       outlets=st.lists(st.text(min_size=1, max_size=20).map(lambda t: clean_line(t, 20))
                        .filter(bool), max_size=4),
       free=st.integers(-5, 80))
def test_the_story_reach_never_takes_more_than_it_is_given(
        langs: str, outlets: list[str], free: int) -> None:
    from rich.cells import cell_len

    from tui.ui.widgets.story_mark import fit_reach

    reach = " · ".join(p for p in (langs, ", ".join(outlets)) if p)
    shown = fit_reach(reach, free)
    assert cell_len(shown) <= max(0, free - 1)
    if reach and cell_len(reach) <= free - 1 and free >= 6:
        assert shown == reach  # whole when it fits
    if langs and shown:
        assert shown.startswith(langs)  # the languages go first
