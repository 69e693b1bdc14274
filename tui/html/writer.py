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
from dataclasses import dataclass

import lxml.html
from lxml import etree

from tui.html.links import MAX_LINKS, Link, strip_tracking, with_references
from tui.html.tree import (
    DROP,
    HEADINGS,
    LINE,
    PARAGRAPH,
    data_table,
    hidden,
    meaningful_alt,
    parse,
    prepare,
    table_rows,
)
from tui.text import clean_line, clean_text, safe_url, tidy_paragraphs

_WS = re.compile(r"[ \t\n\r\f\u00a0\u3000]+")  # U+3000: Chinese paragraph indent
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^<>]*>")
_MANY_NEWLINES = re.compile(r"\n{3,}")


class _Stop(Exception):
    """Enough text has been produced: stop walking."""


class _Writer:
    """Accumulates Markdown-ish text with collapsed whitespace, quote and list prefixes."""

    def __init__(self, max_len: int, base_url: str | None = None,
                 references: bool = False) -> None:
        self.base_url = base_url
        self.references = references
        self.links: list[Link] = []
        self.numbers: dict[str, int] = {}  # URL → its reference number
        self.resolved: dict[str, str | None] = {}  # href as written → URL shown, or None
        self.open_links: list[tuple[str | None, int]] = []  # (href, where its text starts)
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
        # Nothing to collapse (no double space, no tab, newline or other space; isprintable
        # is False for all of those) is the usual case, and cheaper to see than to redo.
        words = value if "  " not in value and value.isprintable() else _WS.sub(" ", value)
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

    def table(self, rows: list[list[str]]) -> None:
        """A data table as a Markdown table: the first row is the header."""
        width = max(len(row) for row in rows)
        lines = []
        for number, row in enumerate(rows):
            cells = [c.replace("|", "\\|") for c in row] + [""] * (width - len(row))
            lines.append("| " + " | ".join(cells) + " |")
            if number == 0:
                lines.append("|" + " --- |" * width)
        self.brk(2)
        self._line_start_or_space()
        prefix = self._prefix()
        self._emit(("\n" + prefix).join(lines))
        self.brk(2)

    def open_link(self, href: str | None) -> None:
        self.open_links.append((href, len(self.out)))

    def close_link(self) -> None:
        """After a link's text: its reference marker, numbered by first appearance of the URL."""
        if not self.open_links:
            return
        href, mark = self.open_links.pop()
        if not href or self.pre or not any(piece.strip() for piece in self.out[mark:]):
            return
        if href not in self.resolved:
            url = safe_url(href, self.base_url)
            keep = url is not None and not _same_page(url, self.base_url)
            self.resolved[href] = strip_tracking(url) if keep and url else None
        url = self.resolved[href]
        if url is None:
            return
        number = self.numbers.get(url)
        if number is None:
            if len(self.links) >= MAX_LINKS:
                return
            number = self.numbers[url] = len(self.links) + 1
            self.links.append(Link(number, clean_line("".join(self.out[mark:]), 300), url))
        self._emit(f"[{number}]")
        self.space = False

    def result(self) -> str:
        return "".join(self.out)


def _same_page(url: str, base_url: str | None) -> bool:
    """An in-page anchor (``#section``) is not a reference worth listing."""
    return bool(base_url) and url.split("#", 1)[0] == (base_url or "").split("#", 1)[0]


@dataclass(frozen=True)
class Rendered:
    """Text written from HTML: the body (with ``[n]`` markers) and its numbered links."""

    body: str
    links: tuple[Link, ...] = ()

    @property
    def text(self) -> str:
        """The body followed by its Markdown reference list."""
        return with_references(self.body, self.links)


def html_to_text(
    html: str, *, base_url: str | None = None, max_len: int = 200_000,
    references: bool | None = None,
) -> str:
    """Readable plain text (Markdown-ish) from untrusted HTML; never raises.

    Links become ``text[n]`` with a reference list at the end. By default that happens when
    a ``base_url`` says which page the text belongs to (a feed entry's content, an article);
    without one (a title, text for the tagger) links are just their text.
    """
    rendered = render_html(html, base_url=base_url, max_len=max_len,
                           references=base_url is not None if references is None else references)
    return rendered.text


