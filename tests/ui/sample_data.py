"""A small deterministic data set written straight into a Store, for UI tests.

It does not depend on the parser or the tagger (tags are given explicitly), so the UI
tests stay stable while those evolve. Times are relative to FIXED_NOW.
"""

from __future__ import annotations

from tests.engine_helpers import save_articles
from tui.models import Article, Entity, Evidence, Tags
from tui.store import Store

FIXED_NOW = 1_790_000_000  # 2026-09-21 14:13 UTC, frozen for relative times
# Seeding "now" for the demo feeds: later than any demo date, so none is clamped to it.
SEED_LATER = 1_830_000_000  # 2027-12-28

CHINA = dict(china=True, china_score=3.0)

# (feed index, title, body, minutes ago, tags)
ROWS: list[tuple[int, str, str, int, Tags]] = [
    (0, "PBoC reiterates ban on crypto trading", "The People's Bank of China said trading "
     "remains illegal on the mainland.", 5,
     Tags(**CHINA, regions=frozenset({"CN"}), topics=frozenset({"regulation", "enforcement"}),
          evidence=(Evidence("PBoC", "People's Bank of China", "title", "CN", 3.0),),
          entities=(Entity("People's Bank of China", "ORG", 2), Entity("Beijing", "PLACE")))),
    (0, "Bitmain unveils new miner", "Bitmain, the Beijing-based maker of mining rigs, "
     "showed a new ASIC.", 50,
     Tags(**CHINA, regions=frozenset({"CN"}), topics=frozenset({"mining", "business"}),
          evidence=(Evidence("Bitmain", "Bitmain", "title", "CN", 2.0),),
          entities=(Entity("Bitmain", "ORG", 3), Entity("Beijing", "PLACE")))),
    (1, "Hong Kong SFC licenses another exchange", "The SFC granted a VATP licence.", 120,
     Tags(**CHINA, regions=frozenset({"HK"}), topics=frozenset({"regulation", "exchanges"}),
          evidence=(Evidence("SFC", "Securities and Futures Commission", "title", "HK", 2.0),
                    Evidence("Hong Kong", "Hong Kong", "title", "HK", 2.0)),
          entities=(Entity("Securities and Futures Commission", "ORG"),
                    Entity("Hong Kong", "PLACE")))),
    (1, "Ether ETF flows turn positive", "Inflows returned on Tuesday.", 200,
     Tags(topics=frozenset({"markets"}), entities=(Entity("ETH", "TICKER"),))),
    (2, "香港金管局发布稳定币沙盒名单", "香港金融管理局公布首批稳定币发行人沙盒参与者。", 300,
     Tags(**CHINA, regions=frozenset({"HK"}), topics=frozenset({"stablecoins", "regulation"}),
          evidence=(Evidence("香港金管局", "Hong Kong Monetary Authority", "title", "HK", 3.0),),
          entities=(Entity("Hong Kong Monetary Authority", "ORG"),
                    Entity("Hong Kong", "PLACE")))),
    (2, "比特币价格突破新高", "比特币今日上涨，市场情绪乐观。", 400,
     Tags(topics=frozenset({"markets"}), entities=(Entity("BTC", "TICKER", 2),))),
    (2, "数字人民币试点扩大", "中国人民银行扩大数字人民币试点城市。", 1500,
     Tags(**CHINA, regions=frozenset({"CN"}), topics=frozenset({"cbdc"}),
          evidence=(Evidence("中国人民银行", "People's Bank of China", "body", "CN", 3.0),
                    Evidence("数字人民币", "e-CNY", "title", "CN", 3.0)),
          entities=(Entity("People's Bank of China", "ORG"), Entity("e-CNY", "ORG")))),
    (3, "Taiwan FSC drafts VASP rules", "Taiwan's Financial Supervisory Commission drafted "
     "rules.", 2000,
     Tags(regions=frozenset({"TW"}), topics=frozenset({"regulation"}),
          entities=(Entity("Taiwan", "PLACE"),))),
    (3, "DeFi protocol loses $12M in exploit", "An attacker drained $12 million.", 3000,
     Tags(topics=frozenset({"defi", "security"}), entities=(Entity("$12 million", "MONEY"),))),
    (0, "Binance weighs return to mainland", "Binance was founded in China.", 5000,
     Tags(**CHINA, regions=frozenset({"CN"}), topics=frozenset({"exchanges"}),
          evidence=(Evidence("mainland", "China", "title", "CN", 1.0),),
          entities=(Entity("Binance", "ORG", 2),))),
]
# Filler so the list scrolls: plain market notes, older than the rows above.
FILLER = 30

