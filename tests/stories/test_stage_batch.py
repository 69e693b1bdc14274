"""Grouping on the store in batches: the same stories as in memory, consistent rows, merges.

Every test runs on a real SQLite file through the store's own API; ``consistent`` checks
that each story row agrees with its articles after every write.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from tests.engine_helpers import save_articles
from tui.models import Article
from tui.store import Store
from tui.stories import Grouper, MemoryIndex, signals_from_parts
from tui.stories.stage import group_new
from tui.tagging import Tagger

DATA = Path(__file__).resolve().parents[1] / "data" / "stories" / "stories.jsonl"
NOW = 1_800_000_000
T0 = 1_795_000_000
TAGGER = Tagger()


def _tag(article: Article):  # type: ignore[no-untyped-def]
    return TAGGER.tag(article.title, article.summary, article.content_text, article.lang)


def _stamp(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


def _feed(store: Store, name: str, lang: str | None = "en") -> int:
    url = f"https://{name}.example.test/rss"
    found = store.feed_by_url(url)
    return (found or store.add_feed(url, name, lang)).id


def _save(store: Store, feed: int, guid: str, title: str, published: int,
          lang: str = "en", summary: str = "") -> int:
    article = Article(guid=guid, title=title, summary=summary, content_text="",
                      url=f"https://x.test/{guid}", published=published, lang=lang)
    save_articles(store, feed, [article], tagger=_tag, now=NOW, next_due=NOW)
    return int(store.db.conn.execute("SELECT id FROM articles WHERE guid = ?",
                                     (guid,)).fetchone()[0])


def consistent(store: Store) -> None:
    """Every story row says what its articles say; no empty story, no orphan article."""
    conn = store.db.conn
    rows = conn.execute("SELECT id, first_seen, last_published, size, langs FROM stories")
    for story, first, last, size, langs in rows.fetchall():
        count, low, high = conn.execute(
            "SELECT count(*), min(published), max(published) FROM articles WHERE story_id = ?",
            (story,)).fetchone()
        assert (size, first, last) == (count, low, high), story
        assert size > 0
        seen = {row[0] for row in conn.execute(
            "SELECT json_extract(s.data, '$.l') FROM articles a JOIN story_signals s "
            "ON s.article_id = a.id WHERE a.story_id = ?", (story,))}
        assert set(langs.split()) == seen - {None}
    orphans = conn.execute("SELECT count(*) FROM articles a WHERE story_id IS NOT NULL AND "
                           "NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = a.story_id)")
    assert orphans.fetchone()[0] == 0


@pytest.fixture(scope="module")
def train() -> list[dict]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    return sorted((r for r in rows if r["split"] == "train"),
                  key=lambda r: (r["published"], r["id"]))


def _partition(story: dict[str, int]) -> list[list[str]]:
    groups: dict[int, list[str]] = {}
    for ref, sid in story.items():
        groups.setdefault(sid, []).append(ref)
    return sorted(sorted(g) for g in groups.values())


def test_polls_in_batches_make_the_stories_memory_makes(tmp_path: Path,
                                                        train: list[dict]) -> None:
    """Grouping poll by poll on the store (candidates read per batch, decisions written in
    bulk) puts the reports in the same stories as one stream through the memory index."""
    with Store.open(tmp_path / "s.db") as store:
        for start in range(0, len(train), 15):  # a poll brings a few feeds' new items
            for row in train[start : start + 15]:
                _save(store, _feed(store, f"f{abs(hash(row['outlet'])) % 10**6}", row["lang"]),
                      row["id"], row["title"], _stamp(row["published"]), row["lang"],
                      row["summary"])
            group_new(store, None)
            consistent(store)
        on_store = {guid: story for guid, story in store.db.conn.execute(
            "SELECT guid, story_id FROM articles")}
        inputs = store.grouping_inputs([i for (i,) in store.db.conn.execute(
            "SELECT id FROM articles ORDER BY published, id")])
        guid_of = dict(store.db.conn.execute("SELECT id, guid FROM articles").fetchall())
    index = MemoryIndex()
    grouper = Grouper(index)
    for record in inputs:
        grouper.add(signals_from_parts(record["id"], record["title"], record["summary"],
                                       record["content"], record["published"], record["lang"],
                                       record["entities"]))
    in_memory = {guid_of[ref]: story for ref, story in index.story_of.items()}
    assert _partition(on_store) == _partition(in_memory)


def test_a_report_bridging_two_stored_stories_folds_them(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        feed = _feed(store, "wire")
        one = _save(store, feed, "a", "Quorvane and Maltrix sign Zelphon Dravik accord", T0)
        two = _save(store, feed, "b", "Brevora, Kintaro, Ulvane and Saxmere in Tessalin deal",
                    T0 + 600)
        first = group_new(store, None)
        assert first.new_stories == 2
        story = store.story_of([one, two])
        assert story[one][0] != story[two][0]
        bridge = _save(store, feed, "c", "Quorvane, Maltrix, Zelphon and Dravik join Brevora, "
                       "Kintaro, Ulvane and Saxmere", T0 + 1200)
        report = group_new(store, None)
        assert report.merged == 1
        placed = store.story_of([one, two, bridge])
        assert len({placed[i][0] for i in (one, two, bridge)}) == 1
        assert placed[bridge][1] == 3
        consistent(store)


def test_replacing_a_grouped_report_moves_it_and_recounts(tmp_path: Path) -> None:
    """An article named again (its full text arrived) is re-placed, never matched with
    itself; both the story it left and the one it joined are recounted."""
    with Store.open(tmp_path / "s.db") as store:
        feed = _feed(store, "wire")
        a = _save(store, feed, "a", "Velorix exchange halts withdrawals after $12.4 million "
                  "exploit", T0)
        b = _save(store, feed, "b", "Velorix hack: $12.4 million drained, withdrawals halted",
                  T0 + 1800)
        group_new(store, None)
        story = store.story_of([a, b])
        assert story[a][0] == story[b][0] and story[a][1] == 2
        keys_before = store.db.conn.execute(
            "SELECT count(*) FROM story_keys WHERE article_id = ?", (b,)).fetchone()[0]
        report = group_new(store, [b])
        assert report.grouped == 1 and report.joined == 1
        again = store.story_of([a, b])
        assert again[a][0] == again[b][0] and again[b][1] == 2
        assert store.db.conn.execute("SELECT count(*) FROM story_keys WHERE article_id = ?",
                                     (b,)).fetchone()[0] == keys_before
        consistent(store)
        # Alone in its story, a re-placed report starts a story of its own again.
        c = _save(store, feed, "c", "Saxmere opens an office in Lisbon", T0 + 7200)
        group_new(store, None)
        group_new(store, [c])
        assert store.story_of([c])[c][1] == 1
        assert sum(s.size for s in store.stories_since(0)) == 3
        consistent(store)


def test_new_reports_find_stored_ones_and_each_other_in_one_batch(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        en = _feed(store, "wire")
        zh = _feed(store, "kuaixun", "zh")
        first = _save(store, en, "a", "HTX hot wallet loses about $30 million, Justin Sun says "
                      "users will be covered", T0)
        group_new(store, None)
        second = _save(store, zh, "b", "HTX热钱包被盗约3000万美元 孙宇晨称将全额赔付",
                       T0 + 1800, "zh")
        third = _save(store, zh, "c", "HTX熱錢包遭駭約3000萬美元 孫宇晨：全額賠付", T0 + 3600,
                      "zh")
        report = group_new(store, None)
        assert report.grouped == 2 and report.joined == 2
        placed = store.story_of([first, second, third])
        assert len({v[0] for v in placed.values()}) == 1
        [row] = store.stories_since(0)
        assert row.langs == ("en", "zh") and row.size == 3
        assert row.title.startswith("HTX hot wallet")
        assert all(r.evidence and r.evidence["line"] for r in row.reports[1:])
        consistent(store)


def test_old_stored_signatures_are_still_read(tmp_path: Path) -> None:
    """Signals stored before signatures were hex (a JSON list of ints) keep working."""
    with Store.open(tmp_path / "s.db") as store:
        feed = _feed(store, "wire")
        a = _save(store, feed, "a", "Velorix exchange halts withdrawals after $12.4 million "
                  "exploit", T0)
        group_new(store, None)
        (data,) = store.db.conn.execute("SELECT data FROM story_signals WHERE article_id = ?",
                                        (a,)).fetchone()
        old = json.loads(data)
        assert isinstance(old["s"], str)
        raw = bytes.fromhex(old["s"])
        old["s"] = [int.from_bytes(raw[i : i + 4], "big") for i in range(0, len(raw), 4)]
        store.db.conn.execute("UPDATE story_signals SET data = ? WHERE article_id = ?",
                              (json.dumps(old), a))
        b = _save(store, feed, "b", "Velorix exchange halts withdrawals after $12.4 million "
                  "exploit!", T0 + 600)
        group_new(store, None)
        story = store.story_of([a, b])
        assert story[a][0] == story[b][0]
