"""Headline keys: which of a report's entities and names its title itself carries.

A name in both headlines is what both reports are about; the same name deep in another
story's body (the central bank in a city's voucher story) is not. Aliases come from the
built-in gazetteer, folded as the tagger folds text (traditional → simplified, NFKC, case),
so 金管會 in a title finds the FSC (Taiwan).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=1)
def _gazetteer_aliases() -> dict[str, tuple[str, ...]]:
    """Canonical name (case-folded) → its aliases, normalised as :func:`_fold` folds a title."""
    try:
        from tui.tagging.gazetteer import builtin_gazetteer
    except ImportError:  # the tagger moved it: a headline is found by its canonical name
        return {}
    table: dict[str, set[str]] = {}
    for entry in builtin_gazetteer().entries:
        if entry.type != "SOURCE":
            forms = table.setdefault(entry.name.casefold(), {_fold(entry.name)})
            forms.update(_fold(alias.surface) for alias in entry.aliases)
    return {name: tuple(f for f in forms if f) for name, forms in table.items()}


def _fold(text: str) -> str:
    try:
        from tui.tagging.normalize import nfkc, to_simplified
    except ImportError:
        return text.casefold()
    return nfkc(to_simplified(text)).casefold()


def headline_keys(title: str, keys: Iterable[str]) -> set[str]:
    """``^`` + each entity or name key the title itself carries: what the report is about.

    A name in both headlines is both reports' subject; the same name deep in another
    story's body (the central bank in a city's voucher story) is not.
    """
    folded = _fold(title)
    if not folded:
        return set()
    aliases = _gazetteer_aliases()
    found = set()
    for key in keys:
        kind, name = key[0], key[2:]
        if kind == "n":
            hit = name in folded
        elif kind == "e":
            hit = any(form in folded for form in aliases.get(name, (name,)))
        else:
            continue
        if hit:
            found.add("^" + key)
    return found
