"""feedparser on the fetched bytes → normalised, sanitised Articles.

Always ``feedparser.parse(io.BytesIO(body), …)``: given a str or bytes that looks like a
path, feedparser would open a local file. This function runs inside the isolated worker
process (see :mod:`tui.engine.worker`) because a hostile feed can make feedparser's author regex
take minutes; everything it returns is plain picklable data.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import io
import re
import time
from collections.abc import Iterator
from typing import Any

import feedparser
import feedparser.api

from tui.feeds import saxdriver
from tui.html.charset import charset_param, codec_name
from tui.html.clean import sanitize_and_render
from tui.html.writer import html_to_text
from tui.models import Article, ParsedFeed
from tui.text import SUMMARY_MAX, TEXT_MAX, clean_line, clean_text, guess_lang, safe_url

MAX_ENTRIES = 1000
GUID_MAX = 1000
# A document type declaration with an internal subset ("<!DOCTYPE x [ … ]>") is where entity
# declarations live; a quoted system id may hide a ">" or "[" and is skipped whole.
_INTERNAL_SUBSET = re.compile(
    r"""<!DOCTYPE(?:[^>\["']|"[^"]*"|'[^']*')*\[|<!ENTITY""", re.IGNORECASE
)
_WIDE_CODECS = (("utf-16-le", 2), ("utf-16-be", 2), ("utf-32-le", 4), ("utf-32-be", 4))
_PROBE = "<!DOCTYPE x [<!ENTITY"
_PROBE_ASCII = _PROBE.encode("ascii")
_EBCDIC_XML = b"\x4c\x6f\xa7\x94"  # "<?xm" in EBCDIC, which feedparser recognises
# Parser errors that mean the document stopped early: a cut-off download, not a quirk.
_TRUNCATION = ("no element found", "unclosed token", "junk after document element")
# An entity left in text after parsing: the feed escaped it twice (Odaily does).
_LEFTOVER_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|apos|nbsp|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
_EARLIEST = calendar.timegm((1990, 1, 1, 0, 0, 0))
_XML_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
)

# feedparser's strict parser reads through tui.feeds.saxdriver (text in one piece, not
# split at each entity: a fifth fewer calls, the same result).
if saxdriver.__name__ not in feedparser.api.PREFERRED_XML_PARSERS:
    feedparser.api.PREFERRED_XML_PARSERS.insert(0, saxdriver.__name__)


class ParseError(Exception):
    """The bytes are not a usable feed; the message is one line for the user."""


def parse_feed(body: bytes, headers: dict[str, str], url: str) -> ParsedFeed:
    """Parse a feed document. Raises ParseError; never deletes or keeps anything itself."""
    if not body.strip():
        raise ParseError("empty response: not a feed")
    if declares_entities(body, headers.get("content-type", "")):
        raise ParseError("refused: the feed declares XML entities (possible entity attack)")
    response_headers = {
        "content-type": _content_type(headers.get("content-type", "application/xml"), body),
        "content-location": url,
    }
    # feedparser's URI resolver is off: links are made absolute (and checked) by our own
    # sanitiser against the entry's link, and resolving them twice cost a third of the
    # parse. Its sanitiser stays on: it closes stray SVG/MathML elements that lxml would
    # otherwise nest the rest of the entry into (and our allow-list then drops).
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers=response_headers,
        sanitize_html=True,
        resolve_relative_uris=False,
    )
    _raise_if_unusable(parsed, body)
    feed = parsed.get("feed", {})
    feed_lang = _lang(feed.get("language"))
    entries = parsed.get("entries", [])[:MAX_ENTRIES]
    articles: list[Article] = []
    for entry in entries:
        try:
            article = normalise_entry(entry, base_url=url, feed_lang=feed_lang)
        except Exception:  # one malformed entry is skipped; the rest of the feed is kept
            continue
        if article is not None:
            articles.append(article)
    return ParsedFeed(
        title=clean_line(_text_field(feed, "title"), 200),
        site_url=safe_url(feed.get("link"), url),
        lang=feed_lang,
        articles=tuple(articles),
    )


def declares_entities(body: bytes, content_type: str = "") -> bool:
    """True if any reading of ``body`` has a DOCTYPE internal subset or an ENTITY declaration.

    Checked on decoded text, anywhere in the document: as ASCII-compatible bytes (UTF-8, the
    ISO and CJK encodings all keep markup in ASCII), in UTF-16/32 of either byte order and
    alignment when the bytes hold a NUL (markup in those always does), in EBCDIC, and in
    whatever charset the header or the XML declaration names. A parser could pick any of
    these, so each is refused; an entity-free feed costs one regex scan per reading.
    """
    return any(_INTERNAL_SUBSET.search(view) for view in _readings(body, content_type))


