"""Writing a feed: a fixed number of statements per article, the same rows as before.

A cold fetch writes 50 articles per feed on the thread that also groups; each statement
costs Python and SQLite overhead, so the bodies, the search index and the tag rows go in
one ``executemany`` per table for the whole feed (one ``INSERT`` per article remains, for
its id). These tests pin that shape and what it writes, on a real SQLite file.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.engine_helpers import save_articles
from tui.models import Article, Entity, Tags, TopicEvidence
from tui.store import Store
from tui.store import database as store_database

NOW = 1_790_000_000


def _tagger(article: Article) -> Tags:
    n = int(article.guid.rsplit("-", 1)[1])
    return Tags(
        china=n % 2 == 0, china_score=0.5 if n % 2 == 0 else 0.0,
        regions=frozenset({"CN", "HK"}) if n % 2 == 0 else frozenset(),
        topics=frozenset({"mining", "regulation"}) if n % 3 == 0 else frozenset({"mining"}),
        entities=(Entity("Bitmain", "ORG", 2), Entity(f"Person {n % 4}", "PERSON", 1)),
        topic_evidence=(TopicEvidence("mining", 0.8, (("mining", "title"),)),),
        input_hash=f"hash-{n}",
    )


def _articles(count: int) -> list[Article]:
    return [Article(guid=f"g-{n}", url=f"https://example.com/{n}", title=f"Mining story {n}",
                    summary=f"Summary {n} 香港", content_html=f"<p>Body {n}</p>",
                    content_text=f"Body {n} 比特币", published=NOW - n)
            for n in range(count)]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Statements sent to SQLite through the store's connections, by their first words."""
    seen: Counter[str] = Counter()
    cursor = store_database._GuardedCursor
    execute, executemany = cursor.execute, cursor.executemany

    def one(self: store_database._GuardedCursor, sql: str, parameters: object = (), /
            ) -> store_database._GuardedCursor:
        seen[" ".join(sql.split()[:3])] += 1
        return execute(self, sql, parameters)

    def many(self: store_database._GuardedCursor, sql: str, seq: object, /
             ) -> store_database._GuardedCursor:
        seen[" ".join(sql.split()[:3])] += 1
        return executemany(self, sql, seq)

    monkeypatch.setattr(cursor, "execute", one)
    monkeypatch.setattr(cursor, "executemany", many)
    return seen


def test_a_feed_is_written_with_one_statement_per_article_plus_a_few(
        tmp_path: Path, counted: Counter[str]) -> None:
    with Store.open(tmp_path / "cache.db") as store:
        feed = store.add_feed("https://example.com/feed.xml")
        counted.clear()
        new, _ = save_articles(store, feed.id, _articles(50), tagger=_tagger, now=NOW,
                               next_due=NOW + 3600)
    assert new == 50
    assert counted["INSERT INTO articles"] == 50
    # Everything else is per feed: bodies, index, three tag tables, the five new entities
    # (a look-up and an insert each), the feed's row, the decider's reads, the transaction
    # (one article at a time it was seven statements per article: 350 here).
    assert sum(counted.values()) - 50 <= 25, counted


def test_the_rows_written_are_the_articles_and_their_tags(tmp_path: Path) -> None:
    with Store.open(tmp_path / "cache.db") as store:
        feed = store.add_feed("https://example.com/feed.xml")
        save_articles(store, feed.id, _articles(6), tagger=_tagger, now=NOW,
                      next_due=NOW + 3600)
        conn = store.db.conn
        rows = conn.execute(
            "SELECT a.guid, a.topic_evidence, a.tag_hash, b.content_text, a.regions "
            "FROM articles a JOIN bodies b ON b.article_id = a.id ORDER BY a.guid").fetchall()
        by_guid = {guid: article_id for article_id, guid in conn.execute(
            "SELECT id, guid FROM articles")}
        topics = conn.execute("SELECT article_id, topic FROM article_topics "
                              "ORDER BY article_id, topic").fetchall()
        entities = conn.execute(
            "SELECT ae.article_id, e.name, ae.count FROM article_entities ae "
            "JOIN entities e ON e.id = ae.entity_id ORDER BY ae.article_id, e.name").fetchall()
        found = conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?",
                             ('"比 特 币"',)).fetchall()
    assert [r[0] for r in rows] == [f"g-{n}" for n in range(6)]
    assert all(r[1] == '[["mining", 0.8, [["mining", "title"]]]]' for r in rows)
    assert [r[2] for r in rows] == [f"hash-{n}" for n in range(6)]
    assert [r[3] for r in rows] == [f"Body {n} 比特币" for n in range(6)]
    assert [r[4] for r in rows] == ["CN HK", "", "CN HK", "", "CN HK", ""]
    per_article = Counter(article_id for article_id, _topic in topics)
    assert {guid: per_article[i] for guid, i in by_guid.items()} == {
        "g-0": 2, "g-1": 1, "g-2": 1, "g-3": 2, "g-4": 1, "g-5": 1}
    first = by_guid["g-0"]
    assert [(name, count) for i, name, count in entities if i == first] == [
        ("Bitmain", 2), ("Person 0", 1)]
    assert len(entities) == 12
    assert sorted(r[0] for r in found) == [1, 2, 3, 4, 5, 6]


def test_an_article_stored_meanwhile_by_another_writer_is_skipped_whole(
        tmp_path: Path) -> None:
    """The app's poller and a cron fetch both decided the same entry is new: the second
    writer's copy gets no body, index entry or tag rows of its own."""
    path = tmp_path / "cache.db"
    with Store.open(path) as first, Store.open(path) as second:
        feed = first.add_feed("https://example.com/feed.xml")
        from tui.engine.decide import decide

        batch = [(a, _tagger(a)) for a in _articles(3)]
        late = decide(second.existing(feed.id), batch, now=NOW)
        save_articles(first, feed.id, _articles(2), tagger=_tagger, now=NOW,
                      next_due=NOW + 3600)
        new_ids, _ = second.write_feed(feed.id, late, now=NOW, next_due=NOW + 3600)
        conn = second.db.conn
        counts = [conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("articles", "bodies", "article_entities")]
        indexed = conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
                               ('"比 特 币"',)).fetchone()[0]
    assert len(new_ids) == 1
    assert counts == [3, 3, 6]
    assert indexed == 3
