"""Frozen parse output: every corpus feed through ``parse_feed``, compared byte for byte.

The parse path (feedparser → normalise → sanitise → text) is tuned for speed; what it
produces must not move. ``python -m tests.feeds.frozen`` writes the current output to
``tests/data/parse_frozen.json.gz``; test_frozen_parse.py fails on any difference. Regenerate
only when a change of output is intended, and say so in the commit.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from tests.benchmarks.corpus import feed_document
from tests.hostile.corpus import CORPUS, corpus_files, file_headers
from tui.feeds.parse import ParseError, parse_feed
from tui.html.clean import sanitize_html
from tui.html.extract import ExtractError, extract_html
from tui.html.writer import html_to_text

DATA = Path(__file__).resolve().parent.parent / "data"
FROZEN = DATA / "parse_frozen.json.gz"
PAGES = DATA / "extract"
BENCH_FEEDS = 6  # English, English, Chinese, twice over: 300 stories of ~3 KB
BENCH_ITEMS = 50
SOUP = 3000  # random tag-soup snippets: the corners a real feed seldom reaches
_PIECES = (
    "<p>", "</p>", "<div>", "</div>", "<br>", "<br/>", "<b>", "</b>", "<i>", "<em>", "</em>",
    "<a href='http://x.test/a?utm_source=t&amp;id=1'>", "<a href='javascript:alert(1)'>",
    "<a href='/rel#frag'>", "<a href='#top'>", "</a>", "<ul>", "<ol start='3'>", "<li>",
    "</li>", "</ul>", "</ol>", "<blockquote>", "</blockquote>", "<pre>", "</pre>", "<code>",
    "<h2>", "</h2>", "<table>", "<tr>", "<td>", "<th>", "</td>", "</tr>", "</table>",
    "<img alt='A chart of flows' src='x.png'>", "<img alt='image' src='y.png'>", "<img src=z>",
    "<script>alert(1)</script>", "<style>p{}</style>", "<span style='display: none'>",
    "<span hidden>", "<div aria-hidden='true'>", "</span>", "<svg><text>s</text></svg>",
    "<iframe src='http://e.test'></iframe>", "<p onclick='x()'>", "<font color=red>",
    "<!-- c -->", "<?pi x?>", "<![CDATA[c]]>", "&amp;", "&lt;b&gt;", "&#27;", "&#x9b;",
    "&#x202e;", "&nbsp;", "&#12289;", "\u3000", "\u200b", "e\u0301", "\x1b[31m",
    "\n", "\n\n", "  ", "\t", "text", "More words here.", "比特币，", "中文段落。",
    "a, b, c", "|", "`", "> ", "- ", "1. ", "# ", "[1]", "<figure><figcaption>Photo: AP",
    "</figure>", "<dl><dt>t<dd>d</dl>", "<hr>", "<section>", "<nav>n</nav>", "<form>f</form>",
    "<a href=' javascript:alert(1)'>", "<a href='java\tscript:x'>", "<a href='JaVaScRiPt:x'>",
    "<a href='%6Aavascript:x'>", "<a href='vbscript:x'>", "<a href='data:text/html,x'>",
    "<a href='  http://ok.test/sp '>", "<a href='http://x.test/&#x6a;'>", "<a href=''>",
    "<a onclick='x' href='https://ok.test/p?fbclid=1'>", "<image alt='an old image'>",
    "<param name=x>", "<blink>", "<marquee>", "<layer>", "<span>", "<u>", "<sup>", "</sup>",
    "<p style='x:expression(1)'>", "<link rel=stylesheet href=x>", "<base href='http://e.test/'>",
    "<math><mi>x</mi></math>", "<object><param name=a>o</object>", "<embed src=x>",
    "<frameset>", "<input value=v>", "<button>b</button>", "<textarea>t</textarea>",
    "<select><option>o</select>", "<title>t</title>", "<head>", "<html>", "<body onload=x>",
    "<!--[if IE]>x<![endif]-->", "<svg:rect>", "<o:p>", "</o:p>", "<abbr title=t>", "&shy;",
    "&lrm;", "&#x301;", "e&#x301;", "<b>\u0301</b>", "\U0001f600", "<time>", "<small>",
)


def corpus_inputs() -> Iterator[tuple[str, bytes, dict[str, str], str]]:
    """(name, body, headers, url) for each corpus file and each benchmark feed."""
    for path in corpus_files():
        name = str(path.relative_to(CORPUS))
        body = path.read_bytes()
        headers, location = file_headers(body)
        yield name, body, headers, location or f"http://example.com/corpus/{name}"
    for number in range(BENCH_FEEDS):
        yield (f"bench/{number}", feed_document(number, BENCH_ITEMS),
               {"content-type": "application/rss+xml"}, f"https://bench.test/feed/{number}.xml")


def output_of(body: bytes, headers: dict[str, str], url: str) -> object:
    """What parse_feed gives, as JSON-able data (a ParseError is its message)."""
    try:
        parsed = parse_feed(body, headers, url)
    except ParseError as exc:
        return {"error": str(exc)}
    return asdict(parsed)


def page_output(html: bytes, url: str) -> object:
    """The text writer, the sanitiser and the extractor on one article page."""
    text = html.decode("utf-8", "replace")
    try:
        extracted: object = asdict(extract_html(html, url))
    except ExtractError as exc:
        extracted = {"error": str(exc)}
    return {"text": html_to_text(text, base_url=url), "html": sanitize_html(text, base_url=url),
            "extracted": normalised(extracted)}


def soup(count: int = SOUP, seed: int = 16) -> Iterator[str]:
    """Deterministic random markup built from :data:`_PIECES`."""
    rng = random.Random(seed)
    for _ in range(count):
        pieces = rng.choices(_PIECES, k=rng.randrange(1, 40))
        yield "".join(pieces)


def soup_output(html: str) -> object:
    base = "https://site.test/story/1"
    return [html_to_text(html), html_to_text(html, base_url=base),
            sanitize_html(html, base_url=base), sanitize_html(html)]


def current() -> dict[str, object]:
    data: dict[str, object] = {name: normalised(output_of(body, headers, url))
                               for name, body, headers, url in corpus_inputs()}
    for page in json.loads((PAGES / "index.json").read_text(encoding="utf-8")):
        html = (PAGES / page["file"]).read_bytes()
        data[f"page/{page['id']}"] = page_output(html, page["url"])
    for number, html in enumerate(soup()):
        data[f"soup/{number}"] = soup_output(html)
    return data


def load() -> dict[str, object]:
    with gzip.open(FROZEN, "rt", encoding="utf-8") as handle:
        data: dict[str, object] = json.load(handle)
    return data


def normalised(value: object) -> object:
    """Tuples as lists, the way JSON gives them back."""
    return json.loads(json.dumps(value, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover - regenerates the frozen data
    data = current()
    with gzip.GzipFile(FROZEN, "wb", mtime=0) as raw:
        raw.write(json.dumps(data, ensure_ascii=True, sort_keys=True, indent=0).encode())
    print(f"{len(data)} feeds → {FROZEN} ({FROZEN.stat().st_size} bytes)")
