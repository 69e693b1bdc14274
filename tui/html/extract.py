"""Full text of an article page, extracted with readability-lxml on demand.

Article pages are untrusted and readability can take a minute on a hostile one (200k nested
divs: 50 s), so extraction runs in an :class:`~tui.engine.worker.IsolatedRunner` child process with
a wall-clock limit. Pages nested deeper than libxml2's 256 levels make readability return an
empty summary; we notice and fall back to the text of the whole page. Only HTML is handed to
readability: a PDF or an image is an error the UI can turn into "open it in the browser".
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

import requests

from tui.config import Settings
from tui.engine.worker import IsolatedRunner, IsolatedTimeout
from tui.feeds.fetch import fetch_page
from tui.html.writer import html_to_text, nested_too_deep
from tui.text import clean_line, clean_text, safe_url, tidy_paragraphs

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
MIN_SUMMARY_CHARS = 25  # readability's own min_text_length
_META_CHARSET = re.compile(
    rb"""<meta[^<>]{0,300}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.I
)
# Labels pages use for a narrower charset than they really are (WHATWG encoding standard).
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "iso8859-1": "cp1252", "ascii": "cp1252"}


@dataclass(frozen=True)
class Extracted:
    """An extracted article: a one-line title and Markdown-ish text, both sanitised."""

    title: str
    text: str


class ExtractError(Exception):
    """Extraction failed; the message is a short reason to show the user."""


def extract_html(html: bytes | str, url: str) -> Extracted:
    """Run readability on a page in this process (call it through a runner for hostile input)."""
    from readability import Document
    from readability.readability import Unparseable

    # readability logs its failures with tracebacks; on a terminal UI that is screen garbage.
    logging.getLogger("readability").setLevel(logging.CRITICAL)
    page = decode_html(html) if isinstance(html, bytes) else html
    if not page.strip():
        raise ExtractError("couldn't extract any text from the page (it is empty)")
    base = safe_url(url)
    try:
        document = Document(page, url=base)
        summary = document.summary(html_partial=True)
        title = document.short_title() or document.title()
    except Unparseable:
        raise ExtractError("couldn't extract any text from the page") from None
    except (ValueError, TypeError, AttributeError, LookupError) as exc:
        raise ExtractError(f"couldn't parse the page ({type(exc).__name__})") from None
    text = html_to_text(summary, base_url=base)
    if len(text) < MIN_SUMMARY_CHARS or nested_too_deep(page):
        whole = html_to_text(page, base_url=base)
        if len(whole) > len(text):
            text = whole
    if not text.strip():
        raise ExtractError("couldn't extract any text from the page")
    title = "" if title == "[no-title]" else clean_line(title)
    return Extracted(title=title, text=text)


def extract_url(
    url: str,
    settings: Settings,
    *,
    runner: IsolatedRunner | None = None,
    session: requests.Session | None = None,
) -> Extracted:
    """Fetch an article page and extract its text in a time-limited child process.

    Raises ExtractError with a short reason. Pass a long-lived ``runner`` when extracting
    more than once: starting a child process costs a few hundred milliseconds.
    """
    if safe_url(url) is None:
        raise ExtractError(f"not an http(s) URL, refusing to fetch: {clean_line(url, 120)}")
    result = fetch_page(url, settings, session=session)
    if result.status != "ok":
        raise ExtractError(result.error or "couldn't fetch the page")
    content_type = result.headers.get("content-type", "")
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime == "text/plain":
        text = tidy_paragraphs(clean_text(decode_html(result.body, content_type)))
        if not text:
            raise ExtractError("couldn't extract any text from the page (it is empty)")
        return Extracted(title="", text=text)
    if mime not in HTML_TYPES and not (not mime and _looks_like_html(result.body)):
        shown = clean_line(mime, 80) or "unknown type"
        raise ExtractError(f"not an HTML page ({shown}); open it in the browser")
    page = decode_html(result.body, content_type)
    if not page.strip():
        raise ExtractError("couldn't extract any text from the page (it is empty)")
    active = runner if runner is not None else IsolatedRunner()
    timeout = settings.parse_timeout
    try:
        return active.run(extract_html, page, result.final_url or url, timeout=timeout)
    except IsolatedTimeout:
        raise ExtractError(
            f"extraction took too long (over {timeout:g} s); open it in the browser"
        ) from None
    except ExtractError:
        raise
    except Exception as exc:  # whatever the child raised, the caller gets one kind of error
        raise ExtractError(f"extraction failed ({type(exc).__name__})") from None
    finally:
        if runner is None:
            active.close()


def decode_html(body: bytes, content_type: str = "") -> str:
    """Bytes → text: BOM, then the header's charset, then <meta charset>, then UTF-8."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return body.decode(name, errors="replace")
    charset = _charset_param(content_type)
    if charset is None:
        match = _META_CHARSET.search(body[:4096])
        charset = match.group(1).decode("ascii") if match else None
    return body.decode(_codec(charset), errors="replace")


def _charset_param(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip("\"'"):
            return value.strip().strip("\"'")[:40]
    return None


def _codec(charset: str | None) -> str:
    if not charset:
        return "utf-8"
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        return "utf-8"
    if name in ("utf-7", "utf-16", "utf-32") or name.startswith(("utf-16-", "utf-32-")):
        return "utf-8"  # never declared honestly on an HTML page without a BOM
    return _SUPERSETS.get(name, name)


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<p", b"<div"))


__all__ = ["ExtractError", "Extracted", "decode_html", "extract_html", "extract_url"]
