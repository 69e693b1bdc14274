"""html_to_text and sanitize_html: element mapping, hostile markup, depth, never raising."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.html.clean import sanitize_html
from tui.html.links import MAX_LINKS, Link, strip_tracking
from tui.html.writer import html_to_text, render_html

BASE = "https://news.example/2026/story.html"
# What tui.text removes: C0 except TAB/LF, DEL, C1, bidi controls.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
HOSTILE = (
    '<p onclick="evil()" style="color:red">Hi<script>alert(1)</script>'
    '<a href="javascript:alert(2)" onmouseover="x()">click</a>'
    '<iframe src="https://evil.test/frame">frame text</iframe>'
    '<base href="https://evil.test/"><meta http-equiv="refresh" content="0;url=https://evil.test">'
    '<style>body{display:none}</style><form action="https://evil.test"><input value="pw"></form>'
    '<object data="x.swf">obj</object><svg><script>alert(3)</script></svg>'
    '<img src="file:///etc/passwd" onerror="evil()" alt="pic">'
    '<a href="data:text/html,<script>alert(4)</script>">data</a>'
    '<a href=" JaVaScRiPt:alert(5)">mixed</a><noscript>ns</noscript><template>tpl</template>'
    "</p>"
)


# --- html_to_text: element mapping -----------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<h1>Big</h1><h2>Sub</h2><h6>Tiny</h6>", "# Big\n\n## Sub\n\n###### Tiny"),
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("<ul><li>a</li><li>b</li></ul>", "- a\n- b"),
        ("<ol><li>a</li><li>b</li></ol>", "1. a\n2. b"),
        ('<ol start="7"><li>a</li><li>b</li></ol>', "7. a\n8. b"),
        ("<ul><li>a<ul><li>inner</li></ul></li><li>b</li></ul>", "- a\n  - inner\n- b"),
        ("<blockquote><p>q1</p><p>q2</p></blockquote><p>after</p>", "> q1\n>\n> q2\n\nafter"),
        ("line<br>next<br/><br>new para", "line\nnext\n\nnew para"),
        ("<pre>  x = 1\n    y = 2</pre>", "```\n  x = 1\n    y = 2\n```"),
        ("<p>call <code>fetch()</code> now</p>", "call fetch() now"),
        ('<img src="a.png" alt="A miner">', "[image: A miner]"),
        ('<img src="a.png">text', "text"),
        ("<p>Tom &amp; Jerry &lt;3 &eacute; &#20013;&#22269;</p>", "Tom & Jerry <3 é 中国"),
        (
            "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>",
            "| a | b |\n| --- | --- |\n| 1 | 2 |",
        ),
        ("<p>  lots   of\n\n  space\t here </p>", "lots of space here"),
        ("<h2>Head<br>line</h2>", "## Head line"),
        ("<div><div>x</div><div>y</div></div>", "x\n\ny"),
    ],
)
def test_element_mapping(html: str, expected: str):
    assert html_to_text(html) == expected


def test_links_are_shown_only_when_http():
    html = (
        '<p><a href="/relative/path">rel</a> <a href="https://x.test/a">abs</a> '
        '<a href="javascript:alert(1)">js</a> <a href="mailto:a@b.c">mail</a> '
        '<a href="https://x.test/same">https://x.test/same</a> <a>bare</a></p>'
    )
    text = html_to_text(html, base_url=BASE)
    assert text == (
        "rel[1] abs[2] js mail https://x.test/same[3] bare\n\n"
        "[1]: https://news.example/relative/path\n[2]: https://x.test/a\n[3]: https://x.test/same"
    )


def test_relative_link_without_base_is_just_text():
    assert html_to_text('<a href="/x">words</a>') == "words"


def test_script_style_and_friends_dropped():
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body>"
        "<p>keep</p><script>var x = 1;</script><noscript>ns</noscript><iframe>if</iframe>"
        "<object>ob</object><template>tp</template><svg><text>sv</text></svg>"
        '<p hidden>hid</p><span style="display: none">dn</span><p>also</p></body></html>'
    )
    assert html_to_text(html) == "keep\n\nalso"


def test_hostile_html_to_text():
    text = html_to_text(HOSTILE, base_url=BASE)
    for bad in ("alert", "javascript", "evil", "frame text", "pw", "ns", "tpl", "<", "data:"):
        assert bad not in text.lower()
    assert "Hi" in text and "click" in text and "image" not in text  # "pic" says nothing


def test_plain_text_is_just_cleaned():
    assert html_to_text("Plain  text\r\n\r\nsecond\x1b[2J line") == "Plain text\n\nsecond[2J line"
    assert html_to_text("AT&amp;T") == "AT&amp;T"  # no tags: not HTML, left as written


@pytest.mark.parametrize("value", ["", "   ", "<>", "<<<>>>", "</p>", "<!-- only a comment -->"])
def test_empty_or_odd_input(value: str):
    assert isinstance(html_to_text(value), str)
    assert isinstance(sanitize_html(value), str)


def test_control_and_bidi_characters_stripped():
    html = "<p>A&#27;]52;c;aGk=&#7;B\x1b[31mC\u202eD\x00E&#0;F\u2066G</p>"
    text = html_to_text(html)
    assert not FORBIDDEN.search(text)
    assert text.startswith("A]52;c;aGk=B[31mCDE")


def test_xml_declaration_and_encoding_meta_are_fine():
    html = '<?xml version="1.0" encoding="iso-8859-1"?><meta charset="gbk"><p>中文 café</p>'
    assert html_to_text(html) == "中文 café"


def test_fifty_thousand_nested_divs():
    html = "<p>before</p>" + "<div>" * 50_000 + "deep text" + "</div>" * 50_000 + "<p>after</p>"
    started = time.perf_counter()
    text = html_to_text(html)
    assert time.perf_counter() - started < 2.0
    assert "before" in text and "deep text" in text and "after" in text
    cleaned = sanitize_html(html)
    assert "deep text" in cleaned and "<div" not in cleaned


def test_deep_nesting_flat_reader_drops_scripts():
    html = "<div>" * 300 + "<script>alert(1)</script>text &amp; more" + "</div>" * 300
    assert html_to_text(html) == "text & more"


def test_max_len_respected():
    text = html_to_text("<p>" + "word " * 100_000 + "</p>", max_len=1000)
    assert len(text) <= 1000


def test_ten_kb_body_is_not_pathologically_slow():
    """A freeze detector (the speed itself is measured by the ingest benchmark): ~2 ms a
    body idle, so 0.2 s means something went quadratic."""
    para = "<p>Beijing's regulators <a href='/x'>said</a> <b>today</b> that miners…</p>"
    html = para * (10_000 // len(para) + 1)
    html_to_text(html, base_url=BASE)  # warm up
    started = time.perf_counter()
    for _ in range(10):
        html_to_text(html, base_url=BASE)
    assert (time.perf_counter() - started) / 10 < 0.2


# --- sanitize_html ---------------------------------------------------------------------------


def test_sanitize_keeps_the_safe_subset():
    html = (
        '<h2 class="x">Head</h2><p id="p">Some <b>bold</b> <strong>strong</strong> <i>it</i> '
        '<em>em</em> <a href="/rel" title="t" target="_blank">link</a></p>'
        "<ul><li>a</li></ul><ol><li>b</li></ol><blockquote>q</blockquote>"
        '<pre><code>x = 1</code></pre><img src="https://x.test/i.png" alt="alt text">'
    )
    out = sanitize_html(html, base_url=BASE)
    assert out == (
        "<h2>Head</h2><p>Some <b>bold</b> <strong>strong</strong> <i>it</i> <em>em</em> "
        '<a href="https://news.example/rel">link</a></p><ul><li>a</li></ul><ol><li>b</li></ol>'
        '<blockquote>q</blockquote><pre><code>x = 1</code></pre><img alt="alt text">'
    )


def test_sanitize_removes_hostile_markup():
    out = sanitize_html(HOSTILE, base_url=BASE).lower()
    for bad in (
        "<script",
        "javascript:",
        "onclick",
        "onerror",
        "onmouseover",
        "<iframe",
        "<base",
        "<meta",
        "refresh",
        "<style",
        "<form",
        "<input",
        "<object",
        "<svg",
        "src=",
        "style=",
        "data:",
        "evil",
        "<noscript",
        "<template",
    ):
        assert bad not in out, bad
    assert "hi" in out and "click" in out and 'alt="pic"' in out


def test_sanitize_unwraps_unknown_tags_and_keeps_their_text():
    out = sanitize_html("<section><span>one</span><table><tr><td>a</td><td>b</td></tr></table>")
    assert "<span" not in out and "<table" not in out and "<td" not in out
    assert "one" in out and "a b" in out


def test_sanitize_plain_text_becomes_paragraphs():
    assert sanitize_html("first\n\nsecond & more") == "<p>first</p><p>second &amp; more</p>"
    assert sanitize_html("a <3 b") == "a &lt;3 b"  # markup-ish text stays text


def test_sanitize_strips_control_characters():
    out = sanitize_html("<p>A&#27;[2JB\x1b\u202eC</p>")
    assert not FORBIDDEN.search(out)
    assert "&#27;" not in out and "&#x1b;" not in out.lower()


def test_sanitize_too_long_falls_back_to_text():
    out = sanitize_html("<p>" + "x " * 5000 + "</p>", max_len=2000)
    assert len(out) <= 2000 and out.startswith("<p>x x")


# --- properties --------------------------------------------------------------------------------

_html_bits = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<a href='javascript:x'>",
        "<a href='http://a.b/'>",
        "</a>",
        "<script>",
        "</script>",
        "<br>",
        "<li>",
        "<ul>",
        "<pre>",
        "</pre>",
        "<blockquote>",
        "&amp;",
        "&#27;",
        "&#0;",
        "&#x202e;",
        "<h1>",
        "</h1>",
        "<img alt='x'>",
        "<",
        ">",
        "\x1b",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<?xml ?>",
        "<td>",
        "<tr>",
        "\r\n",
    ]
)
_markup = st.lists(st.one_of(_html_bits, st.text(max_size=20)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=400), _markup))
def test_html_to_text_never_raises_and_is_clean(value: str):
    text = html_to_text(value, base_url=BASE)
    assert isinstance(text, str)
    assert not FORBIDDEN.search(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=400), _markup))
def test_sanitize_never_raises_and_is_safe(value: str):
    out = sanitize_html(value, base_url=BASE)
    assert isinstance(out, str)
    assert not FORBIDDEN.search(out)
    lowered = out.lower()
    assert "<script" not in lowered and "javascript:" not in lowered
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_garbage_bytes_as_str(data: bytes):
    value = data.decode("latin-1")
    assert not FORBIDDEN.search(html_to_text(value))
    assert not FORBIDDEN.search(sanitize_html(value))


# --- links as references, tables, images -----------------------------------------------------


def test_links_are_numbered_by_first_appearance_and_listed_at_the_end():
    html = ('<p><a href="/a">one</a>, <a href="https://x.test/b">two</a> and '
            '<a href="/a?utm_source=tw">one again</a>.</p><p><a href="#top">top</a> '
            f'<a href="{BASE}#c">here</a> <a href="/a">again</a></p>')
    rendered = render_html(html, base_url=BASE)
    assert rendered.body == "one[1], two[2] and one again[1].\n\ntop here again[1]"
    assert rendered.links == (Link(1, "one", "https://news.example/a"),
                              Link(2, "two", "https://x.test/b"))
    assert rendered.text.endswith("\n\n[1]: https://news.example/a\n[2]: https://x.test/b")


def test_links_without_a_page_are_just_text():
    """Titles and text for the tagger have no base URL: no markers, no list."""
    assert html_to_text('<a href="https://x.test/a">Title</a>') == "Title"
    assert html_to_text('<p><a href="https://x.test/a">A</a></p>', base_url=BASE,
                        references=False) == "A"


def test_reference_count_is_capped():
    html = "".join(f'<a href="https://x.test/{n}">l{n}</a> ' for n in range(MAX_LINKS + 5))
    rendered = render_html(html, base_url=BASE)
    assert len(rendered.links) == MAX_LINKS
    assert f"l{MAX_LINKS + 1} " in rendered.body + " "


@pytest.mark.parametrize(("url", "shown"), [
    ("https://x.test/a?utm_source=tw&utm_medium=social&id=3", "https://x.test/a?id=3"),
    ("https://x.test/a?fbclid=IwAR3&gclid=Cj0&spm=a2c4g.1", "https://x.test/a"),
    ("https://x.test/a.html?spm=1.2&page=2#frag", "https://x.test/a.html?page=2#frag"),
    ("https://x.test/a?q=utm_source", "https://x.test/a?q=utm_source"),
    ("https://x.test/a", "https://x.test/a"),
])
def test_tracking_parameters_are_stripped(url: str, shown: str):
    assert strip_tracking(url) == shown


@given(st.lists(st.tuples(
    st.sampled_from(["utm_source", "utm_campaign", "fbclid", "gclid", "spm", "id", "page", "q"]),
    st.text(alphabet="abc123", min_size=0, max_size=5)), max_size=8))
def test_strip_tracking_keeps_every_other_parameter_in_order(params):
    url = "https://x.test/p?" + "&".join(f"{k}={v}" for k, v in params)
    query = parse_qsl(urlsplit(strip_tracking(url)).query, keep_blank_values=True)
    assert query == [(k, v) for k, v in params if k in ("id", "page", "q")]


def test_layout_tables_are_not_markdown_tables():
    html = ("<table><tr><td><div><p>First paragraph of a page laid out in a table.</p></div>"
            "</td><td><ul><li>menu</li></ul></td></tr><tr><td>x</td><td>y</td></tr></table>")
    text = html_to_text(html)
    assert "|" not in text and "First paragraph" in text


def test_table_cells_are_escaped_and_rows_padded():
    html = "<table><tr><th>a|b</th><th>c</th></tr><tr><td>1</td></tr></table>"
    assert html_to_text(html) == "| a\\|b | c |\n| --- | --- |\n| 1 |  |"


@pytest.mark.parametrize(("html", "expected"), [
    ('<img alt="A miner at work in Sichuan">', "[image: A miner at work in Sichuan]"),
    ('<img alt="photo">', ""),
    ('<img alt="IMG_2041.jpg">', ""),
    ('<img alt="图片">', ""),
    ('<a href="/"><img alt="Example News logo"></a>', ""),
    ('<figure><img alt="Traders in Central"><figcaption>Traders in Central.</figcaption>'
     "</figure>", "Traders in Central."),
])
def test_images_only_where_the_alt_says_something(html: str, expected: str):
    assert html_to_text(html) == expected


def test_sanitiser_and_writer_share_the_public_tree_helpers():
    """clean.py uses tui.html.tree, not the writer's private names (one home for the rules)."""
    import ast
    from pathlib import Path

    import tui.html.clean as clean

    tree = ast.parse(Path(clean.__file__).read_text("utf-8"))
    private = [alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
               for alias in node.names if alias.name.startswith("_")]
    assert private == []


def test_feed_summaries_get_references_and_titles_do_not():
    from tests.conftest import rss
    from tui.feeds.parse import parse_feed

    body = rss([{
        "guid": "g1", "title": "SFC licenses two exchanges", "link": "https://example.test/a",
        "description": '<p>The <a href="/list?utm_source=rss">SFC list</a> grew to eleven.</p>',
    }])
    article = parse_feed(body, {"content-type": "application/rss+xml"},
                         "https://example.test/feed").articles[0]
    assert article.summary == (
        "The SFC list[1] grew to eleven.\n\n[1]: https://example.test/list")
    assert article.title == "SFC licenses two exchanges"
