"""Full-text extraction: realistic page, empty and non-HTML pages, deep nesting, time limit."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest_http import RawServer
from tui.config import Settings
from tui.engine.worker import IsolatedRunner
from tui.html.extract import ExtractError, decode_html, extract_html, extract_url

PARAGRAPHS = [
    "Hong Kong's Securities and Futures Commission granted two more virtual-asset trading "
    "platform licences on Tuesday, bringing the total to eleven.",
    "The regulator said both platforms had completed a year-long review of custody, "
    "market surveillance and anti-money-laundering controls.",
    "Analysts in Beijing noted that mainland residents remain barred from trading, "
    "and that the e-CNY pilot continues to expand in Shenzhen and Suzhou.",
]
ARTICLE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>HK regulator licenses two more exchanges | Example News</title>
<script>window.tracking = "evil";</script><style>body {{ color: red }}</style></head>
<body>
<header class="site-header"><nav><a href="/">Home</a> <a href="/markets">Markets</a>
<a href="/login">Log in</a></nav></header>
<main><article class="post-content">
<h1>HK regulator licenses two more exchanges</h1>
<p class="byline">By A. Reporter</p>
<p>{PARAGRAPHS[0]}</p>
<p>{PARAGRAPHS[1]} <a href="/sfc-list">See the list</a>.</p>
<blockquote><p>We will keep raising the bar, the SFC said.</p></blockquote>
<p>{PARAGRAPHS[2]}</p>
<p onclick="steal()">Read more on <a href="javascript:alert(1)">our app</a>.</p>
</article></main>
<aside class="sidebar"><h3>Trending</h3><ul><li>Bitcoin price</li></ul></aside>
<footer>© 2026 Example News. Cookie settings.</footer>
</body></html>"""


@pytest.fixture(scope="module")
def runner() -> Iterator[IsolatedRunner]:
    with IsolatedRunner() as shared:
        yield shared


@pytest.fixture
def settings() -> Settings:
    return Settings().with_changes(connect_timeout=2.0, read_timeout=5.0, deadline=10.0)


def _serve(httpserver: HTTPServer, body: bytes | str, content_type: str, path="/a") -> str:
    httpserver.expect_request(path).respond_with_data(body, content_type=content_type)
    return httpserver.url_for(path)


def test_extract_html_realistic_article():
    result = extract_html(ARTICLE, "https://news.example/2026/hk.html")
    assert "HK regulator licenses two more exchanges" in result.title
    for paragraph in PARAGRAPHS:
        assert paragraph in result.text
    assert "See the list[1]" in result.body
    assert result.text.endswith("\n\n[1]: https://news.example/sfc-list")
    assert [(link.number, link.text) for link in result.links] == [(1, "See the list")]
    for junk in ("tracking", "evil", "color: red", "javascript", "steal"):
        assert junk not in result.text


def test_extract_url_success(httpserver: HTTPServer, settings: Settings, runner):
    url = _serve(httpserver, ARTICLE.encode(), "text/html; charset=utf-8")
    result = extract_url(url, settings, runner=runner)
    assert result.title.startswith("HK regulator licenses")
    assert PARAGRAPHS[2] in result.text
    assert httpserver.log[0][0].headers["Accept"].startswith("text/html")


def test_extract_url_without_runner_spawns_its_own(httpserver: HTTPServer, settings: Settings):
    url = _serve(httpserver, ARTICLE.encode(), "text/html")
    assert PARAGRAPHS[0] in extract_url(url, settings).text


def test_charset_from_header_and_meta(httpserver: HTTPServer, settings: Settings, runner):
    body = "<html><body><article><p>" + "比特币矿工迁出中国，香港发牌。" * 5 + "</p></article>"
    url = _serve(httpserver, body.encode("gbk"), "text/html; charset=GBK")
    assert "比特币矿工迁出中国" in extract_url(url, settings, runner=runner).text
    meta = '<html><head><meta charset="gb2312"></head>' + body[6:]
    assert "香港发牌" in extract_html(meta.encode("gb18030"), "https://x.test/").text


@pytest.mark.parametrize("body", [b"", b"   \n\t  "])
def test_empty_page(httpserver: HTTPServer, settings: Settings, runner, body: bytes):
    url = _serve(httpserver, body, "text/html")
    with pytest.raises(ExtractError, match="couldn't extract any text"):
        extract_url(url, settings, runner=runner)


def test_page_without_text(settings: Settings, runner, httpserver: HTTPServer):
    url = _serve(
        httpserver, b"<html><body><script>x()</script><img src=a></body></html>", "text/html"
    )
    with pytest.raises(ExtractError, match="couldn't extract any text"):
        extract_url(url, settings, runner=runner)


