"""``regroup``'s signals: computed on every core they give the stories one core gives, and
stored signals are reused only while current (same code, same tags), else recomputed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.stories.test_stage import DATA, save
from tui.config import Settings
from tui.engine import Engine
from tui.store import Store
from tui.stories.signals import signals_version
from tui.stories.stage import group_new, regroup

GROUPS = {"tether-mint-1", "tether-mint-2", "hack-velora", "hack-nexora", "pboc-notice"}


@pytest.fixture(scope="module")
def some() -> list[dict]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r["group"] in GROUPS]


def _partition(store: Store) -> list[list[str]]:
    by_story: dict[int, list[str]] = {}
    for guid, story in store.db.conn.execute("SELECT guid, story_id FROM articles"):
        by_story.setdefault(story, []).append(guid)
    return sorted(sorted(guids) for guids in by_story.values())


def _evidence(store: Store) -> dict[str, str | None]:
    return dict(store.db.conn.execute(
        "SELECT a.guid, json_extract(s.evidence, '$.line') FROM articles a "
        "JOIN story_signals s ON s.article_id = a.id"))


def _current(store: Store) -> int:
    return len(store.story_signals(store.all_article_ids(), signals_version()))


def test_regroup_on_cores_gives_the_stories_of_one_core(tmp_path: Path, some: list[dict]
                                                         ) -> None:
    db = tmp_path / "c.db"
    with Store.open(db) as store:
        save(store, some)
        group_new(store, None)
        regroup(store, recompute=True)  # one core, in this process
        one_core, one_why = _partition(store), _evidence(store)
    seen: list[tuple[int, int]] = []
    with Engine(Settings(), db) as engine:
        report = engine.regroup(lambda done, total: seen.append((done, total)), workers=2,
                                recompute=True)
        assert report.grouped == len(some)
        assert seen[-1] == (len(some), len(some))
        assert _partition(engine.store) == one_core
        assert _evidence(engine.store) == one_why
        assert _current(engine.store) == len(some)  # what the pool computed is stamped


def test_stale_signals_are_recomputed_and_current_ones_reused(tmp_path: Path,
                                                              some: list[dict]) -> None:
    with Store.open(tmp_path / "s.db") as store:
        save(store, some)
        group_new(store, None)
        assert _current(store) == len(some)  # grouping at ingest stamps what it stores
        right = _partition(store)
        # Signals from an older rule set: no keys, another code version. The reports share
        # nothing any more, so reusing them would give one story per report.
        store.db.conn.execute(
            "UPDATE story_signals SET data = json_set(data, '$.k', json('[]'), '$.v', "
            "'old:' || (SELECT tag_hash FROM articles WHERE id = article_id))")
        assert _current(store) == 0
        regroup(store, signals=False)  # --keep-signals: takes them as they are
        assert len(_partition(store)) > len(right)
        regroup(store)  # the default: stale ones are computed again from the text
        assert _partition(store) == right
        assert _current(store) == len(some)
        # A retag since (another tag hash) makes an article's signals stale too.
        first = store.all_article_ids()[0]
        store.db.conn.execute("UPDATE articles SET tag_hash = 'retagged' WHERE id = ?",
                              (first,))
        assert _current(store) == len(some) - 1
        regroup(store)
        assert _current(store) == len(some)
        assert _partition(store) == right
