"""Counts with a unit as a grouping signal: "3,400 rigs" = "约3400台", "12 sites" = "12处".

The demo's Ganzi raid is one event in English and Chinese that shares only places and counts;
a count alone, or a count at another place, must not make one story of two raids.
"""

from __future__ import annotations

from tui.stories import Grouper, MemoryIndex
from tui.stories.amounts import counts
from tui.stories.score import compare, describe_key
from tui.stories.signals import Signals, signals_from_parts
from tui.tagging import Tagger

HOUR = 3600
T0 = 1_795_000_000
GANZI_EN = (
    "Ganzi police seize 3,400 rigs from hidden hydropower mining sites",
    "Police and power-grid inspectors in Sichuan's Ganzi prefecture shut 12 illegal bitcoin "
    "mining sites at small hydropower stations and seized about 3,400 machines.",
)
GANZI_ZH = (
    "四川甘孜查处12处隐蔽“挖矿”点位，查扣矿机约3400台",
    "甘孜州公安局通报，当地联合电网企业对小水电站开展排查，关停12处虚拟货币“挖矿”点位，"
    "查扣矿机约3400台，3人被采取刑事强制措施。",
)
_TAGGER = Tagger()


def _signals(ref: int, text: tuple[str, str], published: int, lang: str) -> Signals:
    title, summary = text
    tags = _TAGGER.tag(title, summary, "", lang)
    return signals_from_parts(ref, title, summary, "", published, lang,
                              [(e.name, e.type) for e in tags.entities], _TAGGER.canonical)


def _stories(*reports: Signals) -> list[int]:
    grouper = Grouper(MemoryIndex())
    return [grouper.add(report).story for report in reports]


def test_counts_agree_across_languages() -> None:
    pairs = [
        ("seized about 3,400 mining machines", "查扣矿机约3400台"),
        ("shut 12 illegal bitcoin mining sites", "关停12处“挖矿”点位"),
        ("46 people were detained", "46名嫌疑人"),
        ("some 3,500 listed companies", "约3500家上市公司"),
        ("12,000 rigs", "1.2万台矿机"),
        ("3,400 machines at 12 sites", "查扣礦機約3400臺，關停12處"),  # traditional
    ]
    for english, chinese in pairs:
        en, zh = counts(english), counts(chinese)
        assert en and en == zh, (english, chinese, en, zh)


def test_counts_skip_ones_years_ordinals_and_other_nouns() -> None:
    assert counts("1 site, in 2021 machines were banned, 第3名, 前10名, 12 of the sites") == set()
    assert counts("$3 million machines") == set()
    assert counts("12 blocks and 3 hours") == set()


def test_a_count_reads_with_its_unit() -> None:
    assert describe_key("c:machine:3400") == "3,400 machines"
    assert describe_key("c:person:46") == "46 people"


def test_counts_and_places_make_the_ganzi_raid_one_story_across_languages() -> None:
    en = _signals(1, GANZI_EN, T0, "en")
    zh = _signals(2, GANZI_ZH, T0 + 8 * HOUR, "zh")
    first, second = _stories(en, zh)
    assert first == second  # found by the count: they share no entity, name or amount
    line = compare(zh, en).line()
    assert "3,400 machines" in line and "12 sites" in line


def test_a_count_at_another_place_is_another_raid() -> None:
    ganzi = _signals(1, GANZI_EN, T0, "en")
    other = _signals(2, ("Xinjiang police seize 3,400 rigs from a coal-power mining farm",
                         "Inspectors in Xinjiang's Hami seized about 3,400 machines."),
                     T0 + 6 * HOUR, "en")
    first, second = _stories(ganzi, other)
    assert first != second


def test_the_same_place_and_count_another_day_is_another_raid() -> None:
    ganzi = _signals(1, GANZI_EN, T0, "en")
    later = _signals(2, ("Sichuan's Ganzi shuts 12 more mining sites as the dry season ends",
                         "Grid inspectors in Ganzi closed 12 sites and seized 800 machines."),
                     T0 + 40 * HOUR, "en")
    evidence = compare(later, ganzi)  # scored directly: "12 sites" is no blocking key
    assert "c:site:12" in evidence.shared and not evidence.same
