"""Parsing and normalising untrusted feed documents (untrusted-input.md §5: feeds, entries)."""

from __future__ import annotations

import contextlib
import time

import pytest

from tests.conftest import make_items, rss
from tui.engine.worker import IsolatedRunner, IsolatedTimeout
from tui.feeds.parse import ParseError, parse_feed

URL = "https://example.test/feed.xml"
HEADERS = {"content-type": "application/rss+xml"}
CONTROL = set(range(0, 9)) | set(range(11, 32)) | set(range(0x7F, 0xA0)) | {0x202E, 0x2066}


def parse(body: bytes):
    return parse_feed(body, HEADERS, URL)


def entry_rss(inner: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
            f"<item>{inner}</item></channel></rss>").encode()


def test_plain_feed() -> None:
    parsed = parse(rss(make_items(3), title="Example News"))
    assert parsed.title == "Example News"
    assert [a.guid for a in parsed.articles] == ["item-0", "item-1", "item-2"]
    first = parsed.articles[0]
    assert first.url == "https://example.test/item/0"
    assert first.summary == "Paragraph for story 0."
    assert first.published is not None


@pytest.mark.parametrize(
    "body, message",
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"<!DOCTYPE html><html><body><p>Please log in</p></body></html>", "HTML page"),
        (b'{"items": []}', "JSON"),
        (b'<?xml version="1.0"?><opml version="2.0"><body/></opml>', "OPML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00garbage\xff\xfe", "not a feed"),
        (rss(make_items(4))[:-80], "truncated"),
    ],
)
def test_not_a_feed_is_an_error(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse(body)


def test_billion_laughs_and_xxe_are_refused() -> None:
    laughs = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title>
<item><title>&lol3;</title></item></channel></rss>"""
    xxe = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title></item></channel></rss>"""
    for body in (laughs, xxe):
        with pytest.raises(ParseError, match="entities"):
            parse(body)


def test_hostile_titles_are_kept_as_literal_text_without_controls() -> None:
    titles = ["[@click=app.quit]x[/]", "closing [/bold] tag", "[The] report", "[/",
              "[link=file:///etc/passwd]x"]
    items = "".join(f"<item><guid>{n}</guid><title>{t}</title></item>"
                    for n, t in enumerate(titles))
    items += "<item><guid>esc</guid><title>A&#27;]52;c;aGk=&#7;B&#x9b;2J\u202eC</title></item>"
    body = f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()
    parsed = parse(body)
    stored = [a.title for a in parsed.articles]
    assert stored[:5] == titles
    assert all(ord(ch) not in CONTROL for ch in stored[5])
    # lxml/feedparser may map a C1 reference to its cp1252 glyph (0x9B → "›"): printable.
    assert stored[5].replace("›", "") == "A]52;c;aGk=B2JC"


def test_scripts_and_handlers_never_survive() -> None:
    html = ('&lt;p onclick="evil()"&gt;Hi&lt;script&gt;alert(1)&lt;/script&gt;'
            '&lt;a href="javascript:alert(2)"&gt;x&lt;/a&gt;&lt;iframe src="https://x"&gt;'
            '&lt;/iframe&gt;&lt;base href="https://evil.test/"&gt;&lt;/p&gt;')
    parsed = parse(entry_rss(f"<guid>1</guid><title>T</title><description>{html}</description>"
                             f"<content:encoded xmlns:content='http://purl.org/rss/1.0/modules/"
                             f"content/'>{html}</content:encoded>"))
    [article] = parsed.articles
    for field in (article.summary, article.content_html, article.content_text):
        lowered = field.lower()
        assert "<script" not in lowered and "onclick" not in lowered
        assert "javascript:" not in lowered and "<iframe" not in lowered and "<base" not in lowered


def test_text_typed_title_with_script_is_shown_literally() -> None:
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><id>1</id><title type="text">&lt;script&gt;x&lt;/script&gt; headline</title>
<updated>2026-11-20T10:00:00Z</updated></entry></feed>"""
    [article] = parse(body).articles
    assert article.title == "<script>x</script> headline"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "file:///etc/passwd", "smb://host/x",
                                  "data:text/html,x", "-oProxyCommand=x", "http://exa mple.com"])
def test_unsafe_links_are_dropped(link: str) -> None:
    [article] = parse(entry_rss(f"<guid>1</guid><title>T</title><link>{link}</link>")).articles
    # A relative-looking value is resolved against the feed: harmless, never a bare option.
    assert article.url is None or article.url.startswith("https://example.test/")


def test_relative_link_is_resolved_against_the_feed_url() -> None:
    [article] = parse(entry_rss("<guid>1</guid><title>T</title><link>/news/1</link>")).articles
    assert article.url == "https://example.test/news/1"


@pytest.mark.parametrize("date", ["Mon, 99 Foo 99999", "0001-01-01", "9999-12-31T00:00:00Z", ""])
def test_absurd_dates_become_none(date: str) -> None:
    body = entry_rss(f"<guid>1</guid><title>T</title><pubDate>{date}</pubDate>")
    [article] = parse(body).articles
    assert article.published is None or article.published > 631152000


def test_guid_falls_back_to_link_then_hash() -> None:
    body = entry_rss("<title>No guid</title><link>https://example.test/a</link>")
    assert parse(body).articles[0].guid == "https://example.test/a"
    first = parse(entry_rss("<title>Nothing</title><description>d</description>")).articles[0]
    again = parse(entry_rss("<title>Nothing</title><description>d</description>")).articles[0]
    assert first.guid.startswith("sha1:") and first.guid == again.guid


def test_huge_title_is_capped_and_deep_nesting_is_survived() -> None:
    deep = "&lt;div&gt;" * 50_000 + "deep text" + "&lt;/div&gt;" * 50_000
    body = entry_rss(
        f"<guid>1</guid><title>{'A' * 200_000}</title><description>{deep}</description>"
    )
    [article] = parse(body).articles
    assert len(article.title) <= 500


def test_wrong_encoding_declaration_still_reads_text() -> None:
    body = ('<?xml version="1.0" encoding="x-nonexistent"?><rss version="2.0"><channel>'
            "<title>T</title><item><guid>1</guid><title>比特币 café</title></item>"
            "</channel></rss>").encode()
    [article] = parse(body).articles
    assert article.title == "比特币 café"


def test_pathological_author_is_bounded_by_the_isolated_runner() -> None:
    author = "a@" + "a." * 16000 + "!"
    body = entry_rss(f"<guid>1</guid><title>T</title><author>{author}</author>") * 1
    with IsolatedRunner() as runner:
        started = time.monotonic()
        with contextlib.suppress(IsolatedTimeout):  # the bound held: the worker was killed
            runner.run(parse_feed, body, HEADERS, URL, timeout=1.0)
        assert time.monotonic() - started < 5
        # and the runner still works afterwards
        parsed = runner.run(parse_feed, rss(make_items(1)), HEADERS, URL, timeout=30)
        assert len(parsed.articles) == 1
