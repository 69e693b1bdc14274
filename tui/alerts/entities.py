"""A watch's entity names, written as the user knows them, mapped to the canonical names
the tagger stores: ``PBoC`` and ``中国人民银行`` both mean "People's Bank of China".

The article list filters on the canonical name (picked from the sidebar); a watch is typed
by hand, so without this ``entities = ["PBoC"]`` would silently match nothing. An alias
shared by several entities (证监会: CSRC, SEC, SFC) is left as written.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    from tui.tagging.gazetteer import builtin_gazetteer

    names: dict[str, set[str]] = {}
    for entry in builtin_gazetteer().entries:
        names.setdefault(entry.name.casefold(), set()).add(entry.name)
        for alias in entry.aliases:
            names.setdefault(alias.surface.casefold(), set()).add(entry.name)
    return {key: next(iter(found)) for key, found in names.items() if len(found) == 1}


def canonical_entity(name: str) -> str:
    """The gazetteer's name for ``name`` when exactly one entry knows it, else ``name``."""
    return _aliases().get(name.casefold(), name)
