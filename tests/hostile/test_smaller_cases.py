"""Issue 10's smaller cases (invisible characters, stacked combining marks, header limits)
and issue 17 item 1 (the date normaliser takes only what it understands, on every Python).
"""

from __future__ import annotations

import re
import socket
import time
import unicodedata

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.conftest_http import RawServer
from tui.config import Settings
from tui.feeds.fetch import fetch, fetch_page
from tui.feeds.parse import _timestamp, normalise_entry, parse_feed
from tui.text import MAX_MARKS, clean_line, clean_text

INVISIBLE = ["\u200b", "\u2060", "\u180e", "\u3164", "\u115f", "\u1160", "\uffa0", "\u00ad",
             "\u2061", "\u2062", "\u2063", "\u2064", "\u206a", "\u206f", "\U0001d173"] + \
    [chr(c) for c in range(0xE0000, 0xE0080)]
MARKS = [chr(c) for c in range(0x300, 0x370)] + ["\u0489", "\u05b0", "\u0651", "\u093c",
                                                 "\u20d0", "\u1dc0", "\ufe20"]


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me")


def _longest_mark_run(text: str) -> int:
    longest = run = 0
    for ch in text:
        run = run + 1 if _is_mark(ch) else 0
        longest = max(longest, run)
    return longest


HOSTILE_TEXT = st.lists(
    st.one_of(st.sampled_from(INVISIBLE), st.sampled_from(MARKS), st.characters(),
              st.sampled_from(["a", "Z", "中", " ", "e\u0301"])),
    max_size=300,
).map("".join)


@hsettings(max_examples=300)
@given(HOSTILE_TEXT)
def test_display_text_has_no_invisible_characters_and_short_mark_runs(text: str) -> None:
    for clean in (clean_text(text), clean_line(text)):
        assert not any(ch in clean for ch in INVISIBLE)
        assert _longest_mark_run(clean) <= MAX_MARKS
        assert clean_text(clean) == clean  # idempotent


def test_tag_characters_hide_no_text_and_real_scripts_survive() -> None:
    smuggled = "Buy now" + "".join(chr(0xE0000 + ord(c)) for c in "ignore all rules")
    assert clean_line(smuggled) == "Buy now"
    kept = "Tiếng Việt ễ שָׁלוֹם नमस्ते 👨\u200d👩\u200d👧 فارسی\u200cها"
    assert clean_line(kept) == unicodedata.normalize("NFC", kept)


def test_a_tower_of_combining_marks_is_cut_and_fast() -> None:
    for count in (498, 100_000):
        tower = "Z" + "".join(MARKS[i % len(MARKS)] for i in range(count)) + " bitcoin"
        started = time.monotonic()
        clean = clean_line(tower, 500)
        assert time.monotonic() - started < 0.5
        assert clean.startswith("Z")
        assert clean.endswith(" bitcoin") or count > 2000  # long input is cut before cleaning
        assert _longest_mark_run(clean) <= MAX_MARKS
    body = ("<rss version='2.0'><channel><title>t</title><item><guid>1</guid><title>"
            + "Z" + "\u0301\u0316" * 249 + " China</title><description>"
            + ("y" + "\u0300" * 498) * 20 + "</description></item></channel></rss>").encode()
    started = time.monotonic()
    [article] = parse_feed(body, {}, "http://feed.test/").articles
    assert time.monotonic() - started < 2
    assert _longest_mark_run(article.title) <= MAX_MARKS
    assert _longest_mark_run(article.summary) <= MAX_MARKS


# --- header limits ------------------------------------------------------------------------


def _serve(head: bytes) -> RawServer:
    def handle(conn: socket.socket, request: bytes) -> None:
        conn.sendall(head + b"Content-Length: 2\r\n\r\nok")
    return RawServer(handle)


def test_too_many_or_too_long_headers_say_what_was_wrong() -> None:
    settings = Settings().with_changes(deadline=5.0)
    many = b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-H%d: v\r\n" % n for n in range(200))
    long_line = b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 100_000 + b"\r\n"
    long_status = b"HTTP/1.1 200 " + b"O" * 70_000 + b"\r\n"
    cases = [(many, "too many response headers"), (long_line, "over-long header line"),
             (long_status, "over-long status line")]
    for head, expected in cases:
        server = _serve(head)
        try:
            for result in (fetch(server.url("/f"), settings=settings),
                           fetch_page(server.url("/p"), settings)):
                assert result.error is not None and expected in result.error, result.error
                assert "connection failed" not in result.error
        finally:
            server.close()


# --- issue 17: dates --------------------------------------------------------------------------

ODD_VALUES = st.one_of(
    st.none(), st.text(max_size=5), st.dictionaries(st.text(max_size=3), st.text(max_size=3)),
    st.lists(st.one_of(st.integers(), st.floats(), st.text(max_size=2), st.booleans(),
                       st.none()), max_size=12),
    st.tuples(*[st.integers(-10**12, 10**12)] * 9),
    st.tuples(*[st.integers(-10**12, 10**12)] * 8),
    st.integers(), st.floats(), st.binary(max_size=9),
)


@hsettings(max_examples=400)
@given(ODD_VALUES, st.sampled_from(["published", "updated", "created"]))
def test_anything_but_a_date_is_no_date_and_never_raises(value: object, name: str) -> None:
    entry = {"title": "t", "id": "1", f"{name}_parsed": value}
    stamp = _timestamp(entry, "published", "updated", "created")
    if stamp is not None:
        assert isinstance(value, tuple | list) and len(value) == 9
        assert all(type(n) is int for n in value)
    article = normalise_entry(entry, base_url="http://feed.test/")
    assert article is not None and article.title == "t"


@given(st.datetimes(timezones=st.none()).filter(lambda d: d.year >= 1990))
def test_real_dates_still_parse(when) -> None:  # type: ignore[no-untyped-def]
    import calendar

    struct = when.timetuple()
    expected = calendar.timegm(struct)
    assert _timestamp({"published_parsed": struct}, "published") == expected
    assert _timestamp({"published_parsed": tuple(struct)}, "published") == expected


def test_the_issue_17_value_is_no_date() -> None:
    assert _timestamp({"created_parsed": {"": ""}}, "created") is None
    assert re.fullmatch(r"\d+", str(_timestamp(
        {"created_parsed": (2024, 2, 29, 12, 0, 0, 3, 60, 0)}, "created")))
