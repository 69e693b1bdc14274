"""Latin proper names the gazetteer does not know (Velora, PantherTrade, AETH): keys of kind n.

Chinese reports keep such names in Latin letters, so a capitalised token is a bridge between
languages. A run of capitalised words the gazetteer knows as an alias is its entity already,
and a capital that opens a sentence may be grammar: those are set apart (kind o).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

# A capital first, so the regex engine skips to capitals fast; the letter before is checked
# by hand (a lookbehind first would be tried at every character).
_NAME = re.compile(r"[A-Z][A-Za-z0-9]*(?:[.\-][A-Za-z0-9]+)*(?![A-Za-z0-9])")
_STOP_WORDS = (
    """a an the and or but of in on at to for from by with as is are was were be been it its
    this that these those after before over under into about up down out new more most first
    second third last next why how what when who where which while than then there here says
    said say will would can could may might should must not no yes all any some one two three
    four five six seven eight nine ten his her their our we you they he she i us uk eu
    analysts analyst report reports according data on-chain chain crypto cryptocurrency
    exchange exchanges token tokens stablecoin stablecoins bank banks market markets price
    investors investor company firm group fund funds monday tuesday wednesday thursday friday
    saturday sunday january february march april may june july august september october
    november december q1 q2 q3 q4 ceo cto coo cfo ipo etf etfs spot hack hacks exploit
    inc ltd limited co corp chinese hong kong utc gmt defi web3 nft nfts"""
)
_NAME_STOP = frozenset(_STOP_WORDS.split())
_OPENING = " \t\"'“‘(（["  # may stand between a sentence's end and its first word
_SENTENCE_END = "\n.!?。！？:：;；"
_CONNECTOR = re.compile(r"(?:['’]s)?\s+(?:(?:and|of|the|for|&)\s+)*")


_MEMO: dict[Callable[[str], str], Callable[[str], str]] = {}


@lru_cache(maxsize=1)
def _gazetteer_canonical() -> Callable[[str], str]:
    """The built-in gazetteer's alias → canonical name, as ``Tagger.canonical`` reads it.

    Grouping in the engine's process needs only this table, not a whole Tagger (its
    automaton costs twice as long to build, once per process).
    """
    try:
        from tui.tagging.gazetteer import builtin_gazetteer
        from tui.tagging.normalize import nfkc, to_simplified
    except ImportError:  # the tagger moved them: ask a whole tagger
        from tui.tagging import default_tagger

        return default_tagger().canonical
    index: dict[str, str] = {}
    for entry in builtin_gazetteer().entries:
        if entry.type == "SOURCE":
            continue
        index.setdefault(entry.name.casefold(), entry.name)
        for alias in entry.aliases:
            index.setdefault(nfkc(to_simplified(alias.surface)).casefold(), entry.name)

    def canonical(name: str) -> str:
        return index.get(nfkc(to_simplified(name)).casefold(), name)

    return canonical


def _memoised(canonical: Callable[[str], str] | None) -> Callable[[str], str]:
    """``canonical`` with a cache: the same names recur in every report about them."""
    if canonical is None:
        canonical = _gazetteer_canonical()
    cached = _MEMO.get(canonical)
    if cached is None:
        if len(_MEMO) > 8:
            _MEMO.clear()
        cached = _MEMO[canonical] = lru_cache(maxsize=65536)(canonical)
    return cached


def _name_tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, token) of capitalised Latin tokens not inside a longer word."""
    tokens = []
    pos = 0
    search = _NAME.search
    while (m := search(text, pos)) is not None:
        start = m.start()
        before = text[start - 1] if start else ""
        if before.isascii() and before.isalnum():
            pos = start + 1  # inside a word ('eBay', 'aB.Cd'): look again one further on
            continue
        tokens.append((start, m.end(), m.group()))
        pos = m.end()
    return tokens


def name_keys(text: str, known: set[str], canonical: Callable[[str], str] | None = None
              ) -> set[str]:
    """Capitalised Latin tokens that are not common words nor part of a known name.

    A run of capitalised words that the gazetteer knows as an alias ("Securities and Futures
    Commission" is the SFC) is already counted as its entity, so its words are left out.
    """
    canonical = _memoised(canonical)
    tokens = _name_tokens(text)
    skip: set[int] = set()
    run: list[int] = []

    def close_run() -> None:
        for i in range(len(run)):
            for j in range(len(run), i, -1):
                span = text[tokens[run[i]][0] : tokens[run[j - 1]][1]]
                if canonical(span) != span:
                    skip.update(run[i:j])
                    break
        run.clear()

    for index, (start, _, _) in enumerate(tokens):
        if run:
            gap = text[tokens[run[-1]][1] : start]
            if not _CONNECTOR.fullmatch(gap):
                close_run()
        run.append(index)
        if len(run) >= 6:
            close_run()
    close_run()
    found = set()
    openers: set[str] = set()
    title_end = text.find("\n")
    for index, (start, _, word) in enumerate(tokens):
        token = word.casefold()
        if index in skip or len(token) < 3 or token in _NAME_STOP or token in known:
            continue
        if token.isdigit():
            continue
        if 0 <= title_end < start and _opens_sentence(text, start):
            openers.add(token)
            continue
        found.add(f"n:{token}")
    # 'Residents of Futian…': a capital that opens a sentence may be grammar, not a name.
    # It is no evidence that two reports share a name, but the report may name it (how
    # much a report names is what a shared name is weighed against).
    return found | {f"o:{t}" for t in openers if f"n:{t}" not in found}


def _opens_sentence(text: str, start: int) -> bool:
    """The word at ``start`` is a sentence's first (the title is read apart: headlines
    open with names). The same word capitalised mid-sentence elsewhere still counts."""
    i = start - 1
    while i >= 0 and text[i] in _OPENING:
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END
