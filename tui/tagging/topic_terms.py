"""The topic term lists: ``data/topics.toml`` (strong, weak and hint terms, exclusions, actor
marks, per topic) and the traditional twins of its Chinese terms (``data/topic_twins.tsv``).

Why apart from :mod:`tui.tagging.topics`: the lists are data with their own checks (an unknown
slug, an actor mark on an unlisted term), read by the tagger, the twin-table builder and the
tests; scoring a story is the other module's job.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib.resources import files

from tui.models import TOPICS
from tui.tagging.normalize import fold_key

_PLURAL = re.compile(r"^(.*?)\((\w+)\)$")
_HAN = re.compile(r"[\u3400-\u9fff]")


def expand(term: str) -> list[str]:
    """``miner(s)`` → [miner, miners]."""
    match = _PLURAL.match(term)
    if not match:
        return [term]
    return [match.group(1), match.group(1) + match.group(2)]


@lru_cache(maxsize=1)
def builtin_rules() -> dict[str, dict[str, tuple[str, ...]]]:
    raw = files("tui.tagging").joinpath("data/topics.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    rules = {}
    for slug, table in data.items():
        if slug not in TOPICS:
            raise ValueError(f"topics.toml: unknown topic {slug!r}")
        rules[slug] = {
            k: tuple(table.get(k, ())) for k in ("strong", "weak", "hint", "exclude", "actors")
        }
        # any other list is a named class of weak terms ("deals", "results"): kept apart in the
        # data so a class can be reviewed as one, scored like weak terms
        extra = [t for k, v in table.items() if k not in rules[slug] for t in v]
        rules[slug]["weak"] += tuple(extra)
        listed = {t for k in ("strong", "weak", "hint") for t in rules[slug][k]}
        unlisted = set(rules[slug]["actors"]) - listed
        if unlisted:  # an actor mark is a note on a listed term, never a term of its own
            raise ValueError(f"topics.toml: [{slug}] actors not listed: {sorted(unlisted)}")
    return rules


def chinese_terms() -> list[str]:
    """Every built-in term (and exclusion) written in Chinese, sorted: the rows of
    ``data/topic_twins.tsv``."""
    rules = builtin_rules().values()
    kinds = ("strong", "weak", "hint", "exclude")
    return sorted({t for table in rules for k in kinds for t in table[k] if _HAN.search(t)})


@lru_cache(maxsize=1)
def builtin_twins() -> dict[str, tuple[str, ...]]:
    """Chinese term → its traditional forms (``data/topic_twins.tsv``, built from OpenCC by
    ``tests/tagging/build_twins.py``): the fold to simplified is one character for one and
    misses some (訴訟, 錨定), and Taiwan names some events in other words (駭客, 晶片)."""
    raw = files("tui.tagging").joinpath("data/topic_twins.tsv").read_text(encoding="utf-8")
    table = {}
    for line in raw.splitlines():
        if line and not line.startswith("#"):
            term, _, forms = line.partition("\t")
            table[term] = tuple(f for f in forms.split("|") if f)
    return table


def with_twins(term: str) -> list[str]:
    """The term and those of its traditional forms the fold does not bring back to it."""
    key = fold_key(term)
    forms = [term]
    for form in builtin_twins().get(term, ()):
        if fold_key(form) != key and form not in forms:
            forms.append(form)
    return forms
