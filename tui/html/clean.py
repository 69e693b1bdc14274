"""Feed HTML → a small safe HTML subset (text, links, lists, quotes, code) for the store.

An allow-list, not a block-list: lxml_html_clean removes scripts, styles, frames and forms,
then every element outside the subset is unwrapped and every attribute dropped except an
absolute http(s) ``href`` and an image's ``alt``. Parsing and the hidden-element rules are
shared with :mod:`tui.html.writer` through :mod:`tui.html.tree`.
"""

from __future__ import annotations

import html as htmllib
from collections.abc import Callable

import lxml.html
from lxml_html_clean import Cleaner

from tui.html.tree import DROP, INPUT_MAX, LINE, PARAGRAPH, hidden, parse, prepare, tags
from tui.html.writer import html_to_text, render_tree
from tui.text import clean_line, clean_text, safe_url

_ALLOWED = tags("p br a b strong i em ul ol li h1 h2 h3 h4 h5 h6 blockquote pre code img")
_BLOCKISH = (PARAGRAPH | LINE) - {"body", "html", "hr", "table", "thead", "tbody", "tfoot"}
_CLEANER = Cleaner(
    scripts=True,
    javascript=True,
    comments=True,
    style=True,
    inline_style=True,
    links=True,
    meta=True,
    page_structure=True,
    processing_instructions=True,
    embedded=True,
    frames=True,
    forms=True,
    annoying_tags=True,
    safe_attrs_only=True,
    remove_unknown_tags=False,
    allow_tags=_ALLOWED,
    kill_tags=DROP - {"head"},
    safe_attrs=frozenset({"href", "alt"}),
    add_nofollow=False,
)

# Tags the Cleaner kills, unwraps as page structure, renames or looks at more closely, and
# the hidden ones (already gone when it runs); with none of them in the tree it has only
# two things to do, which _clean does without its eight walks.
_CLEANER_WORK = DROP | tags(
    "html head title layer object param form blink marquee image applet frameset frame "
    "iframe embed button input select textarea base link meta script style"
)

# The Cleaner's own test for a javascript: link (spaces and escapes inside the scheme
# included): the fast path must empty exactly the links the Cleaner empties.
_JS_LINK: Callable[[str], str] = _CLEANER._remove_javascript_link  # type: ignore[attr-defined]


def sanitize_html(html: str, *, base_url: str | None = None, max_len: int = 400_000) -> str:
    """A small safe subset of HTML (text, links, lists, quotes, code); never raises.

    Links keep only absolute http(s) hrefs; images keep only their alt text. If the markup
    cannot be cleaned (or is too deep or too long) the text comes back as plain paragraphs.
    """
    try:
        result = _sanitize(html, base_url)
    except Exception:
        result = None
    return _or_fallback(result, html, base_url, max_len)


def sanitize_and_render(
    html: str, *, base_url: str | None = None, text_max: int = 200_000
) -> tuple[str, str]:
    """``sanitize_html(html, base_url=…)`` and ``html_to_text(html, base_url=…, max_len=…)``
    from one parse: a feed entry's body is stored both ways, and parsing it twice was a
    third of the normalising. Any case off the plain path (no markup, too deep, a failure)
    is handed to the two functions themselves, so the results are theirs exactly.
    """
    try:
        source = prepare(html)
        root, too_deep = parse(source) if "<" in source else (None, True)
    except Exception:
        root, too_deep = None, True
    if root is None or too_deep:
        return (sanitize_html(html, base_url=base_url),
                html_to_text(html, base_url=base_url, max_len=text_max))
    try:  # the writer only reads the tree; the sanitiser below rewrites it
        text = render_tree(root, base_url=base_url, max_len=text_max,
                           references=base_url is not None).text
    except Exception:
        text = html_to_text(html, base_url=base_url, max_len=text_max)
    try:
        result: str | None = _sanitize_tree(root, base_url)
    except Exception:
        result = None
    return _or_fallback(result, html, base_url, 400_000), text


