"""The grouping stage on a real SQLite file, articles saved through the store's own API."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from itertools import combinations
from pathlib import Path

import pytest

from tests.engine_helpers import save_articles
from tui.models import Article
from tui.store import Store
from tui.stories.stage import group_new, regroup
from tui.tagging import Tagger

DATA = Path(__file__).resolve().parents[1] / "data" / "stories" / "stories.jsonl"
NOW = 1_800_000_000
TAGGER = Tagger()


def _tag(article: Article):  # type: ignore[no-untyped-def]
    return TAGGER.tag(article.title, article.summary, article.content_text, article.lang)


def _stamp(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


def save(store: Store, rows: list[dict]) -> dict[str, int]:
    """Save labelled rows as articles of one feed per outlet; return guid → article id."""
    feeds: dict[str, int] = {}
    for row in rows:
        if row["outlet"] not in feeds:
            url = f"https://feed{len(feeds)}.example.test/rss"
            feed = store.feed_by_url(url) or store.add_feed(url, row["outlet"], row["lang"])
            feeds[row["outlet"]] = feed.id
        article = Article(guid=row["id"], title=row["title"], url=f"https://x.test/{row['id']}",
                          summary=row["summary"], content_text=row["content"],
                          published=_stamp(row["published"]), lang=row["lang"])
        save_articles(store, feeds[row["outlet"]], [article], tagger=_tag, now=NOW, next_due=NOW)
    return {guid: i for i, guid in store.db.conn.execute("SELECT id, guid FROM articles")}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]


def _story_of(store: Store) -> dict[str, int]:
    return {guid: story for guid, story in
            store.db.conn.execute("SELECT guid, story_id FROM articles")}


def _precision_recall(rows: list[dict], story: dict[str, int]) -> tuple[float, float]:
    tp = fp = fn = 0
    for a, b in combinations(rows, 2):
        gold, pred = a["group"] == b["group"], story[a["id"]] == story[b["id"]]
        tp += gold and pred
        fp += pred and not gold
        fn += gold and not pred
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


def test_group_new_on_the_labelled_train_split(tmp_path: Path, rows: list[dict]) -> None:
    train = [r for r in rows if r["split"] == "train"]
    with Store.open(tmp_path / "s.db") as store:
        save(store, train)
        report = group_new(store, None, 72)
        assert report.grouped == len(train)
        assert report.new_stories + report.joined == len(train)
        story = _story_of(store)
        assert all(story.values())
        precision, recall = _precision_recall(train, story)
        assert precision >= 0.95 and recall >= 0.85
        # Stories know their size, languages and the evidence each report joined with.
        listed = store.stories_since(0, limit=500)
        assert sum(s.size for s in listed) == len(train)
        crossing = [s for s in listed if set(s.langs) == {"en", "zh"}]
        assert len(crossing) >= 20
        joined = [r for s in listed for r in s.reports[1:]]
        assert joined and all(r.evidence and r.evidence["line"] for r in joined)


def test_grouping_is_incremental_and_idempotent(tmp_path: Path, rows: list[dict]) -> None:
    group = [r for r in rows if r["group"] == "htx-wallet"]
    with Store.open(tmp_path / "s.db") as store:
        ids = save(store, group[:3])
        first = group_new(store, None)
        assert first.grouped == 3 and first.new_stories == 1
        assert group_new(store, None).grouped == 0  # nothing new
        ids = save(store, group[3:])
        later = group_new(store, None)
        assert later.grouped == len(group) - 3 and later.new_stories == 0
        assert len({store.story_of([ids[r["id"]]])[ids[r["id"]]][0] for r in group}) == 1


def test_regroup_rebuilds_the_same_stories(tmp_path: Path, rows: list[dict]) -> None:
    some = [r for r in rows if r["group"] in {"tether-mint-1", "tether-mint-2", "hack-velora",
                                               "hack-nexora", "pboc-notice"}]
    with Store.open(tmp_path / "s.db") as store:
        save(store, some)
        group_new(store, None)
        before = _story_of(store)
        seen: list[tuple[int, int]] = []
        report = regroup(store, progress=lambda done, total: seen.append((done, total)))
        after = _story_of(store)
        assert report.grouped == len(some)
        assert seen[-1] == (len(some), len(some))
        partition = lambda m: sorted(sorted(k for k in m if m[k] == v) for v in set(m.values()))  # noqa: E731
        assert partition(before) == partition(after)
        kept = regroup(store, signals=False)
        assert kept.grouped == len(some)
        assert partition(_story_of(store)) == partition(before)
        listed = store.stories_since(0)
        assert sum(s.size for s in listed) == len(some)
        assert all(r.evidence and r.evidence["line"] for s in listed for r in s.reports[1:])
        # Grouping stays incremental after a bulk regroup: keys and signals were written.
        assert store.db.conn.execute("SELECT count(*) FROM story_keys").fetchone()[0] > 0


def test_retention_keeps_stories_consistent(tmp_path: Path, rows: list[dict]) -> None:
    group = [r for r in rows if r["group"] == "pboc-notice"]
    with Store.open(tmp_path / "s.db") as store:
        save(store, group)
        group_new(store, None)
        assert sum(story.size for story in store.stories_since(0)) == len(group)
        store.apply_retention(days=10_000, per_feed=0, now=NOW)
        conn = store.db.conn
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM story_keys").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM story_signals").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM stories").fetchone()[0] == 0


def test_candidates_are_an_index_lookup(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        plan = " ".join(row[3] for row in store.db.conn.execute(
            "EXPLAIN QUERY PLAN SELECT key, article_id FROM story_keys WHERE key IN (?, ?) "
            "AND published BETWEEN ? AND ?", ("e:binance", "t:btc", 0, 1)))
        assert "SEARCH" in plan and "story_keys" in plan
        plan = " ".join(row[3] for row in store.db.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM articles WHERE story_id IS NULL "
            "ORDER BY published, id"))
        assert "SEARCH" in plan and "INDEX" in plan


def test_story_filters(tmp_path: Path, rows: list[dict]) -> None:
    some = [r for r in rows if r["group"] in {"pboc-notice", "sec-xrp-etf"}]
    with Store.open(tmp_path / "s.db") as store:
        save(store, some)
        group_new(store, None)
        everything = store.stories_since(0)
        china = store.stories_since(0, china=True)
        assert len(china) < len(everything)
        assert all(s.china for s in china)
        by_topic = defaultdict(int)
        for s in everything:
            for topic in s.topics:
                by_topic[topic] += 1
        topic = next(iter(by_topic))
        assert all(topic in s.topics for s in store.stories_since(0, topics=[topic]))


def test_a_near_copy_finds_a_report_stored_with_eight_bands(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """Reports stored when a report had 8 band keys still meet new ones (4 bands: the
    same first four keys), with no other key between them, before any regroup."""
    import tui.stories.signals as signals_module
    from tui.stories import shingles

    lead = ("the network stopped producing blocks for four hours after validators "
            "disagreed about a faulty upgrade, and transfers resumed late in the evening")

    def article(n: int, extra: str) -> Article:
        return Article(guid=f"g{n}", title=f"blocks stopped for hours{extra}",
                       url=f"https://x.test/{n}", summary=lead, content_text="",
                       published=NOW - 3600 + n * 600, lang="en")

    def eight(sig: tuple[int, ...]) -> list[str]:
        return shingles._bands(sig, range(8))

    with Store.open(tmp_path / "s.db") as store:
        feed = store.add_feed("https://a.example.test/rss", "a", "en").id
        other = store.add_feed("https://b.example.test/rss", "b", "en").id
        with monkeypatch.context() as patched:
            patched.setattr(signals_module, "band_keys", eight)
            save_articles(store, feed, [article(1, "")], tagger=_tag, now=NOW, next_due=NOW)
            group_new(store, None)
        stored = {k for (k,) in store.db.conn.execute("SELECT key FROM story_keys")}
        assert {k.split(":")[0] for k in stored} == {f"b{n}" for n in range(8)}
        save_articles(store, other, [article(2, "!")], tagger=_tag, now=NOW, next_due=NOW)
        group_new(store, None)
        assert len(set(_story_of(store).values())) == 1
