"""Issue 13, third pass: entity families grouping needs, names by cue class, money in every
script, and coins as a markets term. Instances are written for these tests (not gold items)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.tagging.conftest import names
from tui.tagging import Tagger
from tui.tagging.money import money_key

_TAGGER = Tagger()
_SETTINGS = settings(max_examples=40, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])

PROVINCES = [("四川省", "Sichuan"), ("甘肃省", "Gansu"), ("青海省", "Qinghai"),
             ("辽宁省", "Liaoning"), ("湖北省", "Hubei"), ("新疆", "Xinjiang")]


def _entity(tags, name: str):  # type: ignore[no-untyped-def]
    return next(e for e in tags.entities if e.name == name)


# --- State Grid's companies: one entity in both languages, the full name as mention ----------


@_SETTINGS
@given(st.sampled_from(PROVINCES), st.sampled_from(["电力公司", "电力有限公司"]),
       st.sampled_from(["", " Electric Power Company", " Electric Power"]))
def test_state_grid_companies_are_state_grid(province, zh_tail: str, en_tail: str) -> None:
    zh, en = province
    zh_tags = _TAGGER.tag(f"国网{zh}{zh_tail}通报违规用电挖矿", "")
    en_tags = _TAGGER.tag(f"State Grid {en}{en_tail} cuts power to hidden mines", "")
    assert "State Grid" in names(zh_tags) and "State Grid" in names(en_tags)
    assert f"国网{zh}{zh_tail}" in _entity(zh_tags, "State Grid").mentions
    assert f"State Grid {en}{en_tail}" in _entity(en_tags, "State Grid").mentions
    assert zh_tags.china  # a provincial power company is a mainland body


def test_state_grid_city_company_under_the_provincial_one() -> None:
    tags = _TAGGER.tag(
        "国网甘肃省电力公司酒泉供电公司：发现多处挖矿窝点", "国网酒泉供电公司称将断电。"
    )
    grid = _entity(tags, "State Grid")
    assert {"国网甘肃省电力公司酒泉供电公司", "国网酒泉供电公司"} <= set(grid.mentions)
    assert not [e for e in tags.entities if e.name.endswith("供电公司")]


# --- one short alias, two bodies: the context (or the body already named) decides -----------


@pytest.mark.parametrize(
    "text, expected, not_expected",
    [
        ("澳門立法會細則性通過反洗錢法修訂。立法會主席表示", "Macau Legislative Assembly", "LegCo"),
        ("香港立法會財經事務委員會討論穩定幣。立法會議員稱", "LegCo", "Macau Legislative Assembly"),
        ("澳门金管局再提醒：本澳居民注意虚拟资产风险。金管局表示", "AMCM", "HKMA"),
        ("新加坡金管局要求只服务海外客户的业者停业。金管局称", "MAS", "HKMA"),
        ("金管局公布首批稳定币发行人牌照", "HKMA", "AMCM"),
        ("Macau's Legislative Assembly passed the bill; the Legislative Assembly said",
         "Macau Legislative Assembly", "LegCo"),
    ],
)
def test_short_alias_by_context(text: str, expected: str, not_expected: str) -> None:
    found = names(_TAGGER.tag(text, ""))
    assert expected in found and not_expected not in found


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("Macau tests the digital pataca with two banks", "e-MOP"),
        ("数字澳门币进入第二阶段测试", "e-MOP"),
        ("StanChart joins the tokenised deposit pilot", "Standard Chartered"),
        ("BOCHK and Hang Seng Bank join the pilot", "Bank of China (Hong Kong)"),
        ("中国银行（香港）推出数字人民币钱包充值", "Bank of China (Hong Kong)"),
        ("高等法院頒令清盤一家虛擬資產借貸平台", "High Court (Hong Kong)"),
    ],
)
def test_aliases_of_hk_and_macau_families(text: str, canonical: str) -> None:
    assert canonical in names(_TAGGER.tag(text, ""))


# --- other countries' bodies written place + body: named, and not China --------------------


@pytest.mark.parametrize("body", ["瑞士央行", "丹麦央行", "越南国会", "奥地利金融市场管理局"])
def test_foreign_place_plus_body_is_an_org_not_china(body: str) -> None:
    tags = _TAGGER.tag(f"{body}发布加密资产新规", "")
    assert body in names(tags)
    assert not tags.china and "People's Bank of China" not in names(tags)


# --- people by cue class ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, person",
    [
        ("The chain grew fast. Mira Castellano, who leads the foundation, said growth slowed.",
         "Mira Castellano"),
        ("Attorney General Dana Whitcombe called the case a warning.", "Dana Whitcombe"),
        ("Superintendent Lau Ka-ming said six people were arrested.", "Lau Ka-ming"),
        ("Governor Agustín Peralta said reserves rose.", "Agustín Peralta"),
        ("Kraken任命前交易员洪立文为亚太区负责人", "洪立文"),
        ("该交易所执行长帕斯卡·维拉尔表示，用户资金安全。", "帕斯卡·维拉尔"),
    ],
)
def test_people_by_cue(text: str, person: str) -> None:
    assert person in names(_TAGGER.tag(text, ""))


# --- descriptions and clauses before a company suffix are no names ---------------------------


@_SETTINGS
@given(st.sampled_from(["手机", "私人", "无牌", "跨境支付", "农业科技", "基础设施", "立陶宛子"]),
       st.sampled_from(["公司", "银行"]))
def test_descriptions_before_a_suffix_are_not_names(description: str, suffix: str) -> None:
    named = f"{description}{suffix}"
    tags = _TAGGER.tag("监管通报", f"多家{named}被点名。报告称{named}需整改。")
    assert not [e for e in tags.entities if e.type == "ORG" and e.name.endswith(suffix)]


def test_clause_before_capital_is_no_name() -> None:
    tags = _TAGGER.tag("评论", "离岸人民币稳定币可能加剧跨境资本流动，法案允许银行参与。")
    assert not [e for e in tags.entities if e.type == "ORG"]


# --- money in every script: one amount, one key -----------------------------------------------


@_SETTINGS
@given(st.integers(min_value=1, max_value=999))
def test_traditional_amounts_read_like_simplified(n: int) -> None:
    simp = _TAGGER.tag("融资", f"公司完成{n}亿美元融资。")
    trad = _TAGGER.tag("融資", f"公司完成{n}億美元融資。")
    key = {money_key(e.name) for e in simp.entities if e.type == "MONEY"}
    assert key and key == {money_key(e.name) for e in trad.entities if e.type == "MONEY"}
    assert key == {(float(n) * 1e8, "USD")}


def test_currency_before_the_number() -> None:
    tags = _TAGGER.tag("限額", "單筆上限新台幣3萬元，每月累計上限新台幣10萬元。")
    money = {money_key(e.name) for e in tags.entities if e.type == "MONEY"}
    assert money == {(30000.0, "TWD"), (100000.0, "TWD")}


def test_coins_counted_without_the_coin_named_again() -> None:
    tags = _TAGGER.tag("增持", "该公司买入525枚比特币，总持仓增至30,823枚。")
    money = {money_key(e.name) for e in tags.entities if e.type == "MONEY"}
    assert {(525.0, "BTC"), (30823.0, "BTC")} <= money


# --- tokens by cue; coins as a markets term ---------------------------------------------------


@pytest.mark.parametrize(
    "text, symbol",
    [("Novachain主网上线，NVX代币空投开放领取", "NVX"),
     ("The marketplace announced its own token, QRZ, and a new app", "QRZ"),
     ("Binance lists the WQX token for spot trading", "WQX")],
)
def test_symbol_named_as_token(text: str, symbol: str) -> None:
    tags = _TAGGER.tag(text, "")
    assert (symbol, "TICKER") in {(e.name, e.type) for e in tags.entities}


def test_no_ticker_from_generic_acronyms() -> None:
    tags = _TAGGER.tag("The NFT token craze and the ETF token debate", "")
    assert not [e for e in tags.entities if e.type == "TICKER"]


def test_coins_bought_are_market_evidence() -> None:
    tags = _TAGGER.tag("Treasury firm buys 6,556 BTC for $555 million",
                       "The company now holds 190,000 BTC after the purchase.")
    terms = {term for e in tags.topic_evidence if e.topic == "markets" for term, _ in e.terms}
    if "markets" in tags.topics:
        assert any("BTC" in t for t in terms)
    features = _TAGGER.topic_features("Treasury firm buys 6,556 BTC", "")
    assert "markets" in features  # the amount alone touches markets
