"""The incremental grouper in memory: joins, near-misses, the window, blocking, merging."""

from __future__ import annotations

from typing import Any

from tui.stories import Grouper, MemoryIndex, signals_from_record
from tui.stories.shingles import shingles, signature
from tui.stories.signals import Signals
from tui.tagging import Tagger

HOUR = 3600
T0 = 1_795_000_000
TAGGER = Tagger()


def report(ref: Any, title: str, summary: str = "", hours: float = 0) -> Signals:
    return signals_from_record({"id": ref, "title": title, "summary": summary}, TAGGER,
                               T0 + int(hours * HOUR))


def test_reports_of_one_event_join_across_languages() -> None:
    grouper = Grouper(MemoryIndex())
    first = grouper.add(report(1, "HTX hot wallet loses about $30 million, Justin Sun says "
                                  "users will be covered"))
    second = grouper.add(report(2, "HTX热钱包被盗约3000万美元 孙宇晨称将全额赔付", hours=0.5))
    third = grouper.add(report(3, "HTX熱錢包遭駭約3000萬美元 孫宇晨：全額賠付", hours=3))
    assert not first.joined
    assert second.story == third.story == first.story
    assert second.evidence is not None and "$30 million" in second.evidence.line()


def test_same_kind_of_event_days_apart_is_another_story() -> None:
    grouper = Grouper(MemoryIndex(), window_hours=72)
    one = grouper.add(report(1, "Tether Treasury mints 1,000,000,000 USDT on Tron"))
    two = grouper.add(report(2, "Tether Treasury mints 1,000,000,000 USDT on Ethereum",
                             hours=90))
    assert one.story != two.story


def test_same_entity_in_another_event_stays_apart() -> None:
    grouper = Grouper(MemoryIndex())
    one = grouper.add(report(1, "Binance will list Aether (AETH) with a seed tag"))
    two = grouper.add(report(2, "Binance to pay A$25 million to settle Australian case",
                             hours=10))
    assert one.story != two.story


def test_two_hacks_the_same_week_stay_apart() -> None:
    grouper = Grouper(MemoryIndex())
    one = grouper.add(report(1, "Velora Finance exploited for about $12.4 million on Arbitrum"))
    two = grouper.add(report(2, "Nexora Bridge drained of $8.1 million on BNB Chain", hours=40))
    assert one.story != two.story


class SpyIndex(MemoryIndex):
    """Counts how many reports a lookup hands to the scorer."""

    def __init__(self) -> None:
        super().__init__()
        self.handed: list[int] = []

    def lookup(self, keys, published, window, cap):  # type: ignore[no-untyped-def]
        counts, stories = super().lookup(keys, published, window, cap)
        self.handed.append(sum(len(m) for m in stories.values()))
        return counts, stories


def test_candidates_come_from_blocking_keys_not_the_window() -> None:
    index = SpyIndex()
    grouper = Grouper(index)
    for n in range(50):  # unrelated reports in the window
        grouper.add(report(n, f"Unrelated market note number {n} about weather", hours=n / 10))
    grouper.add(report("x", "Conflux to issue offshore yuan stablecoin", hours=5))
    assert index.handed[-1] == 0


def _made(ref: int, keys: set[str], text: str) -> Signals:
    return Signals(ref, T0, "en", text, frozenset(keys), signature(shingles(text)))


def test_a_report_bridging_two_stories_merges_them() -> None:
    index = MemoryIndex()
    grouper = Grouper(index)
    a = grouper.add(_made(1, {"e:alpha", "n:aaa", "$:USD:5e+06"}, "first wording here"))
    b = grouper.add(_made(2, {"e:beta", "n:bbb", "$:HKD:7e+06"}, "other phrasing there"))
    assert a.story != b.story
    bridge = grouper.add(_made(3, {"e:alpha", "n:aaa", "$:USD:5e+06", "e:beta", "n:bbb",
                                   "$:HKD:7e+06"}, "a third text entirely"))
    assert bridge.merged
    assert index.story_of[1] == index.story_of[2] == index.story_of[3]


def test_without_dates_content_alone_decides() -> None:
    grouper = Grouper(MemoryIndex())
    undated = signals_from_record(
        {"id": 1, "title": "Tether在波场网络增发10亿枚USDT",
         "summary": "Tether Treasury在波场TRON网络上新增发行10亿枚USDT。"}, TAGGER, None)
    again = signals_from_record({"id": 2, "title": "Tether于波场增发10亿USDT",
                                 "summary": "Tether Treasury刚刚在Tron网络铸造10亿枚USDT。"},
                                TAGGER, None)
    assert grouper.add(undated).story == grouper.add(again).story
