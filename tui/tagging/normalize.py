"""Text preparation for matching: cheap HTML stripping, NFKC, Traditional→simplified folding.

Every step keeps character offsets aligned between the three views the matcher uses:
``shown`` (NFKC text, used for evidence terms and names), ``simp`` (folded to simplified
Chinese, one character for one) and ``low`` (``simp`` lower-cased, same length). That lets a
hit found in ``low`` be sliced out of ``shown`` exactly as the article wrote it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from importlib.resources import files

from tui.text import CJK_CLASS

# Block-level tags become a space so words on either side stay apart; inline tags vanish so
# "<b>Bit</b>main" still reads "Bitmain".
_DROP_BLOCKS = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.I | re.S)
_INLINE_TAG = re.compile(
    r"</?(?:a|b|i|u|em|strong|span|font|small|sup|sub|mark|abbr|code)\b[^>]*>", re.I
)
_ANY_TAG = re.compile(r"<[^>]{0,2000}>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)

# Latin word characters for boundary checks. CJK characters are *not* word characters here:
# "OKX宣布" has a boundary after OKX, and Chinese is matched without segmentation.
WORD_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    + "".join(chr(c) for c in range(0xC0, 0x250) if chr(c).isalpha())
)

BODY_CAP = 30_000  # characters of body text considered; long pages add little but cost time


def strip_html(text: str) -> str:
    """Plain text from a fragment that may contain HTML; plain text passes through untouched."""
    if "<" in text and ">" in text:
        text = _COMMENT.sub(" ", text)
        text = _DROP_BLOCKS.sub(" ", text)
        text = _INLINE_TAG.sub("", text)
        text = _ANY_TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text


# The full-width punctuation of everyday Chinese text, folded as NFKC would fold it.
_FULLWIDTH_PUNCT = tuple(
    (chr(c), chr(c - 0xFEE0))
    for c in (0xFF0C, 0xFF1A, 0xFF08, 0xFF09, 0xFF01, 0xFF1F, 0xFF1B, 0xFF05)
)


def nfkc(text: str) -> str:
    """NFKC: full-width letters, digits, ＄ and punctuation become ASCII.

    Chinese text is full of full-width punctuation (，：（）), which NFKC maps to ASCII; that part
    is done cheaply first, and the (costly) full normalisation runs only if still needed.
    """
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text  # the quick check is ~1000x cheaper than normalising
    for wide, narrow in _FULLWIDTH_PUNCT:
        if wide in text:
            text = text.replace(wide, narrow)
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=1)
def t2s_table() -> dict[int, str]:
    """Traditional → simplified character table from ``data/t2s.tsv``."""
    table: dict[int, str] = {}
    raw = files("tui.tagging").joinpath("data/t2s.tsv").read_text(encoding="utf-8")
    for line in raw.splitlines():
        if not line or line.startswith("#"):
            continue
        trad, simp = line.split("\t")
        if len(trad) == 1 and len(simp) == 1 and trad != simp:
            table[ord(trad)] = simp
    return table


@lru_cache(maxsize=1)
def _trad_re() -> re.Pattern[str]:
    chars = "".join(chr(c) for c in t2s_table())
    return re.compile("[" + re.escape(chars) + "]")


def to_simplified(text: str) -> str:
    """Fold Traditional characters to simplified, one for one (offsets are kept)."""
    if text.isascii() or _trad_re().search(text) is None:
        return text
    return text.translate(t2s_table())


def traditional_share(text: str) -> float:
    """Share of CJK characters that are Traditional-only: a hint that the source is HK/TW/MO."""
    cjk = len(_CJK.findall(text))
    if not cjk:
        return 0.0
    return len(_trad_re().findall(text)) / cjk


_CJK = re.compile(f"[{CJK_CLASS}]")


def has_cjk(text: str) -> bool:
    return not text.isascii() and _CJK.search(text) is not None


def lower_aligned(text: str) -> str:
    """``text.lower()`` with the same length (a few characters such as 'İ' grow when lowered)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


def fold_key(term: str) -> str:
    """How a gazetteer or topic term is stored in the automaton: NFKC, simplified, lower-case."""
    return lower_aligned(to_simplified(nfkc(term)))


def fold_exact(term: str) -> str:
    """A case-sensitive term: NFKC and simplified, case kept."""
    return to_simplified(nfkc(term))
