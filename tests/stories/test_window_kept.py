"""The window of stored postings kept across ``group_new`` calls: the same decisions as
reading them afresh for each call, and never stale after another write (a second
connection on the same file, a regroup, deleted articles)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.stories.test_stage_batch import T0, _feed, _save, _stamp, consistent
from tui.store import Store
from tui.stories import stage
from tui.stories.stage import group_new, regroup

DATA = Path(__file__).resolve().parents[1] / "data" / "stories" / "stories.jsonl"
VELORIX = ("Velorix exchange halts withdrawals after $12.4 million exploit",
           "Velorix hack: $12.4 million drained, withdrawals halted")


def _name(outlet: str) -> str:
    return "f" + hashlib.sha1(outlet.encode()).hexdigest()[:8]


def _digest(store: Store) -> str:
    rows = store.db.conn.execute(
        "SELECT a.guid, a.story_id, m.guid, s.evidence FROM articles a "
        "JOIN story_signals s ON s.article_id = a.id LEFT JOIN articles m ON m.id = s.matched "
        "ORDER BY a.guid").fetchall()
    stories: dict[int, list[str]] = {}
    for guid, story, _, _ in rows:
        stories.setdefault(story, []).append(guid)
    blob = json.dumps([sorted(stories.values()), [(g, m, e) for g, _, m, e in rows]])
    return hashlib.sha1(blob.encode()).hexdigest()


def _polls(path: Path, fresh: bool) -> str:
    rows = sorted((json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()),
                  key=lambda r: (r["published"], r["id"]))
    with Store.open(path) as store:
        for start in range(0, len(rows), 9):  # a feed's few new items, then grouping
            for row in rows[start : start + 9]:
                _save(store, _feed(store, _name(row["outlet"]), row["lang"]), row["id"],
                      row["title"], _stamp(row["published"]), row["lang"], row["summary"])
            if fresh:
                stage._WINDOWS.pop(store, None)  # as if each call read its postings anew
            group_new(store, None)
        kept = stage._WINDOWS.get(store)
        assert fresh or (kept is not None and kept.size > 0)
        consistent(store)
        return _digest(store)


def test_the_kept_window_decides_as_fresh_reads_do(tmp_path: Path) -> None:
    assert _polls(tmp_path / "kept.db", fresh=False) == _polls(tmp_path / "fresh.db", True)


def test_another_connection_deleting_stories_makes_the_window_stale(tmp_path: Path) -> None:
    """A cron fetch (another connection) unsubscribes the feed whose report this
    connection's window holds: the next report must not join the story that is gone."""
    path = tmp_path / "s.db"
    with Store.open(path) as mine, Store.open(path) as other:
        gone = _feed(mine, "gone")
        _save(mine, gone, "a", VELORIX[0], T0)
        group_new(mine, None)
        assert stage._WINDOWS[mine].size > 0
        other.remove_feed(gone)  # commits on the second connection
        b = _save(mine, _feed(mine, "wire"), "b", VELORIX[1], T0 + 1800)
        report = group_new(mine, None)
        assert report.joined == 0 and report.new_stories == 1
        assert mine.story_of([b])[b][1] == 1
        consistent(mine)


def test_another_connection_grouping_is_seen(tmp_path: Path) -> None:
    """Reports the other connection grouped are candidates here after its commit."""
    path = tmp_path / "s.db"
    with Store.open(path) as mine, Store.open(path) as other:
        feed = _feed(mine, "wire")
        # Ten days before: outside the window, but the kept window now holds every key
        # "b" carries (so nothing is read for it), without "a".
        _save(mine, feed, "x", VELORIX[1], T0 - 10 * 86400)
        group_new(mine, None)
        a = _save(other, _feed(other, "cron"), "a", VELORIX[0], T0 + 60)
        group_new(other, None)
        b = _save(mine, feed, "b", VELORIX[1], T0 + 1800)
        report = group_new(mine, None)
        assert report.joined == 1
        placed = mine.story_of([a, b])
        assert placed[a][0] == placed[b][0] and placed[b][1] == 2
        consistent(mine)


def test_this_connection_deleting_or_regrouping_makes_the_window_stale(
        tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        gone = _feed(store, "gone")
        _save(store, gone, "a", VELORIX[0], T0)
        group_new(store, None)
        store.remove_feed(gone)  # the same connection: data_version does not move
        b = _save(store, _feed(store, "wire"), "b", VELORIX[1], T0 + 1800)
        assert group_new(store, None).joined == 0
        consistent(store)
        regroup(store)
        c = _save(store, _feed(store, "wire"), "c", VELORIX[0] + " (update)", T0 + 3600)
        assert group_new(store, None).joined == 1
        placed = store.story_of([b, c])
        assert placed[b][0] == placed[c][0]
        assert store.db.conn.execute("SELECT count(*) FROM stories").fetchone()[0] == 1
        consistent(store)
