"""Snapshot tests (pytest-textual-snapshot): frozen clock, no polling, no cursor blink.

Update with ``pytest tests/ui --snapshot-update`` and look at the SVGs before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.ui.conftest import AppFactory, settle

SnapCompare = Callable[..., bool]


async def no_blink(pilot: Pilot[Any]) -> None:
    """Steady cursors, and a dialog's box focused (focus lands a frame or two after it
    opens; a shot before that has no cursor): the same picture on every run."""
    # A dialog a key opens may be pushed after the first look (the key is handled
    # asynchronously), so look again after settling until no box is left blinking.
    for _ in range(5):
        for _ in range(100):
            screen = pilot.app.screen
            if not screen.query(Input) or screen.focused is not None:
                break
            await pilot.pause()
        blinking = [widget for widget in pilot.app.screen.query(Input) if widget.cursor_blink]
        for widget in blinking:
            widget.cursor_blink = False
        await settle(pilot)
        if not blinking:
            break
    # The cursor shows exactly when its box has focus, whatever phase the blink was in.
    for widget in pilot.app.screen.query(Input):
        widget._cursor_visible = widget.has_focus
    await pilot.pause()


def keys(*pressed: str) -> Callable[[Pilot[Any]], Any]:
    """Press ``pressed`` before the shot and wait for the background counts and sidebar."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await no_blink(pilot)
        await pilot.press(*pressed)
        await no_blink(pilot)  # a dialog's own Input too: a blinking cursor is a coin toss

    return run_before


def test_main_screen(snap_compare: SnapCompare, sample_db: Path, app_for: AppFactory) -> None:
    assert snap_compare(app_for(sample_db), terminal_size=(160, 45), run_before=no_blink)


def test_open_article_with_evidence(snap_compare: SnapCompare, sample_db: Path,
                                    app_for: AppFactory) -> None:
    assert snap_compare(app_for(sample_db), terminal_size=(160, 45),
                        run_before=keys("j", "j", "enter"))


def test_china_filter_at_120(snap_compare: SnapCompare, sample_db: Path,
                             app_for: AppFactory) -> None:
    assert snap_compare(app_for(sample_db), terminal_size=(120, 40), run_before=keys("c", "u"))


def test_topic_picker(snap_compare: SnapCompare, sample_db: Path, app_for: AppFactory) -> None:
    assert snap_compare(app_for(sample_db), terminal_size=(120, 40), run_before=keys("c", "t"))


def test_help_screen(snap_compare: SnapCompare, sample_db: Path, app_for: AppFactory) -> None:
    assert snap_compare(app_for(sample_db), terminal_size=(120, 40),
                        run_before=keys("question_mark"))


def test_small_terminal(snap_compare: SnapCompare, sample_db: Path,
                        app_for: AppFactory) -> None:
    assert snap_compare(app_for(sample_db), terminal_size=(80, 24), run_before=keys("enter"))


def test_demo_label(snap_compare: SnapCompare, sample_db: Path, app_for: AppFactory) -> None:
    app = app_for(sample_db, demo=True)
    assert snap_compare(app, terminal_size=(120, 30), run_before=no_blink)


# Every screen and dialog at the two sizes that matter (issue 11): (name, db, keys).
SCREENS: list[tuple[str, str, tuple[str, ...]]] = [
    ("main", "sample_db", ()),
    ("story", "sample_db", ("j", "j", "enter")),
    ("story_evidence_toggled", "sample_db", ("j", "j", "enter", "w")),
    ("topic_picker", "sample_db", ("c", "t")),
    ("region_picker", "sample_db", ("g",)),
    ("help", "sample_db", ("question_mark",)),
    ("confirm_mark_all_read", "sample_db", ("a",)),
    ("add_feed", "sample_db", ("n",)),
    ("search", "sample_db", ("slash", "B", "i", "t")),
    ("link_picker", "stories_db", ("enter", "l")),
    ("empty_cache", "empty_db", ()),
    ("all_feeds_failing", "failing_db", ()),
    ("chinese_story", "stories_db", ("j", "j", "enter")),
    ("hostile_story", "stories_db", ("j", "enter")),
]


@pytest.mark.parametrize("size", [(160, 45), (80, 24)], ids=["160x45", "80x24"])
@pytest.mark.parametrize(("name", "db", "pressed"), SCREENS, ids=[s[0] for s in SCREENS])
def test_screen(snap_compare: SnapCompare, request: pytest.FixtureRequest,
                app_for: AppFactory, name: str, db: str, pressed: tuple[str, ...],
                size: tuple[int, int]) -> None:
    path: Path = request.getfixturevalue(db)
    assert snap_compare(app_for(path), terminal_size=size, run_before=keys(*pressed))
