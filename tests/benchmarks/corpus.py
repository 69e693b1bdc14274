"""A deterministic synthetic corpus: realistic-looking English and Chinese crypto news.

Same seed, same bytes, so benchmark runs compare. Articles are written through the real
parse/tag/store path (feed_document) or the real store API (fill_store).
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from tests.engine_helpers import save_articles
from tui.config import Settings
from tui.engine.jobs import make_tagger
from tui.models import Article
from tui.store import Store

EN_SUBJECTS = [
    "Bitmain", "The People's Bank of China", "Hong Kong's SFC", "Coinbase", "Binance",
    "A Sichuan mining farm", "The SEC", "Tether", "OKX", "Ethereum developers", "MicroStrategy",
    "The HKMA", "Canaan", "A Shenzhen court", "Circle", "Justin Sun", "BlackRock",
]
EN_VERBS = [
    "expands", "warns about", "launches", "pauses", "approves", "fines", "invests in",
    "reports record", "delays", "tests", "restricts", "reviews",
]
EN_OBJECTS = [
    "stablecoin licences", "e-CNY pilots", "hashrate growth", "spot bitcoin ETF flows",
    "a DeFi lending pool", "NFT royalties", "exchange withdrawals", "a $80 million token sale",
    "mining hardware sales", "anti-money-laundering rules", "a bridge exploit",
    "custody services", "validator upgrades", "market volatility",
]
ZH_SUBJECTS = ["中国人民银行", "香港证监会", "比特大陆", "深圳法院",
               "币安", "四川矿场", "欧易", "金管局"]
ZH_VERBS = ["发布", "暂停", "批准", "调查", "推出", "警告", "测试"]
ZH_OBJECTS = ["数字人民币试点", "稳定币牌照", "挖矿清退通知", "虚拟资产交易平台",
              "10亿元非法集资案", "比特币现货ETF", "DeFi借贷协议", "数字藏品平台"]
FILLER_EN = (
    "Analysts said the move reflects a broader shift in how regulators and companies approach "
    "digital assets. Trading volumes were mixed across major venues, and several market makers "
    "adjusted their positions ahead of the announcement. "
)
FILLER_ZH = (
    "分析人士表示，此举反映出监管机构和企业对数字资产态度的变化。"
    "多家交易平台成交量涨跌互现。"
)


def headline(rng: random.Random, chinese: bool) -> str:
    if chinese:
        return rng.choice(ZH_SUBJECTS) + rng.choice(ZH_VERBS) + rng.choice(ZH_OBJECTS)
    return f"{rng.choice(EN_SUBJECTS)} {rng.choice(EN_VERBS)} {rng.choice(EN_OBJECTS)}"


def body(rng: random.Random, chinese: bool, size: int = 3000) -> str:
    parts = []
    filler = FILLER_ZH if chinese else FILLER_EN
    while sum(len(p) for p in parts) < size:
        parts.append(headline(rng, chinese) + ("。" if chinese else ". ") + filler)
    return "".join(parts)[:size]


def feed_document(feed_number: int, items: int, *, seed: int = 7) -> bytes:
    """An RSS 2.0 document of ``items`` entries with ~3 KB HTML bodies."""
    rng = random.Random(seed * 1000 + feed_number)
    chinese = feed_number % 3 == 2
    base = datetime(2026, 11, 20, tzinfo=UTC).timestamp()
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        f"<channel><title>Bench feed {feed_number}</title><link>https://bench.test/</link>",
    ]
    for n in range(items):
        when = datetime.fromtimestamp(base - n * 1800 - feed_number * 60, UTC)
        text = body(rng, chinese)
        html = "".join(f"<p>{escape(p)}</p>" for p in text.split(". ") if p)
        out.append(
            f"<item><guid>bench-{feed_number}-{n}</guid>"
            f"<title>{escape(headline(rng, chinese))}</title>"
            f"<link>https://bench.test/{feed_number}/{n}</link>"
            f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>"
            f"<description>{escape(text[:300])}</description>"
            f"<content:encoded>{escape(html)}</content:encoded></item>"
        )
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


def fill_store(store: Store, articles: int, *, feeds: int = 50, seed: int = 11,
               body_size: int = 3000) -> None:
    """Write ``articles`` tagged articles over ``feeds`` feeds through the store API."""
    rng = random.Random(seed)
    tagger = make_tagger(Settings())
    now = int(time.time())
    per_feed = max(1, articles // feeds)
    for f in range(feeds):
        feed = store.add_feed(f"https://bench.test/feed/{f}.xml", f"Bench feed {f}",
                              "zh" if f % 3 == 2 else "en")
        chinese = f % 3 == 2
        batch = []
        for n in range(per_feed):
            text = body(rng, chinese, body_size)
            batch.append(Article(
                guid=f"b-{f}-{n}", title=headline(rng, chinese),
                url=f"https://bench.test/{f}/{n}", summary=text[:300], content_text=text,
                published=now - rng.randrange(0, 365 * 86400), lang="zh" if chinese else "en",
            ))
        save_articles(store, feed.id, batch, tagger=tagger, now=now, next_due=now + 3600)
