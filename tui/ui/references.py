"""Numbered link references at the end of a story's text (no Textual).

Full text from extraction carries links as ``text[3]`` in the body and a reference list
at the end, one per line: ``[3]: https://…`` or ``[3] https://…`` (optionally with a
title after the URL, optionally under a "Links"/"References" heading). The reader shows
that list dimmed and the link picker offers it; anything that does not look like a
trailing reference list is left in the body untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_REF = re.compile(r"^\s{0,3}\[(\d{1,4})\]:?[ \t]+<?(\S+?)>?(?:[ \t]+[\"'(](.{0,300})[\"')])?\s*$")
_HEADING = re.compile(r"^\s{0,3}(?:#{1,6}\s*)?(?:links|references|sources|链接|参考)\s*:?\s*$",
                      re.IGNORECASE)


@dataclass(frozen=True)
class Reference:
    """``[number]: url`` from the end of a story, with its optional title."""

    number: int
    url: str
    title: str = ""


def split_references(text: str) -> tuple[str, list[Reference]]:
    """The body without its trailing reference list, and that list (in number order).

    Scans up from the end over reference lines and blank lines; the first other line ends
    the list (a heading such as "Links" just above it goes with it).
    """
    lines = text.split("\n")
    end = len(lines)
    refs: list[Reference] = []
    cut = end
    for i in range(end - 1, -1, -1):
        line = lines[i]
        if not line.strip():
            continue
        found = _REF.match(line)
        if not found:
            break
        refs.append(Reference(int(found.group(1)), found.group(2), (found.group(3) or "").strip()))
        cut = i
    if not refs:
        return text, []
    above = cut - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    if above >= 0 and _HEADING.match(lines[above]):
        cut = above
    seen: dict[int, Reference] = {}
    for ref in reversed(refs):  # the first line for a number wins
        seen.setdefault(ref.number, ref)
    return "\n".join(lines[:cut]).rstrip(), sorted(seen.values(), key=lambda r: r.number)
