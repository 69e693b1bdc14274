"""Snapshots of stories in the app on the demo data (grouped at seed time), frozen clock.

The grouped list, a story open with its other reports, the flat list and the Brief screen,
at 160x45 and 80x24. Update with ``pytest tests/ui --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import AppFactory
from tests.ui.test_snapshots import SnapCompare, keys
from tui.store import Store


def _first_grouped(path: Path) -> int:
    with Store.open(path) as store:
        rows = store.list_story_rows(limit=100)
    return next(i for i, row in enumerate(rows) if row.others > 0)


SHOTS: list[tuple[str, str]] = [
    ("grouped_list", ""),
    ("story_open", "open"),
    ("flat_list", "v"),
    ("brief", "B"),
]


@pytest.mark.parametrize("size", [(160, 45), (80, 24)], ids=["160x45", "80x24"])
@pytest.mark.parametrize(("name", "what"), SHOTS, ids=[s[0] for s in SHOTS])
def test_stories_screen(snap_compare: SnapCompare, demo_db: tuple[Path, float],
                        app_for: AppFactory, name: str, what: str,
                        size: tuple[int, int]) -> None:
    path, now = demo_db
    pressed: tuple[str, ...] = ()
    if what == "open":
        pressed = ("j",) * _first_grouped(path) + ("enter",)
    elif what:
        pressed = (what,)
    app = app_for(path, clock=lambda: now)
    assert snap_compare(app, terminal_size=size, run_before=keys(*pressed))
