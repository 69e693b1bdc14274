"""The word lists of ``data/names.toml``, parsed once: cue words, stop words, Chinese lists."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files


@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``data/names.toml``."""

    org_suffixes: tuple[str, ...]
    roles: tuple[str, ...]
    speech_after_name: tuple[str, ...]
    speech_before_name: tuple[str, ...]
    stop: frozenset[str]
    appositive_filler: frozenset[str]
    zh_org_suffixes: tuple[str, ...]
    zh_generic: tuple[str, ...]
    zh_stop: frozenset[str]
    zh_generic_prefix: re.Pattern[str]
    of_heads: tuple[str, ...] = ()
    zh_roles: tuple[str, ...] = ()
    zh_after: tuple[str, ...] = ()
    zh_surnames: frozenset[str] = frozenset()
    zh_compound: tuple[str, ...] = ()
    zh_translit: frozenset[str] = frozenset()
    zh_org_placed: tuple[str, ...] = ()
    zh_institutions: tuple[str, ...] = ()
    # the same lists as sets, for membership tests (a tuple is scanned one item at a time)
    zh_compound_set: frozenset[str] = frozenset()
    zh_generic_set: frozenset[str] = frozenset()
    zh_not_names: frozenset[str] = frozenset()
    zh_kinds: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    raw = files("tui.tagging").joinpath("data/names.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    generic = tuple(data["zh_generic"])
    prefix = "|".join(sorted(map(re.escape, generic), key=len, reverse=True))
    return Lexicon(
        tuple(data["org_suffixes"]),
        tuple(data["roles"]),
        tuple(data["speech_after_name"]),
        tuple(data["speech_before_name"]),
        frozenset(data["stop"]),
        frozenset(data["appositive_filler"]),
        tuple(data["zh_org_suffixes"]),
        generic,
        frozenset(data["zh_stop"]),
        re.compile(f"^(?:{prefix})+"),
        tuple(data["of_heads"]),
        tuple(data["zh_roles"]),
        tuple(data["zh_after"]),
        frozenset(data["zh_surnames"].strip()),
        tuple(data["zh_compound_surnames"]),
        frozenset(data["zh_translit"].strip()),
        tuple(data.get("zh_org_suffixes_placed", ())),
        tuple(data.get("zh_institution_suffixes", ())),
        zh_compound_set=frozenset(data["zh_compound_surnames"]),
        zh_generic_set=frozenset(generic),
        zh_not_names=frozenset(data.get("zh_not_names", ())),
        zh_kinds=tuple(data.get("zh_kinds", ())),
    )
