"""Making untrusted text safe to store and show.

Feed titles, bodies, article pages, URLs and OPML come from strangers. Everything passes
through here before it is stored or displayed: control characters (ESC, C1, NUL, bidi
overrides) are removed so nothing can drive the terminal, lengths are capped, and HTML is
either cleaned (allow-list) or turned into plain readable text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from itertools import chain
from urllib.parse import urljoin, urlsplit

# C0 except TAB and LF, DEL, C1, and the bidi embedding/override/isolate controls
# (plus the implicit marks, which can also reorder what a reader sees).
_UNSAFE_CHARS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb"
)
_UNSAFE = re.compile(f"[{_UNSAFE_CHARS}]")
# Invisible characters that hide text or smuggle it past a reader's eye: Unicode tag
# characters (an invisible copy of ASCII), zero-width space, word joiner and the invisible
# operators, the Mongolian vowel separator, Hangul fillers (render as blank glyphs), soft
# hyphen, the deprecated format controls and the musical-notation format characters.
# ZWJ/ZWNJ stay: Persian, the Indic scripts and emoji sequences need them.
_INVISIBLE_CHARS = (
    "\u00ad\u115f\u1160\u17b4\u17b5\u180e\u200b\u2060-\u2064\u206a-\u206f\u3164"
    "\uffa0\U0001d173-\U0001d17a\U000e0000-\U000e007f"
)
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
MAX_MARKS = 4
"""Combining marks kept per base character: enough for Vietnamese, Hebrew cantillation
and Indic clusters; a "Zalgo" tower of hundreds is cut (it also slows every renderer)."""
_LINE_SEPARATOR_CHARS = "\r\u2028\u2029\x85"
_LINE_SEPARATORS = re.compile(f"[{_LINE_SEPARATOR_CHARS}]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")

TITLE_MAX = 500
SUMMARY_MAX = 4_000
TEXT_MAX = 200_000
URL_MAX = 2_000


def clean_text(value: object, max_len: int = TEXT_MAX) -> str:
    """Remove terminal-unsafe characters, normalise newlines, cap the length."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if len(text) > max_len * 4:
        text = text[: max_len * 4]
    if text.isascii():
        # The common case, checked in C: bytes.translate deletes the ASCII controls.
        raw = text.encode("ascii")
        if len(raw.translate(None, _ASCII_UNSAFE)) != len(raw):
            text = _UNSAFE.sub("", _LINE_SEPARATORS.sub("\n", text))
    elif _touched().search(text) or not unicodedata.is_normalized("NFC", text):
        # Something to remove, a mark, an astral character or text not yet NFC: the
        # whole treatment. Text with none of these is already what it would give.
        text = _LINE_SEPARATORS.sub("\n", text)
        text = _UNSAFE.sub("", text)
        text = _INVISIBLE.sub("", text)
        text = cap_marks(text)  # before NFC: its reordering is quadratic in a run
        # and after: NFC splits some single marks in two (U+0344 is U+0308 U+0301), and
        # a cut run may compose anew; a round or two settles it.
        for _ in range(3):
            if unicodedata.is_normalized("NFC", text):
                break
            text = cap_marks(unicodedata.normalize("NFC", text))
    if len(text) > max_len:
        text = text[: max_len - 1].rstrip() + "…"
    return text


_ASCII_UNSAFE = bytes(code for code in range(0x80)
                      if _UNSAFE.match(chr(code)) or _LINE_SEPARATORS.match(chr(code)))
"""What _LINE_SEPARATORS and _UNSAFE match among ASCII characters (CR included), read off
the two patterns so the rule has one home."""


@cache
def _mark_table() -> dict[int, str]:
    """Every combining mark → U+0300 (built once, on the first non-ASCII text)."""
    # Nothing combines below U+0300 or between the CJK planes and the variation selectors.
    return {
        code: "\u0300"
        for code in chain(range(0x300, 0x30000), range(0xE0100, 0xE01F0))
        if unicodedata.category(chr(code)) in ("Mn", "Me")
    }