def render_html(
    html: str, *, base_url: str | None = None, max_len: int = 200_000, references: bool = True
) -> Rendered:
    """Like :func:`html_to_text`, keeping the links apart for a caller that shows them."""
    try:
        return _html_to_text(html, base_url, max_len, references)
    except Exception:  # a reader must show *something*; fall back to stripping tags
        try:
            return Rendered(_finish(_flat_text(prepare(html)), max_len))
        except Exception:
            return Rendered("")


def _finish(text: str, max_len: int) -> str:
    text = clean_text(text, max_len)
    lines = [line.rstrip() for line in text.split("\n")]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip("\n").rstrip()


def _html_to_text(html: str, base_url: str | None, max_len: int, references: bool) -> Rendered:
    source = prepare(html)
    if "<" not in source:
        return Rendered(tidy_paragraphs(clean_text(source, max_len)))
    root, too_deep = parse(source)
    rendered = Rendered("") if root is None else render_tree(
        root, base_url=base_url, max_len=max_len, references=references)
    if too_deep:
        flat = _flat_text(source)
        if len(flat) > len(rendered.body):
            return Rendered(_finish(flat, max_len))
    return rendered


def render_tree(
    root: lxml.html.HtmlElement, *, base_url: str | None = None, max_len: int = 200_000,
    references: bool = True,
) -> Rendered:
    """Write an already parsed (and possibly pruned) tree; may raise on a broken tree."""
    out = _Writer(max_len, base_url if references else None, references)
    _walk(root, out)
    body = _finish(out.result(), max_len)
    used = tuple(link for link in out.links if f"[{link.number}]" in body)
    return Rendered(body, used)


def _walk(root: lxml.html.HtmlElement, out: _Writer) -> None:
    walker = etree.iterwalk(root, events=("start", "end"))
    skipped = None
    try:
        for event, el in walker:
            tag = el.tag if isinstance(el.tag, str) else None
            if event == "start":
                if tag is None or hidden(el, tag):
                    walker.skip_subtree()
                    skipped = el
                    continue
                if tag.lower() == "table" and data_table(el):
                    out.table(table_rows(el))
                    walker.skip_subtree()
                    skipped = el
                    continue
                _open(out, el, tag.lower())
                out.text(el.text)
            else:
                if el is skipped:
                    skipped = None
                elif tag is not None:
                    _close(out, tag.lower())
                out.text(el.tail)
    except _Stop:
        pass
    if out.pre and out.pre_buf:
        out.fenced("".join(out.pre_buf))


def _open(out: _Writer, el: lxml.html.HtmlElement, tag: str) -> None:
    if tag in PARAGRAPH:
        out.brk(1 if out.lists else 2)
    elif tag in LINE:
        out.brk(1)
    elif tag in HEADINGS:
        out.brk(2)
        out.marker = "#" * HEADINGS[tag] + " "
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
        out.text(" ")
    elif tag == "a":
        out.open_link(None if out.pre or not out.references else el.get("href"))
    elif tag == "img":
        alt = meaningful_alt(el)
        if alt:
            out.text(f" [image: {alt}] ")


def _close(out: _Writer, tag: str) -> None:
    if tag in PARAGRAPH:
        out.brk(1 if out.lists else 2)
    elif tag in LINE:
        out.brk(1)
    elif tag in HEADINGS:
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
        out.text(" ")
    elif tag == "a":
        out.close_link()


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
        if name in DROP and not match.group(0).endswith("/>"):
            if name in ("base", "meta", "link", "input", "frame"):
                continue
            dropping = max(dropping - 1, 0) if closing else dropping + 1
            continue
        if dropping:
            continue
        if name == "li" and not closing:
            pieces.append("\n- ")
        elif name == "br" or name in PARAGRAPH or name in LINE or name in HEADINGS:
            pieces.append("\n\n" if name in HEADINGS or name in ("p", "div") else "\n")
        elif name in ("td", "th"):
            pieces.append(" ")
    if not dropping:
        pieces.append(htmllib.unescape(source[pos:]))
    lines = (_WS.sub(" ", line).strip() for line in "".join(pieces).split("\n"))
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines))


__all__ = ["Rendered", "html_to_text", "render_html", "render_tree"]
