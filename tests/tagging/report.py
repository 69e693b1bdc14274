"""How well the tagger does on the labelled sets, per split and per language.

    python -m tests.tagging.report [FILE ...] [--errors] [--split dev] [--by-topic]

With no FILE: the old dev set (tests/data/labelled.jsonl, counted as split "train") plus every
``tests/data/gold/*.jsonl`` that exists (format in the gold writers' GOLD.md: split, lang,
title, summary, content, china, regions, topics, entities, entities_complete, trap).

Printed per group (all, each split, each split × language): China P/R/F1, region micro-F1,
topic micro P/R/F1, entity recall, and entity precision on items whose ``entities_complete`` is
true; the test split is scored a second time under its topics before the blind relabelling
(group ``test-old``, from ``relabels-test-second-topic.tsv``). A gold entity is found when a
predicted entity has the same canonical name (both mapped through the gazetteer's aliases:
Binance = 币安, PBOC = People's Bank of China) or lists the gold name among its mentions; a money
amount is found when value and currency agree ("1500000000 USD" = "$1.5 billion" = "15亿美元").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.models import REGIONS, TOPICS, Tags
from tui.tagging import Tagger
from tui.tagging.money import money_key

DATA = Path(__file__).resolve().parents[1] / "data"
DEFAULT_SET = DATA / "labelled.jsonl"
GOLD_DIR = DATA / "gold"
SPLITS = ("train", "dev", "test", "holdout", "holdout2")
FROZEN = ("test", "holdout", "holdout2")  # reported only, never tuned on
# The test split was relabelled blind by the second-topic rule; its old topics stay scored
# as "test-old" so the figures before and after the relabelling can be compared.
TEST_RELABELS = GOLD_DIR / "relabels-test-second-topic.tsv"
OLD_GROUP = "test-old"


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

    def merge(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

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
    items: int = 0
    china: Counts = field(default_factory=Counts)
    regions: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    topics: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    entity_found: int = 0
    entity_total: int = 0
    entity_by_type: dict[str, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )
    predicted_ok: int = 0  # on entities_complete items only
    predicted_total: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def topic_micro(self) -> Counts:
        total = Counts()
        for c in self.topics.values():
            total.merge(c)
        return total

    @property
    def region_micro(self) -> Counts:
        total = Counts()
        for c in self.regions.values():
            total.merge(c)
        return total

    @property
    def entity_recall(self) -> float:
        return self.entity_found / self.entity_total if self.entity_total else 1.0

    @property
    def entity_precision(self) -> float:
        return self.predicted_ok / self.predicted_total if self.predicted_total else 1.0


def load(path: Path, default_split: str = "train") -> list[dict[str, Any]]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            item.setdefault("split", default_split)
            item.setdefault("content", "")
            items.append(item)
    return items


def gold_files() -> list[Path]:
    return sorted(GOLD_DIR.glob("*.jsonl")) if GOLD_DIR.is_dir() else []


def load_all(paths: Iterable[Path] | None = None) -> list[dict[str, Any]]:
    """The old dev set (as train) and every gold file, or just ``paths``."""
    chosen = list(paths) if paths else [DEFAULT_SET, *gold_files()]
    items: list[dict[str, Any]] = []
    for path in chosen:
        items.extend(load(path))
    return items


def _key(tagger: Tagger, name: str, kind: str) -> tuple[str, Any]:
    if kind == "MONEY":
        key = money_key(name)
        if key is not None:
            return ("MONEY", key)
    return ("NAME", tagger.canonical(name).casefold())


def _predicted_keys(tagger: Tagger, tags: Tags) -> list[set[tuple[str, Any]]]:
    out = []
    for e in tags.entities:
        keys = {_key(tagger, e.name, e.type)}
        for mention in getattr(e, "mentions", ()):
            keys.add(_key(tagger, mention, e.type))
        out.append(keys)
    return out


def score_item(tagger: Tagger, item: dict[str, Any], report: Report, tags: Tags) -> None:
    ident = item["id"]
    report.items += 1
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
            f"{ident} regions gold={sorted(gold_regions)} got={sorted(tags.regions)} "
            f"{item['title']}"
        )
    gold_topics = set(item["topics"])
    for topic in TOPICS:
        report.topics[topic].add(topic in gold_topics, topic in tags.topics)
    if gold_topics != set(tags.topics):
        report.errors.append(
            f"{ident} topics missing={sorted(gold_topics - tags.topics)} "
            f"extra={sorted(tags.topics - gold_topics)} {item['title']}"
        )
    predicted = _predicted_keys(tagger, tags)
    all_predicted = set().union(*predicted) if predicted else set()
    gold_keys = []
    for gold in item["entities"]:
        key = _key(tagger, gold["name"], gold["type"])
        gold_keys.append(key)
        hit = key in all_predicted
        report.entity_total += 1
        report.entity_found += hit
        counts = report.entity_by_type[gold["type"]]
        counts[0] += hit
        counts[1] += 1
        if not hit:
            report.errors.append(f"{ident} entity missed {gold['name']} ({gold['type']})")
    if item.get("entities_complete"):
        gold_set = set(gold_keys)
        for entity, keys in zip(tags.entities, predicted, strict=True):
            ok = bool(keys & gold_set)
            report.predicted_total += 1
            report.predicted_ok += ok
            if not ok:
                report.errors.append(f"{ident} entity extra {entity.name} ({entity.type})")


def old_test_topics(path: Path = TEST_RELABELS) -> dict[str, list[str]]:
    """Item id -> its topics before the test split's relabelling (empty if no file)."""
    if not path.is_file():
        return {}
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:]]
    return {row[0]: [t for t in row[2].split(",") if t] for row in rows if len(row) == 4}


