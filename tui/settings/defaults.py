"""The default feeds, each with its evidence and the date it was last confirmed.

None of these can be fetched from the build machine, so each entry says what public
evidence it rests on (``evidence``) and when that evidence was last reviewed
(``confirmed``). The product is built to survive a wrong entry: a dead feed is marked
stale, a feed that answers HTML or JSON is an error with that reason, and
``sinowire feeds check`` reports each one. Defaults dropped or replaced since an earlier
version are in :data:`RETIRED`; users who still have them are told, never changed
without ``sinowire feeds update-defaults``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DefaultFeed:
    url: str
    title: str
    lang: str
    evidence: str = ""
    confirmed: str = ""  # ISO date the evidence was last reviewed
    interval_minutes: int | None = None  # None: the [poll] interval
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RetiredDefault:
    url: str
    title: str
    reason: str
    replacement: str | None = None


_ISSUE = "issue 18 survey of 2026 public probes and feed lists"

DEFAULT_FEEDS: tuple[DefaultFeed, ...] = (
    # --- English -------------------------------------------------------------------------
    DefaultFeed("https://www.coindesk.com/arc/outboundfeeds/rss/", "CoinDesk", "en",
                f"works; answers with a 308 redirect that the fetcher follows ({_ISSUE}; "
                "used in many public crypto feed lists)", "2026-12-01"),
    DefaultFeed("https://cointelegraph.com/rss", "Cointelegraph", "en",
                f"works ({_ISSUE}; many public feed lists)", "2026-12-01"),
    DefaultFeed("https://www.theblock.co/rss.xml", "The Block", "en",
                f"works ({_ISSUE}; many public feed lists)", "2026-12-01"),
    DefaultFeed("https://decrypt.co/feed", "Decrypt", "en",
                f"works ({_ISSUE}; many public feed lists)", "2026-12-01"),
    DefaultFeed("https://cryptoslate.com/feed/", "CryptoSlate", "en",
                f"works ({_ISSUE})", "2026-12-01"),
    DefaultFeed("https://beincrypto.com/feed/", "BeInCrypto", "en",
                f"works ({_ISSUE})", "2026-12-01"),
    DefaultFeed("https://thedefiant.io/api/feed", "The Defiant", "en",
                f"candidate with recent evidence ({_ISSUE})", "2026-12-01"),
    DefaultFeed("https://www.dlnews.com/arc/outboundfeeds/rss/", "DL News", "en",
                f"candidate with recent evidence ({_ISSUE})", "2026-12-01"),
    DefaultFeed("https://www.scmp.com/rss/518224/feed", "SCMP Cryptocurrency", "en",
                f"SCMP topic feed for cryptocurrency ({_ISSUE}); thin, polled hourly",
                "2026-12-01", interval_minutes=60),
    DefaultFeed("https://www.scmp.com/rss/506019/feed", "SCMP China digital currency", "en",
                f"SCMP topic feed for China's digital currency ({_ISSUE}); thin",
                "2026-12-01", interval_minutes=120),
    DefaultFeed("https://wublock.substack.com/feed", "Wu Blockchain", "en",
                f"works from home connections; Substack answers 403 to many server "
                f"addresses ({_ISSUE})", "2026-12-01"),
    # --- 中文 ------------------------------------------------------------------------------
    DefaultFeed("https://rss.odaily.news/rss/newsflash", "Odaily 星球日报 快讯", "zh",
                f"the outlet's RSS host; 10 items, GMT dates, some double-escaped entities "
                f"({_ISSUE})", "2026-12-01"),
    DefaultFeed("https://rss.odaily.news/rss/post", "Odaily 星球日报 文章", "zh",
                f"the outlet's RSS host, articles ({_ISSUE})", "2026-12-01",
                interval_minutes=60),
    DefaultFeed("https://www.panewslab.com/rss.xml?lang=zh&type=NEWS", "PANews 快讯", "zh",
                f"type=NEWS is flash news ({_ISSUE})", "2026-12-01"),
    DefaultFeed("https://www.panewslab.com/rss.xml?lang=zh&type=NORMAL", "PANews 文章", "zh",
                f"type=NORMAL is articles ({_ISSUE})", "2026-12-01", interval_minutes=60),
    DefaultFeed("https://www.chaincatcher.com/rss/clist", "ChainCatcher 链捕手", "zh",
                f"works; about 2.3 MB with 486 items and content:encoded, so polled every "
                f"two hours ({_ISSUE})", "2026-12-01", interval_minutes=120),
    DefaultFeed("https://www.wublock123.com/feed", "吴说区块链", "zh",
                f"serves Atom; article pages sit behind a cookie check ({_ISSUE})",
                "2026-12-01"),
    DefaultFeed("https://www.techflowpost.com/rss.aspx", "TechFlow 深潮", "zh",
                f"candidate with recent evidence ({_ISSUE})", "2026-12-01"),
    DefaultFeed("https://cn.cointelegraph.com/rss", "Cointelegraph 中文", "zh",
                f"candidate with recent evidence ({_ISSUE})", "2026-12-01"),
)

RETIRED: tuple[RetiredDefault, ...] = (
    RetiredDefault("https://www.odaily.news/v1/openapi/odailyrss", "Odaily 星球日报",
                   "the path now returns the site's HTML app shell",
                   "https://rss.odaily.news/rss/newsflash"),
    RetiredDefault("https://api.theblockbeats.news/v2/rss/newsflash", "BlockBeats 律动快讯",
                   "the keyless API answers empty JSON since 2026-08; a keyed API replaced it"),
    RetiredDefault("https://blockworks.co/feed", "Blockworks",
                   "the newsroom closed; newest item 2026-01-07"),
    RetiredDefault("https://forkast.news/feed/", "Forkast",
                   "no new items since 2023-11 (the outlet became Forkast Labs)"),
    RetiredDefault("https://www.scmp.com/rss/36/feed", "SCMP Tech",
                   "general technology; SCMP's cryptocurrency topic feed replaces it",
                   "https://www.scmp.com/rss/518224/feed"),
)

# The default set before 0.2 (issue 18): what a user subscribed then was offered.
LEGACY_DEFAULT_URLS: frozenset[str] = frozenset({
    "https://www.coindesk.com/arc/outboundfeeds/rss/", "https://cointelegraph.com/rss",
    "https://www.theblock.co/rss.xml", "https://decrypt.co/feed",
    "https://cryptoslate.com/feed/", "https://beincrypto.com/feed/",
    "https://wublock.substack.com/feed",
    "https://www.panewslab.com/rss.xml?lang=zh&type=NEWS",
    "https://www.chaincatcher.com/rss/clist", "https://www.wublock123.com/feed",
    *(retired.url for retired in RETIRED),
})

_BY_URL = {feed.url: feed for feed in DEFAULT_FEEDS}


def default_for(url: str) -> DefaultFeed | None:
    return _BY_URL.get(url)


def retired_for(url: str) -> RetiredDefault | None:
    return next((r for r in RETIRED if r.url == url), None)


def readme_feed_list() -> str:
    """The README's default-feed table, generated so code and docs agree."""
    rows = ["| feed | language | URL | evidence | confirmed |", "|---|---|---|---|---|"]
    for feed in DEFAULT_FEEDS:
        rows.append(f"| {feed.title} | {feed.lang} | <{feed.url}> | {feed.evidence} "
                    f"| {feed.confirmed} |")
    return "\n".join(rows)
