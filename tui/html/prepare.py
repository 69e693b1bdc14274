"""Getting a page ready for readability, and tidying what readability gives back.

Before (:func:`prepare_page`):

- ``nav``, ``aside``, ``footer``, ``form`` and hidden elements do not hold the story;
  dropping them first stops a long related rail or comment form from outscoring it. A
  sign-up form takes the small box that pitches it along. One that holds most of the page's
  text is kept (ASP.NET pages wrap the whole page in a ``form``).
- Many Chinese CMSes write the body as one ``div`` of text split by ``<br>``. readability
  scores *paragraphs*, so such a body counts as one (or none, inside a table cell); each run
  between breaks becomes a ``<p>``.
- readability adds a point per ASCII comma and cleans blocks with fewer than ten of them, so
  text punctuated with the full-width ``，`` scores as if it had none. Each ``，`` is followed
  by an ASCII comma for scoring; :func:`restore_commas` takes them out of the result.

After (:func:`tidy_article`): furniture blocks go (:mod:`tui.html.furniture`), and figure
captions lose their credits.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

from tui.html.furniture import (
    BLOCKS,
    furniture_reason,
    headed_box_reason,
    newsletter_box,
    strip_credit,
)
from tui.html.tree import hidden, tags, text_of

_STRUCTURAL_FURNITURE = frozenset({"nav", "aside", "footer", "form"})
_ROLES = frozenset({"navigation", "complementary", "contentinfo", "banner", "search", "dialog"})
_BLOCK_CHILD = tags(
    "p div section article table ul ol dl blockquote pre h1 h2 h3 h4 h5 h6 figure center "
    "header footer aside nav form hr"
)
COMMA = "\uff0c"
_SCORING_COMMA = COMMA + ","


def prepare_page(root: lxml.html.HtmlElement) -> str:
    """The page as markup for readability: furniture out, ``<br>`` bodies split, commas seen."""
    body = root.find("body")
    scope = body if body is not None else root
    for form in list(scope.iter("form")):
        box = newsletter_box(form)
        if box is not None and _attached(box, scope):
            box.drop_tree()
    total = len(text_of(scope))
    for el in list(scope.iter()):
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if el is scope or el.getparent() is None:
            continue
        if hidden(el, tag) or (_structural(el, tag) and len(text_of(el)) <= total / 2):
            el.drop_tree()
    for el in list(scope.iter("div", "td", "section", "article", "font", "span")):
        split_br_paragraphs(el)
    _mark_commas(root)
    return str(lxml.html.tostring(root, encoding="unicode"))


def _structural(el: lxml.html.HtmlElement, tag: str) -> bool:
    return tag in _STRUCTURAL_FURNITURE or el.get("role", "").lower() in _ROLES


def restore_commas(markup: str) -> str:
    return markup.replace(_SCORING_COMMA, COMMA)


def split_br_paragraphs(el: lxml.html.HtmlElement, min_breaks: int = 3) -> bool:
    """Turn a block of ``<br>``-separated text into paragraphs; True if it did.

    Only a block with at least ``min_breaks`` breaks among its own children is rewritten;
    inline children (links, bold) stay inside their paragraph, block children stay as
    they are, between paragraphs.
    """
    children = list(el)
    if sum(1 for c in children if c.tag == "br") < min_breaks:
        return False
    runs: list[list[str | lxml.html.HtmlElement]] = [[]]  # text and inline elements
    layout: list[lxml.html.HtmlElement] = []  # finished paragraphs and blocks, in order
    if el.text:
        runs[-1].append(el.text)

    def flush() -> None:
        run = runs[-1]
        if any((isinstance(x, str) and x.strip()) or (not isinstance(x, str)) for x in run):
            p = lxml.html.Element("p")
            last = None
            for x in run:
                if isinstance(x, str):
                    if last is None:
                        p.text = (p.text or "") + x
                    else:
                        last.tail = (last.tail or "") + x
                else:
                    p.append(x)
                    last = x
            if text_of(p):
                layout.append(p)
        runs[-1] = []

    for child in children:
        tail = child.tail
        child.tail = None
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "br":
            flush()
        elif tag in _BLOCK_CHILD:
            flush()
            layout.append(child)
        else:
            runs[-1].append(child)
        if tail:
            runs[-1].append(tail)
    flush()
    el.text = None
    for child in list(el):
        el.remove(child)
    for item in layout:
        el.append(item)
    return True


def _mark_commas(root: lxml.html.HtmlElement) -> None:
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.text and COMMA in el.text:
            el.text = el.text.replace(COMMA, _SCORING_COMMA)
        if el.tail and COMMA in el.tail:
            el.tail = el.tail.replace(COMMA, _SCORING_COMMA)


def tidy_article(article: lxml.html.HtmlElement, title: str) -> list[tuple[str, str]]:
    """Remove furniture blocks from readability's article; returns (rule, text) removed.

    First, outermost first, boxes headed by a rail's label go whole (judging the heading
    alone would leave its links behind). Then inner blocks are judged before the boxes
    around them, so a box loses its share bar before anyone asks whether it is furniture.
    No rule removes a block holding most of the article's text.
    """
    removed: list[tuple[str, str]] = []
    total = len(text_of(article))
    blocks = [el for el in article.iter() if isinstance(el.tag, str)
              and el.tag.lower() in BLOCKS]

    def drop(el: lxml.html.HtmlElement, reason: str | None) -> None:
        if reason:
            text = text_of(el)
            if total > 200 and len(text) > 0.8 * total:
                return
            removed.append((reason, text[:80]))
            el.drop_tree()

    for el in blocks:
        if _attached(el, article) and el.tag.lower() not in ("html", "body"):
            drop(el, headed_box_reason(el))
    for el in reversed(blocks):
        if _attached(el, article) and el.tag.lower() not in ("html", "body"):
            drop(el, furniture_reason(el, title))
    for el in article.iter("figcaption", "p", "span", "div", "td"):
        if len(text_of(el)) <= 300:
            _strip_credit_text(el)
    return removed


def _strip_credit_text(el: lxml.html.HtmlElement) -> None:
    last = el[-1] if len(el) else None
    if last is not None and last.tail and last.tail.strip():
        last.tail = strip_credit(last.tail)
    elif last is None and el.text:
        el.text = strip_credit(el.text)


def _attached(el: etree._Element, root: etree._Element) -> bool:
    node: etree._Element | None = el
    while node is not None:
        if node is root:
            return True
        node = node.getparent()
    return False


__all__ = ["prepare_page", "restore_commas", "split_br_paragraphs", "tidy_article"]
