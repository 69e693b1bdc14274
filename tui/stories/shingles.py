"""Character shingles and a one-permutation MinHash: near-copies in any script, no segmentation.

Chinese has no spaces, so words are not the unit; overlapping character n-grams work in both
scripts. One-permutation hashing (each shingle's hash picks a bin, the bin keeps its minimum)
gives a MinHash signature in one pass, cheap enough for every article at ingest. Hashes are
crc32, stable across processes, because signatures and band keys are stored.
"""

from __future__ import annotations

import operator
import re
import zlib
from collections.abc import Callable, Iterable

from tui.stories.amounts import nfkc
from tui.text import CJK_CLASS

BINS = 32
# 4 bands of 4 bins (the first 16): a pair at Jaccard 0.7 shares a band with p ≈ 0.66, at 0.8
# ≈ 0.88, at 0.9 ≈ 0.99. Bands only find near-copies, which nearly always share entities or
# names too; each band is a stored key per report, and 8 of them were most of a short report's
# key writes and look-ups (issue 14). The bands keep the keys they had as 8 (b0..b3).
BANDS = 4
ROWS = 4
EMPTY = 0xFFFFFFFF
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


_CJK = re.compile(f"[{CJK_CLASS}]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_lang(text: str) -> str:
    """'zh' when CJK ideographs are at least a fifth of the letters, else 'en'.

    A Chinese report keeps Latin names (OKX, Tether, USDT); a fifth is enough to tell.
    """
    head = text[:2000]
    cjk = len(_CJK.findall(head))
    latin = len(_LATIN.findall(head))
    return "zh" if cjk and cjk * 5 >= cjk + latin else "en"


def _simplifier() -> Callable[[str], str]:
    """The tagger's traditional → simplified mapping, so 證監會 and 证监会 shingle alike."""
    try:
        from tui.tagging.normalize import to_simplified
    except ImportError:  # the tagger moved it: shingles still work, per script
        return lambda text: text
    return to_simplified


_TO_SIMPLIFIED = _simplifier()


def normalise(text: str) -> str:
    """NFKC, simplified, case-folded, punctuation and spaces removed ('U.S.' = 'US')."""
    return _DROP.sub("", _TO_SIMPLIFIED(nfkc(text)).casefold())


def shingles(text: str, lang: str | None = None) -> set[str]:
    """Character n-grams of the normalised text: 2-grams for Chinese, 4-grams otherwise."""
    flat = normalise(text)
    n = 2 if (lang or detect_lang(text)) == "zh" else 4
    if len(flat) <= n:
        return {flat} if flat else set()
    return {flat[i : i + n] for i in range(len(flat) - n + 1)}


def text_signature(text: str, lang: str | None = None) -> tuple[int, ...]:
    """``signature(shingles(text, lang))`` without building the set of shingles.

    A bin keeps a minimum, so a shingle met twice changes nothing: every n-gram is hashed
    where it stands, and ASCII text is encoded once and sliced as bytes (a shingle's UTF-8
    is its characters then) instead of one string and one encoding per shingle.
    """
    flat = normalise(text)
    n = 2 if (lang or detect_lang(text)) == "zh" else 4
    if len(flat) <= n:
        return signature({flat} if flat else set())
    starts, ends = range(len(flat) - n + 1), range(n, len(flat) + 1)
    if flat.isascii():
        grams: Iterable[bytes] = map(flat.encode().__getitem__, map(slice, starts, ends))
    else:
        grams = map(str.encode, map(flat.__getitem__, map(slice, starts, ends)))
    mins = [EMPTY] * BINS
    for h in map(zlib.crc32, grams):
        slot = h % BINS
        value = (h * 2654435761) & 0xFFFFFFFF
        if value < mins[slot]:
            mins[slot] = value
    return tuple(mins)


def signature(grams: set[str]) -> tuple[int, ...]:
    """One-permutation MinHash: BINS minima, EMPTY where no shingle fell in a bin."""
    mins = [EMPTY] * BINS
    for gram in grams:
        h = zlib.crc32(gram.encode("utf-8"))
        # crc32's low bits pick the bin; mix before taking the value so bins are independent.
        slot = h % BINS
        value = (h * 2654435761) & 0xFFFFFFFF
        if value < mins[slot]:
            mins[slot] = value
    return tuple(mins)


def empty_mask(sig: tuple[int, ...]) -> int:
    """Bit i set when bin i is empty."""
    if EMPTY not in sig:  # the common case, a scan in C
        return 0
    return sum(1 << i for i, value in enumerate(sig) if value == EMPTY)


def similarity(a: tuple[int, ...], b: tuple[int, ...], a_empty: int | None = None,
               b_empty: int | None = None) -> float:
    """Estimated Jaccard of the shingle sets: equal bins over bins filled in either.

    The empty masks may be passed in (cached per report): the rest runs in C.
    """
    both = (empty_mask(a) if a_empty is None else a_empty) & (
        empty_mask(b) if b_empty is None else b_empty)
    both_empty = both.bit_count()
    filled = len(a) - both_empty
    if not filled:
        return 0.0
    equal: int = sum(map(operator.eq, a, b))  # operator.eq is typed to return Any
    return (equal - both_empty) / filled


def band_keys(sig: tuple[int, ...]) -> list[str]:
    """LSH band keys: two signatures that agree on all bins of a band share its key.

    The first ``BANDS`` bands; the next ones only when those are all empty (a text of a few
    shingles), so every text with a shingle has a band and equal texts share all of theirs.
    """
    keys = _bands(sig, range(BANDS))
    return keys or _bands(sig, range(BANDS, len(sig) // ROWS))


def _bands(sig: tuple[int, ...], bands: Iterable[int]) -> list[str]:
    keys = []
    for band in bands:
        part = sig[band * ROWS : (band + 1) * ROWS]
        if all(v == EMPTY for v in part):
            continue
        digest = zlib.crc32(",".join(map(str, part)).encode()) & 0xFFFFFFFF
        keys.append(f"b{band}:{digest:08x}")
    return keys
