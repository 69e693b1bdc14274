"""HTML from feeds and article pages → readable Markdown-ish text.

The input is hostile: scripts, event handlers, javascript: links, control characters hidden
in entities, and nesting deep enough to blow Python's recursion limit. So we parse with
lxml.html (never ``huge_tree``), walk the tree iteratively with ``iterwalk``, keep only http(s)
links, and pass every result through :mod:`tui.text` (the safe HTML subset kept in the
store is :mod:`tui.html.clean`). libxml2 cuts a document off below 256
levels of nesting; when that happens a flat, tag-stripping reader recovers the text instead.
Nothing here raises: bad input gives the best text we can get, or "".
"""

from __future__ import annotations

import html as htmllib
import re

import lxml.html
from lxml import etree

from tui.text import clean_line, clean_text, safe_url, tidy_paragraphs

INPUT_MAX = 10_000_000  # characters of markup we are willing to look at


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


_DROP = _tags(
    "script style noscript iframe object embed template svg math head title canvas audio "
    "video select textarea button input frame frameset applet map base meta link"
)
_PARAGRAPH = _tags(
    "p div section article main header footer nav aside address figure figcaption details "
    "summary dl table form fieldset center hr body html"
)
_LINE = _tags("dt dd tr caption legend thead tbody tfoot")
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_WS = re.compile(r"[ \t\n\r\f\u00a0]+")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^<>]*>")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_CHAR_REF = re.compile(r"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});?")


class _Stop(Exception):
    """Enough text has been produced: stop walking."""


class _Writer:
    """Accumulates Markdown-ish text with collapsed whitespace, quote and list prefixes."""

    def __init__(self, max_len: int) -> None:
        self.out: list[str] = []
        self.size = 0
        self.max_len = max_len
        self.pending = 0  # newlines owed before the next text
        self.break_quote = 0  # quote depth for the blank lines of that break
        self.space = False  # a space owed before the next text
        self.started = False
        self.marker = ""  # list bullet or heading hashes, written with the next text
        self.quote = 0
        self.lists: list[list[int]] = []  # [ordered?, next number]
        self.pre = 0
        self.pre_buf: list[str] = []
        self.inline_break = 0  # inside a heading or table cell, <br> is a space

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.size += len(text)
        if self.size > self.max_len:
            raise _Stop

    def _prefix(self) -> str:
        return "> " * self.quote + "  " * len(self.lists)

    def brk(self, n: int) -> None:
        if self.started:
            self._owe(max(self.pending, n))
        self.space = False

    def _owe(self, n: int) -> None:
        # Blank lines belong to the outermost quote seen since the last text, so the gap
        # before or after a blockquote is not itself quoted.
        self.break_quote = self.quote if not self.pending else min(self.break_quote, self.quote)
        self.pending = n

    def br(self) -> None:
        if self.pre:
            self.pre_buf.append("\n")
        elif self.inline_break:
            self.space = True
        elif self.started:
            self._owe(min(self.pending + 1, 2))

    def text(self, value: str | None) -> None:
        if not value:
            return
        if self.pre:
            self.pre_buf.append(value)
            return
        words = _WS.sub(" ", value)
        if words == " ":
            self.space = self.started
            return
        if words.startswith(" "):
            self.space = True
            words = words[1:]
        trailing = words.endswith(" ")
        words = words.rstrip(" ")
        self._line_start_or_space()
        self._emit(words)
        self.space = trailing

    def _line_start_or_space(self) -> None:
        if self.pending and self.started:
            blank = ("> " * min(self.break_quote, self.quote)).rstrip()
            self._emit("\n" + (blank + "\n") * (self.pending - 1))
            self._emit(self._marker_prefix())
        elif not self.started:
            self._emit(self._marker_prefix())
        elif self.space:
            self._emit(" ")
        self.pending = 0
        self.space = False
        self.started = True

    def _marker_prefix(self) -> str:
        marker, self.marker = self.marker, ""
        if marker and self.lists:
            return "> " * self.quote + "  " * (len(self.lists) - 1) + marker
        return self._prefix() + marker

    def fenced(self, body: str) -> None:
        lines = body.strip("\n").split("\n")
        if not any(line.strip() for line in lines):
            return
        self.brk(2)
        self._line_start_or_space()
        prefix = self._prefix()
        self._emit("```\n" + "".join(prefix + line.rstrip() + "\n" for line in lines))
        self._emit(prefix + "```")
        self.brk(2)

    def result(self) -> str:
        return "".join(self.out)


def html_to_text(html: str, *, base_url: str | None = None, max_len: int = 200_000) -> str:
    """Readable plain text (Markdown-ish) from untrusted HTML; never raises."""
    try:
        return _html_to_text(html, base_url, max_len)
    except Exception:  # a reader must show *something*; fall back to stripping tags
        try:
            return _finish(_flat_text(_prepare(html)), max_len)
        except Exception:
            return ""


def nested_too_deep(html: str) -> bool:
    """True if libxml2 would cut this page off (over 256 levels): readability then sees nothing."""
    try:
        return _parse(_prepare(html))[1]
    except Exception:
        return False


def _prepare(html: object) -> str:
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


def _finish(text: str, max_len: int) -> str:
    text = clean_text(text, max_len)
    lines = [line.rstrip() for line in text.split("\n")]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip("\n").rstrip()


def _html_to_text(html: str, base_url: str | None, max_len: int) -> str:
    source = _prepare(html)
    if "<" not in source:
        return tidy_paragraphs(clean_text(source, max_len))
    root, too_deep = _parse(source)
    text = "" if root is None else _walk(root, base_url, max_len)
    if too_deep:
        flat = _flat_text(source)
        if len(flat) > len(text):
            text = flat
    return _finish(text, max_len)


