"""The parse path gives, byte for byte, what it gave before it was made faster.

Every feedparser corpus feed, the benchmark feeds, the article pages and random tag soup
(see :mod:`tests.feeds.frozen`) against the output frozen from the code before.
"""

from __future__ import annotations

from tests.feeds.frozen import current, load


def test_output_matches_the_frozen_copy() -> None:
    frozen = load()
    now = current()
    assert sorted(now) == sorted(frozen)
    changed = [name for name in sorted(now) if now[name] != frozen[name]]
    assert not changed, f"{len(changed)} outputs changed, first: {changed[:10]}"
