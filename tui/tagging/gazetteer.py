"""Loading the gazetteer, context sets and blockers from ``tui/tagging/data``.

The files are plain TSV and TOML so a reader can check and extend them without reading code;
the column and alias syntax is described at the top of every ``*.tsv`` file and in
``contexts.toml``. Loading happens once per :class:`~tui.tagging.Tagger` (cached here), never at
import time.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from tui.models import REGIONS

GAZETTEER_FILES: tuple[str, ...] = (
    "china_state",
    "places_cn",
    "hk_mo_tw",
    "china_companies",
    "china_people",
    "global_orgs",
    "global_people",
    "coins",
    "sources",
    "world_places",  # generated: tests/tagging/build_places.py
)
ENTRY_TYPES = frozenset({"ORG", "PERSON", "PLACE", "TICKER", "MONEY", "SOURCE"})
DEFAULT_HINT = 0.6  # an entity's topic hint: tags a topic from the title, or with one more term
_AUTO_CS = re.compile(r"^[A-Z0-9$.&/+-]{1,5}$")  # short all-caps acronyms: case-sensitive


class GazetteerError(ValueError):
    """A data file line that cannot be used (file and line are in the message)."""


@dataclass(frozen=True, slots=True)
class Alias:
    surface: str
    case_sensitive: bool = False
    needs_context: bool = False
    context: str | None = None  # context set for a needs_context alias
    anti: str | None = None  # anti-context set for this alias
    weight: float | None = None  # overrides the entry's China weight for this alias


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    type: str
    region: str | None
    weight: float
    aliases: tuple[Alias, ...]
    topics: tuple[tuple[str, float], ...] = ()
    anti: str | None = None
    source_file: str = ""
    shown: bool = True  # False: evidence only ("term" flag: concepts, not named entities)


@dataclass(frozen=True, slots=True)
class ContextSet:
    name: str
    words: tuple[str, ...]
    before: int = 100
    after: int = 100
    doc: bool = False
    trad: bool = False  # "@trad": true for articles written in Traditional characters


@dataclass(frozen=True)
class Gazetteer:
    entries: tuple[Entry, ...]
    contexts: dict[str, ContextSet] = field(default_factory=dict)
    blockers: tuple[str, ...] = ()


def parse_alias(token: str, default_ctx: str | None = None, all_cs: bool = False) -> Alias:
    """``?=Sun@tron!film*0.5`` → Alias("Sun", cs, needs context "tron", anti "film", 0.5)."""
    text = token.strip()
    needs = cs = False
    while text[:1] in ("?", "="):
        if text[0] == "?":
            needs = True
        else:
            cs = True
        text = text[1:]
    weight = None
    if "*" in text:
        text, _, num = text.rpartition("*")
        weight = float(num)
    anti = None
    if "!" in text:
        text, _, anti = text.partition("!")
    context = None
    if "@" in text and not text.startswith("@"):
        text, _, context = text.rpartition("@")
    if not text:
        raise GazetteerError(f"empty alias in {token!r}")
    if _AUTO_CS.match(text) and any(c.isalpha() for c in text):
        cs = True
    return Alias(
        text, cs or all_cs, needs, context or (default_ctx if needs else None), anti, weight
    )


def parse_line(line: str, where: str) -> Entry:
    cols = line.split("\t")
    if len(cols) != 7:
        raise GazetteerError(f"{where}: expected 7 tab-separated columns, got {len(cols)}")
    name, kind, region, weight, topics, flags, aliases = (c.strip() for c in cols)
    if kind not in ENTRY_TYPES:
        raise GazetteerError(f"{where}: unknown type {kind!r}")
    if region != "-" and region not in REGIONS:
        raise GazetteerError(f"{where}: unknown region {region!r}")
    flag_set = set() if flags == "-" else set(flags.split())
    ctx = anti = None
    for flag in flag_set:
        if flag.startswith("ctx="):
            ctx = flag[4:]
        elif flag.startswith("anti="):
            anti = flag[5:]
        elif flag not in ("cs", "term"):
            raise GazetteerError(f"{where}: unknown flag {flag!r}")
    parsed_topics = []
    if topics != "-":
        for item in topics.split(","):
            slug, _, w = item.partition(":")
            parsed_topics.append((slug.strip(), float(w) if w else DEFAULT_HINT))
    alias_list = [parse_alias(a, ctx, "cs" in flag_set) for a in aliases.split("|") if a.strip()]
    # A multi-word canonical name is an alias too ("People's Bank of China"); single words
    # ("Genesis", "Compound", "Safe") are too ambiguous and must be listed explicitly.
    if " " in name and "(" not in name and kind != "SOURCE":
        known = {a.surface.casefold() for a in alias_list}
        if name.casefold() not in known:
            alias_list.insert(0, Alias(name))
    return Entry(
        name,
        kind,
        None if region == "-" else region,
        float(weight),
        tuple(alias_list),
        tuple(parsed_topics),
        anti,
        where.partition(":")[0],
        "term" not in flag_set,
    )


def _data_text(name: str) -> str:
    return files("tui.tagging").joinpath(f"data/{name}").read_text(encoding="utf-8")


def _lines(name: str) -> Iterable[tuple[int, str]]:
    for number, line in enumerate(_data_text(name).splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            yield number, line


def load_entries() -> tuple[Entry, ...]:
    entries = []
    for stem in GAZETTEER_FILES:
        for number, line in _lines(f"{stem}.tsv"):
            entries.append(parse_line(line, f"{stem}.tsv:{number}"))
    return tuple(entries)


def load_contexts() -> dict[str, ContextSet]:
    data = tomllib.loads(_data_text("contexts.toml"))
    sets = {}
    for name, table in data.items():
        words = tuple(w.lower() for w in table.get("words", []) if w != "@trad")
        sets[name] = ContextSet(
            name,
            words,
            int(table.get("before", 100)),
            int(table.get("after", 100)),
            table.get("scope") == "doc",
            "@trad" in table.get("words", []),
        )
    return sets


def load_blockers() -> tuple[str, ...]:
    return tuple(line.strip() for _, line in _lines("blockers.tsv"))


@lru_cache(maxsize=1)
def builtin_gazetteer() -> Gazetteer:
    """The shipped data, parsed once per process and shared by every Tagger."""
    gaz = Gazetteer(load_entries(), load_contexts(), load_blockers())
    names = {entry.name for entry in gaz.entries}
    for entry in gaz.entries:
        for alias in entry.aliases:
            context = alias.context
            if context is not None and context.startswith("in:"):
                if context[3:] not in names:  # 南山@in:Shenzhen names the city's entry
                    raise GazetteerError(f"{entry.source_file}: {entry.name}: no {context!r}")
                context = None
            for ref in (context, alias.anti, entry.anti):
                if ref is not None and ref not in gaz.contexts:
                    raise GazetteerError(f"{entry.source_file}: {entry.name}: no context {ref!r}")
    return gaz
