"""One Aho-Corasick automaton for every term: gazetteer aliases, blockers, topic terms, cues.

The text is scanned once, lower-cased; case-sensitive terms are checked against the exact
slice afterwards. Latin terms must sit on word boundaries ("China" not in "Chinalink", "Sun"
not in "Sunday"); Chinese terms need no segmentation. Within a layer the longest match wins
and shorter overlapping hits are dropped, so 比特大陆 does not also yield 大陆 and "People's
Bank of China" does not also yield "Bank of China" or "China". Blockers ("Shanghai upgrade",
"data mining") are just longer terms that win and yield nothing.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import ahocorasick

from tui.tagging.normalize import WORD_CHARS, fold_exact, fold_key

ENTITY, TOPIC, CUE = 0, 1, 2

Payload = tuple[str | None, Any]  # (exact surface for case-sensitive terms, data)


@dataclass(slots=True)
class Span:
    start: int
    end: int  # exclusive
    payloads: tuple[Payload, ...]


def _needs_boundary(ch: str) -> bool:
    return ch in WORD_CHARS


class Matcher:
    """Collects terms per layer, then builds the automaton once; :meth:`scan` is cheap."""

    def __init__(self) -> None:
        self._terms: dict[str, list[list[Payload]]] = {}
        self._auto: Any = None
        self._seen: set[tuple[str, int, Hashable]] = set()

    def add(self, term: str, layer: int, data: Any, case_sensitive: bool = False) -> None:
        key = fold_key(term)
        if not key.strip():
            return
        exact = fold_exact(term) if case_sensitive else None
        marker = (key, layer, (exact, repr(data)))
        if marker in self._seen:
            return
        self._seen.add(marker)
        slots = self._terms.setdefault(key, [[], [], []])
        slots[layer].append((exact, data))

    def build(self) -> None:
        auto = ahocorasick.Automaton()
        for key, slots in self._terms.items():
            value = (len(key), _needs_boundary(key[0]), _needs_boundary(key[-1]),
                     tuple(slots[0]), tuple(slots[1]), tuple(slots[2]))
            auto.add_word(key, value)
        auto.make_automaton()
        self._auto = auto

    def __len__(self) -> int:
        return len(self._terms)

    def scan(self, low: str, simp: str) -> tuple[list[Span], list[Span], list[Span]]:
        """Entity spans and topic spans (longest, non-overlapping), and every cue hit."""
        n = len(low)
        ents: list[Span] = []
        topics: list[Span] = []
        cues: list[Span] = []
        words = WORD_CHARS
        for last, (klen, lb, rb, ent, top, cue) in self._auto.iter(low):
            start = last - klen + 1
            end = last + 1
            if lb and start > 0 and low[start - 1] in words:
                continue
            if rb and end < n and low[end] in words:
                continue
            if ent:
                kept = _exact(ent, simp, start, end)
                if kept:
                    ents.append(Span(start, end, kept))
            if top:
                kept = _exact(top, simp, start, end)
                if kept:
                    topics.append(Span(start, end, kept))
            if cue:
                kept = _exact(cue, simp, start, end)
                if kept:
                    cues.append(Span(start, end, kept))
        return longest(ents, n), longest(topics, n), cues


def _exact(payloads: tuple[Payload, ...], simp: str, start: int, end: int) -> tuple[Payload, ...]:
    if all(p[0] is None for p in payloads):
        return payloads
    surface = simp[start:end]
    return tuple(p for p in payloads if p[0] is None or p[0] == surface)


def longest(spans: list[Span], n: int) -> list[Span]:
    """Longest first, then leftmost; drop any span overlapping one already kept."""
    if len(spans) < 2:
        return spans
    spans.sort(key=lambda s: (s.start - s.end, s.start))
    taken = bytearray(n)
    kept = []
    for span in spans:
        if taken.find(1, span.start, span.end) != -1:
            continue
        taken[span.start:span.end] = b"\x01" * (span.end - span.start)
        kept.append(span)
    kept.sort(key=lambda s: s.start)
    return kept
