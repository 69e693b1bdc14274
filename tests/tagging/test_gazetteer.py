"""The data files: coverage, consistency, and that they ship inside the package."""

from __future__ import annotations

from collections import defaultdict
from importlib.resources import files

from tui.tagging.gazetteer import GAZETTEER_FILES, builtin_gazetteer, parse_alias
from tui.tagging.normalize import fold_key, has_cjk, to_simplified

PROVINCES = [
    "Anhui",
    "Fujian",
    "Gansu",
    "Guangdong",
    "Guizhou",
    "Hainan",
    "Hebei",
    "Heilongjiang",
    "Henan",
    "Hubei",
    "Hunan",
    "Jiangsu",
    "Jiangxi",
    "Jilin",
    "Liaoning",
    "Qinghai",
    "Shaanxi",
    "Shandong",
    "Shanxi",
    "Sichuan",
    "Yunnan",
    "Zhejiang",
    "Guangxi",
    "Ningxia",
    "Xinjiang",
    "Tibet",
    "Beijing",
    "Shanghai",
    "Tianjin",
    "Chongqing",
]


def test_hundreds_of_entries() -> None:
    gaz = builtin_gazetteer()
    assert len(gaz.entries) >= 600
    aliases = sum(len(e.aliases) for e in gaz.entries)
    assert aliases >= 2000


def test_every_province_and_major_city() -> None:
    places = {e.name for e in builtin_gazetteer().entries if e.type == "PLACE" and e.region == "CN"}
    cities = {
        "Shenzhen",
        "Hangzhou",
        "Guangzhou",
        "Chengdu",
        "Xiong'an",
        "Suzhou",
        "Wuhan",
        "Xi'an",
        "Nanjing",
        "Qingdao",
        "Dalian",
        "Xiamen",
        "Ordos",
        "Baotou",
    }
    assert {*PROVINCES, "Inner Mongolia"} | cities <= places


def test_regulators_and_global_world_are_covered() -> None:
    names = {e.name for e in builtin_gazetteer().entries}
    assert {
        "People's Bank of China",
        "CSRC",
        "NFRA",
        "Cyberspace Administration of China",
        "NDRC",
        "SAFE",
        "MIIT",
        "SFC",
        "HKMA",
        "AMCM",
        "FSC (Taiwan)",
        "e-CNY",
        "e-HKD",
    } <= names
    assert {
        "SEC",
        "CFTC",
        "FCA",
        "MAS",
        "ESMA",
        "Coinbase",
        "MicroStrategy",
        "BlackRock",
        "Tether",
        "Circle",
        "Vitalik Buterin",
        "Michael Saylor",
        "Gary Gensler",
    } <= names
    tickers = [e for e in builtin_gazetteer().entries if e.type == "TICKER"]
    assert len(tickers) >= 100


def test_chinese_aliases_have_traditional_forms_that_fold() -> None:
    """Each Traditional alias folds to a simplified alias of its entry: the table covers it."""
    missing = []
    for entry in builtin_gazetteer().entries:
        if entry.source_file == "world_places.tsv":
            continue  # generated from CLDR/GeoNames: Taiwan's names are not mainland ones
        cjk = [a.surface for a in entry.aliases if has_cjk(a.surface)]
        simplified = {s for s in cjk if to_simplified(s) == s}
        for surface in cjk:
            folded = to_simplified(surface)
            if folded != surface and folded not in simplified:
                missing.append((entry.name, surface, folded))
    assert not missing, missing[:10]


def test_no_unconditional_alias_is_shared() -> None:
    """Two entries answering to the same plain alias would be a silent coin toss."""
    owners: dict[tuple[str, bool], list[str]] = defaultdict(list)
    for entry in builtin_gazetteer().entries:
        for alias in entry.aliases:
            if not alias.needs_context:
                key = alias.surface if alias.case_sensitive else fold_key(alias.surface)
                owners[(key, alias.case_sensitive)].append(entry.name)
    shared = {k: v for k, v in owners.items() if len(set(v)) > 1}
    assert not shared, shared


def test_alias_syntax() -> None:
    alias = parse_alias("?=Sun@tron!film*0.5")
    assert (alias.surface, alias.case_sensitive, alias.needs_context) == ("Sun", True, True)
    assert (alias.context, alias.anti, alias.weight) == ("tron", "film", 0.5)
    assert parse_alias("SEC").case_sensitive  # short all-caps acronyms are case-sensitive
    assert not parse_alias("PBoC").case_sensitive


def test_data_files_ship_in_the_package() -> None:
    data = files("tui.tagging").joinpath("data")
    for stem in GAZETTEER_FILES:
        assert data.joinpath(f"{stem}.tsv").is_file()
    for name in ("contexts.toml", "topics.toml", "blockers.tsv", "t2s.tsv"):
        assert data.joinpath(name).is_file()
