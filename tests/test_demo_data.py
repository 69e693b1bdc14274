"""The bundled demo feeds: well-formed, big and varied enough to show off the app offline."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

import feedparser
import pytest

from tui.demo import (
    DEMO_AS_OF,
    DEMO_FEEDS,
    DemoFeed,
    demo_feed_for_url,
    read_demo_feed,
)
from tui.text import guess_lang, safe_url

FEED_IDS = [feed.filename for feed in DEMO_FEEDS]


def parse(feed: DemoFeed) -> Any:
    return feedparser.parse(io.BytesIO(read_demo_feed(feed.filename)))


@pytest.fixture(scope="module")
def parsed() -> dict[str, Any]:
    return {feed.filename: parse(feed) for feed in DEMO_FEEDS}


def all_entries(parsed: dict[str, Any]) -> list[Any]:
    return [entry for doc in parsed.values() for entry in doc.entries]


def full_text(entry: Any) -> str:
    parts = [entry.get("title", ""), entry.get("summary", "")]
    parts += [content.value for content in entry.get("content", [])]
    return " ".join(parts)


# --- the package API -------------------------------------------------------------------


def test_demo_feeds_are_described_consistently() -> None:
    assert len(DEMO_FEEDS) >= 4
    assert len({feed.url for feed in DEMO_FEEDS}) == len(DEMO_FEEDS)
    for feed in DEMO_FEEDS:
        assert feed.url == f"https://demo.sinowire.invalid/{feed.filename}"
        assert feed.filename.endswith(".xml")
        assert feed.lang in ("en", "zh")
        assert feed.title
        assert demo_feed_for_url(feed.url) == feed
    assert demo_feed_for_url("https://example.com/feed.xml") is None


@pytest.mark.parametrize("name", ["../__init__.py", "__init__.py", "nope.xml", "", "/etc/passwd"])
def test_read_demo_feed_serves_only_the_bundled_feeds(name: str) -> None:
    with pytest.raises(FileNotFoundError):
        read_demo_feed(name)


def test_demo_as_of_is_aware_utc() -> None:
    assert DEMO_AS_OF.tzinfo is UTC


# --- well-formed and parseable ---------------------------------------------------------


@pytest.mark.parametrize("feed", DEMO_FEEDS, ids=FEED_IDS)
def test_feed_is_well_formed_xml(feed: DemoFeed) -> None:
    ET.fromstring(read_demo_feed(feed.filename))  # strict parser, not feedparser's loose one


@pytest.mark.parametrize("feed", DEMO_FEEDS, ids=FEED_IDS)
def test_feed_parses_without_bozo(feed: DemoFeed) -> None:
    doc = parse(feed)
    assert doc.bozo == 0, doc.get("bozo_exception")
    assert doc.feed.title == feed.title
    assert doc.entries


def test_formats_are_varied(parsed: dict[str, Any]) -> None:
    versions = {doc.version for doc in parsed.values()}
    assert "rss20" in versions
    assert "atom10" in versions


def test_at_least_seventy_entries(parsed: dict[str, Any]) -> None:
    counts = {name: len(doc.entries) for name, doc in parsed.items()}
    assert sum(counts.values()) >= 70, counts
    assert all(count >= 10 for count in counts.values()), counts


def test_guids_are_unique(parsed: dict[str, Any]) -> None:
    ids = [entry.id for entry in all_entries(parsed)]
    assert all(ids)
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_links_are_unique_and_never_resolve(parsed: dict[str, Any]) -> None:
    links = [entry.link for entry in all_entries(parsed)]
    assert len(set(links)) == len(links)
    for link in links:
        assert safe_url(link) == link
        assert link.startswith("https://demo.sinowire.invalid/")


def test_both_languages_are_present(parsed: dict[str, Any]) -> None:
    by_lang: dict[str, int] = Counter()
    for feed in DEMO_FEEDS:
        for entry in parsed[feed.filename].entries:
            lang = guess_lang(entry.title + " " + entry.get("summary", ""))
            assert lang == feed.lang, entry.title
            by_lang[lang] += 1
    assert by_lang["en"] >= 40
    assert by_lang["zh"] >= 15


# --- dates -----------------------------------------------------------------------------


def test_dates_parse_and_fall_in_the_ten_days_before_demo_as_of(parsed: dict[str, Any]) -> None:
    earliest = DEMO_AS_OF - timedelta(days=11)
    for entry in all_entries(parsed):
        assert entry.get("published_parsed"), entry.title
        when = datetime(*entry.published_parsed[:6], tzinfo=UTC)
        assert earliest <= when < DEMO_AS_OF, (entry.title, when)


def test_dates_are_spread_over_many_days(parsed: dict[str, Any]) -> None:
    days = {tuple(entry.published_parsed[:3]) for entry in all_entries(parsed)}
    assert len(days) >= 9


def test_rss_dates_are_rfc822_with_the_right_weekday() -> None:
    for feed in DEMO_FEEDS:
        root = ET.fromstring(read_demo_feed(feed.filename))
        for pub in root.iter("pubDate"):
            text = pub.text or ""
            when = parsedate_to_datetime(text)
            assert when.tzinfo is not None, text
            assert text[:3] == when.strftime("%a"), text


# --- content ---------------------------------------------------------------------------


class _ImgAlts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alts: list[str | None] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))


def test_chain_ledger_has_rich_html_content(parsed: dict[str, Any]) -> None:
    entries = parsed["chain_ledger.xml"].entries
    with_content = [entry for entry in entries if entry.get("content")]
    assert len(with_content) > len(entries) // 2
    tags: set[str] = set()
    for entry in with_content:
        html = entry.content[0].value
        walker = _ImgAlts()
        walker.feed(html)
        tags |= walker.tags
        assert html.count("<p>") >= 2, entry.title
        assert all(alt for alt in walker.alts), f"image without alt text in {entry.title}"
        assert entry.get("summary"), entry.title
    assert {"ul", "ol", "li", "a", "img", "strong"} <= tags


def test_global_wire_is_summary_only(parsed: dict[str, Any]) -> None:
    for entry in parsed["global_wire.xml"].entries:
        assert not entry.get("content")
        assert len(entry.summary) > 80


def test_exactly_one_title_has_square_brackets(parsed: dict[str, Any]) -> None:
    bracketed = [e.title for e in all_entries(parsed) if "[" in e.title or "]" in e.title]
    assert bracketed == ['[Analysis] Why "[The] Reserve Report" matters for stablecoin issuers']


def test_titles_are_clean(parsed: dict[str, Any]) -> None:
    for entry in all_entries(parsed):
        title = entry.title
        assert title == title.strip()
        assert all(ch.isprintable() for ch in title), title
        assert len(title) <= 120, title


# --- coverage: every topic, the China world and the tagger's pitfalls -----------------

# Deliberately crude keyword sets (domain.md §4.8): they check that the demo *offers* each
# topic at least three times, not how the real tagger scores it.
TOPIC_HINTS = {
    "mining": r"\bminers?\b|\bhashrate\b|挖矿|矿机|算力|\bbitcoin mining\b",
    "regulation": r"\bregulat\w*|\blicen[cs]\w*|\bSEC\b|\bSFC\b|\bFSC\b|MiCA|监管|牌照",
    "enforcement": r"\bfraud\w*|\bsentenc\w*|\bseiz\w*|\barrest\w*|\blaunder\w*|非法集资|洗钱",
    "token-sales": r"token sale|presale|\bairdrop|代币销售|空投|发行代币",
    "exchanges": r"\bexchanges?\b|\blist(?:s|ing)\b|交易所|交易平台",
    "nft": r"\bNFT|digital collectibles?|数字藏品",
    "cbdc": r"\bCBDC|e-CNY|digital yuan|e-HKD|e-MOP|digital euro|数字人民币",
    "stablecoins": r"stablecoins?|\bUSDT\b|\bUSDC\b|稳定币",
    "defi": r"\bDeFi\b|decentralised exchange|\bDEX\b|liquid staking",
    "markets": r"\bETFs?\b|\bprice\b|outflows?|inflows?|open interest|爆仓|行情|成交额",
    "security": r"\bhack\w*|\bexploit\w*|\bstole\w*|\btheft\b|攻击|被盗",
    "business": r"\brevenue\b|\bacqui\w*|\bpilot\b|\blease\b|营收|合作|试点",
    "technology": r"\bupgrade\b|\btestnet\b|\bASIC\b|\bblockchain\b|测试网|升级",
}


def test_every_topic_is_offered_at_least_three_times(parsed: dict[str, Any]) -> None:
    texts = [full_text(entry) for entry in all_entries(parsed)]
    counts = {
        topic: sum(1 for text in texts if re.search(pattern, text, re.IGNORECASE))
        for topic, pattern in TOPIC_HINTS.items()
    }
    assert all(count >= 3 for count in counts.values()), counts


@pytest.mark.parametrize(
    "needle",
    [
        # the China world
        "People's Bank of China",
        "e-CNY",
        "Sichuan",
        "China Securities Regulatory Commission",
        "Shenzhen Intermediate People's Court",
        "Hangzhou Internet Court",
        "非法集资",
        "10亿元",
        "1.2 billion yuan",
        # Hong Kong, Macau, Taiwan
        "virtual asset trading platform",
        "stablecoin sandbox",
        "Macau",
        "Financial Supervisory Commission",
        # offshore exchanges with Chinese roots, in stories that are not about China
        "Binance will open KSTL",
        "OKX",
        # pitfalls the tagger must not fall for
        "Shanghai</strong> upgrade",
        "bone china",
        "Great Wall",
        "data mining",
        "follow the Sun",
        # money amounts in several forms
        "$80 million",
        "HK$",
        "NT$",
    ],
)
def test_demo_covers(parsed: dict[str, Any], needle: str) -> None:
    assert any(needle in full_text(entry) for entry in all_entries(parsed)), needle


def test_the_data_mining_story_is_not_about_mining(parsed: dict[str, Any]) -> None:
    (entry,) = [e for e in all_entries(parsed) if "data mining" in full_text(e).lower()]
    rest = full_text(entry).lower().replace("data mining", "")
    assert "mining" not in rest
    assert "miner" not in rest
