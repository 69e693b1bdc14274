"""Parsing untrusted HTML into an lxml tree, and the element classes the other modules share.

One home for the rules the sanitiser (:mod:`tui.html.clean`), the text writer
(:mod:`tui.html.writer`) and the extractor (:mod:`tui.html.extract`) must agree on: which
elements are never shown, which break a paragraph or a line, what counts as hidden, and how
markup is prepared (control characters and references to them removed, length capped) and
parsed (never ``huge_tree``; libxml2 cuts documents off below 256 levels, which we report).
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from tui.text import clean_line, clean_text

INPUT_MAX = 10_000_000  # characters of markup we are willing to look at


def tags(names: str) -> frozenset[str]:
    """A frozenset of tag names from a space-separated string."""
    return frozenset(names.split())


DROP = tags(
    "script style noscript iframe object embed template svg math head title canvas audio "
    "video select textarea button input frame frameset applet map base meta link"
)
PARAGRAPH = tags(
    "p div section article main header footer nav aside address figure figcaption details "
    "summary dl table form fieldset center hr body html"
)
LINE = tags("dt dd tr caption legend thead tbody tfoot")
HEADINGS = {f"h{n}": n for n in range(1, 7)}
_GENERIC_ALT = re.compile(
    r"^(?:image|img|photo|picture|pic|graphic|icon|logo|thumbnail|banner|placeholder|"
    r"图片|图|照片|配图|插图|头像)?\s*[\d_-]*$|\.(?:jpe?g|png|gif|webp|svg|avif)$", re.I
)
_LAYOUT_IN_TABLE = tags("table div ul ol dl h1 h2 h3 h4 h5 h6 blockquote pre form section "
                        "article aside header footer nav figure")
_CHAR_REF = re.compile(r"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});?")


def prepare(html: object) -> str:
    """Markup as a capped string with control characters (raw or as references) removed."""
    if not isinstance(html, str):
        html = "" if html is None else str(html)
    html = html[:INPUT_MAX].replace("\r\n", "\n")
    if "&#" in html:
        html = _CHAR_REF.sub(_drop_control_ref, html)
    return clean_text(html, INPUT_MAX)


def _drop_control_ref(match: re.Match[str]) -> str:
    """Remove ``&#27;``/``&#x9b;``-style references to control characters.

    HTML parsers map C1 references to Windows-1252 glyphs (``&#x9b;`` becomes "›"); we drop
    them instead, as we drop the raw characters, so the text reads the same either way.
    """
    ref = match.group(1)
    try:
        code = int(ref[1:], 16) if ref[0] in "xX" else int(ref)
        char = chr(code)
    except (ValueError, OverflowError):
        return ""
    return match.group(0) if clean_text(char) == char else ""


# lxml.html's own lookup calls back into Python for every element proxy made (to give
# forms and inputs their own classes, which nothing here uses); a fixed lookup in C gives
# every element the same HtmlElement class without the call, and a walk is ~25% faster.
_LOOKUP = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity,
)


def parse(source: str) -> tuple[lxml.html.HtmlElement | None, bool]:
    """Parse prepared markup; also say whether libxml2 cut the document off for being too deep."""
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
    )
    parser.set_element_class_lookup(_LOOKUP)
    try:
        root = lxml.html.document_fromstring(source.encode("utf-8", "replace"),
                                             parser=parser)
    except (etree.ParserError, ValueError):
        return None, False
    too_deep = any("depth" in entry.message.lower() for entry in parser.error_log)
    return root, too_deep


def hidden(el: lxml.html.HtmlElement, tag: str) -> bool:
    """Never shown: dropped tags, ``hidden``, ``aria-hidden="true"``, inline ``display:none``."""
    if tag.lower() in DROP:
        return True
    attrib = el.attrib
    if not attrib:  # most elements: one look instead of three
        return False
    if attrib.get("hidden") is not None or attrib.get("aria-hidden", "").lower() == "true":
        return True
    style = attrib.get("style")
    return bool(style) and "display:none" in style.replace(" ", "").lower()


def text_of(el: lxml.html.HtmlElement) -> str:
    """The element's visible text with whitespace collapsed (hidden descendants skipped)."""
    parts: list[str] = []
    walker = etree.iterwalk(el, events=("start", "end"))
    skipped = None
    for event, node in walker:
        tag = node.tag if isinstance(node.tag, str) else None
        if event == "start":
            if tag is None or hidden(node, tag):
                walker.skip_subtree()
                skipped = node
                continue
            parts.append(node.text or "")
        else:
            if node is skipped:
                skipped = None
            if node is not el:
                parts.append(node.tail or "")
            if tag in ("br", "p", "div", "li", "td", "th"):
                parts.append(" ")
    return " ".join("".join(parts).split())


def data_table(table: lxml.html.HtmlElement) -> bool:
    """A table of data (cells of text), not a page laid out with a table: shown as a table."""
    rows = table_rows(table, limit=3)
    if len(rows) < 2 or max(len(row) for row in rows) < 2:
        return False
    return not any(isinstance(el.tag, str) and el.tag.lower() in _LAYOUT_IN_TABLE
                   for el in table.iterdescendants())


def table_rows(table: lxml.html.HtmlElement, limit: int = 1000) -> list[list[str]]:
    rows = []
    for tr in table.iter("tr"):
        cells = [clean_line(text_of(cell), 500) for cell in tr if cell.tag in ("td", "th")]
        if any(cells):
            rows.append(cells)
            if len(rows) >= limit:
                break
    return rows


def meaningful_alt(el: lxml.html.HtmlElement) -> str:
    """An image's alt text when it says something the text around it does not."""
    alt = clean_line(el.get("alt") or "", 200)
    if not alt or _GENERIC_ALT.search(alt):
        return ""
    for ancestor in el.iterancestors():
        if ancestor.tag == "figure" and ancestor.find(".//figcaption") is not None:
            return ""  # the caption says it
        if ancestor.tag == "a":
            return ""  # a linked image: a logo, a thumbnail, an ad
    return alt


__all__ = [
    "DROP", "HEADINGS", "INPUT_MAX", "LINE", "PARAGRAPH", "data_table", "hidden",
    "meaningful_alt", "parse", "prepare", "table_rows", "tags", "text_of",
]
