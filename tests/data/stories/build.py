"""Build stories.jsonl from the hand-written items_*.src files (run once; the JSONL is frozen).

Format: ``== group | base ISO time [| train|test]`` then
``hours | lang | outlet | title | summary [| content]``.
The split is fixed per group from a hash of its key (about 60% train, 40% test), unless the
header names it: groups written later to study training misses (items_f) are all train, so the
frozen test split stays what it was.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).parent


def split_of(group: str) -> str:
    return "train" if int(hashlib.sha1(group.encode()).hexdigest(), 16) % 10 < 6 else "test"


def main() -> None:
    rows = []
    for src in sorted(HERE.glob("items_*.src")):
        group = base = split = None
        for line in src.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            if line.startswith("=="):
                key, when, *fixed = (part.strip() for part in line[2:].split("|"))
                group, base = key, datetime.fromisoformat(when)
                split = fixed[0] if fixed else split_of(group)
                continue
            parts = [part.strip() for part in line.split(" | ")]
            hours, lang, outlet, title, summary = parts[:5]
            content = parts[5] if len(parts) > 5 else ""
            assert group and base
            published = base + timedelta(hours=float(hours))
            rows.append({
                "id": f"s{len(rows) + 1:03d}", "group": group, "split": split,
                "title": title, "summary": summary, "content": content,
                "published": published.strftime("%Y-%m-%dT%H:%M:%SZ"), "lang": lang,
                "outlet": outlet,
            })
    with (HERE / "stories.jsonl").open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