def _parse(source: str) -> tuple[lxml.html.HtmlElement | None, bool]:
    """Parse markup; also say whether libxml2 cut the document off for being too deep."""
    parser = lxml.html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
    )
    try:
        root = lxml.html.document_fromstring(source.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return None, False
    too_deep = any("depth" in entry.message.lower() for entry in parser.error_log)
    return root, too_deep


def _walk(root: lxml.html.HtmlElement, base_url: str | None, max_len: int) -> str:
    out = _Writer(max_len)
    links: list[tuple[str | None, int]] = []
    cells: list[int] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    skipped = None
    try:
        for event, el in walker:
            tag = el.tag if isinstance(el.tag, str) else None
            if event == "start":
                if tag is None or _hidden(el, tag):
                    walker.skip_subtree()
                    skipped = el
                    continue
                _open(out, el, tag.lower(), base_url, links, cells)
                out.text(el.text)
            else:
                if el is skipped:
                    skipped = None
                elif tag is not None:
                    _close(out, tag.lower(), links, cells)
                out.text(el.tail)
    except _Stop:
        pass
    if out.pre and out.pre_buf:
        out.fenced("".join(out.pre_buf))
    return out.result()


def _hidden(el: lxml.html.HtmlElement, tag: str) -> bool:
    if tag.lower() in _DROP or el.get("hidden") is not None:
        return True
    if el.get("aria-hidden", "").lower() == "true":
        return True
    style = el.get("style")
    return bool(style) and "display:none" in style.replace(" ", "").lower()


def _open(out: _Writer, el, tag: str, base_url, links, cells) -> None:
    if tag in _PARAGRAPH:
        out.brk(1 if out.lists else 2)
    elif tag in _LINE:
        out.brk(1)
        if tag == "tr":
            cells.append(0)
    elif tag in _HEADINGS:
        out.brk(2)
        out.marker = "#" * _HEADINGS[tag] + " "
        out.inline_break += 1
    elif tag in ("ul", "ol"):
        out.brk(1 if out.lists else 2)
        start = el.get("start", "1").strip() if tag == "ol" else "1"
        number = int(start) if start.isdigit() and len(start) < 9 else 1
        out.lists.append([tag == "ol", number])
    elif tag == "li":
        out.brk(1)
        if out.lists:
            ordered, number = out.lists[-1]
            out.marker = f"{number}. " if ordered else "- "
            out.lists[-1][1] = number + 1
        else:
            out.marker = "- "
    elif tag == "blockquote":
        out.brk(2)
        out.quote += 1
    elif tag == "pre":
        out.pre += 1
    elif tag == "br":
        out.br()
    elif tag in ("td", "th"):
        if cells:
            if cells[-1]:
                out.text(" | ")
            cells[-1] += 1
        out.inline_break += 1
    elif tag == "a":
        href = None if out.pre else safe_url(el.get("href"), base_url)
        links.append((href, len(out.out)))
    elif tag == "img":
        alt = clean_line(el.get("alt") or "", 200)
        if alt:
            out.text(f" [image: {alt}] ")


def _close(out: _Writer, tag: str, links, cells) -> None:
    if tag in _PARAGRAPH:
        out.brk(1 if out.lists else 2)
    elif tag in _LINE:
        out.brk(1)
        if tag == "tr" and cells:
            cells.pop()
    elif tag in _HEADINGS:
        out.marker = ""
        out.inline_break = max(out.inline_break - 1, 0)
        out.brk(2)
    elif tag in ("ul", "ol"):
        if out.lists:
            out.lists.pop()
        out.brk(1 if out.lists else 2)
    elif tag == "li":
        out.marker = ""
        out.brk(1)
    elif tag == "blockquote":
        out.quote = max(out.quote - 1, 0)
        out.brk(2)
    elif tag == "pre":
        out.pre = max(out.pre - 1, 0)
        if not out.pre:
            body, out.pre_buf = "".join(out.pre_buf), []
            out.fenced(body)
    elif tag in ("td", "th"):
        out.inline_break = max(out.inline_break - 1, 0)
    elif tag == "a" and links:
        href, mark = links.pop()
        shown = "".join(out.out[mark:]).strip()
        if href and shown and href not in shown:
            out.text(f" ({href})")


def _flat_text(source: str) -> str:
    """Tag-stripping reader for documents too deep for libxml2; linear time, no tree."""
    pieces: list[str] = []
    dropping = 0
    pos = 0
    for match in _TAG.finditer(source):
        if not dropping:
            pieces.append(htmllib.unescape(source[pos : match.start()]))
        pos = match.end()
        closing, name = match.group(1), match.group(2).lower()
        if name in _DROP and not match.group(0).endswith("/>"):
            if name in ("base", "meta", "link", "input", "frame"):
                continue
            dropping = max(dropping - 1, 0) if closing else dropping + 1
            continue
        if dropping:
            continue
        if name == "li" and not closing:
            pieces.append("\n- ")
        elif name == "br" or name in _PARAGRAPH or name in _LINE or name in _HEADINGS:
            pieces.append("\n\n" if name in _HEADINGS or name in ("p", "div") else "\n")
        elif name in ("td", "th"):
            pieces.append(" ")
    if not dropping:
        pieces.append(htmllib.unescape(source[pos:]))
    lines = (_WS.sub(" ", line).strip() for line in "".join(pieces).split("\n"))
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines))


__all__ = ["html_to_text", "nested_too_deep"]