FEEDS = [
    ("https://wire.example/feed", "Global Wire"),
    ("https://asia.example/rss", "Asia Desk"),
    ("https://lianbao.example/rss", "链报 Lianbao"),
    ("https://ledger.example/atom", "Chain Ledger"),
]


def seed_sample(store: Store, now: int = FIXED_NOW) -> None:
    """Four feeds, ten tagged stories (EN + ZH) and filler; deterministic."""
    ids = [store.add_feed(url, title, now=now).id for url, title in FEEDS]
    by_feed: dict[int, list[tuple[Article, Tags]]] = {i: [] for i in range(len(FEEDS))}
    for n, (feed, title, body, minutes, tags) in enumerate(ROWS):
        article = Article(guid=f"g{n}", title=title, url=f"https://news.example/a/{n}",
                          author="Staff" if n % 2 else "", summary=body,
                          published=now - minutes * 60)
        by_feed[feed].append((article, tags))
    for n in range(FILLER):
        article = Article(guid=f"f{n}", title=f"Market note {n}: majors range-bound",
                          url=f"https://news.example/f/{n}", summary="Quiet trading.",
                          published=now - (6000 + n * 90) * 60)
        by_feed[3].append((article, Tags(topics=frozenset({"markets"}))))
    for index, items in by_feed.items():
        tags_by_guid = {a.guid: t for a, t in items}
        save_articles(store, ids[index], [a for a, _ in items],
                            tagger=lambda a, m=tags_by_guid: m[a.guid], now=now, next_due=now)


def total() -> int:
    return len(ROWS) + FILLER


REFERENCES_BODY = (
    "The regulator said[1] that exchanges must register[2], citing the 2024 rules.\n\n"
    "Links\n\n[1]: https://regulator.example/notice?utm_source=feed&utm_medium=rss\n"
    "[2] https://regulator.example/register \"Register\"\n")
HOSTILE_TITLE = "[bold red]Fake[/] \x1b[31mred\x1b[0m <script>alert(1)</script> [link=x]y[/link]"
CHINESE_TITLE = "中国人民银行：继续打击虚拟货币交易炒作，防范金融风险"
CHINESE_BODY = ("中国人民银行表示，将继续保持高压态势，打击虚拟货币交易炒作[1]。\n\n"
                "[1]: https://pbc.example/zh/notice\n")


def seed_stories(store: Store, now: int = FIXED_NOW) -> dict[str, int]:
    """Three newest stories for the reading tests: references, hostile markup, Chinese."""
    feed = store.add_feed("https://extra.example/rss", "Extra Desk", now=now).id
    stories = [
        Article(guid="refs", title="Regulator sets registration deadline",
                url="https://extra.example/refs", summary=REFERENCES_BODY, published=now - 60),
        Article(guid="hostile", title=HOSTILE_TITLE, url="javascript:alert(1)",
                summary="[b]bold?[/b] \x1b]52;c;AAAA\x07 <img src=x onerror=alert(1)>",
                published=now - 90),
        Article(guid="zh", title=CHINESE_TITLE, url="https://pbc.example/zh",
                summary=CHINESE_BODY, published=now - 100),
    ]
    tags = Tags(**CHINA, regions=frozenset({"CN"}), topics=frozenset({"regulation"}),
                evidence=(Evidence("中国人民银行", "People's Bank of China", "title", "CN", 3.0),))
    save_articles(store, feed, stories, tagger=lambda a: tags, now=now, next_due=now)
    return _ids(store)


def _ids(store: Store) -> dict[str, int]:
    rows = store.list_articles(limit=3)
    return {"refs": rows[0].id, "hostile": rows[1].id, "zh": rows[2].id}


def fail_every_feed(store: Store, now: int = FIXED_NOW) -> None:
    for n, feed in enumerate(store.feeds()):
        reason = ("HTTP 404 Not Found", "timed out after 15 s", "not a feed (text/html)")[n % 3]
        store.record_fetch(feed.id, now=now, next_due=now + 3600, error=reason)
