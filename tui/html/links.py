"""Links as numbered references: what a shown URL keeps, and the list printed after the text.

Body text carries ``text[3]``; the list at the end is Markdown reference definitions
(``[3]: https://…``), so printed Markdown renders each marker as a link and a reader can show
the list dimmed or offer a picker from :class:`Link` values. Shown URLs lose tracking
parameters (``utm_*``, ``fbclid``, ``gclid``, ``spm`` …): they identify the click, not the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MAX_LINKS = 500  # references kept per document; later links are shown as plain text
_TRACKING = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "igshid", "igsh", "mc_cid", "mc_eid", "spm", "scm", "_ga", "_gl", "_hsenc", "_hsmi",
    "mkt_tok", "vero_id", "vero_conv", "oly_anon_id", "oly_enc_id", "wt_mc", "wt.mc_id",
    "cmpid", "ncid", "ocid", "share_source", "share_medium", "from_source", "si",
})


@dataclass(frozen=True)
class Link:
    """One numbered reference: the marker's number, the linked text, the cleaned URL."""

    number: int
    text: str
    url: str


def strip_tracking(url: str) -> str:
    """The URL without tracking query parameters (``utm_*`` and the known click ids)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs
            if not k.lower().startswith(("utm_", "utm-")) and k.lower() not in _TRACKING]
    if len(kept) == len(pairs):
        return url
    return urlunsplit(parts._replace(query=urlencode(kept, doseq=True)))


def reference_list(links: list[Link] | tuple[Link, ...]) -> str:
    """Markdown reference definitions, one a line: ``[1]: https://…``."""
    return "\n".join(f"[{link.number}]: {link.url}" for link in links)


def with_references(body: str, links: list[Link] | tuple[Link, ...]) -> str:
    """The body followed by a blank line and its reference list (the body alone if none)."""
    if not links:
        return body
    return f"{body}\n\n{reference_list(links)}" if body else reference_list(links)


__all__ = ["MAX_LINKS", "Link", "reference_list", "strip_tracking", "with_references"]