def _bmp_class(codes: Iterable[int]) -> str:
    """A character class body for the code points below U+10000 among ``codes``, as ranges.

    Only the Basic Multilingual Plane: the regex engine looks a BMP class up in a table,
    while each astral range is tested one after another (hundreds of them cost 40× more).
    """
    ranges: list[list[int]] = []
    for code in sorted(c for c in codes if c < 0x10000):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(re.escape(chr(low)) + ("-" + re.escape(chr(high)) if high > low else "")
                   for low, high in ranges)


_ASTRAL = "\U00010000-\U0010ffff"


@cache
def _touched() -> re.Pattern[str]:
    """Any character clean_text could change: unsafe, invisible, a line separator, a mark, or
    anything astral (a few astral characters are marks or invisible; they take the long way)."""
    return re.compile(f"[{_UNSAFE_CHARS}{_INVISIBLE_CHARS}{_LINE_SEPARATOR_CHARS}"
                      f"{_bmp_class(_mark_table())}{_ASTRAL}]")


@cache
def _any_mark() -> re.Pattern[str]:
    """A BMP combining mark or an astral character (which may be one)."""
    return re.compile(f"[{_bmp_class(_mark_table())}{_ASTRAL}]")


_MARK_RUN = re.compile(f"\u0300{{{MAX_MARKS + 1},}}")


def cap_marks(text: str) -> str:
    """Keep at most MAX_MARKS combining marks in a row; linear time.

    The marks are first mapped one-to-one onto a single mark (positions are kept), so
    finding runs is one simple regex instead of a character class of thousands. Text with
    no mark at all (one scan of a BMP class, then a look at each astral character) is
    returned as it is, without the slower mapping.
    """
    table = _mark_table()
    if not any(ord(found.group()) in table for found in _any_mark().finditer(text)):
        return text
    runs = list(_MARK_RUN.finditer(text.translate(table)))
    if not runs:
        return text
    pieces: list[str] = []
    kept = 0
    for run in runs:
        pieces.append(text[kept:run.start() + MAX_MARKS])
        kept = run.end()
    pieces.append(text[kept:])
    return "".join(pieces)


def clean_line(value: object, max_len: int = TITLE_MAX) -> str:
    """Like :func:`clean_text`, but for one-line fields such as titles and names."""
    text = clean_text(value, max_len * 4)
    text = " ".join(text.split())
    if len(text) > max_len:
        text = text[: max_len - 1].rstrip() + "…"
    return text


def tidy_paragraphs(text: str) -> str:
    """Collapse runs of spaces and blank lines left over from markup."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def safe_url(value: object, base: str | None = None) -> str | None:
    """Return an absolute http(s) URL, or None if the value is not one we would open.

    Refuses other schemes (javascript:, file:, data:, smb: …), whitespace or control
    characters inside, a leading dash (option injection into a browser command) and
    anything longer than URL_MAX.
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > URL_MAX or url.startswith("-"):
        return None
    if _UNSAFE.search(url) or any(ch.isspace() for ch in url):
        return None
    if base:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a bad port such as http://[::1
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def cjk_ratio(text: str) -> float:
    """Share of letters that are CJK ideographs: a cheap language hint."""
    # Two C scans that delete runs (not a loop per character, nor a list of them)
    letters = _NON_LETTERS.sub("", text[:2000])
    return (len(letters) - len(_CJK_RUN.sub("", letters))) / len(letters) if letters else 0.0


CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0x3400, 0x4DBF),  # extension A
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0x20000, 0x2FA1F),  # the supplementary planes' extensions
    (0x3040, 0x30FF),  # kana, so Japanese is split and detected the same way
)
"""The one definition of "CJK" here: scripts written without spaces between words. The
search index spaces them, language guessing counts them, the taggers and the grouper
treat them as characters rather than words."""

CJK_CLASS = "".join(f"{chr(low)}-{chr(high)}" for low, high in CJK_RANGES)
"""The same ranges for a regular expression's character class: ``f"[{CJK_CLASS}]"``."""


_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_NON_LETTERS = re.compile(r"[\W\d_]+")
"""All but what str.isalpha() counts, near enough (letters; marks of a few scripts differ)."""


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in CJK_RANGES)


def guess_lang(text: str) -> str:
    return "zh" if cjk_ratio(text) > 0.3 else "en"
