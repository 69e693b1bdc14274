"""What a stored tag depends on, as hashes: so a retag can skip articles that would not change.

``rules_version`` digests everything the tagger's output depends on besides the article: the
shipped data files, the rules release and the user's tagging configuration. ``input_hash``
adds one article's text. A stored article whose hash equals the one computed now would be
tagged exactly as it is stored, so ``sinowire retag`` can skip it without tagging it. After
an edit of the user's config every hash differs; ``tui/engine/retag_plan.py`` then tells,
from the configs the store noted by version, which articles the edit can touch at all.

The tagging *code* is not hashed: a speed change that leaves every output identical must not
retag a whole cache. Instead ``GOLDEN_SHA`` names the frozen output of 1,100+ items
(tests/tagging/data/tag_golden.json); a test fails when that output changes and
``GOLDEN_SHA`` does not, and changing it means bumping ``RULES_RELEASE``, which retags.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from importlib.resources import files
from typing import Any

# Bumped by hand whenever tags change (the test on GOLDEN_SHA says when): a readable name for
# "the rules of issue 13, second pass" in notes and retag logs, and part of every stored hash.
RULES_RELEASE = "2026.12-i13zl"
# The first 12 hex digits of the SHA-1 of tests/tagging/data/tag_golden.json for this release.
GOLDEN_SHA = "3322f5f35865"


@lru_cache(maxsize=1)
def builtin_digest() -> str:
    """The digest of the release and the shipped data files (read once per process): a
    config a retag finds stored under another digest was made under other rules."""
    digest = hashlib.sha1(f"{RULES_RELEASE}:{GOLDEN_SHA}".encode())
    data = files("tui.tagging").joinpath("data")
    for item in sorted(data.iterdir(), key=lambda p: p.name):
        if item.is_file() and item.name.endswith((".tsv", ".toml", ".json", ".txt")):
            digest.update(item.name.encode())
            digest.update(item.read_bytes())
    return digest.hexdigest()


def rules_version(
    user_entities: Iterable[Any] = (),
    user_topics: Mapping[str, Iterable[str]] | None = None,
    china_regions: Iterable[str] = ("CN", "HK", "MO"),
) -> str:
    """A short digest of the rules: shipped data and code plus the user's tagging config."""
    config = json.dumps(
        [
            [repr(u) for u in user_entities],
            sorted((k, list(v)) for k, v in (user_topics or {}).items()),
            sorted(china_regions),
        ],
        ensure_ascii=False,
    )
    return hashlib.sha1((builtin_digest() + config).encode("utf-8")).hexdigest()[:16]


def input_hash(
    version: str, title: str, summary: str = "", content: str = "", lang: str | None = None
) -> str:
    """The digest of one tagging call's inputs under rules ``version``.

    Each part is length-prefixed, so no two different inputs join to the same bytes (a JSON
    dump did the same at a few times the cost on a 3 KB article).
    """
    return input_hasher(title, summary, content, lang)(version)


def input_hasher(
    title: str, summary: str = "", content: str = "", lang: str | None = None
) -> Callable[[str], str]:
    """:func:`input_hash` of these inputs under any rules version, the text encoded once (a
    retag compares today's hash and the one an earlier config made)."""
    parts: list[bytes] = []
    for part in (title or "", summary or "", content or "", lang or "\x00"):
        data = part.encode("utf-8", "surrogatepass")
        parts += (b"%d:" % len(data), data)
    text = b"".join(parts)

    def under(version: str) -> str:
        data = version.encode("utf-8", "surrogatepass")
        digest = hashlib.sha1(b"%d:" % len(data))
        digest.update(data)
        digest.update(text)
        return digest.hexdigest()

    return under
