"""Making untrusted text safe to store and show.

Feed titles, bodies, article pages, URLs and OPML come from strangers. Everything passes
through here before it is stored or displayed: control characters (ESC, C1, NUL, bidi
overrides) are removed so nothing can drive the terminal, lengths are capped, and HTML is
either cleaned (allow-list) or turned into plain readable text.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urljoin, urlsplit

# C0 except TAB and LF, DEL, C1, and the bidi embedding/override/isolate controls
# (plus the implicit marks, which can also reorder what a reader sees).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
_LINE_SEPARATORS = re.compile("[\r\u2028\u2029\x85]")
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
    text = _LINE_SEPARATORS.sub("\n", text)
    text = _UNSAFE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    if len(text) > max_len:
        text = text[: max_len - 1].rstrip() + "…"
    return text


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
    letters = 0
    cjk = 0
    for ch in text[:2000]:
        if ch.isalpha():
            letters += 1
            if is_cjk(ch):
                cjk += 1
    return cjk / letters if letters else 0.0


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
        or 0x3040 <= code <= 0x30FF  # kana, so Japanese is split the same way
    )


def guess_lang(text: str) -> str:
    return "zh" if cjk_ratio(text) > 0.3 else "en"
