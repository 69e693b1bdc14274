"""Frozen tagger output: every labelled, gold, demo and benchmark item, tagged and dumped.

    python -m tests.tagging.golden          # rewrite tests/tagging/data/tag_golden.json

Speed work must leave that file byte-identical (test_tag_equivalence.py compares). Regenerate it
only after a deliberate change of the rules, in the same commit as the change.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tui.demo import DEMO_FEEDS, read_demo_feed
from tui.feeds.parse import parse_feed
from tui.models import Tags
from tui.tagging import Tagger

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "data" / "tag_golden.json"


def items() -> Iterator[tuple[str, str, str, str, str | None]]:
    """(id, title, summary, content, lang) of every frozen item, in a fixed order."""
    files = sorted((ROOT / "tests" / "data" / "gold").glob("*.jsonl"))
    for path in [*files, ROOT / "tests" / "data" / "labelled.jsonl"]:
        for n, line in enumerate(path.read_text("utf-8").splitlines()):
            if line.strip():
                item = json.loads(line)
                yield (
                    f"{path.name}:{item.get('id', n)}", item.get("title", ""),
                    item.get("summary", ""), item.get("content", ""), item.get("lang"),
                )
    for feed in DEMO_FEEDS:
        parsed = parse_feed(read_demo_feed(feed.filename), {}, feed.url)
        for n, a in enumerate(parsed.articles):
            yield f"{feed.filename}:{n}", a.title, a.summary, a.content_text, a.lang
            yield f"{feed.filename}:{n}:html", a.title, a.summary, a.content_html, a.lang
    sys.path.insert(0, str(ROOT))
    from tests.benchmarks import bench_tag

    rng = random.Random(11)
    en, zh = bench_tag._labelled()
    for n in range(40):
        title, body = bench_tag.article(rng, bench_tag.FILLER_EN, en, 3000, dense=n % 2 == 1)
        yield f"bench-en:{n}", title, "", body, "en"
        title, body = bench_tag.article(rng, bench_tag.FILLER_ZH, zh, 3000, joiner="")
        yield f"bench-zh:{n}", title, "", body, "zh"


def dump(tags: Tags) -> dict[str, Any]:
    """Every field of Tags (mentions included, which Entity's equality ignores) but the input
    hash, which digests ``version.GOLDEN_SHA``: the digest of this very file."""
    return {
        "china": tags.china,
        "score": repr(tags.china_score),
        "regions": sorted(tags.regions),
        "evidence": [[e.term, e.entity, e.field, e.region, repr(e.weight)] for e in tags.evidence],
        "topics": sorted(tags.topics),
        "topic_evidence": [
            [t.topic, repr(t.score), [list(x) for x in t.terms]] for t in tags.topic_evidence
        ],
        "entities": [[e.name, e.type, e.count, list(e.mentions)] for e in tags.entities],
    }


def render(tagger: Tagger) -> str:
    out = {i: dump(tagger.tag(t, s, c, lang)) for i, t, s, c, lang in items()}
    return json.dumps(out, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


if __name__ == "__main__":
    GOLDEN.write_text(render(Tagger()), "utf-8")
    print(f"wrote {GOLDEN}")
