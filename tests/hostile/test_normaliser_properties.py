"""Property tests: any entry feedparser could hand us (and many it could not) normalises to a
display-safe Article or None, never an exception; the sanitiser's output is safe HTML for any
mix of hostile fragments; any query text builds valid FTS against the real schema.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import plain_tagger
from tests.engine_helpers import save_articles
from tests.hostile.safety import article_problems, bad_chars, html_problems, is_http
from tui.feeds.parse import GUID_MAX, normalise_entry
from tui.html.clean import sanitize_html
from tui.html.writer import html_to_text
from tui.models import Article, Filter
from tui.store import Store
from tui.store.fts import build_query

BASE = "https://example.test/feed.xml"
HOSTILE = st.sampled_from([
    "\x1b]52;c;aGk=\x07", "\x1b[2J", "\x9b", "\u202e", "\u2066", "\x00", "\x7f", "\ufeff",
    "[@click=app.quit]x[/]", "[/", "<script>alert(1)</script>", "javascript:alert(1)",
    '<a href="javascript:x">', '<img src=x onerror=alert(1)>', "&#27;", "&#x9b;", "&#0;",
    "<div>" * 50, "比特币", "香港", "\r\n", "\u2028", "-oProxyCommand=x", "file:///etc/passwd",
    " ", "\t", "%", "&amp;", "<![CDATA[x]]>", "<!--", "<base href='https://evil.test/'>",
])
TEXT = st.one_of(st.text(max_size=200), st.lists(st.one_of(HOSTILE, st.text(max_size=10)),
                                                 max_size=12).map("".join))
ODD = st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.booleans(),
                st.binary(max_size=20), st.lists(st.integers(), max_size=3),
                st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2))
VALUE = st.one_of(TEXT, TEXT, TEXT, ODD)
DETAIL = st.one_of(st.none(), ODD, st.fixed_dictionaries({}, optional={
    "type": st.sampled_from(["text/plain", "text/html", "application/xhtml+xml", "", "x/y"]),
    "value": VALUE}))
STRUCT = st.one_of(
    st.none(), ODD,
    st.builds(lambda secs: time.gmtime(secs), st.integers(-10**10, 10**11)),
    st.tuples(*[st.integers(-10**6, 10**6)] * 9),
)
ENTRY = st.fixed_dictionaries({}, optional={
    "id": VALUE, "link": st.one_of(VALUE, st.sampled_from(
        ["javascript:alert(1)", "/relative", "http://例子.测试/", "https://ok.test/a b",
         "HTTPS://OK.TEST/", "data:x", "//cdn.test/x", "http://[::1"])),
    "title": VALUE, "title_detail": DETAIL, "summary": VALUE, "summary_detail": DETAIL,
    "content": st.one_of(ODD, st.lists(st.one_of(DETAIL, ODD), max_size=3)),
    "author": VALUE, "published": VALUE, "updated": VALUE,
    "published_parsed": STRUCT, "updated_parsed": STRUCT, "created_parsed": STRUCT,
    "tags": st.one_of(ODD, st.lists(st.one_of(ODD, st.fixed_dictionaries(
        {}, optional={"term": VALUE})), max_size=4)),
})


def assert_display_safe(article: Article) -> None:
    for name in ("title", "author", "summary", "content_text", "guid", "lang"):
        value = getattr(article, name)
        assert value is None or isinstance(value, str), name
        assert not bad_chars(value), (name, value)
    assert "\n" not in article.title and article.title
    assert is_http(article.url)
    assert html_problems(article.content_html) == []
    assert article.guid and len(article.guid) <= GUID_MAX
    for stamp in (article.published, article.updated):
        assert stamp is None or (isinstance(stamp, int) and stamp >= 631152000)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ENTRY, st.sampled_from([BASE, "", "http://例子.测试/f", "not a url"]))
@example({"link": "<div>" * 200}, BASE)  # a relative link that resolves past a key's length
def test_any_entry_normalises_to_a_safe_article_or_none(entry: dict, base: str) -> None:
    article = normalise_entry(entry, base_url=base)
    if article is None:
        return
    assert_display_safe(article)
    again = normalise_entry(entry, base_url=base)
    assert again is not None and again.guid == article.guid  # stable key across fetches


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(ENTRY, max_size=6))
def test_normalised_entries_store_and_read_back_safely(tmp_path_factory, entries) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("prop") / "p.db"
    with Store.open(path) as store:
        feed = store.add_feed(BASE)
        articles = [a for a in (normalise_entry(e, base_url=BASE) for e in entries) if a]
        save_articles(store, feed.id, articles, tagger=plain_tagger, now=1_790_000_000,
                            next_due=0)
        for row in store.list_articles(limit=100):
            detail = store.article(row.id)
            assert detail is not None and article_problems(detail) == []
        assert store.integrity_ok()


TAG = st.sampled_from(["a", "img", "p", "div", "script", "iframe", "svg", "math", "style",
                       "object", "embed", "base", "meta", "form", "input", "noscript",
                       "template", "table", "td", "b", "SCRIPT", "ScRiPt", "a\x00", "x:script"])
ATTR = st.sampled_from(["href", "src", "onclick", "onerror", "ONLOAD", "style", "srcset",
                        "xlink:href", "formaction", "action", "data", "background", "poster",
                        "on\x00click", "href\t"])
URLS = st.sampled_from(["javascript:alert(1)", "JaVaScRiPt:x", "jav&#x09;ascript:x",
                        "&#106;avascript:x", " javascript:x", "vbscript:x", "data:text/html,x",
                        "file:///etc/passwd", "https://ok.test/", "/rel", "//cdn.test/x",
                        "java\nscript:x", "\x01javascript:x", "https://ok.test/\x1b[2J"])


@st.composite
def hostile_html(draw) -> str:  # type: ignore[no-untyped-def]
    parts = []
    for _ in range(draw(st.integers(1, 8))):
        tag = draw(TAG)
        attrs = " ".join(f'{draw(ATTR)}="{draw(URLS)}"' for _ in range(draw(st.integers(0, 3))))
        inner = draw(st.one_of(TEXT, st.just("")))
        parts.append(f"<{tag} {attrs}>{inner}</{tag}>" if draw(st.booleans())
                     else f"<{tag} {attrs}>{inner}")
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(hostile_html())
def test_sanitised_html_never_keeps_script_handlers_or_bad_urls(html: str) -> None:
    out = sanitize_html(html, base_url=BASE)
    assert html_problems(out) == [], out
    assert not bad_chars(out)
    assert not bad_chars(html_to_text(html, base_url=BASE))


_STORE_PATH: list[Store] = []


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXT, st.text(alphabet='"*()-^:+ ANDORNEARnot比特币香港', max_size=30)))
def test_any_query_runs_against_the_real_schema(query: str) -> None:
    if not _STORE_PATH:
        import tempfile
        from pathlib import Path

        store = Store.open(Path(tempfile.mkdtemp()) / "fts.db")
        feed = store.add_feed(BASE)
        save_articles(store, feed.id, [Article(guid="1", title="香港 比特币 e-CNY NEAR AND")],
                            tagger=plain_tagger, now=1, next_due=0)
        _STORE_PATH.append(store)
    store = _STORE_PATH[0]
    built = build_query(query)
    assert built is None or built.strip()
    store.list_articles(Filter(search=query))
    assert store.search_is_valid(query)