def evaluate(items: list[dict[str, Any]], tagger: Tagger | None = None) -> Report:
    """One report over all ``items``."""
    return evaluate_groups(items, tagger)["all"]


def evaluate_groups(
    items: list[dict[str, Any]], tagger: Tagger | None = None
) -> dict[str, Report]:
    """Reports for "all", each split, each language and each split/language."""
    tagger = tagger or Tagger()
    old = old_test_topics()
    groups: dict[str, Report] = defaultdict(Report)
    for item in items:
        tags = tagger.tag(
            item["title"], item.get("summary", ""), item.get("content", ""), item.get("lang")
        )
        split, lang = item.get("split", "train"), item.get("lang", "?")
        for name in ("all", split, lang, f"{split}/{lang}"):
            score_item(tagger, item, groups[name], tags)
        if split == "test" and old:
            before = {**item, "topics": old.get(item["id"], item["topics"])}
            for name in (OLD_GROUP, f"{OLD_GROUP}/{lang}"):
                score_item(tagger, before, groups[name], tags)
    return groups


def _row(name: str, c: Counts) -> str:
    return (
        f"  {name:<13} P {c.precision:5.3f}  R {c.recall:5.3f}  F1 {c.f1:5.3f}"
        f"   (tp {c.tp}, fp {c.fp}, fn {c.fn})"
    )


def render(report: Report, items: int | None = None) -> str:
    """The detailed view of one report."""
    lines = [f"{items or report.items} labelled items", "China:", _row("china", report.china)]
    lines.append("Regions:")
    lines += [_row(r, report.regions[r]) for r in REGIONS]
    lines.append("Topics:")
    lines += [_row(t, report.topics[t]) for t in TOPICS]
    lines.append(_row("micro", report.topic_micro))
    lines.append(
        f"Entities: recall {report.entity_recall:.3f} ({report.entity_found}/{report.entity_total})"
        f"  precision {report.entity_precision:.3f}"
        f" ({report.predicted_ok}/{report.predicted_total}, complete items)"
    )
    for kind, (found, total) in sorted(report.entity_by_type.items()):
        lines.append(f"  {kind:<13} {found}/{total}")
    return "\n".join(lines)


def render_table(groups: dict[str, Report]) -> str:
    """One line per group, then topic F1 per split: the overview the issue asks for."""
    splits = [*SPLITS[:3], OLD_GROUP, *SPLITS[3:]]
    order = ["all", *splits, "en", "zh"] + [f"{s}/{lang}" for s in splits for lang in ("en", "zh")]
    head = (
        f"{'group':<12} {'n':>4}  {'China P':>7} {'R':>5} {'F1':>5}  {'regF1':>5}  "
        f"{'topP':>5} {'topR':>5} {'topF1':>5}  {'entR':>5} {'entP':>5}"
    )
    lines = [head]
    for name in order:
        r = groups.get(name)
        if r is None or not r.items:
            continue
        t = r.topic_micro
        precision = f"{r.entity_precision:5.3f}" if r.predicted_total else "    -"
        recall = f"{r.entity_recall:5.3f}" if r.entity_total else "    -"
        lines.append(
            f"{name:<12} {r.items:>4}  {r.china.precision:7.3f} {r.china.recall:5.3f} "
            f"{r.china.f1:5.3f}  {r.region_micro.f1:5.3f}  {t.precision:5.3f} {t.recall:5.3f} "
            f"{t.f1:5.3f}  {recall} {precision}"
        )
    splits = [s for s in splits if s in groups]
    lines.append("")
    lines.append("topic F1 " + " ".join(f"{s:>14}" for s in splits) + "   (P/R in the detail)")
    for topic in TOPICS:
        cells = []
        for s in splits:
            c = groups[s].topics[topic]
            cells.append(f"{c.f1:5.3f} ({c.tp + c.fn:>3})")
        lines.append(f"  {topic:<12}" + " ".join(f"{c:>14}" for c in cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--errors", action="store_true", help="list disagreements")
    parser.add_argument("--split", default=None, help="detail and errors for one group only")
    args = parser.parse_args(argv)
    items = load_all(args.files)
    groups = evaluate_groups(items)
    print(render_table(groups))
    detail = args.split or "all"
    if detail in groups:
        print(f"\n[{detail}]")
        print(render(groups[detail]))
        if args.errors:
            if detail.split("/")[0] in (*FROZEN, OLD_GROUP):
                print(f"\n({detail} errors are not listed: that split is for reporting only)")
            else:
                print("\nDisagreements:")
                print("\n".join(groups[detail].errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
