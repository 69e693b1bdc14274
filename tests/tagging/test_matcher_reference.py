"""The automaton scan against a brute-force reference (every occurrence found with str.find):
same spans, same payloads, same cue order, on random terms and text in both scripts."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tui.tagging.matcher import CUE, ENTITY, TOPIC, Matcher, Span, longest
from tui.tagging.normalize import WORD_CHARS, lower_aligned, to_simplified

_ALPHABET = "abcAB Cx中国香港銀行币安·, '"
_TERM = st.text(_ALPHABET, min_size=1, max_size=5)


def _reference(m: Matcher, low: str, simp: str) -> tuple[list[Span], list[Span], list[Span]]:
    n = len(low)
    ents: list[Span] = []
    topics: list[Span] = []
    cues: list[Span] = []
    for (case_sensitive, ascii_first), terms in m._terms.items():
        text = simp if case_sensitive else low
        if not ascii_first and (low.isascii() or not any(k[0] in text for k in terms)):
            continue
        found = []
        for key, slots in terms.items():
            at = text.find(key)
            while at >= 0:
                found.append((at, at + len(key), key, slots))
                at = text.find(key, at + 1)
        found.sort(key=lambda f: (f[1], f[0]))  # by end, the longest first: the automaton order
        for start, end, key, slots in found:
            if key[0] in WORD_CHARS and start > 0 and low[start - 1] in WORD_CHARS:
                continue
            if key[-1] in WORD_CHARS and end < n and low[end] in WORD_CHARS:
                continue
            for layer, out in ((ENTITY, ents), (TOPIC, topics), (CUE, cues)):
                if slots[layer]:
                    out.append((start, end, tuple(slots[layer])))
    return longest(ents, n), longest(topics, n), cues


@settings(max_examples=200, deadline=None)
@given(
    terms=st.lists(
        st.tuples(_TERM, st.sampled_from([ENTITY, TOPIC, CUE]), st.booleans()), max_size=12
    ),
    text=st.text(_ALPHABET, max_size=60),
)
@example(terms=[("中国香", CUE, False), ("国", CUE, False)], text="在中国香港")  # cue order
@example(terms=[("香港", ENTITY, False), ("港", ENTITY, True)], text="香港")  # two automata
def test_scan_matches_brute_force(terms: list[tuple[str, int, bool]], text: str) -> None:
    m = Matcher()
    for i, (term, layer, case_sensitive) in enumerate(terms):
        m.add(term, layer, i, case_sensitive)
    m.build()
    simp = to_simplified(text)
    low = lower_aligned(simp)
    assert m.scan(low, simp) == _reference(m, low, simp)
