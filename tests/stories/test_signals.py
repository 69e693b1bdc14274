"""Each grouping signal on its own: shingles, language, amounts, dates, entities, names, score."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.stories.amounts import amounts, dates, money_entity
from tui.stories.score import compare, describe_key
from tui.stories.shingles import (
    EMPTY,
    band_keys,
    detect_lang,
    shingles,
    signature,
    similarity,
)
from tui.stories.signals import entity_keys, name_keys, signals_from_parts, signals_from_record
from tui.tagging import Tagger

HOUR = 3600
T0 = 1_795_000_000


def sig(text: str, lang: str | None = None) -> tuple[int, ...]:
    return signature(shingles(text, lang))


# ---- shingles and MinHash -------------------------------------------------------------

def test_chinese_near_copy_is_similar_without_segmentation() -> None:
    a = "据链上数据，Tether Treasury在波场TRON网络上新增发行10亿枚USDT。"
    b = "链上数据显示，Tether Treasury刚刚在Tron网络上新增发行10亿枚USDT。"
    c = "香港证监会向两家虚拟资产交易平台颁发牌照，持牌平台总数达13家。"
    assert similarity(sig(a), sig(b)) > 0.4
    assert similarity(sig(a), sig(c)) < 0.15


def test_traditional_and_simplified_shingle_alike() -> None:
    traditional = sig("證監會再發兩個虛擬資產平台牌照")
    simplified = sig("证监会再发两个虚拟资产平台牌照")
    assert similarity(traditional, simplified) > 0.9


def test_english_rewrite_scores_between_copy_and_unrelated() -> None:
    a = "Tether Treasury mints 1,000,000,000 USDT on Tron, according to on-chain data."
    b = "Tether Treasury mints 1,000,000,000 USDT on Tron, on-chain data show."
    c = "Bitmain unveils the Antminer S23 Hydro at its mining summit in Abu Dhabi."
    assert similarity(sig(a), sig(b)) > 0.5
    assert similarity(sig(a), sig(c)) < 0.1


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_signature_is_deterministic_and_self_similar(text: str) -> None:
    one, two = sig(text), sig(text)
    assert one == two
    assert len(one) == 32
    if shingles(text):
        assert similarity(one, two) == 1.0
        assert band_keys(one)


def test_identical_leads_share_every_band() -> None:
    a = sig("Solana network halts block production for four hours")
    b = sig("Solana network halts block production for four hours!")
    assert set(band_keys(a)) == set(band_keys(b))


def test_a_report_stores_four_bands_and_a_sparse_one_its_later_bands() -> None:
    """Four band keys a full signature (the ones its first four bands had as eight); a text
    whose few shingles all fall in the later bins keeps those, so it can still be found."""
    full = sig("Solana network halts block production for four hours")
    assert [k.split(":")[0] for k in band_keys(full)] == ["b0", "b1", "b2", "b3"]
    late = (EMPTY,) * 20 + (7,) + (EMPTY,) * 11
    assert [k.split(":")[0] for k in band_keys(late)] == ["b5"]
    assert band_keys((EMPTY,) * 32) == []


# ---- language -------------------------------------------------------------------------

def test_language_from_cjk_share() -> None:
    assert detect_lang("Tether在以太坊网络增发10亿枚USDT") == "zh"
    assert detect_lang("證監會准以太幣現貨ETF參與質押") == "zh"
    assert detect_lang("Tether mints 1 billion USDT on Ethereum") == "en"
    assert detect_lang("OKX 获得 MiCA license in Malta for the European Union market") == "en"
    assert detect_lang("") == "en"


# ---- amounts, numbers, dates ----------------------------------------------------------

def test_amounts_agree_across_languages() -> None:
    pairs = [
        ("$1.5 billion", "15亿美元"), ("about $30 million", "约3000万美元"),
        ("A$25 million", "2500万澳元"), ("1,000,000,000 USDT", "10亿枚USDT"),
        ("5,010 bitcoin", "5010枚比特币"), ("HK$10 billion", "100亿港元"),
        ("1.2 billion yuan", "12亿元"), ("$100,000", "10万美元"), ("10,000 ETH", "1万枚ETH"),
        ("US$80m", "8000万美元"),
    ]
    for english, chinese in pairs:
        en, zh = amounts(english)[0], amounts(chinese)[0]
        assert en and en == zh, (english, chinese, en, zh)


def test_currencies_stay_apart() -> None:
    assert amounts("HK$10 billion")[0] != amounts("$10 billion")[0]
    assert amounts("10亿元")[0] != amounts("10亿美元")[0]


def test_numbers_and_years() -> None:
    money, numbers = amounts("Police arrested 46 people in 2026; 温州46名嫌疑人")
    assert not money
    assert "N:46" in numbers
    assert not any(n.startswith("N:2026") or n == "N:2026" for n in numbers)


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=1, max_value=9999), st.sampled_from(["万", "亿"]))
def test_chinese_multipliers_match_english_scale(value: int, unit: str) -> None:
    scale = 10_000 if unit == "万" else 100_000_000
    total = value * scale
    english = f"${total:,}"
    assert amounts(f"{value}{unit}美元")[0] == amounts(english)[0]


def test_money_entity_reads_the_taggers_forms() -> None:
    assert money_entity("$30 million") == money_entity("3000万美元") == "USD:3e+07"
    assert money_entity("Binance") is None


def test_dates_mentioned() -> None:
    assert dates("trading opens on November 10 at noon") == {"d:11-10"}
    assert dates("将于11月10日20:00上线") == {"d:11-10"}


# ---- entities and names ---------------------------------------------------------------

def test_tagger_entities_bridge_languages() -> None:
    tagger = Tagger()
    en = signals_from_record({"id": 1, "title": "Binance to pay A$25 million to settle ASIC case",
                              "summary": "The People's Bank of China was not involved."},
                             tagger, T0)
    zh = signals_from_record({"id": 2, "title": "币安澳洲与ASIC和解 支付2500万澳元",
                              "summary": "中国人民银行未参与。"}, tagger, T0)
    shared = en.keys & zh.keys
    assert {"e:binance", "e:people's bank of china", "$:AUD:2.5e+07"} <= shared


def test_entity_kinds() -> None:
    keys = entity_keys([("Binance", "ORG"), ("BTC", "TICKER"), ("Beijing", "PLACE"),
                        ("China", "PLACE"), ("$30 million", "MONEY")])
    assert keys == {"e:binance", "t:btc", "p:beijing", "p:china", "$:USD:3e+07"}


def test_names_skip_common_words_and_known_aliases() -> None:
    found = name_keys("The Securities and Futures Commission licensed PantherTrade and YAX. "
                      "Analysts said Velora Finance was hit.", set())
    assert found == {"n:panthertrade", "n:yax", "n:velora", "n:finance"}


def test_latin_name_in_chinese_text_matches_english() -> None:
    en = signals_from_parts(1, "Nexora Bridge drained of $8.1 million", "", "", T0, "en", [])
    zh = signals_from_parts(2, "跨链桥Nexora遭攻击 损失约810万美元", "", "", T0, "zh", [])
    assert {"n:nexora", "$:USD:8.1e+06"} <= en.keys & zh.keys


def test_signals_round_trip_through_json() -> None:
    one = signals_from_parts(7, "OKX wins MiCA licence in Malta", "x", "", T0, None, [])
    again = type(one).from_json(7, one.to_json())
    assert again == one
    assert one.lang == "en"


# ---- the score --------------------------------------------------------------------------

def _pair(hours: float, zh_title: str = "币安将上线Aether（AETH）") -> tuple:
    a = signals_from_parts(1, "Binance will list Aether (AETH)", "", "", T0, "en",
                           [("Binance", "ORG")])
    b = signals_from_parts(2, zh_title, "", "", T0 + int(hours * HOUR), "zh",
                           [("Binance", "ORG")])
    return a, b


def test_same_event_across_languages_carries_evidence() -> None:
    a, b = _pair(1)
    evidence = compare(a, b)
    assert evidence.same
    assert "binance" in evidence.line() and "aeth" in evidence.line()
    assert evidence.hours_apart == 1
    assert evidence.to_json()["shared"]


def test_bar_rises_with_time_apart() -> None:
    near, far = compare(*_pair(1)), compare(*_pair(60))
    assert far.threshold > near.threshold
    assert near.score == far.score


def test_one_weak_key_is_not_enough() -> None:
    a = signals_from_parts(1, "Bitcoin rises on ETF demand", "", "", T0, "en", [("BTC", "TICKER")])
    b = signals_from_parts(2, "比特币挖矿难度上调", "", "", T0, "zh", [("BTC", "TICKER")])
    assert not compare(a, b).same


def test_different_headline_amounts_count_against() -> None:
    a = signals_from_parts(1, "Tether mints 1 billion USDT", "", "", T0, "en", [("Tether", "ORG")])
    b = signals_from_parts(2, "Tether mints 2 billion USDT", "", "", T0, "en", [("Tether", "ORG")])
    evidence = compare(a, b)
    assert evidence.conflict and "different amounts" in evidence.line()


def test_missing_dates_need_stronger_evidence() -> None:
    a, b = _pair(0)
    undated = type(b)(b.ref, None, b.lang, b.title, b.keys, b.sig)
    assert compare(a, undated).threshold > compare(a, b).threshold
    assert compare(a, undated).hours_apart is None


def test_describe_keys_for_readers() -> None:
    assert describe_key("$:USD:3e+07") == "$30 million"
    assert describe_key("$:CNY:1.2e+09") == "1.2 billion CNY"
    assert describe_key("e:binance") == "binance"