@pytest.mark.parametrize(
    ("content_type", "shown"),
    [
        ("application/pdf", "application/pdf"),
        ("image/png", "image/png"),
        ("application/octet-stream", "application/octet-stream"),
    ],
)
def test_non_html_content_types(httpserver: HTTPServer, settings, content_type, shown):
    httpserver.expect_request("/doc").respond_with_data(
        b"%PDF-1.7 binary \x00\x01", headers={"Content-Type": content_type} if content_type else {}
    )
    with pytest.raises(ExtractError) as caught:
        extract_url(httpserver.url_for("/doc"), settings)
    assert str(caught.value) == f"not an HTML page ({shown}); open it in the browser"


def test_missing_content_type_is_sniffed(settings: Settings, runner):
    def handler(conn, request: bytes) -> None:
        body = b"%PDF-1.7 binary" if b"/pdf" in request.split(b"\r\n")[0] else ARTICLE.encode()
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))

    server = RawServer(handler)
    try:
        with pytest.raises(ExtractError, match=r"^not an HTML page \(unknown type\)"):
            extract_url(server.url("/pdf"), settings)
        assert PARAGRAPHS[0] in extract_url(server.url("/page"), settings, runner=runner).text
    finally:
        server.close()


def test_plain_text_page_is_returned_as_text(httpserver: HTTPServer, settings: Settings):
    url = _serve(httpserver, b"Line one\r\n\r\nLine \x1b[2J two", "text/plain")
    result = extract_url(url, settings)
    assert result == type(result)(title="", body="Line one\n\nLine [2J two")


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "javascript:alert(1)", "ftp://x.test/a", "-oProxy=x", ""]
)
def test_non_http_url_refused(url: str, settings: Settings):
    with pytest.raises(ExtractError, match="not an http"):
        extract_url(url, settings)


def test_fetch_errors_are_passed_on(httpserver: HTTPServer, settings: Settings):
    httpserver.expect_request("/gone").respond_with_data(b"", status=404)
    with pytest.raises(ExtractError, match=r"^HTTP 404 Not Found$"):
        extract_url(httpserver.url_for("/gone"), settings)


def test_deep_nesting_falls_back_to_page_text(httpserver: HTTPServer, settings, runner):
    words = "Deeply nested story about miners leaving Sichuan. " * 10
    page = "<html><body>" + "<div>" * 400 + f"<p>{words}</p>" + "</div>" * 400 + "</body></html>"
    url = _serve(httpserver, page.encode(), "text/html")
    assert "miners leaving Sichuan" in extract_url(url, settings, runner=runner).text


def test_hostile_title_and_text_are_sanitised():
    page = (
        "<html><head><title>Evil\x1b]52;c;aGk=\x07 \u202etitle&#27;[2J</title></head><body>"
        f"<article><p>{PARAGRAPHS[0]} &#27;[31mred\u202e</p></article></body></html>"
    )
    result = extract_html(page, "https://x.test/")
    for bad in ("\x1b", "\x07", "\u202e"):
        assert bad not in result.title and bad not in result.text
    assert result.title.startswith("Evil")


def test_slow_extraction_times_out(httpserver: HTTPServer, settings: Settings, runner):
    runner.run(extract_html, ARTICLE, "https://x.test/", timeout=60)  # worker started and warm
    page = "<html><body>" + "<div><p>x</p></div>" * 60_000 + "</body></html>"
    url = _serve(httpserver, page.encode(), "text/html")
    started = time.monotonic()
    with pytest.raises(ExtractError, match=r"^extraction took too long"):
        extract_url(url, settings.with_changes(parse_timeout=0.5), runner=runner)
    assert time.monotonic() - started < 5
    # The killed worker is replaced: the runner still works.
    assert PARAGRAPHS[1] in runner.run(extract_html, ARTICLE, "https://x.test/", timeout=60).text


def test_oversized_page_refused(httpserver: HTTPServer, settings: Settings):
    url = _serve(httpserver, b"<p>" + b"x" * 5000 + b"</p>", "text/html")
    with pytest.raises(ExtractError, match=r"too large \(over 4 KB\)"):
        extract_url(url, settings.with_changes(max_page_bytes=4096))


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("café".encode("latin-1"), "text/html; charset=ISO-8859-1", "café"),
        ("café".encode(), "text/html", "café"),
        (b"\xef\xbb\xbfcaf\xc3\xa9", "text/html; charset=latin-1", "café"),
        ("中文".encode("utf-16"), "", "中文"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=gbk">'
            + "中文".encode("gbk"),
            "text/html",
            "中文",
        ),
        (b"caf\xff", "text/html; charset=x-nonexistent", "caf\ufffd"),
        (b"+ADw-script+AD4-", "text/html; charset=utf-7", "+ADw-script+AD4-"),
    ],
)
def test_decode_html(body: bytes, content_type: str, expected: str):
    assert decode_html(body, content_type).endswith(expected)
