"""Full-text search helpers: how text is indexed and how user queries become FTS5 syntax.

unicode61 keeps a run of Chinese characters as one token, so 香港 would only match if it
stood alone; a trigram index finds nothing for two-character terms. Instead every CJK
character is indexed as its own token and a Chinese query becomes a phrase of consecutive
characters: "香 港" matches exactly where 香港 appears, for terms of any length.

User input never reaches FTS5 syntax directly: every word becomes a quoted string, so
stray quotes, ``AND (``, ``NEAR(``, ``*`` or ``-x`` are searched for as text, not parsed.
"""

from __future__ import annotations

import re

from tui.text import CJK_CLASS, is_cjk

_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
# What unicode61 treats as token characters: letters, digits (and marks). Everything
# else separates tokens, so we split on it too.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
MAX_TERMS = 12


def index_text(text: str) -> str:
    """Text as stored in the FTS table: CJK characters separated by spaces."""
    if not text:
        return ""
    # One substitution per run of CJK characters, not per character: 3 KB of Chinese
    # takes ~0.1 ms instead of ~2 ms.
    return _CJK_RUN.sub(lambda run: " " + " ".join(run.group()) + " ", text)


def _pieces(chunk: str) -> list[str]:
    """Split a user word the way the tokenizer split the indexed text."""
    pieces: list[str] = []
    for word in _WORD.findall(chunk):
        run = ""
        for ch in word:
            if is_cjk(ch):
                if run:
                    pieces.append(run)
                    run = ""
                pieces.append(ch)
            else:
                run += ch
        if run:
            pieces.append(run)
    return pieces


def build_query(user_query: str, *, prefix_last: bool = True) -> str | None:
    """Turn what the user typed into a safe FTS5 MATCH expression (None if nothing to search).

    Words are ANDed. A word that the tokenizer splits (``e-CNY``, ``比特币``) becomes a
    phrase. ``"quoted words"`` are a phrase. With ``prefix_last`` the last Latin word is
    a prefix search, so results follow typing.
    """
    terms: list[tuple[list[str], bool]] = []
    for match in _TOKEN.finditer(user_query or ""):
        quoted, bare = match.group(1), match.group(2)
        pieces = _pieces(quoted if quoted is not None else bare)
        if pieces:
            terms.append((pieces, quoted is not None))
    if not terms:
        return None
    terms = terms[:MAX_TERMS]
    parts: list[str] = []
    for position, (pieces, quoted) in enumerate(terms):
        phrase = '"' + " ".join(p.replace('"', "") for p in pieces) + '"'
        is_last = position == len(terms) - 1
        if prefix_last and is_last and not quoted and not is_cjk(pieces[-1][-1]):
            phrase += "*"
        parts.append(phrase)
    return " ".join(parts)
