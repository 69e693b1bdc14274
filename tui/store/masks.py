"""Topics and regions as bits on the article row, so filtering is a check on an index entry.

A topic or region filter over 100k articles as a join into the tag tables costs ~100 ms
(the matching ids are gathered first); as a bitmask in the covering list index it is a scan
of a few megabytes that stops once the page is full. The tag tables stay the source of truth
for user-defined topics, which have no bit.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui.models import REGIONS, TOPICS

TOPIC_BITS: dict[str, int] = {topic: 1 << n for n, topic in enumerate(TOPICS)}
REGION_BITS: dict[str, int] = {region: 1 << n for n, region in enumerate(REGIONS)}


def topic_mask(topics: Iterable[str]) -> int:
    return sum(TOPIC_BITS.get(topic, 0) for topic in set(topics))


def region_mask(regions: Iterable[str]) -> int:
    return sum(REGION_BITS.get(region, 0) for region in set(regions))
