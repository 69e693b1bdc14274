"""Bytes → text for pages and feeds: one home for reading a charset label.

Both the feed parser (which hands feedparser a corrected Content-Type) and the article
extractor (which decodes a page itself) read the header's ``charset=`` parameter and map a
label to a Python codec the same way, widening the labels pages use for a narrower charset
than they really are (WHATWG encoding standard: gb2312 and gbk are gb18030, latin-1 is cp1252).
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(
    rb"""<meta[^<>]{0,300}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.I
)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "iso8859-1": "cp1252", "ascii": "cp1252"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def charset_param(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header value, unquoted (None if absent)."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip("\"'"):
            return value.strip().strip("\"'")[:40]
    return None


def codec_name(label: str | None) -> str | None:
    """Python's canonical codec name for a charset label, or None if it names no codec."""
    if not label:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def page_codec(label: str | None) -> str:
    """The codec to decode an HTML page with: UTF-8 unless the label names a usable one."""
    name = codec_name(label)
    if name is None:
        return "utf-8"
    if name in ("utf-7", "utf-16", "utf-32") or name.startswith(("utf-16-", "utf-32-")):
        return "utf-8"  # never declared honestly on an HTML page without a BOM
    return _SUPERSETS.get(name, name)


def decode_html(body: bytes, content_type: str = "") -> str:
    """Bytes → text: BOM, then the header's charset, then <meta charset>, then UTF-8."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, errors="replace")
    charset = charset_param(content_type)
    if charset is None:
        match = _META_CHARSET.search(body[:4096])
        charset = match.group(1).decode("ascii") if match else None
    return body.decode(page_codec(charset), errors="replace")


__all__ = ["charset_param", "codec_name", "decode_html", "page_codec"]
