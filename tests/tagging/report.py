"""Precision/recall/F1 of the tagger on a labelled JSONL set (default: tests/data/labelled.jsonl).

    python -m tests.tagging.report [FILE] [--errors]

Each line: {"id","title","summary","lang","china","regions","topics","entities":[{"name","type"}]}.
Entity recall compares canonical names: a gold name is mapped through the gazetteer's aliases
("PBOC" → "People's Bank of China") and matched case-insensitively against predicted names.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.models import REGIONS, TOPICS
from tui.tagging import Tagger

DEFAULT_SET = Path(__file__).resolve().parents[1] / "data" / "labelled.jsonl"


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: bool, pred: bool) -> None:
        if gold and pred:
            self.tp += 1
        elif pred:
            self.fp += 1
        elif gold:
            self.fn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    china: Counts = field(default_factory=Counts)
    regions: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    topics: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    entity_found: int = 0
    entity_total: int = 0
    entity_by_type: dict[str, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )
    errors: list[str] = field(default_factory=list)

    @property
    def topic_micro(self) -> Counts:
        total = Counts()
        for c in self.topics.values():
            total.tp += c.tp
            total.fp += c.fp
            total.fn += c.fn
        return total

    @property
    def entity_recall(self) -> float:
        return self.entity_found / self.entity_total if self.entity_total else 1.0


def load(path: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def evaluate(items: list[dict[str, Any]], tagger: Tagger | None = None) -> Report:
    tagger = tagger or Tagger()
    report = Report()
    for item in items:
        tags = tagger.tag(item["title"], item.get("summary", ""), lang=item.get("lang"))
        ident = item["id"]
        report.china.add(item["china"], tags.china)
        if item["china"] != tags.china:
            why = ", ".join(f"{e.term}:{e.weight}" for e in tags.evidence[:5])
            report.errors.append(
                f"{ident} china gold={item['china']} score={tags.china_score} "
                f"[{why}] {item['title']}"
            )
        gold_regions = set(item["regions"])
        for region in REGIONS:
            report.regions[region].add(region in gold_regions, region in tags.regions)
        if gold_regions != set(tags.regions):
            report.errors.append(
                f"{ident} regions gold={sorted(gold_regions)} "
                f"got={sorted(tags.regions)} {item['title']}"
            )
        gold_topics = set(item["topics"])
        for topic in TOPICS:
            report.topics[topic].add(topic in gold_topics, topic in tags.topics)
        if gold_topics != set(tags.topics):
            report.errors.append(
                f"{ident} topics missing={sorted(gold_topics - tags.topics)} "
                f"extra={sorted(tags.topics - gold_topics)} {item['title']}"
            )
        predicted = {tagger.canonical(e.name).casefold() for e in tags.entities}
        for gold in item["entities"]:
            name = tagger.canonical(gold["name"]).casefold()
            hit = name in predicted
            report.entity_total += 1
            report.entity_found += hit
            counts = report.entity_by_type[gold["type"]]
            counts[0] += hit
            counts[1] += 1
            if not hit:
                report.errors.append(f"{ident} entity missed {gold['name']} ({gold['type']})")
    return report


def _row(name: str, c: Counts) -> str:
    return (
        f"  {name:<13} P {c.precision:5.3f}  R {c.recall:5.3f}  F1 {c.f1:5.3f}"
        f"   (tp {c.tp}, fp {c.fp}, fn {c.fn})"
    )


def render(report: Report, items: int) -> str:
    lines = [f"{items} labelled items", "China:", _row("china", report.china), "Regions:"]
    lines += [_row(r, report.regions[r]) for r in REGIONS]
    lines.append("Topics:")
    lines += [_row(t, report.topics[t]) for t in TOPICS]
    lines.append(_row("micro", report.topic_micro))
    lines.append(
        f"Entities: recall {report.entity_recall:.3f} ({report.entity_found}/{report.entity_total})"
    )
    for kind, (found, total) in sorted(report.entity_by_type.items()):
        lines.append(f"  {kind:<13} {found}/{total}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_SET)
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)
    items = load(args.file)
    report = evaluate(items)
    print(render(report, len(items)))
    if args.errors:
        print("\nDisagreements:")
        print("\n".join(report.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