def _readings(body: bytes, content_type: str) -> Iterator[str]:
    """The texts a parser could make of ``body``, cheapest first (consumed lazily)."""
    yield body.decode("latin-1")
    if b"\x00" in body:
        # Markup in UTF-16 always has a NUL byte; in UTF-32 always three in a row, which
        # UTF-16 XML never has (it would be U+0000), so garbage decodes are skipped.
        wide = b"\x00\x00\x00" in body
        for codec, width in _WIDE_CODECS:
            if width == 4 and not wide:
                continue
            for shift in range(width):
                yield body[shift:].decode(codec, errors="ignore")
    named = {codec_name(charset_param(content_type))}
    match = _XML_ENCODING.match(body[:1024])
    if match:
        named.add(codec_name(match.group(1).decode("ascii")))
    if body.lstrip()[:4] == _EBCDIC_XML:
        named.add("cp037")
    for codec in sorted(name for name in named if name):
        try:
            if _PROBE.encode(codec, errors="ignore") == _PROBE_ASCII:
                continue  # ASCII-compatible: the first reading already covered it
            text = body.decode(codec, errors="ignore")
        except (LookupError, ValueError, UnicodeError):
            continue
        yield text


def _content_type(content_type: str, body: bytes) -> str:
    """The Content-Type to hand feedparser, with a charset that fits the bytes.

    feedparser follows RFC 3023: the header's charset beats the XML declaration. Servers
    often send a default (``iso-8859-1``, ``gb2312``) whatever the file is, and the result
    is unreadable mojibake. A body that is valid UTF-8 with non-ASCII bytes is UTF-8 (legacy
    CJK text practically never is); otherwise a declaration that names a real encoding is
    trusted over a header that contradicts it.
    """
    mime = content_type.partition(";")[0]
    header = codec_name(charset_param(content_type))
    if header is None or header.startswith(("utf-16", "utf-32")):
        return content_type
    chosen = None
    try:
        body.decode("utf-8")
        if not body.isascii():
            chosen = "utf-8"
    except UnicodeDecodeError:
        match = _XML_ENCODING.match(body[:1024])
        declared = codec_name(match.group(1).decode("ascii")) if match else None
        if declared and not declared.startswith(("utf-16", "utf-32", "utf-8")):
            chosen = declared
    if chosen is None or chosen == header:
        return content_type
    return f"{mime.strip()}; charset={chosen}"


def _raise_if_unusable(parsed: Any, body: bytes) -> None:
    version = parsed.get("version", "")
    entries = parsed.get("entries", [])
    exception = parsed.get("bozo_exception")
    message = _exception_text(exception).lower()
    if parsed.get("bozo") and any(marker in message for marker in _TRUNCATION):
        raise ParseError(f"truncated or broken feed: {_exception_text(exception)}")
    if not version and not entries:
        head = body[:512].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
            raise ParseError("not a feed: the server sent an HTML page")
        if head.startswith((b"{", b"[")):
            raise ParseError("not a feed: the server sent JSON")
        if b"<opml" in head:
            raise ParseError("not a feed: this is an OPML subscription list (use feeds import)")
        if parsed.get("bozo"):
            raise ParseError(f"not a feed: {_exception_text(exception)}")
        raise ParseError("not a feed: no RSS or Atom content found")


def _exception_text(exception: object) -> str:
    if exception is None:
        return ""
    return clean_line(str(exception) or type(exception).__name__, 200)


