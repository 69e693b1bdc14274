"""OPML import and export.

An OPML file is a stranger's XML: it is parsed with defusedxml so entity tricks (billion
laughs, XXE, external parameter entities) refuse the whole file, and every outline is checked
on its own. Newsboat's OPML import once turned ``|cmd`` URLs and ``filtercmd`` attributes into
shell commands (newsboat PR #3400); here only plain http(s) feed URLs are ever imported, and
everything else is reported back as a skipped outline with a reason the user can read.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit, urlunsplit

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from tui.text import clean_line, safe_url

__all__ = ["OpmlError", "OpmlFeed", "OpmlImport", "export_opml", "parse_opml"]

MAX_BYTES = 50_000_000
"""Refuse bigger files outright: 100k outlines fit in about 15 MB."""

# Attributes that some readers turn into commands. An outline carrying one is never imported,
# even if its xmlUrl looks harmless: the file was written to run something.
_COMMAND_ATTRS = frozenset({"filtercmd", "exec", "execurl", "command", "cmd", "script"})
# Newsboat's special URL forms: "exec:cmd", "filter:cmd:url", "query:name:expr".
_COMMAND_SCHEMES = ("exec:", "filter:", "query:")
# What expat decodes itself; anything else is decoded by Python first.
_EXPAT_ENCODINGS = frozenset({"utf-8", "iso8859-1", "ascii"})  # codecs.lookup() names
_XML_DECL = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])([A-Za-z0-9._:-]+)\2")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$")
_REASON_URL_MAX = 80


@dataclass(frozen=True)
class OpmlFeed:
    """One feed to subscribe to (import) or one subscription to write out (export)."""

    url: str
    title: str
    lang: str | None = None


@dataclass(frozen=True)
class OpmlImport:
    """What an OPML file offered: the feeds to add and why the others were left out."""

    feeds: tuple[OpmlFeed, ...]
    skipped: tuple[str, ...]


class OpmlError(Exception):
    """The whole file was refused; the message is one line meant for the user."""


def parse_opml(data: bytes, *, max_outlines: int = 10_000) -> OpmlImport:
    """Read subscriptions from OPML bytes, refusing hostile files and skipping bad outlines.

    Categories may nest to any depth (walked with a stack, not recursion). At most
    ``max_outlines`` outline elements are looked at, so a huge file costs bounded time.
    """
    if len(data) > MAX_BYTES:
        raise OpmlError(f"OPML refused: the file is larger than {MAX_BYTES // 1_000_000} MB")
    root = _parse_xml(_recode(data))
    if _local_name(root.tag) != "opml":
        raise OpmlError(
            f"Not an OPML file: the root element is <{clean_line(_local_name(root.tag), 40)}>, "
            "not <opml>"
        )
    body = next((child for child in root if _local_name(child.tag) == "body"), None)
    if body is None:
        raise OpmlError("Not an OPML file: there is no <body> element")

    feeds: list[OpmlFeed] = []
    skipped: list[str] = []
    seen: set[str] = set()
    count = 0
    for outline in _outlines(body):
        if count >= max_outlines:
            skipped.append(f"stopped after {max_outlines} outlines; the rest were not read")
            break
        count += 1
        attrs = {str(key).lower(): value for key, value in outline.attrib.items()}
        if "xmlurl" not in attrs:
            if not _has_outline_child(outline) and ("htmlurl" in attrs or "url" in attrs):
                name = _name(attrs) or clean_line(attrs.get("htmlurl") or attrs.get("url"), 80)
                skipped.append(f"{name}: no xmlUrl, so it is a link rather than a feed")
            continue  # a category (its children are walked) or an empty label
        feed, reason = _feed_from(attrs, seen)
        if feed is None:
            skipped.append(reason)
        else:
            feeds.append(feed)
    return OpmlImport(feeds=tuple(feeds), skipped=tuple(skipped))


def export_opml(
    feeds: Iterable[OpmlFeed],
    *,
    title: str = "sinowire subscriptions",
    created: datetime | None = None,
) -> bytes:
    """Write subscriptions as OPML 2.0 (UTF-8) that newsboat, Feedly and others can import.

    Built with xml.etree so quoting and escaping are the library's job, not string pasting.
    """
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = clean_line(title)
    when = created or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    ET.SubElement(head, "dateCreated").text = format_datetime(when.astimezone(UTC), usegmt=True)
    body = ET.SubElement(opml, "body")
    for feed in feeds:
        url = clean_line(feed.url, 2_000)
        name = clean_line(feed.title) or url
        attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": url}
        lang = clean_line(feed.lang or "", 35)
        if lang:
            attrs["language"] = lang
        ET.SubElement(body, "outline", attrs)
    ET.indent(opml, space="  ")
    data: bytes = ET.tostring(opml, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _recode(data: bytes) -> bytes:
    """Make the bytes something expat can read.

    Expat knows only UTF-8, UTF-16, ISO-8859-1 and ASCII (and single-byte codecs through
    Python). A Chinese user's OPML may well be GBK or Big5, so other declared encodings are
    decoded here and handed on as UTF-8 with the declaration rewritten.
    """
    match = _XML_DECL.match(data)
    if match is None:
        return data
    declared = match.group(3).decode("ascii")
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        raise OpmlError(
            f"OPML refused: unknown character encoding {clean_line(declared, 40)!r}"
        ) from None
    if name in _EXPAT_ENCODINGS or name.startswith("utf-16"):
        return data
    quote = match.group(2)
    decl = match.group(1) + quote + b"utf-8" + quote
    return decl + data[match.end() :].decode(name, errors="replace").encode("utf-8")


def _parse_xml(data: bytes) -> ET.Element:
    try:
        root: ET.Element = DET.fromstring(data, forbid_dtd=False, forbid_entities=True,
                                          forbid_external=True)
        return root
    except DefusedXmlException as exc:
        raise OpmlError(
            "OPML refused: the file declares entities or external references "
            f"({type(exc).__name__}); nothing was imported"
        ) from None
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        reason = clean_line(str(exc).split(":")[0], 120)
        raise OpmlError(f"Not valid XML at line {line}, column {column + 1}: {reason}") from None
    except (ValueError, UnicodeError) as exc:  # e.g. bytes that are not the declared encoding
        raise OpmlError(f"OPML refused: {clean_line(exc, 200)}") from None


def _outlines(body: ET.Element) -> Iterator[ET.Element]:
    """Yield outline elements in document order, depth first, without recursion."""
    stack = [iter(body)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        if _local_name(child.tag) != "outline":
            continue
        yield child
        if len(child):
            stack.append(iter(child))


def _has_outline_child(element: ET.Element) -> bool:
    return any(_local_name(child.tag) == "outline" for child in element)


def _feed_from(attrs: dict[str, str], seen: set[str]) -> tuple[OpmlFeed | None, str]:
    """Check one feed outline; return the feed, or None and the reason it was skipped."""
    raw_url = attrs.get("xmlurl", "").strip()
    shown = clean_line(raw_url, _REASON_URL_MAX) or "(empty)"
    name = _name(attrs)
    label = f"{name} ({shown})" if name else shown
    command_attrs = sorted(_COMMAND_ATTRS.intersection(attrs))
    if command_attrs:
        return None, (
            f"{label}: has a {command_attrs[0]!r} attribute; sinowire never runs commands from OPML"
        )
    if raw_url.startswith("|") or raw_url.lower().startswith(_COMMAND_SCHEMES):
        return None, f"{label}: a command, not a feed URL; sinowire never runs commands"
    url = safe_url(raw_url)
    if url is None:
        return None, f"{label}: not a valid http(s) URL"
    key = _dedupe_key(url)
    if key in seen:
        return None, f"{label}: duplicate of a feed already in the list"
    seen.add(key)
    lang = attrs.get("language", "").strip()
    return OpmlFeed(url=url, title=name, lang=lang if _LANG.match(lang) else None), ""


def _name(attrs: dict[str, str]) -> str:
    return clean_line(attrs.get("title") or attrs.get("text") or "")


def _dedupe_key(url: str) -> str:
    """Scheme and host are case-insensitive; the rest of a URL is not."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()))


def _local_name(tag: object) -> str:
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1]
