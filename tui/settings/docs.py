"""Regenerate the README's configuration table and default-feed list from the code.

``python -m tui.settings.docs`` rewrites the text between the ``<!-- BEGIN x -->`` and
``<!-- END x -->`` markers of README.md; the tests fail when they differ from the code.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from tui.settings.defaults import readme_feed_list
from tui.settings.schema import readme_table

SECTIONS = {"config-table": readme_table, "default-feeds": readme_feed_list}


def section(text: str, name: str) -> str | None:
    """The text between the markers of ``name`` (stripped), or None if missing."""
    match = re.search(rf"<!-- BEGIN {name} -->\n(.*?)<!-- END {name} -->", text, re.S)
    return match.group(1).strip() if match else None


def regenerate(text: str) -> str:
    for name, make in SECTIONS.items():
        block = make()

        def fill(match: re.Match[str], block: str = block) -> str:
            return match.group(1) + block + "\n" + match.group(2)

        text = re.sub(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", fill, text,
                      flags=re.S)
    return text


def main(argv: list[str] | None = None) -> int:
    path = Path(argv[0] if argv else "README.md")
    text = path.read_text(encoding="utf-8")
    updated = regenerate(text)
    if updated != text:
        path.write_text(updated, encoding="utf-8")
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
