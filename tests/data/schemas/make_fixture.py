"""Write ``schema-<N>.db`` (+ ``schema-<N>.json``): a small cache made by *this* code.

Run it once per schema version, on the commit that introduces that version, and commit
the two files; never regenerate an old one (it stands for what users have on disk).

    python -m tests.data.schemas.make_fixture

The JSON records what the upgrade test must find after opening the file with newer code:
feeds, read and starred GUIDs, extracted text, the meta key, the tombstone.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.engine_helpers import save_articles
from tui.models import Article, Entity, Tags
from tui.store import Store
from tui.store.schema import SCHEMA_VERSION
from tui.store.sqlite import sqlite3

HERE = Path(__file__).resolve().parent
NOW = 1_795_000_000


def tagger(article: Article) -> Tags:
    china = "香港" in article.title or "China" in article.title
    return Tags(china=china, china_score=0.8 if china else 0.0,
                regions=frozenset({"HK"}) if china else frozenset(),
                topics=frozenset({"exchanges"}),
                entities=(Entity("Hong Kong", "PLACE", 1),) if china else ())


def build(path: Path) -> dict[str, object]:
    with Store.open(path) as store:
        store.set_meta("default_feeds_subscribed", "1")
        en = store.add_feed("https://news.example/feed.xml", "Example News", "en", now=NOW)
        zh = store.add_feed("https://zh.example/rss", "中文快讯", "zh", now=NOW)
        for feed, prefix, titles in (
            (en, "en", ["China miners move", "Hong Kong licences", "Stablecoin rules",
                        "Gone later"]),
            (zh, "zh", ["香港 交易所 牌照", "比特币 矿工", "数字人民币 试点"]),
        ):
            articles = [Article(guid=f"{prefix}-{n}", title=title,
                                url=f"https://{prefix}.example/{n}", summary=f"{title}.",
                                published=NOW - 3600 * n, lang=prefix)
                        for n, title in enumerate(titles)]
            save_articles(store, feed.id, articles, tagger=tagger, now=NOW, next_due=NOW + 1800,
                                etag='"v1"', body_hash="abc")
        ids = {guid: article_id for guid, article_id in
               store.db.conn.execute("SELECT guid, id FROM articles")}
        store.set_read([ids["en-0"], ids["zh-1"]])
        store.set_starred(ids["en-1"], True)
        store.set_starred(ids["zh-0"], True)
        store.save_extracted(ids["en-1"], text="Full text about Hong Kong licences.",
                             error=None, now=NOW)
        # Retention removed one article: its tombstone keeps it from coming back.
        store.db.execute("UPDATE articles SET published = 1 WHERE id = ?", (ids["en-3"],))
        store.apply_retention(days=180, per_feed=1000, now=NOW)
        store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn = sqlite3.connect(str(path))
    conn.execute("VACUUM")
    conn.close()
    return {
        "schema": SCHEMA_VERSION,
        "feeds": ["https://news.example/feed.xml", "https://zh.example/rss"],
        "feed_titles": ["Example News", "中文快讯"],
        "articles": 6,
        "read": ["en-0", "zh-1"],
        "starred": ["en-1", "zh-0"],
        "extracted": {"en-1": "Full text about Hong Kong licences."},
        "tombstoned": ["en-3"],
        "meta": {"default_feeds_subscribed": "1"},
        "search": {"licences": 1, "香港": 1},
    }


def main() -> None:
    path = HERE / f"schema-{SCHEMA_VERSION}.db"
    if path.exists():
        raise SystemExit(f"{path.name} exists: fixtures of released schemas are never rebuilt")
    expected = build(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    (HERE / f"schema-{SCHEMA_VERSION}.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path.name} ({path.stat().st_size} bytes) and its .json")


if __name__ == "__main__":
    main()
