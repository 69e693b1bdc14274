"""§5 article-page cases (40–45): extraction of hostile pages is bounded and display-safe.

tests/test_extract.py covers the single behaviours (empty page, non-HTML types, deep
nesting, a slow page with a 60k-div body); these add the reference's exact sizes and the
pages that try to smuggle something in.
"""

from __future__ import annotations

import random
import time

import pytest
from pytest_httpserver import HTTPServer

from tests.hostile.safety import bad_chars
from tui.config import Settings
from tui.engine.worker import IsolatedRunner
from tui.html.extract import ExtractError, extract_html, extract_url

WORDS = ("Regulators in Hong Kong said on Tuesday that licensed exchanges must keep client "
         "assets in cold storage, and mainland miners continued to move capacity abroad. ") * 4
ARTICLE = (f"<html><head><title>Ok</title></head><body><article><p>{WORDS}</p></article>"
           "</body></html>")


def serve(httpserver: HTTPServer, path: str, body: bytes, content_type: str) -> str:
    httpserver.expect_request(path).respond_with_data(body, content_type=content_type)
    return httpserver.url_for(path)


@pytest.mark.parametrize("body", [b"", b"   \n\t  ", b"<html></html>", b"<html><body> </body>"])
def test_40_empty_pages_give_a_reason_not_a_crash(
        body: bytes, httpserver: HTTPServer, settings: Settings, runner: IsolatedRunner) -> None:
    url = serve(httpserver, "/empty", body, "text/html")
    with pytest.raises(ExtractError, match="couldn't extract"):
        extract_url(url, settings, runner=runner)


def test_41_binary_labelled_as_html_is_safe(
        httpserver: HTTPServer, settings: Settings, runner: IsolatedRunner) -> None:
    rng = random.Random(5)
    body = b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(200_000))
    url = serve(httpserver, "/doc", body, "text/html")
    try:
        result = extract_url(url, settings, runner=runner)
    except ExtractError:
        return
    assert not bad_chars(result.text) and not bad_chars(result.title)


def test_41_pdf_is_not_handed_to_readability(
        httpserver: HTTPServer, settings: Settings, runner: IsolatedRunner) -> None:
    url = serve(httpserver, "/doc.pdf", b"%PDF-1.7\n...", "application/pdf")
    with pytest.raises(ExtractError, match=r"not an HTML page.*open it in the browser"):
        extract_url(url, settings, runner=runner)


def test_42_two_hundred_thousand_divs_are_cut_off_and_the_worker_recovers(
        httpserver: HTTPServer, settings: Settings, runner: IsolatedRunner) -> None:
    runner.run(extract_html, ARTICLE, "https://x.test/", timeout=60)  # a warm worker
    page = ("<html><body>" + "<div><p>x</p></div>" * 200_000 + "</body></html>").encode()
    assert len(page) < settings.max_page_bytes  # under the size cap: only the time limit helps
    url = serve(httpserver, "/slow", page, "text/html")
    started = time.monotonic()
    with pytest.raises(ExtractError, match=r"took too long.*open it in the browser"):
        extract_url(url, settings.with_changes(parse_timeout=1.5), runner=runner)
    took = time.monotonic() - started
    print(f"\n200k-div page ({len(page) / 1e6:.1f} MB): gave up after {took:.1f} s")
    assert took < 6
    assert "cold storage" in runner.run(extract_html, ARTICLE, "https://x.test/", timeout=60).text


def test_43_nesting_deeper_than_libxml2_allows_still_gives_text() -> None:
    page = "<html><body>" + "<div>" * 3000 + f"<p>{WORDS}</p>" + "</div>" * 3000 + "</body></html>"
    result = extract_html(page, "https://x.test/")
    assert "cold storage" in result.text


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE html [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
    '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
])
def test_45_page_entities_are_not_expanded(doctype: str) -> None:
    page = (f'<?xml version="1.0"?>{doctype}<html><head><title>T &xxe; &d;</title></head><body>'
            f"<article><p>{WORDS} &xxe; &d;</p></article></body></html>")
    started = time.monotonic()
    result = extract_html(page, "https://x.test/")
    assert time.monotonic() - started < 5
    assert "root:" not in result.text and "aaaaaaaaaaaaaaaaaaaa" not in result.text
    assert "cold storage" in result.text


def test_extracted_text_from_a_hostile_page_is_display_safe() -> None:
    payload = "\x1b]52;c;aGk=\x07\x1b[2J\u202e\u2066\x9b&#27;&#x9b;&#155;&#0;"
    page = (f"<html><head><title>A{payload}</title><base href='javascript:alert(1)'>"
            f"<meta http-equiv='refresh' content='0;url=file:///etc/passwd'></head><body><article>"
            f"<p onclick='x()'>{WORDS}{payload}<a href='javascript:alert(1)'>link</a>"
            f"<script>alert(1)</script></p></article></body></html>")
    result = extract_html(page, "https://x.test/")
    assert not bad_chars(result.title) and not bad_chars(result.text)
    assert "javascript:" not in result.text and "alert(1)" not in result.text
