"""Aho-Corasick automata for every term: gazetteer aliases, blockers, topic terms, cues.

Case-insensitive terms are matched on the lower-cased text, case-sensitive ones (short
acronyms such as SEC, SAFE, CZ) on the original-case text. Latin terms must sit on word
boundaries ("China" not in "Chinalink", "Sun" not in "Sunday"); Chinese terms need no
segmentation. Within a layer the longest match wins
and shorter overlapping hits are dropped, so 比特大陆 does not also yield 大陆 and "People's
Bank of China" does not also yield "Bank of China" or "China". Blockers ("Shanghai upgrade",
"data mining") are just longer terms that win and yield nothing.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Hashable
from typing import Any

import ahocorasick_rs

from tui.tagging.normalize import WORD_CHARS, fold_exact, fold_key

ENTITY, TOPIC, CUE = 0, 1, 2
_BY_END = operator.itemgetter(1, 0)  # spans by end, then the longest first
_START, _END = operator.itemgetter(0), operator.itemgetter(1)

Payload = tuple[str | None, Any]  # (surface for case-sensitive terms, else None; data)


Span = tuple[int, int, tuple[Payload, ...]]  # (start, end exclusive, payloads)


def _needs_boundary(ch: str) -> bool:
    return ch in WORD_CHARS


class Matcher:
    """Collects terms per layer, then builds the automata once; :meth:`scan` is cheap.

    Terms are split four ways. Case-insensitive terms are matched on the lower-cased text,
    case-sensitive ones ("US", "SEC", "ETH", "said") on the original-case text, so they do not
    fire inside "thus", "second" or "method" only to be rejected (each raw hit costs about a
    microsecond of Python). And terms starting with a non-ASCII character (Chinese) get their
    own automata, run only when the text contains one of their first characters, so English
    text is scanned by the ASCII-rooted automata only.

    The automata are ahocorasick_rs's (a Rust DFA: one call returns every overlapping match as
    character offsets). pyahocorasick, used before, looks a character up among a node's
    children one by one: with ~1,000 Chinese first characters at the root it spent 0.3 µs per
    character of Chinese text, most of the time of a Chinese article's scan.
    """

    def __init__(self) -> None:
        # (case_sensitive, ascii_first) -> key -> [entity, topic, cue] payload lists
        self._terms: dict[tuple[bool, bool], dict[str, list[list[Payload]]]] = {
            (cs, af): {} for cs in (False, True) for af in (True, False)
        }
        # (automaton, its values by pattern index, case_sensitive, trigger)
        self._automata: list[tuple[Any, list[Any], bool, re.Pattern[str] | None]] = []
        self._seen: set[tuple[str, int, Hashable]] = set()

    def add(self, term: str, layer: int, data: Any, case_sensitive: bool = False) -> None:
        key = fold_exact(term) if case_sensitive else fold_key(term)
        if not key.strip():
            return
        marker = (key, layer, (case_sensitive, repr(data)))
        if marker in self._seen:
            return
        self._seen.add(marker)
        group = self._terms[(case_sensitive, key[0].isascii())]
        slots = group.setdefault(key, [[], [], []])
        slots[layer].append((key if case_sensitive else None, data))

    def build(self) -> None:
        self._automata = []
        for (case_sensitive, ascii_first), terms in self._terms.items():
            if not terms:
                continue
            keys = list(terms)
            values = [
                (
                    len(key),
                    _needs_boundary(key[0]),
                    _needs_boundary(key[-1]),
                    tuple(slots[0]),
                    tuple(slots[1]),
                    tuple(slots[2]),
                )
                for key, slots in terms.items()
            ]
            auto = ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.Standard)
            trigger = None
            if not ascii_first:
                firsts = sorted({key[0] for key in terms})
                trigger = re.compile("[" + "".join(re.escape(c) for c in firsts) + "]")
            self._automata.append((auto, values, case_sensitive, trigger))

    def __len__(self) -> int:
        return sum(len(t) for t in self._terms.values())

    def scan(self, low: str, simp: str) -> tuple[list[Span], list[Span], list[Span]]:
        """Entity spans and topic spans (longest, non-overlapping), and every cue hit."""
        n = len(low)
        ents: list[Span] = []
        topics: list[Span] = []
        cues: list[Span] = []
        words = WORD_CHARS
        ascii_text = low.isascii()
        add_ent, add_topic = ents.append, topics.append
        for auto, values, case_sensitive, trigger in self._automata:
            text = simp if case_sensitive else low
            if trigger is not None and (ascii_text or trigger.search(text) is None):
                continue
            found = auto.find_matches_as_indexes(text, overlapping=True)
            group: list[Span] = []
            for index, start, end in found:
                _, left, right, ent, topic, cue = values[index]
                if left and start > 0 and low[start - 1] in words:
                    continue
                if right and end < n and low[end] in words:
                    continue
                if ent:
                    add_ent((start, end, ent))
                if topic:
                    add_topic((start, end, topic))
                if cue:
                    group.append((start, end, cue))
            if group:  # by end, the longest first at one end: the order cues always came in
                group.sort(key=_BY_END)  # (entity and topic spans are sorted by longest())
                cues.extend(group)
        return longest(ents, n), longest(topics, n), cues


def _longest_first(span: Span) -> tuple[int, int]:
    return span[0] - span[1], span[0]


def _leftmost_longest(span: Span) -> tuple[int, int]:
    return span[0], span[0] - span[1]


def longest(spans: list[Span], n: int) -> list[Span]:
    """Longest first, then leftmost; drop any span overlapping one already kept.

    Spans are sorted by start and split into clusters of overlapping spans; only clusters of
    two or more need the longest-first choice, and they are tiny.
    """
    if len(spans) < 2:
        return spans
    # by start, the longest first, else found order: two stable C-keyed sorts, not a
    # Python key per span
    spans.sort(key=_END, reverse=True)
    spans.sort(key=_START)
    kept: list[Span] = []
    cluster: list[Span] = [spans[0]]
    reach = spans[0][1]
    for span in spans[1:]:
        last = cluster[-1]
        if span[0] == last[0] and span[1] == last[1]:  # same text found by two automata
            cluster[-1] = (last[0], last[1], last[2] + span[2])
            continue
        if span[0] < reach:
            cluster.append(span)
            reach = max(reach, span[1])
            continue
        kept.extend(cluster if len(cluster) == 1 else _resolve(cluster))
        cluster = [span]
        reach = span[1]
    kept.extend(cluster if len(cluster) == 1 else _resolve(cluster))
    return kept


def _resolve(cluster: list[Span]) -> list[Span]:
    if len(cluster) == 2:  # the usual case: keep the longer, or the first of equals
        first, second = cluster
        return [second] if second[1] - second[0] > first[1] - first[0] else [first]
    cluster.sort(key=_longest_first)
    chosen: list[Span] = []
    for span in cluster:
        if all(span[1] <= other[0] or span[0] >= other[1] for other in chosen):
            chosen.append(span)
    chosen.sort(key=_leftmost_longest)
    return chosen