def _lang(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    code = value.strip().lower()[:2]
    return code if code.isalpha() else None


def _text_field(container: Any, key: str) -> str:
    """A title-like field as plain text, whether the feed declared it HTML or text."""
    value = container.get(key)
    if not isinstance(value, str):
        return ""
    detail = _as_dict(container.get(f"{key}_detail"))
    if detail.get("type") in ("text/html", "application/xhtml+xml") and "<" in value:
        return html_to_text(value, max_len=2000)
    return value


def _undo_double_escape(text: str) -> str:
    return html.unescape(text) if _LEFTOVER_ENTITY.search(text) else text


def _timestamp(entry: Any, *names: str) -> int | None:
    for name in names:
        # dict.get: FeedParserDict.get would map updated→published with a warning.
        fields = _date_fields(dict.get(entry, f"{name}_parsed"))
        if fields is None:
            continue
        try:
            stamp = calendar.timegm(fields)
        except (OverflowError, ValueError):
            continue
        if stamp >= _EARLIEST:
            return int(stamp)
    return None


# (low, high) for year, month, day, hour, minute, second (leap seconds), weekday, yearday, DST
_DATE_RANGES = ((1, 9999), (1, 12), (1, 31), (0, 23), (0, 59), (0, 61), (0, 6), (0, 366),
                (-1, 1))


def _date_fields(value: object) -> tuple[int, ...] | None:
    """A struct_time or a 9-tuple of in-range ints, else None ("no date").

    feedparser gives struct_time; anything else reaching here is a malformed entry, and
    what calendar.timegm raises for it differs between Python versions (issue 17).
    """
    if isinstance(value, time.struct_time):
        fields = tuple(value)[:9]
    elif isinstance(value, tuple | list) and len(value) == 9:
        fields = tuple(value)
    else:
        return None
    if not all(type(n) is int for n in fields):
        return None
    if not all(low <= n <= high for n, (low, high) in zip(fields, _DATE_RANGES, strict=True)):
        return None
    return fields


def _best_content(entry: Any) -> str:
    contents = entry.get("content")
    if not isinstance(contents, list | tuple):
        return ""
    best = ""
    for item in contents:
        value = item.get("value") if isinstance(item, dict) else None
        if isinstance(value, str) and len(value) > len(best):
            best = value
    return best


def _as_dict(value: object) -> dict[str, Any]:
    """feedparser gives dicts; anything else (a normaliser fed odd data) counts as empty."""
    return value if isinstance(value, dict) else {}


def _plain_or_html(value: str, detail: Any, base_url: str | None, max_len: int) -> str:
    kind = _as_dict(detail).get("type", "text/html")
    if kind == "text/plain":
        return clean_text(value, max_len)
    return html_to_text(value, base_url=base_url, max_len=max_len)


def normalise_entry(entry: Any, *, base_url: str, feed_lang: str | None = None) -> Article | None:
    """One feedparser entry → Article (None if it has nothing to show)."""
    link = safe_url(entry.get("link"), base_url)
    title = clean_line(_undo_double_escape(_text_field(entry, "title")), 500)
    summary_raw = entry.get("summary") if isinstance(entry.get("summary"), str) else ""
    summary = _plain_or_html(summary_raw, entry.get("summary_detail"), link or base_url,
                             SUMMARY_MAX * 4)
    if _LEFTOVER_ENTITY.search(summary):
        summary = html_to_text(html.unescape(summary), base_url=link or base_url,
                               max_len=SUMMARY_MAX * 4)
    content_raw = _best_content(entry)
    content_html, content_text = (
        sanitize_and_render(content_raw, base_url=link or base_url, text_max=TEXT_MAX)
        if content_raw
        else ("", "")
    )
    if not summary and content_text:
        summary = content_text[:600]
    if len(summary) > SUMMARY_MAX:
        summary = summary[: SUMMARY_MAX - 1].rstrip() + "…"
    if not title:
        title = clean_line(summary, 120) or "(untitled)"
    guid = _guid(entry, link, title, summary)
    author = clean_line(entry.get("author") if isinstance(entry.get("author"), str) else "", 200)
    lang = feed_lang or guess_lang(title + " " + summary[:500])
    return Article(
        guid=guid,
        title=title,
        url=link,
        author=author,
        summary=summary,
        content_html=content_html,
        content_text=content_text,
        published=_timestamp(entry, "published", "updated", "created"),
        updated=_timestamp(entry, "updated"),
        lang=lang,
    )


def _guid(entry: Any, link: str | None, title: str, summary: str) -> str:
    """Entry key within its feed: the feed's id, else the link, else a stable content hash."""
    raw = entry.get("id")
    if isinstance(raw, str) and raw.strip():
        guid = clean_line(raw, GUID_MAX)
        if guid:
            return guid
    if link:  # a link longer than a key is its digest: cut, two long links could collide
        if len(link) <= GUID_MAX:
            return link
        return f"sha1:{hashlib.sha1(link.encode('utf-8', 'surrogatepass')).hexdigest()}"
    date = entry.get("published") or entry.get("updated") or ""
    digest = hashlib.sha1(f"{title}\x1f{summary}\x1f{date}".encode()).hexdigest()
    return f"sha1:{digest}"


def body_hash(body: bytes) -> str:
    """Identical bytes need no parse: the poller compares this with the last one stored."""
    return hashlib.sha1(body).hexdigest()
