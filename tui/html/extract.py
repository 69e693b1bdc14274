"""Full text of an article page: readability-lxml at the core, with the page prepared for it.

Article pages are untrusted and readability can take a minute on a hostile one (200k nested
divs: 50 s), so :func:`extract_url` runs extraction in an
:class:`~tui.engine.worker.IsolatedRunner` child process with a wall-clock limit. Around
readability (:mod:`tui.html.prepare` says why each step exists):

1. the page is parsed once and prepared: navigation, asides, footers and forms go, a body
   written as one ``<br>``-separated block becomes paragraphs, and full-width commas are
   made visible to readability's comma-counting score;
2. readability picks the article;
3. furniture inside it (related lines, share bars, bylines, newsletter boxes, credits, ad
   labels, a repeated title, link tables: :mod:`tui.html.furniture`) is removed;
4. the text is written with links as numbered references (:mod:`tui.html.writer`);
5. a page that is only a consent wall, a paywall or a JavaScript shell is refused in one
   line (:mod:`tui.html.walls`) instead of shown as junk.

Pages nested deeper than libxml2's 256 levels make readability return nothing; we notice and
fall back to the text of the whole page. Only HTML is handed to readability: a PDF or an
image is an error the UI can turn into "open it in the browser".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import lxml.html
import requests

from tui.config import Settings
from tui.engine.worker import IsolatedRunner, IsolatedTimeout
from tui.feeds.fetch import fetch_page
from tui.html.charset import decode_html
from tui.html.links import Link, with_references
from tui.html.prepare import prepare_page, restore_commas, tidy_article
from tui.html.tree import parse, prepare, text_of
from tui.html.walls import page_clues, wall_reason
from tui.html.writer import Rendered, render_html, render_tree
from tui.text import clean_line, clean_text, safe_url, tidy_paragraphs

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
MIN_SUMMARY_CHARS = 25  # readability's own min_text_length


@dataclass(frozen=True)
class Extracted:
    """An extracted article: a one-line title, Markdown-ish body and its numbered links.

    ``text`` is what a reader shows and stores: the body, then the reference list
    (``[1]: https://…``). ``links`` keeps (number, text, url) for a link picker.
    """

    title: str
    body: str
    links: tuple[Link, ...] = ()

    @property
    def text(self) -> str:
        return with_references(self.body, self.links)


class ExtractError(Exception):
    """Extraction failed; the message is a short reason to show the user."""


def extract_html(html: bytes | str, url: str) -> Extracted:
    """Run readability on a page in this process (call it through a runner for hostile input)."""
    from readability import Document
    from readability.htmls import get_title, shorten_title
    from readability.readability import Unparseable

    # readability logs its failures with tracebacks; on a terminal UI that is screen garbage.
    logging.getLogger("readability").setLevel(logging.CRITICAL)
    page = decode_html(html) if isinstance(html, bytes) else html
    if not page.strip():
        raise ExtractError("couldn't extract any text from the page (it is empty)")
    base = safe_url(url)
    source = prepare(page)
    root, too_deep = parse(source) if "<" in source else (None, False)
    if root is None or too_deep:
        rendered = render_html(page, base_url=base)
        if not rendered.body.strip():
            raise ExtractError("couldn't extract any text from the page")
        return Extracted(title="", body=rendered.body, links=rendered.links)
    clues = page_clues(root)
    try:
        title = shorten_title(root) or get_title(root)  # on our tree: no second parse
        if base:  # once here, rather than in each of readability's passes
            root.make_links_absolute(base, resolve_base_href=True, handle_failures="discard")
        prepared = prepare_page(root)
        document = Document(prepared)
        summary = restore_commas(document.summary(html_partial=True))
    except Unparseable:
        raise ExtractError("couldn't extract any text from the page") from None
    except (ValueError, TypeError, AttributeError, LookupError) as exc:
        raise ExtractError(f"couldn't parse the page ({type(exc).__name__})") from None
    title = "" if title == "[no-title]" else clean_line(title)
    rendered, before = _render_article(summary, title, base)
    if len(before) < MIN_SUMMARY_CHARS:  # readability found nothing: the page's own text
        whole = render_html(page, base_url=base)
        if len(whole.body) > len(rendered.body):
            rendered = whole
    reason = wall_reason(rendered.body, clues, before)
    if reason:
        raise ExtractError(reason)
    if not rendered.body.strip():
        raise ExtractError("couldn't extract any text from the page")
    return Extracted(title=title, body=rendered.body, links=rendered.links)


def _render_article(summary: str, title: str, base: str | None) -> tuple[Rendered, str]:
    """The tidied article written as text, and its plain text before tidying."""
    article, _ = parse(prepare(summary))
    if article is None:
        return Rendered(""), ""
    before = text_of(article)
    tidy_article(article, title)
    try:
        return render_tree(article, base_url=base), before
    except Exception:  # a tree the writer cannot walk: write the markup instead
        markup = lxml.html.tostring(article, encoding="unicode")
        return render_html(markup, base_url=base), before


def extract_url(
    url: str,
    settings: Settings,
    *,
    runner: IsolatedRunner | None = None,
    session: requests.Session | None = None,
    origin: str | None = None,
) -> Extracted:
    """Fetch an article page and extract its text in a time-limited child process.

    Raises ExtractError with a short reason. Pass a long-lived ``runner`` when extracting
    more than once: starting a child process costs a few hundred milliseconds. Pass the
    feed's URL as ``origin`` for a story's link, so a public feed cannot point the reader
    at the machine or the LAN.
    """
    if safe_url(url) is None:
        raise ExtractError(f"not an http(s) URL, refusing to fetch: {clean_line(url, 120)}")
    result = fetch_page(url, settings, session=session, origin=origin)
    if result.status != "ok":
        raise ExtractError(result.error or "couldn't fetch the page")
    content_type = result.headers.get("content-type", "")
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime == "text/plain":
        text = tidy_paragraphs(clean_text(decode_html(result.body, content_type)))
        if not text:
            raise ExtractError("couldn't extract any text from the page (it is empty)")
        return Extracted(title="", body=text)
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


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<p", b"<div"))


__all__ = ["ExtractError", "Extracted", "decode_html", "extract_html", "extract_url"]
