"""List labelled items with two or more gold topics, for relabelling by a written rule.

    python -m tests.tagging.relabel [--split train] [--start 0] [--count 40]

Why: relabels must be decided from the text and the README's definitions, never from the
tagger's output, so this prints only the item (title, summary, the start of the body) and its
gold topics; it never runs the tagger. The frozen splits (test, holdout, holdout2) are refused.
"""

from __future__ import annotations

import argparse
import sys

from tests.tagging.report import load_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="train", choices=("train", "dev"))
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--body", type=int, default=300, help="characters of body shown")
    args = parser.parse_args(argv)
    items = [
        i for i in load_all()
        if i.get("split", "train") == args.split and len(i["topics"]) >= 2
    ]
    for item in items[args.start : args.start + args.count]:
        body = " ".join(item.get("content", "").split())[: args.body]
        print(f"{item['id']}  {item['topics']}\n  T: {item['title']}")
        print(f"  S: {item.get('summary', '')}")
        if body:
            print(f"  B: {body}")
    print(f"({len(items)} items with 2+ topics in {args.split})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
