"""OPML import/export: round trips, real-world files and hostile ones (untrusted-input §5 48–51)."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.feeds.opml import OpmlError, OpmlFeed, OpmlImport, export_opml, parse_opml

DATA = Path(__file__).parent / "data" / "opml"


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


def urls(result: OpmlImport) -> list[str]:
    return [feed.url for feed in result.feeds]


# --- export and round trip -------------------------------------------------------------


FEEDS = (
    OpmlFeed("https://chain.example.com/rss.xml", "Chain Ledger Daily", "en"),
    OpmlFeed("https://lianbao.example.cn/feed?a=1&b=2", "链报快讯", "zh-CN"),
    OpmlFeed("http://plain.example.org/atom", 'Quotes "and" <angles> & ampersands', None),
    OpmlFeed("https://tw.example.tw/rss", "區塊鏈週報", "zh-TW"),
)


def test_round_trip_gives_the_same_feeds() -> None:
    data = export_opml(FEEDS)
    result = parse_opml(data)
    assert result.feeds == FEEDS
    assert result.skipped == ()


def test_export_is_opml_2_utf8_with_declaration() -> None:
    when = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)
    data = export_opml(FEEDS, title="My <feeds>", created=when)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(data)
    assert root.tag == "opml"
    assert root.get("version") == "2.0"
    assert root.findtext("head/title") == "My <feeds>"
    assert root.findtext("head/dateCreated") == "Sun, 22 Nov 2026 08:30:00 GMT"
    outlines = root.findall("body/outline")
    assert [o.get("xmlUrl") for o in outlines] == [f.url for f in FEEDS]
    assert outlines[2].get("text") == 'Quotes "and" <angles> & ampersands'
    assert outlines[0].get("type") == "rss"
    assert outlines[0].get("language") == "en"
    assert "language" not in outlines[2].attrib
    assert "链报快讯".encode() in data  # real UTF-8, not character references


def test_export_strips_control_characters_and_falls_back_to_url_for_title() -> None:
    data = export_opml([OpmlFeed("https://x.example.com/f", "bad\x1b[31m\u202etitle\x00")])
    ET.fromstring(data)  # still well-formed XML: ESC and NUL would make it invalid
    outline = ET.fromstring(data).find("body/outline")
    assert outline is not None
    assert outline.get("title") == "bad[31mtitle"
    untitled = ET.fromstring(export_opml([OpmlFeed("https://y.example.com/f", "")]))
    assert untitled.find("body/outline").get("text") == "https://y.example.com/f"  # type: ignore[union-attr]


def test_export_of_nothing_is_a_valid_empty_opml() -> None:
    assert parse_opml(export_opml([])) == OpmlImport(feeds=(), skipped=())


# --- real-world files ------------------------------------------------------------------


def test_newsboat_style_nested_categories_in_document_order() -> None:
    result = parse_opml(load("newsboat_nested.opml"))
    assert urls(result) == [
        "https://feeds.example.com/crypto/news.xml",
        "https://research.example.org/atom.xml",
        "https://zh.example.cn/rss?lang=zh&limit=50",
        "https://tw.example.tw/feed",
        "https://hk.example.hk/press/rss.xml",
        "http://plain-http.example.com/rss",
    ]
    by_url = {feed.url: feed for feed in result.feeds}
    assert by_url["https://zh.example.cn/rss?lang=zh&limit=50"].title == "链上快讯"
    assert by_url["https://zh.example.cn/rss?lang=zh&limit=50"].lang == "zh-CN"
    assert by_url["https://tw.example.tw/feed"].lang == "zh-TW"
    assert by_url["https://feeds.example.com/crypto/news.xml"].lang is None
    # the link-only outline is reported, the categories are not
    assert len(result.skipped) == 1
    assert "A homepage, not a feed" in result.skipped[0]


def test_feedly_style_duplicates_after_whitespace_and_host_case() -> None:
    result = parse_opml(load("feedly.opml"))
    assert urls(result) == [
        "https://prices.example.com/feed/",
        "https://miners.example.com/rss.xml",
        "https://POLICY.example.com/feed",
    ]
    assert len(result.skipped) == 2
    assert all("duplicate" in reason for reason in result.skipped)


def test_title_falls_back_from_title_to_text() -> None:
    data = (
        b'<opml version="2.0"><body>'
        b'<outline title="From title" text="From text" xmlUrl="https://a.example.com/"/>'
        b'<outline text="Only text" xmlUrl="https://b.example.com/"/>'
        b'<outline xmlUrl="https://c.example.com/"/>'
        b"</body></opml>"
    )
    assert [f.title for f in parse_opml(data).feeds] == ["From title", "Only text", ""]


def test_attribute_names_are_case_insensitive() -> None:
    data = b'<opml><body><outline TEXT="x" xmlurl="https://a.example.com/f"/></body></opml>'
    assert urls(parse_opml(data)) == ["https://a.example.com/f"]


def test_bad_language_values_are_dropped() -> None:
    data = (
        b'<opml><body><outline text="x" language="not a language!" '
        b'xmlUrl="https://a.example.com/f"/></body></opml>'
    )
    assert parse_opml(data).feeds[0].lang is None


def test_iso_8859_1_declared_encoding_is_decoded() -> None:
    result = parse_opml(load("latin1.opml"))
    assert [f.title for f in result.feeds] == ["Actualités économiques", "Café Crypto - Zürich"]
    assert result.feeds[0].url == "https://économie.example.fr/flux?édition=été"
    assert result.feeds[0].lang == "fr"


def test_gbk_declared_encoding_is_decoded() -> None:
    result = parse_opml(load("gbk.opml"))
    assert [f.title for f in result.feeds] == ["链报快讯", "矿业周刊"]


def test_unknown_encoding_is_refused_with_a_message() -> None:
    data = b'<?xml version="1.0" encoding="x-klingon"?><opml><body/></opml>'
    with pytest.raises(OpmlError, match="unknown character encoding"):
        parse_opml(data)


def test_utf8_bom_is_accepted() -> None:
    data = b"\xef\xbb\xbf" + export_opml(FEEDS[:1])
    assert parse_opml(data).feeds == FEEDS[:1]


def test_titles_lose_control_and_bidi_characters() -> None:
    result = parse_opml(load("control_chars.opml"))
    titles = [f.title for f in result.feeds]
    assert titles == [
        "Bidi evil title",
        "C1 31m red 2J",
        "Isolate x and many spaces",
        "[bold red]markup[/] stays literal",
    ]
    for title in titles:
        assert all(ch.isprintable() for ch in title)


def test_raw_escape_character_makes_the_file_invalid_xml() -> None:
    data = b'<opml><body><outline text="\x1b]0;pwned\x07" xmlUrl="https://a.example.com/"/>'
    data += b"</body></opml>"
    with pytest.raises(OpmlError, match="line 1"):
        parse_opml(data)


# --- whole-file refusals ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["billion_laughs.opml", "xxe_file.opml", "xxe_parameter.opml"])
def test_entity_attacks_refuse_the_whole_file(name: str) -> None:
    start = time.perf_counter()
    with pytest.raises(OpmlError, match="refused: the file declares entities") as info:
        parse_opml(load(name))
    assert time.perf_counter() - start < 1.0
    assert "root:" not in str(info.value)  # nothing from /etc/passwd leaks into the message
    assert "\n" not in str(info.value)


def test_xxe_inside_an_attribute_is_refused() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        b'<opml><body><outline text="t" xmlUrl="https://a.example.com/&x;"/></body></opml>'
    )
    with pytest.raises(OpmlError, match="declares entities"):
        parse_opml(data)


def test_plain_doctype_without_entities_is_fine() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE opml SYSTEM "file:///etc/passwd">'
        b'<opml><body><outline text="t" xmlUrl="https://a.example.com/"/></body></opml>'
    )
    assert urls(parse_opml(data)) == ["https://a.example.com/"]


def test_undeclared_entity_is_a_parse_error() -> None:
    data = b'<opml><body><outline text="&nope;" xmlUrl="https://a.example.com/"/></body></opml>'
    with pytest.raises(OpmlError, match="Not valid XML at line 1"):
        parse_opml(data)


def test_malformed_xml_reports_the_line() -> None:
    data = b"<opml>\n<body>\n<outline text='x'>\n</body>\n</opml>\n"
    with pytest.raises(OpmlError, match=r"line 4, column \d+: mismatched tag"):
        parse_opml(data)


@pytest.mark.parametrize("data", [b"", b"   ", b"not xml at all", b"\x00\x01\x02"])
def test_garbage_is_refused(data: bytes) -> None:
    with pytest.raises(OpmlError):
        parse_opml(data)


@pytest.mark.parametrize(
    "data",
    [
        b'<rss version="2.0"><channel><title>x</title></channel></rss>',
        b'<html><body><outline xmlUrl="https://a.example.com/"/></body></html>',
    ],
)
def test_documents_that_are_not_opml_are_refused(data: bytes) -> None:
    with pytest.raises(OpmlError, match="Not an OPML file"):
        parse_opml(data)


def test_opml_without_body_is_refused() -> None:
    with pytest.raises(OpmlError, match="no <body>"):
        parse_opml(b'<opml version="2.0"><head><title>x</title></head></opml>')


def test_oversized_input_is_refused_before_parsing() -> None:
    with pytest.raises(OpmlError, match="larger than"):
        parse_opml(b" " * 50_000_001)


# --- hostile outlines: skipped one by one, the rest imported ---------------------------


def test_hostile_outlines_are_skipped_with_reasons() -> None:
    result = parse_opml(load("hostile_outlines.opml"))
    assert urls(result) == ["https://good.example.com/feed.xml", "http://good2.example.com/rss"]
    assert len(result.skipped) == 12
    reasons = "\n".join(result.skipped)
    assert "Pipe command" in reasons
    assert reasons.count("never runs commands") == 4  # |cmd, exec:, filter:, filtercmd
    assert "'filtercmd' attribute" in reasons
    for name in ("Script", "Local file", "FTP", "Broken IPv6", "Space in host", "Data URL"):
        assert f"{name} (" in reasons
    assert "Empty ((empty)): not a valid http(s) URL" in reasons
    # no reason is more than one line, so the CLI can print them as a list
    assert all("\n" not in reason for reason in result.skipped)


def test_filtercmd_outline_is_skipped_even_with_a_harmless_url() -> None:
    data = (
        b'<opml><body><outline text="x" xmlUrl="https://fine.example.com/rss" '
        b'filtercmd="~/bin/f.sh"/></body></opml>'
    )
    result = parse_opml(data)
    assert result.feeds == ()
    assert "filtercmd" in result.skipped[0]


@pytest.mark.parametrize(
    "url",
    [
        "|cmd",
        "| cat /etc/passwd",
        "exec:ls",
        "EXEC:ls",
        'query:unread:unread = "yes"',
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://example.com/feed",
        "http://[::1",
        "https://exa mple.com/",
        "smb://host/share",
        "-https://example.com",
        "https://",
    ],
)
def test_each_hostile_url_is_skipped(url: str) -> None:
    outline = ET.Element("outline", text="t", xmlUrl=url)
    root = ET.Element("opml")
    ET.SubElement(root, "body").append(outline)
    result = parse_opml(ET.tostring(root))
    assert result.feeds == ()
    assert len(result.skipped) == 1


def test_skip_reasons_do_not_carry_control_characters_or_huge_urls() -> None:
    long_url = "javascript:" + "A" * 5000 + "\u202e"
    outline = ET.Element("outline", text="\u202eevil", xmlUrl=long_url)
    root = ET.Element("opml")
    ET.SubElement(root, "body").append(outline)
    (reason,) = parse_opml(ET.tostring(root)).skipped
    assert "\u202e" not in reason
    assert len(reason) < 200


# --- size: caps, dedupe, no recursion ---------------------------------------------------


def _many_outlines(count: int, distinct: int) -> bytes:
    lines = ['<?xml version="1.0"?><opml version="2.0"><body>']
    lines += [
        f'<outline type="rss" text="Feed {i}" xmlUrl="https://f{i % distinct}.example.com/rss"/>'
        for i in range(count)
    ]
    lines.append("</body></opml>")
    return "\n".join(lines).encode()


def test_twenty_thousand_outlines_with_duplicates_are_capped_and_fast() -> None:
    data = _many_outlines(20_000, distinct=3_000)
    start = time.perf_counter()
    result = parse_opml(data)
    elapsed = time.perf_counter() - start
    # Linear takes ~0.3 s; a quadratic duplicate check over 20,000 outlines takes minutes.
    # The bound only has to tell those apart, on a loaded machine too.
    assert elapsed < 20.0, elapsed
    assert len(result.feeds) == 3_000
    assert len(set(urls(result))) == 3_000
    # 10,000 outlines read: 7,000 duplicates, then one "stopped" note
    assert len(result.skipped) == 7_001
    assert result.skipped[-1] == "stopped after 10000 outlines; the rest were not read"


def test_max_outlines_can_be_raised() -> None:
    result = parse_opml(_many_outlines(20_000, distinct=20_000), max_outlines=100_000)
    assert len(result.feeds) == 20_000
    assert result.skipped == ()


def test_categories_count_towards_the_cap() -> None:
    data = (
        b"<opml><body>"
        b'<outline text="cat"><outline text="sub">'
        b'<outline text="a" xmlUrl="https://a.example.com/"/>'
        b'<outline text="b" xmlUrl="https://b.example.com/"/>'
        b"</outline></outline></body></opml>"
    )
    result = parse_opml(data, max_outlines=3)
    assert urls(result) == ["https://a.example.com/"]
    assert result.skipped == ("stopped after 3 outlines; the rest were not read",)


def test_deep_nesting_does_not_recurse() -> None:
    depth = 5_000
    data = (
        b"<opml><body>"
        + b'<outline text="c">' * depth
        + b'<outline text="deep" xmlUrl="https://deep.example.com/"/>'
        + b"</outline>" * depth
        + b"</body></opml>"
    )
    result = parse_opml(data, max_outlines=depth + 1)
    assert urls(result) == ["https://deep.example.com/"]
