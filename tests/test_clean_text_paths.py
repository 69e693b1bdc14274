"""clean_text's (and cjk_ratio's) fast paths give what the plain algorithm gives.

The fast paths (ASCII checked in C, text with nothing to change returned as it is) skip
work only when the result cannot differ; this compares them with the plain algorithm on
text built from the characters each rule is about.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.text import CJK_RANGES, _mark_table, cjk_ratio, clean_text

_EDGES = [
    "a", " ", "\n", "\r", "\r\n", "\x85", "\u2028", "\x1b", "\x00", "\x7f", "\x9b", "\u200b",
    "\u200e", "\u202e", "\ufeff", "\u00ad", "\u0301", "\u0344", "\u0308", "\u20dd", "é", "比",
    "，", "\u3000", "\U0001f600", "\U0001d173", "\U000e0041", "\U0001d165", "\U000e0100",
    "\u1100", "\u1161", "\uac00", "\u0915", "\u093f", "\u064b",
]


def _reference(text: str, max_len: int) -> str:
    """The treatment spelled out, with no shortcut."""
    text = text[: max_len * 4]
    text = re.sub("[\r\u2028\u2029\x85]", "\n", text)
    text = re.sub("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                  "\ufeff\ufff9-\ufffb]", "", text)
    text = re.sub("[\u00ad\u115f\u1160\u17b4\u17b5\u180e\u200b\u2060-\u2064\u206a-\u206f"
                  "\u3164\uffa0\U0001d173-\U0001d17a\U000e0000-\U000e007f]", "", text)

    def cap(value: str) -> str:  # runs of more than four marks cut to four
        out, kept = [], 0
        for run in re.finditer("\u0300{5,}", value.translate(_mark_table())):
            out.append(value[kept:run.start() + 4])
            kept = run.end()
        return "".join(out) + value[kept:]

    text = cap(text)
    for _ in range(3):
        normal = unicodedata.normalize("NFC", text)
        if normal == text:
            break
        text = cap(normal)
    if len(text) > max_len:
        text = text[: max_len - 1].rstrip() + "…"
    return text


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_EDGES) | st.characters(), max_size=40),
       st.sampled_from([3, 8, 1000]))
def test_fast_paths_match_the_whole_treatment(pieces: list[str], max_len: int) -> None:
    text = "".join(pieces)
    assert clean_text(text, max_len) == _reference(text, max_len)


def test_each_code_point_alone_and_in_a_run() -> None:
    """Every BMP code point, every astral mark and invisible, and a sample of the rest."""
    astral = [code for code in _mark_table() if code > 0xFFFF]
    astral += [*range(0x1D173, 0x1D17B), *range(0xE0000, 0xE0080), *range(0x10000, 0x110000, 97)]
    for code in [*range(0x10000), *astral]:
        char = chr(code)
        for text in (char, "e" + char * 6):
            assert clean_text(text) == _reference(text, 200_000), hex(code)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["a", " ", "1", "_", "比", "ア", "・", "\u3099", "\U00020000",
                                 "é", "\u0301", "，", "ㄱ"]) | st.characters(), max_size=60))
def test_cjk_ratio_counts_letters_one_by_one(pieces: list[str]) -> None:
    text = "".join(pieces)
    letters = [c for c in text[:2000] if re.match(r"[^\W\d_]", c)]
    cjk = [c for c in letters if any(low <= ord(c) <= high for low, high in CJK_RANGES)]
    assert cjk_ratio(text) == (len(cjk) / len(letters) if letters else 0.0)
