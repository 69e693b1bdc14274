"""The worker's fast paths read text exactly as the plain readings they replace: ASCII
patterns under re.ASCII, a day's digits found first, the signature without a shingle set."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.stories import amounts as am
from tui.stories.shingles import shingles, signature, text_signature

# ASCII text dense in what the patterns look for, the separators \x1c-\x1f included (Unicode
# \s matches them, ASCII \s does not).
ascii_text = st.lists(
    st.one_of(
        st.sampled_from(list("0123456789,.$_- \t\n\x0b\x0c\r\x1c\x1d\x1e\x1fabkmMBK")),
        st.sampled_from(["May ", "march", "SEPTEMBER", "rigs", "sites", " of ", " people",
                         "illegal mining ", "million", "US$", "bn", "2021", "3,400"]),
        st.characters(min_codepoint=0, max_codepoint=127),
    ),
    max_size=40,
).map("".join)
any_text = st.one_of(ascii_text, st.lists(
    st.one_of(st.characters(codec="utf-8"),
              st.sampled_from(list("0123456789 月日号台处人万亿美元ſİ\x1c")),
              st.sampled_from(["May ", "rigs", "11月10日", "１２", "٣"])),
    max_size=40).map("".join))


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, tuple[str | None, ...]]]:
    return [(m.start(), m.end(), m.groups()) for m in pattern.finditer(text)]


def _reference_dates(text: str) -> set[str]:
    """The plain reading: every space-led day, back to a month; every 月/日 pair."""
    found = set()
    for m in re.finditer(r"\s(\d{1,2})(?!\w)", text):
        start = m.start(1)
        month = am._MONTH_BEFORE.search(text, max(0, start - 40), start)
        number = am._MONTHS.get(month.group(1).lower()) if month else None
        if number is not None:
            found.add(f"d:{number:02d}-{int(m.group(1)):02d}")
    for m in re.finditer(r"(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]", text):
        found.add(f"d:{int(m.group('m')):02d}-{int(m.group('d')):02d}")
    return found


@settings(max_examples=400, deadline=None)
@given(ascii_text)
def test_ascii_patterns_match_as_the_unicode_ones(text: str) -> None:
    assert _spans(am._NUM_RE_ASCII, text) == _spans(am._NUM_RE, text)
    assert _spans(am._EN_COUNT_ASCII, text) == _spans(am._EN_COUNT, text)


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_dates_are_the_plain_reading(text: str) -> None:
    assert am.dates(text) == _reference_dates(text)


def test_a_separator_before_the_day_is_a_space_in_ascii_text_too() -> None:
    assert am.dates("on May\x1c5 and June 12") == {"d:05-05", "d:06-12"}
    assert am.dates("on May\x1c5 and June 12 币") == {"d:05-05", "d:06-12"}
    assert am.dates("May 123, May5, May 1a") == set()
    assert am.counts("seized 3,400\x1crigs") == {"machine:3400"}


@settings(max_examples=300, deadline=None)
@given(any_text, st.sampled_from([None, "en", "zh"]))
def test_text_signature_is_the_signature_of_the_shingles(text: str, lang: str | None) -> None:
    assert text_signature(text, lang) == signature(shingles(text, lang))


# Marks, jamo, full-width forms and other characters NFKC composes or reorders.
composing = st.lists(st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from([chr(c) for c in (*range(0x300, 0x370), *range(0x1100, 0x1170),
                                      *range(0xFF01, 0xFF5F), 0x3000, 0x11A8, 0xAC00, 0x0CD5,
                                      0x0B3E, 0x3099, 0x212B, 0xFB01, 0x1E9B)]),
), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(composing, composing)
def test_the_title_and_the_rest_normalise_apart(title: str, rest: str) -> None:
    """signals_from_parts normalises the title and what follows its newline apart."""
    whole = f"{title}\n{rest}"
    assert am.nfkc(title) + am.nfkc(whole[len(title):]) == am.nfkc(whole)
    assert am.nfkc(whole) == unicodedata.normalize("NFKC", whole)