def _or_fallback(result: str | None, html: str, base_url: str | None, max_len: int) -> str:
    """The cleaned markup, or the text as plain paragraphs if cleaning failed or was too long."""
    if result is not None and len(result) <= max_len:
        return result
    try:
        return _text_as_html(html_to_text(html, base_url=base_url, max_len=max_len // 2))
    except Exception:
        return ""


def _sanitize(html: str, base_url: str | None) -> str | None:
    source = prepare(html)
    if "<" not in source:
        return _text_as_html(html_to_text(source))
    root, too_deep = parse(source)
    if too_deep:
        return None
    if root is None:
        return ""
    return _sanitize_tree(root, base_url)


def _sanitize_tree(root: lxml.html.HtmlElement, base_url: str | None) -> str:
    body = root.find("body")
    if body is None:
        body = root
    for el in list(body.iter()):
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if hidden(el, tag):
            el.drop_tree()
        elif tag in _BLOCKISH:
            if el.tag != "p":
                el.tag = "p"  # keep the paragraph break the unwrapped block gave
        elif tag in ("td", "th"):
            el.tail = " " + (el.tail or "")
    _clean(body)
    for el in list(body.iter()):
        if not isinstance(el.tag, str):
            el.drop_tree()
            continue
        tag = el.tag.lower()
        keep: dict[str, str] = {}
        if tag == "a":
            href = safe_url(el.get("href"), base_url)
            if href:
                keep["href"] = href
        elif tag == "img":
            alt = clean_line(el.get("alt") or "", 200)
            if not alt:
                el.drop_tree()
                continue
            keep["alt"] = alt
        attrib = el.attrib
        if keep or len(attrib):
            attrib.clear()
            attrib.update(keep)
        # Written back only when cleaning changed them: each write rebuilds a text node.
        text, tail = el.text, el.tail
        if text and (cleaned := clean_text(text, INPUT_MAX)) != text:
            el.text = cleaned
        if tail and (cleaned := clean_text(tail, INPUT_MAX)) != tail:
            el.tail = cleaned
        if el is not body and tag not in _ALLOWED:
            el.drop_tag()
    return (htmllib.escape(body.text or "", quote=False) + _inner_markup(body)).strip()


def _inner_markup(body: lxml.html.HtmlElement) -> str:
    """The body's children as markup: one serialisation of the body, its own tags cut off
    (the Cleaner left it an attribute-free ``div``), else each child on its own."""
    text, body.text = body.text, None
    whole = lxml.html.tostring(body, encoding="unicode", with_tail=False)
    body.text = text
    if body.tag == "div" and not len(body.attrib) and whole.startswith("<div>") \
            and whole.endswith("</div>"):
        return str(whole[5:-6])
    return "".join(lxml.html.tostring(child, encoding="unicode") for child in body)


def _clean(body: lxml.html.HtmlElement) -> None:
    """What ``_CLEANER(body)`` does to what we keep, without its walks that would find nothing.

    With no tag of :data:`_CLEANER_WORK`, no comment and no namespace in the tree, the
    Cleaner empties ``javascript:`` hrefs (and strips the others) and unwraps the elements
    outside the allow-list, the body first (which it renames ``div``); the attributes it
    deletes are all cleared after it anyway. Anything else, and the Cleaner itself runs.
    """
    unwrap: list[lxml.html.HtmlElement] = []
    for el in body.iter():
        tag = el.tag
        if not isinstance(tag, str) or tag in _CLEANER_WORK or "{" in tag:
            _CLEANER(body)
            return
        if tag not in _ALLOWED:
            unwrap.append(el)
    for el in body.iter():  # its rewrite_links(self._remove_javascript_link)
        href = el.get("href")
        if href is not None:
            new = _JS_LINK(href.strip())
            if new != href:
                el.set("href", new)
    if unwrap and unwrap[0] is body:
        body.tag = "div"
        body.attrib.clear()
        unwrap.pop(0)
    for el in unwrap:
        el.drop_tag()


def _text_as_html(text: str) -> str:
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join(
        "<p>" + htmllib.escape(p, quote=False).replace("\n", "<br>") + "</p>" for p in paragraphs
    )


__all__ = ["sanitize_and_render", "sanitize_html"]
