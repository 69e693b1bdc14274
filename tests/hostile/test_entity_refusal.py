"""Issue 10, class 2: a DOCTYPE with an internal subset is refused wherever it stands and in
whatever encoding the document is written (checked on decoded text, not the first 64 KB of
bytes). Before: an entity declared after 70 KB of padding, or in a UTF-16 feed, got through.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tui.engine.worker import IsolatedMemoryError, IsolatedRunner
from tui.feeds.parse import ParseError, declares_entities, parse_feed

URL = "http://feed.test/rss"
# (codec used to write the bytes, BOM prefix, name for the XML declaration or None)
ENCODINGS = [
    ("utf-8", b"", "utf-8"), ("utf-8", b"\xef\xbb\xbf", "utf-8"), ("utf-8", b"", None),
    ("utf-16-le", b"\xff\xfe", "utf-16"), ("utf-16-be", b"\xfe\xff", "utf-16"),
    ("utf-16-le", b"", "utf-16"), ("utf-16-be", b"", "utf-16"), ("utf-16-le", b"", None),
    ("utf-32-le", b"\xff\xfe\x00\x00", "utf-32"), ("utf-32-be", b"\x00\x00\xfe\xff", "utf-32"),
    ("utf-32-le", b"", "utf-32"), ("utf-32-be", b"", "utf-32"),
    ("cp037", b"", "cp037"), ("gb18030", b"", "gb18030"), ("iso-8859-1", b"", "iso-8859-1"),
]
SUBSETS = [
    '<!DOCTYPE rss [<!ENTITY big "{ent}">]>',
    '<!doctype rss SYSTEM "x>[y" [<!ENTITY big "{ent}">]>',
    "<!DOCTYPE rss [\n  <!ENTITY % p \"{ent}\">\n]>",
    "<!DOCTYPE rss PUBLIC '-//x//EN' 'http://x/y.dtd' [ <!ATTLIST rss a CDATA #IMPLIED> ]>",
    '<!ENTITY big "{ent}">',  # a bare declaration, not even in a DOCTYPE
]
PADDINGS = ["<!--{}-->", "{}", "<?pad {}?>"]


def build(subset: str, offset: int, padding: str, codec: str, bom: bytes,
          declared: str | None, *, where: str = "prolog") -> bytes:
    decl = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    pad = padding.format("p" * offset) if padding != "{}" else " " * offset
    doctype = subset.format(ent="A" * 200)
    items = "<item><guid>1</guid><title>x &big;</title></item>"
    if where == "prolog":
        text = f"{decl}{pad}{doctype}<rss version='2.0'><channel><title>t</title>{items}"
    else:  # inside the document, after the padding (not well-formed, still refused)
        text = f"{decl}<rss version='2.0'><channel><title>t</title>{pad}{doctype}{items}"
    text += "</channel></rss>"
    return bom + text.encode(codec)


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    encoding=st.sampled_from(ENCODINGS),
    subset=st.sampled_from(SUBSETS),
    offset=st.one_of(st.integers(0, 300), st.integers(60_000, 90_000),
                     st.integers(100_000, 250_000)),
    padding=st.sampled_from(PADDINGS),
    where=st.sampled_from(["prolog", "inside"]),
    header=st.sampled_from(["application/xml", "application/rss+xml; charset={}", "text/xml"]),
)
def test_internal_subsets_are_refused_at_any_offset_in_any_encoding(
    encoding: tuple[str, bytes, str | None], subset: str, offset: int, padding: str,
    where: str, header: str,
) -> None:
    codec, bom, declared = encoding
    body = build(subset, offset, padding, codec, bom, declared, where=where)
    content_type = header.format(declared or codec)
    assert declares_entities(body, content_type)
    with pytest.raises(ParseError, match="declares XML entities"):
        parse_feed(body, {"content-type": content_type}, URL)


@pytest.mark.parametrize("encoding", ENCODINGS, ids=lambda e: f"{e[0]}{'-bom' if e[1] else ''}")
def test_the_same_feed_without_a_subset_is_read(encoding: tuple[str, bytes, str | None]) -> None:
    codec, bom, declared = encoding
    decl = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    text = (f"{decl}<!-- {'p' * 80_000} -->"
            "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" "
            "\"http://my.netscape.com/publish/formats/rss-0.91.dtd\">"
            "<rss version='0.91'><channel><title>t</title><item><guid>1</guid>"
            "<title>[x] &amp; y</title></item></channel></rss>")
    body = bom + text.encode(codec)
    content_type = f"application/xml; charset={declared or codec}"
    assert not declares_entities(body, content_type)
    undetectable = not bom and (codec.startswith("utf-32") or
                                (declared is None and codec.startswith("utf-16")))
    if codec == "cp037" or undetectable:
        return  # whether feedparser reads these is its business; we only must not refuse
    # No charset here: feedparser misreads big-endian UTF-16 served as "charset=utf-16"
    # (it is not refused by us, it is just unreadable; seen on main too).
    parsed = parse_feed(body, {"content-type": "application/xml"}, URL)
    assert [a.title for a in parsed.articles] == ["[x] & y"]


def test_the_check_is_cheap_on_a_large_clean_feed() -> None:
    item = "<item><guid>{n}</guid><title>Story {n}</title><description>" + "b" * 400 + \
        "</description></item>"
    body = ("<rss version='2.0'><channel><title>t</title>"
            + "".join(item.format(n=n) for n in range(20_000)) + "</channel></rss>").encode()
    assert len(body) > 8_000_000
    started = time.monotonic()
    for _ in range(3):
        assert not declares_entities(body, "application/rss+xml; charset=utf-8")
    assert (time.monotonic() - started) / 3 < 0.5


def test_the_issue_bomb_is_refused_fast_in_the_worker() -> None:
    # 10,000 references to a 50 KB entity declared after 70 KB of padding, UTF-8 and UTF-16.
    for codec, bom in (("utf-8", b""), ("utf-16-le", b"\xff\xfe")):
        doc = (f"<!--{'p' * 70_000}--><!DOCTYPE rss [<!ENTITY big \"{'A' * 50_000}\">]>"
               "<rss version='2.0'><channel><title>t</title><item><guid>1</guid><title>x"
               f"</title><description>{'&big;' * 10_000}</description></item></channel></rss>")
        body = bom + doc.encode(codec)
        with IsolatedRunner() as runner:
            started = time.monotonic()
            with pytest.raises(ParseError, match="declares XML entities"):
                runner.run(parse_feed, body, {}, URL, timeout=20)
            assert time.monotonic() - started < 5


def _grow(target_mb: int) -> int:
    """Allocate 32 MB at a time up to ``target_mb``; returns how far it got."""
    held = []
    for _ in range(target_mb // 32):
        held.append(bytearray(32 * 1024 * 1024))
    return len(held) * 32


def test_a_job_cannot_take_the_parse_worker_past_a_memory_bound() -> None:
    """Whatever a hostile input makes the parser do, the worker stays under its limit
    (the engine's default is 512 MB); the job fails, the next one runs."""
    bound_mb = 512
    with IsolatedRunner(memory_mb=bound_mb) as runner:
        with pytest.raises(IsolatedMemoryError):
            runner.run(_grow, bound_mb + 512, timeout=60)
        assert runner.run(_grow, 64, timeout=60) == 64
