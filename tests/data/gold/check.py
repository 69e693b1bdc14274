"""Validate the gold tagging set (tests/data/gold/*.jsonl) and print its distribution.

Why: the gold set is written by hand in parallel by several people; this catches format slips
(missing fields, bad values, china/regions mismatch, duplicate titles) before anyone scores on it.
Language-agnostic: it checks every <lang>-<kind>.jsonl file in this folder.

Usage: python3 tests/data/gold/check.py [--lang en] [--quiet]   (exit 1 on any error)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # runs as a script too: find the tui package

from tui.models import CHINA_DEFAULT  # noqa: E402
from tui.models import REGIONS as REGIONS_LIST  # noqa: E402
from tui.models import TOPICS as TOPICS_LIST  # noqa: E402

TOPICS = set(TOPICS_LIST)  # the product's own list: one home for the 13 slugs
KINDS = {"flash", "report", "feature", "press", "opinion", "roundup"}
SPLITS = {"train", "dev", "test", "holdout", "holdout2"}  # holdouts: frozen, written before tuning
LANGS = {"en": {"latin"}, "zh": {"hans", "hant"}}
REGIONS = set(REGIONS_LIST)
ETYPES = {"ORG", "PERSON", "PLACE", "TICKER", "MONEY"}
REQUIRED = {
    "id": str,
    "split": str,
    "lang": str,
    "script": str,
    "kind": str,
    "outlet_style": str,
    "title": str,
    "summary": str,
    "content": str,
    "china": bool,
    "regions": list,
    "topics": list,
    "entities": list,
    "entities_complete": bool,
}
MONEY_RE = re.compile(r"^\d+(\.\d+)? [A-Z0-9]{2,10}$")
FEATURE_MIN = {"en": 1500, "zh": 2500}  # words (en) / characters (zh)


def length(item: dict) -> int:
    text = item["content"]
    if item["lang"] == "en":
        return len(text.split())
    return len(re.sub(r"\s", "", text))


def check_item(item: dict, where: str) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    warnings: list[str] = []
    for key, typ in REQUIRED.items():
        if key not in item:
            errors.append(f"{where}: missing {key}")
        elif not isinstance(item[key], typ):
            errors.append(f"{where}: {key} is not {typ.__name__}")
    if "trap" not in item:
        errors.append(f"{where}: missing trap (null or a class name)")
    elif item["trap"] is not None and not isinstance(item["trap"], str):
        errors.append(f"{where}: trap must be null or a string")
    if errors:
        return errors, warnings
    if item["split"] not in SPLITS:
        errors.append(f"{where}: split {item['split']!r}")
    if item["lang"] not in LANGS:
        errors.append(f"{where}: lang {item['lang']!r}")
    elif item["script"] not in LANGS[item["lang"]]:
        errors.append(f"{where}: script {item['script']!r} for lang {item['lang']}")
    if item["kind"] not in KINDS:
        errors.append(f"{where}: kind {item['kind']!r}")
    if not item["title"].strip():
        errors.append(f"{where}: empty title")
    regions = item["regions"]
    if not set(regions) <= REGIONS or len(set(regions)) != len(regions):
        errors.append(f"{where}: regions {regions}")
    if item["china"] != bool(set(regions) & CHINA_DEFAULT):
        errors.append(f"{where}: china={item['china']} but regions={regions}")
    topics = item["topics"]
    if not set(topics) <= TOPICS or len(set(topics)) != len(topics):
        errors.append(f"{where}: topics {topics}")
    if len(topics) > 4:
        warnings.append(f"{where}: {len(topics)} topics")
    text = " ".join((item["title"], item["summary"], item["content"])).lower()
    seen = set()
    for ent in item["entities"]:
        if not isinstance(ent, dict) or set(ent) != {"name", "type"}:
            errors.append(f"{where}: entity {ent!r}")
            continue
        name, typ = ent["name"], ent["type"]
        if typ not in ETYPES or not isinstance(name, str) or not name.strip():
            errors.append(f"{where}: entity {ent!r}")
            continue
        if (name.lower(), typ) in seen:
            errors.append(f"{where}: duplicate entity {ent!r}")
        seen.add((name.lower(), typ))
        if typ == "MONEY":
            if not MONEY_RE.match(name):
                errors.append(f"{where}: MONEY not normalised: {name!r}")
        elif name.lower() not in text:
            warnings.append(f"{where}: entity {name!r} not found in text")
    if item["kind"] == "feature" and length(item) < FEATURE_MIN.get(item["lang"], 0):
        warnings.append(f"{where}: feature only {length(item)} long")
    if item["kind"] != "flash" and not item["content"].strip():
        warnings.append(f"{where}: empty content for a {item['kind']}")
    return errors, warnings


def load(lang: str | None) -> tuple[list[dict], list[str]]:
    items: list[dict] = []
    errors: list[str] = []
    for path in sorted(HERE.glob("*.jsonl")):
        m = re.match(r"^([a-z]+)-([a-z]+)\.jsonl$", path.name)
        if not m:
            errors.append(f"{path.name}: name is not <lang>-<kind>.jsonl")
            continue
        if lang and m.group(1) != lang:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{path.name}:{n}: bad JSON ({exc})")
                continue
            if not isinstance(item, dict):
                errors.append(f"{path.name}:{n}: not an object")
                continue
            item["_where"] = f"{path.name}:{n}"
            if item.get("lang") != m.group(1) or item.get("kind") != m.group(2):
                errors.append(f"{path.name}:{n}: lang/kind do not match the file name")
            items.append(item)
    return items, errors


def table(title: str, counter: Counter, by_split: dict) -> None:
    print(f"\n{title}")
    for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        s = by_split[key]
        print(
            f"  {key!s:24} {n:4}   train {s['train']:3} dev {s['dev']:3} test {s['test']:3}"
            f" holdout {s['holdout']:3} holdout2 {s['holdout2']:3}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", help="only this language (en, zh)")
    ap.add_argument("--quiet", action="store_true", help="errors and warnings only")
    args = ap.parse_args(argv)
    items, errors = load(args.lang)
    warnings: list[str] = []
    ids: Counter = Counter(i.get("id") for i in items)
    errors += [f"duplicate id {k}" for k, v in ids.items() if v > 1]
    titles: Counter = Counter(str(i.get("title", "")).strip().lower() for i in items)
    errors += [f"duplicate title {k!r}" for k, v in titles.items() if v > 1]
    good = []
    for item in items:
        e, w = check_item(item, item["_where"] + " " + str(item.get("id")))
        errors += e
        warnings += w
        if not e:
            good.append(item)
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("ERROR:", e)
    if not args.quiet:
        report(good)
    print(f"\n{len(items)} items, {len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


def report(items: list[dict]) -> None:
    counters: dict[str, Counter] = defaultdict(Counter)
    splits: dict[str, dict] = defaultdict(lambda: defaultdict(Counter))
    for it in items:
        keys = {
            "lang/script": [f"{it['lang']}/{it['script']}"],
            "split": [it["split"]],
            "kind": [it["kind"]],
            "china": ["china" if it["china"] else "not china"],
            "region": it["regions"] or ["(none)"],
            "topic": it["topics"] or ["(none)"],
            "trap": [it["trap"] or "(none)"],
            "entities_complete": [it["entities_complete"]],
        }
        for name, values in keys.items():
            for v in values:
                counters[name][v] += 1
                splits[name][v][it["split"]] += 1
    for name in counters:
        table(name, counters[name], splits[name])
    etypes: Counter = Counter(e["type"] for it in items for e in it["entities"])
    print("\nentity types:", dict(etypes))


if __name__ == "__main__":
    sys.exit(main())
