"""Behaviour by class for issue 13: topics by salience, Chinese names without cue words, China
traps, and hostile text (empty, huge, mixed scripts, control characters, backtracking bait).

Each test names a class and uses instances written for the test (none copied from the gold set),
so a rule that only lists the failing gold items does not pass them.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.tagging.conftest import names
from tui.tagging import Tagger

_TAGGER = Tagger()


# --- business by class: deals, results, funding, layoffs, expansion ---------------------------


@pytest.mark.parametrize(
    "title, summary",
    [
        ("Gemini to buy custody start-up Ledgerline for $120 million",
         "Gemini agreed to acquire Ledgerline in a cash deal, its first acquisition in two years."),
        ("Bullish swings to quarterly profit as trading revenue doubles",
         "Bullish reported net income of $40 million for the second quarter."),
        ("Bitstamp lays off a fifth of its staff",
         "The exchange said the layoffs follow its sale to a larger rival."),
        ("数字资产托管商完成5000万美元B轮融资",
         "某数字资产托管商宣布完成5000万美元B轮融资，由两家美元基金领投。"),
    ],
)
def test_business_stories_by_class(tagger: Tagger, title: str, summary: str) -> None:
    assert "business" in tagger.tag(title, summary).topics


def test_exchange_as_title_subject_is_not_an_exchanges_story(tagger: Tagger) -> None:
    """The second-topic rule (README): an exchange's office is a corporate move (business), not
    a venue event. Business itself is missed here ("a regional office" is not in the lexicon);
    the lexicon was left alone after the holdout was written."""
    tags = tagger.tag(
        "Kraken opens a regional office in Dublin",
        "Kraken said the Dublin office would serve clients across Europe.",
    )
    assert "exchanges" not in tags.topics


def test_passing_business_word_is_not_business(tagger: Tagger) -> None:
    tags = tagger.tag(
        "Bitcoin hashrate hits record as new rigs come online",
        "Miners plugged in more machines; hashrate and difficulty both rose. One miner said a "
        "partnership with a utility helped.",
    )
    assert "mining" in tags.topics
    assert "business" not in tags.topics


def test_most_stories_have_at_most_three_topics(tagger: Tagger) -> None:
    body = " ".join(
        ["Exchange listings, hacks, mining, stablecoins, NFTs, DeFi, CBDC, ICO, regulation."] * 20
    )
    assert len(tagger.tag("Everything at once", body).topics) <= 3


# --- Chinese organisations with no company word and long official names ------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        ("南京大学发布报告称，区块链人才缺口扩大。", "南京大学"),
        ("中国支付清算协会发布风险提示。", "中国支付清算协会"),
        ("伊朗能源部表示，将对非法矿场断电。", "伊朗能源部"),
        ("据建设银行苏州分行介绍，试点已覆盖全市。", "建设银行苏州分行"),
    ],
)
def test_chinese_institutions_without_company_word(tagger: Tagger, text: str, name: str) -> None:
    assert name in names(tagger.tag("快讯", text)) | {
        m for e in tagger.tag("快讯", text).entities for m in e.mentions
    }


@pytest.mark.parametrize(
    "text, bad",
    [
        ("该公司在首尔南部设有数据中心。", "首尔南部"),
        ("多家行业协会呼吁明确规则。", "行业协会"),
        ("项目方上线研究院联名藏品。", "项目方上线研究院"),
        ("团队全部来自内部。", "全部"),
    ],
)
def test_chinese_descriptions_are_not_organisations(tagger: Tagger, text: str, bad: str) -> None:
    assert bad not in names(tagger.tag("快讯", text))


def test_chinese_person_after_a_role(tagger: Tagger) -> None:
    tags = tagger.tag("快讯", "研究院副所长周立新表示，链上应用将加速落地。")
    assert "周立新" in names(tags)


# --- China traps by class -----------------------------------------------------------------------


def test_chinese_language_is_not_china(tagger: Tagger) -> None:
    tags = tagger.tag(
        "Phishing kits target Chinese-speaking users on Telegram",
        "Drainers stole $3 million from Chinese-speaking users in Southeast Asia, a security "
        "firm said. The Chinese-language channels were removed.",
    )
    assert not tags.china


def test_macro_data_release_is_a_distant_cause(tagger: Tagger) -> None:
    tags = tagger.tag(
        "Bitcoin slips as weak China factory data hits risk assets",
        "Bitcoin fell 3% after China factory data disappointed, dragging Asian equities lower.",
    )
    assert not tags.china


def test_taiwan_story_listing_mainland_currencies(tagger: Tagger) -> None:
    tags = tagger.tag(
        "台灣金管會：虛擬資產平台不得以大陸、香港或澳門貨幣計價",
        "台灣金管會表示，平台不得以人民幣、港幣或澳門幣計價。",
    )
    assert not tags.china
    assert "TW" in tags.regions


def test_foreign_central_bank_short_form_is_not_pboc(tagger: Tagger) -> None:
    tags = tagger.tag("欧洲央行推进数字欧元", "欧洲央行表示，央行将继续数字欧元准备工作。")
    assert not tags.china
    assert "People's Bank of China" not in names(tags)


def test_foreign_regulator_short_form_is_not_hkma(tagger: Tagger) -> None:
    tags = tagger.tag("新加坡金管局发布新规", "新加坡金管局称，金管局将于明年实施。")
    assert not tags.china


def test_maryland_is_not_lanzhou(tagger: Tagger) -> None:
    tags = tagger.tag("马里兰州重罚加密ATM运营商", "马里兰州金融监管局对一家ATM运营商处以罚款。")
    assert not tags.china


def test_implicit_china_district_body_still_counts(tagger: Tagger) -> None:
    tags = tagger.tag("成都市武侯区公安分局破获虚拟货币洗钱案", "涉案资金逾5000万元。")
    assert tags.china and "CN" in tags.regions


# --- hostile text ---------------------------------------------------------------------------------

_SCRIPTS = st.text(
    alphabet=st.sampled_from(
        list("abcXYZ 0123$.,;:()[]'\"-\n\t")
        + list("中国人民银行香港澳門台灣公安局法院矿池")
        + ["\x00", "\x1b", "\u202e", "\u200b", "\ufeff", "\x85", "·", "（", "）", "、", "。"]
    ),
    max_size=400,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_SCRIPTS, _SCRIPTS, _SCRIPTS)
def test_mixed_scripts_and_control_characters_never_break(t: str, s: str, c: str) -> None:
    tags = _TAGGER.tag(t, s, c)
    assert 0.0 <= tags.china_score <= 1.0
    assert len(tags.topics) <= 3
    for entity in tags.entities:
        assert entity.name.strip()
        assert entity.type in {"ORG", "PERSON", "PLACE", "TICKER", "MONEY"}


def test_empty_input() -> None:
    tags = _TAGGER.tag("", "", "")
    assert not tags.china and not tags.topics and not tags.entities


@pytest.mark.parametrize(
    "bait",
    [
        "公司" * 20_000,  # a suffix cue at every position: each walk back is bounded
        "中国" * 20_000,
        "研究院" * 10_000,
        ("A" * 50 + " Capital ") * 2_000,  # organisation suffix cues with long token runs
        "$" + "1" * 50_000 + " billion",
        "·".join(["罗德里"] * 10_000),  # transliterated-name bait
        ("Taiwan's " * 5_000) + "central bank",
    ],
    ids=["zh-suffix", "zh-country", "zh-institution", "en-suffix", "money", "translit", "owner"],
)
def test_backtracking_bait_finishes_quickly(bait: str) -> None:
    start = time.perf_counter()
    _TAGGER.tag(bait[:200], bait, bait)
    assert time.perf_counter() - start < 5.0  # linear work on a capped body, not exponential


def test_informal_chinese_name_after_a_role(tagger: Tagger) -> None:
    tags = tagger.tag("观察", "矿场主老李看着工人搬走最后一批矿机。")
    assert "老李" in names(tags)
    assert "老师" not in names(tagger.tag("观察", "矿场主老师傅说，电价又涨了。"))


# --- government bodies: one canonical name across languages, linked to the place ----------------


def _orgs(tags) -> dict[str, tuple[str, ...]]:  # type: ignore[no-untyped-def]
    return {e.name: e.mentions for e in tags.entities if e.type == "ORG"}


@pytest.mark.parametrize(
    "zh, en, name",
    [
        ("泉州市公安局通报一起USDT洗钱案", "Quanzhou police break up a USDT laundering ring",
         "Quanzhou Public Security Bureau"),
        ("贵州省发改委：全面清退虚拟货币挖矿", "Guizhou Provincial Development and Reform "
         "Commission orders mining out", "Guizhou Development and Reform Commission"),
        ("无锡市中级人民法院二审维持原判", "Wuxi Intermediate People's Court upholds ruling",
         "Wuxi Intermediate People's Court"),
        ("昆明市人民检察院起诉一起虚拟币传销案", "Kunming Procuratorate charges coin pyramid",
         "Kunming People's Procuratorate"),
        ("云南省能源局约谈小水电站", "Yunnan Energy Administration summons small hydropower plants",
         "Yunnan Energy Bureau"),
        ("重庆市第五中级人民法院审理矿机案",
         "Chongqing No. 5 Intermediate People's Court hears case",
         "Chongqing No. 5 Intermediate People's Court"),
    ],
)
def test_a_body_has_one_name_in_both_languages(
    tagger: Tagger, zh: str, en: str, name: str
) -> None:
    zh_orgs, en_orgs = _orgs(tagger.tag(zh)), _orgs(tagger.tag(en))
    assert name in zh_orgs and name in en_orgs  # so the two reports of one event can group
    assert any(m in zh for m in zh_orgs[name])  # the form the text wrote stays as a mention
    assert all(m.isascii() for m in en_orgs[name])


def test_a_body_named_by_its_level_is_the_places_body(tagger: Tagger) -> None:
    tags = tagger.tag(
        "Raids on hidden rigs in Leshan",
        "Inspectors in Leshan, in southern Sichuan, seized 900 machines, the city's public "
        "security bureau said. The provincial development and reform commission asked plants "
        "to cut power to miners.",
    )
    orgs = _orgs(tags)
    assert "the city's public security bureau" in orgs["Leshan Public Security Bureau"]
    assert "Sichuan Development and Reform Commission" in orgs
    assert tags.china


def test_police_of_a_place_is_the_bureau_not_the_place(tagger: Tagger) -> None:
    tags = tagger.tag("Taizhou police seize 600 mining rigs", "The raid followed power checks.")
    assert "Taizhou Public Security Bureau" in _orgs(tags)  # README: a place inside a name
    assert "Taizhou" not in {e.name for e in tags.entities if e.type == "PLACE"}
    tags = tagger.tag("Taizhou police seize 600 mining rigs", "Police in Taizhou said so.")
    assert "Taizhou" in {e.name for e in tags.entities if e.type == "PLACE"}  # named on its own


def test_a_district_body_is_named_by_its_district(tagger: Tagger) -> None:
    tags = tagger.tag(
        "广州市天河区人民法院审结一起虚拟币借贷案", "天河区人民法院认为，借款合同无效。"
    )
    orgs = _orgs(tags)
    assert "Tianhe People's Court" in orgs  # the long and the short form: one court
    assert {"广州市天河区人民法院", "天河区人民法院"} <= set(orgs["Tianhe People's Court"])


def test_a_heading_line_and_the_next_line_are_not_one_body(tagger: Tagger) -> None:
    tags = tagger.tag("Mining roundup", "Shaoguan\nPolice in a neighbouring county cut power.")
    assert not any("Shaoguan" in name for name in _orgs(tags))


# --- datelines and common nouns that look like places --------------------------------------------


@pytest.mark.parametrize(
    "body, place",
    [
        ("SEOUL--Upbit said on Tuesday it would add two tokens.", "Seoul"),
        ("ZURICH (Reuters) - A Swiss bank began custody of bitcoin.", "Zurich"),
        ("BUENOS AIRES, May 9 - Argentina's regulator opened a register.", "Buenos Aires"),
    ],
)
def test_a_capitalised_dateline_names_its_place(tagger: Tagger, body: str, place: str) -> None:
    tags = tagger.tag("Market update", body)
    assert place in {e.name for e in tags.entities if e.type == "PLACE"}
    assert not tags.china


def test_a_capitalised_dateline_in_china_still_weighs_little(tagger: Tagger) -> None:
    tags = tagger.tag("Exchange adds staff", "SHENZHEN--A Singapore exchange hired 40 engineers.")
    assert "Shenzhen" in {e.name for e in tags.entities if e.type == "PLACE"}
    assert all(e.weight < 1 for e in tags.evidence if e.term == "SHENZHEN")


@pytest.mark.parametrize(
    "text, bad",
    [
        ("据悉，国内部分地区已开始排查高耗能数据中心。", "部分地区"),
        ("内蒙古、宁夏等七省区通报挖矿整治进展。", "七省区"),
        ("广东多个区开展数字人民币试点。", "多个区"),
    ],
)
def test_groupings_of_areas_are_not_districts(tagger: Tagger, text: str, bad: str) -> None:
    assert not any(bad in e.name for e in tagger.tag("整治进展", text).entities)


# --- people by cue words, G20 regulators and data providers -------------------------------------


@pytest.mark.parametrize(
    "body, person",
    [
        ("Police searched founder Mara Olsen's Lisbon office on Monday.", "Mara Olsen"),
        ("Tomas Reyes, a Chilean developer behind the wallet, declined to comment.", "Tomas Reyes"),
        ("Ines Duarte, the Portuguese investor who backed it, sold her stake.", "Ines Duarte"),
    ],
)
def test_a_person_by_a_cue_word(tagger: Tagger, body: str, person: str) -> None:
    assert person in {e.name for e in tagger.tag("Update", body).entities if e.type == "PERSON"}


@pytest.mark.parametrize(
    "body, org",
    [
        ("Italy's Consob ordered the site blocked.", "Consob"),
        ("Banco de México kept its policy rate unchanged.", "Bank of Mexico"),
        ("南非储备银行表示将发布加密资产框架。", "South African Reserve Bank"),
        ("Turkey's Capital Markets Board licensed two exchanges.",
         "Capital Markets Board of Turkey"),
        ("LSEG data showed flows into the funds rose.", "LSEG"),
    ],
)
def test_g20_regulators_and_data_providers(tagger: Tagger, body: str, org: str) -> None:
    assert org in {e.name for e in tagger.tag("Update", body).entities if e.type == "ORG"}


# --- a regulator named after another country is that country's -----------------------------------


@pytest.mark.parametrize(
    "body, wrong, right",
    [
        ("Pakistan's Securities and Exchange Commission licensed two exchanges.", "SEC",
         "Pakistan Securities and Exchange Commission"),
        ("Ghana's SEC issued draft rules, as Singapore's MAS did.", "SEC", "Ghana SEC"),
    ],
)
def test_a_regulator_named_after_another_country(
    tagger: Tagger, body: str, wrong: str, right: str
) -> None:
    orgs = {e.name for e in tagger.tag("Update", body).entities if e.type == "ORG"}
    assert right in orgs and wrong not in orgs
    assert "MAS" in orgs or "MAS" not in body  # a country's own regulator keeps its name


# --- no fragments of a longer name, no institution read as a person -----------------------------


@pytest.mark.parametrize(
    "body, name, fragment",
    [
        ("Officials at the National Data Exchange Centre said the rules apply.",
         "National Data Exchange Centre", "Data Exchange Centre"),
        ("Staff of the State Statistics Centre said output rose.",
         "State Statistics Centre", "Statistics Centre"),
    ],
)
def test_a_name_keeps_its_first_word_mid_sentence(
    tagger: Tagger, body: str, name: str, fragment: str
) -> None:
    names = {e.name for e in tagger.tag("Update", body).entities}
    assert name in names and fragment not in names


def test_an_institution_before_said_is_no_person(tagger: Tagger) -> None:
    tags = tagger.tag("Update", "Data came out. The Financial Reporting Centre said volumes fell.")
    assert not [e.name for e in tags.entities if e.type == "PERSON"]


@pytest.mark.parametrize(
    "text",
    [
        "张某已于上月辞任公司董事一职。",
        "他在2021年离开公司后创办了一家咨询机构。",
        "她随后入股公司并出任监事。",
    ],
)
def test_a_verb_before_company_is_no_company_name(tagger: Tagger, text: str) -> None:
    assert not [e.name for e in tagger.tag("人事变动", text).entities if e.name.endswith("公司")]


@pytest.mark.parametrize(
    "text",
    [
        "用户可以把稳定币转入银行账户，再通过银行提现。",  # a verb before the bank
        "调查人员发现，这笔资金大部分来自公司的自有账户。",  # 来自 + company
        "黑客上月攻击交易所后，盗走约两千万美元。",  # 攻击 + exchange
        "首批有五家银行接入这个结算网络。",  # a count before banks
        "本月第三起交易所被盗事件引发关注。",  # an order count before the exchange
        "他说，这种钱包用起来就像银行一样方便。",  # a comparison
        "上周中心化交易所的净流出创下新高。",  # a time word before a description
    ],
)
def test_a_clause_before_a_suffix_is_no_organisation(tagger: Tagger, text: str) -> None:
    orgs = [e.name for e in tagger.tag("快讯", text).entities if e.type == "ORG"]
    assert not orgs, orgs


@pytest.mark.parametrize(
    "text",
    [
        "一家芯片设计公司发布了新的矿机芯片。",
        "多家游戏公司开始接受稳定币支付。",
        "韩国游戏公司宣布将发行链上积分。",  # a kind of firm from a place: still no name
        "永续合约交易所的成交量上月翻倍。",
    ],
)
def test_a_kind_of_firm_is_no_name(tagger: Tagger, text: str) -> None:
    orgs = [e.name for e in tagger.tag("快讯", text).entities if e.type == "ORG"]
    assert not orgs, orgs


def test_a_named_firm_after_a_count_word_keeps_its_name(tagger: Tagger) -> None:
    tags = tagger.tag("快讯", "第一阿布扎比银行宣布加入该结算网络。")
    assert "第一阿布扎比银行" in names(tags)


@pytest.mark.parametrize("day", ["周一", "周二", "周三", "周四", "周五"])
def test_a_weekday_is_no_person(tagger: Tagger, day: str) -> None:
    tags = tagger.tag("快讯", f"央行{day}表示，将继续推进数字人民币试点。")
    assert not [e.name for e in tags.entities if e.type == "PERSON"]


# --- places below city level: a district named alone where its city is named too ------------


@pytest.mark.parametrize(
    "text, place",
    [
        ("深圳将在罗湖、宝安两区试点数字人民币停车缴费。", "Luohu"),
        ("深圳一家矿机经销商的仓库位于龙岗，警方上周查封。", "Longgang"),
        ("上海的三家券商在徐汇设立了数字资产研究中心。", "Xuhui"),
        ("台北這家新創的辦公室在南港，員工約四十人。", "Nangang District (Taipei)"),
    ],
)
def test_a_district_alone_is_a_place_where_its_city_is_named(
    tagger: Tagger, text: str, place: str
) -> None:
    assert place in {e.name for e in tagger.tag("快讯", text).entities if e.type == "PLACE"}


@pytest.mark.parametrize(
    "text, place",
    [
        ("一位投资者在宝安买入了价值一百万元的比特币。", "Bao'an"),  # no 深圳: not sure
        ("这位矿工此前在南港一家工厂工作。", "Nangang District (Taipei)"),  # no 台北
    ],
)
def test_a_district_alone_without_its_city_is_no_place(
    tagger: Tagger, text: str, place: str
) -> None:
    assert place not in {e.name for e in tagger.tag("快讯", text).entities}


# --- Chinese brands with no suffix word, between what they are and what they do ----------------


@pytest.mark.parametrize(
    "text, org",
    [
        ("比特币矿企鸿途算力宣布在阿曼新建矿场。", "鸿途算力"),
        ("杭州数字藏品平台星屿周四发布公告，将停止运营。", "星屿"),
        ("台北區塊鏈新創鏈禾科技推出電子收據存證服務。", "鏈禾科技"),
        ("本地券商宏匯證券獲准提供虛擬資產交易服務。", "宏匯證券"),
    ],
)
def test_a_brand_between_its_kind_and_a_cue_is_an_organisation(
    tagger: Tagger, text: str, org: str
) -> None:
    assert org in names(tagger.tag("快讯", text))


@pytest.mark.parametrize(
    "text",
    [
        "多家交易所陆续推出质押服务。",
        "该平台今日宣布下调手续费。",
        "矿池纷纷宣布暂停新用户注册。",
        "公司董事会宣布回购股份。",
        "一家软件供应商获得新一轮融资。",
    ],
)
def test_an_adverb_or_a_body_after_a_kind_is_no_brand(tagger: Tagger, text: str) -> None:
    orgs = [e.name for e in tagger.tag("快讯", text).entities if e.type == "ORG"]
    assert not orgs, orgs


@pytest.mark.parametrize(
    "text, places",
    [
        ("供电公司在岷县、漳县等县排查出五处挖矿点。", {"岷县", "漳县"}),
        ("警方在敦化、珲春等地查获一批矿机。", {"敦化", "珲春"}),
        ("执法人员在伊宁县和霍城县关停两处矿场。", {"伊宁县", "霍城县"}),
        ("在漳县、岷县等县", {"漳县", "岷县"}),  # a list at the start of the text
    ],
)
def test_places_below_city_level_named_by_a_list(
    tagger: Tagger, text: str, places: set[str]
) -> None:
    found = tagger.tag("快讯", text).entities
    assert places <= {m for e in found if e.type == "PLACE" for m in e.mentions}


@pytest.mark.parametrize(
    "text",
    [
        "多地已在周边、邻近等地区开展排查。",
        "比特币、以太坊等币种价格回落。",
        "各县和全县的电力数据均已上报。",
    ],
)
def test_a_list_of_other_things_names_no_place(tagger: Tagger, text: str) -> None:
    assert not [e.name for e in tagger.tag("快讯", text).entities if e.type == "PLACE"]


def test_a_police_force_is_not_cut_at_bu(tagger: Tagger) -> None:
    tags = tagger.tag("快讯", "马来西亚警察部队周二逮捕三名涉嫌洗钱的男子。")
    assert "马来西亚警察部队" in names(tags)
    assert "马来西亚警察部" not in names(tags)


def test_a_known_name_and_its_legal_suffix_leave_no_fragment(tagger: Tagger) -> None:
    tags = tagger.tag("公告", "HashKey集团有限公司董事会宣布，本公司完成配售。")
    assert not [e.name for e in tags.entities if e.name.startswith("集团")]


def test_a_brand_the_text_keeps_as_its_subject_is_an_organisation(tagger: Tagger) -> None:
    text = "星河数科推出链上票据平台。星河数科表示，首批客户为三家物流企业。"
    assert "星河数科" in names(tagger.tag("快讯", text))


@pytest.mark.parametrize(
    "text",
    [
        "分析人士表示，价格仍将波动。分析人士指出，成交量下降。",  # people described
        "王强表示，平台将整改。王强称，用户资产安全。",  # a person, not a firm
        "星河数科推出链上票据平台，首批客户为三家物流企业。",  # once is not enough
    ],
)
def test_a_subject_described_or_named_once_is_no_brand(tagger: Tagger, text: str) -> None:
    assert not [e.name for e in tagger.tag("快讯", text).entities if e.type == "ORG"]


@pytest.mark.parametrize(
    "text, org",
    [
        ("公链Zephra基金会宣布启动生态基金。", "Zephra基金会"),
        ("日本Kairo集團昨日公布季度業績。", "Kairo集團"),
    ],
)
def test_a_latin_name_before_a_chinese_suffix_is_one_name(
    tagger: Tagger, text: str, org: str
) -> None:
    assert org in names(tagger.tag("快讯", text))


def test_a_generic_latin_word_before_a_suffix_is_no_name(tagger: Tagger) -> None:
    tags = tagger.tag("快讯", "业内成立了一个Web3协会，首批会员二十家。")
    assert not [e.name for e in tags.entities if e.name.startswith("Web3")]


def test_base_named_beside_arbitrum_is_the_network(tagger: Tagger) -> None:
    tags = tagger.tag("快讯", "该协议在Arbitrum和Base上的锁仓量合计超过5亿美元。")
    assert "Base" in names(tags)
    assert "Base" not in names(tagger.tag("Pay", "Base salaries rose 4% this year."))


@pytest.mark.parametrize(
    "text, place",
    [
        ("长三角多地推出数字人民币消费券。", "Yangtze River Delta"),
        ("矿场主要分布在北欧和北美。", "Nordic countries"),
    ],
)
def test_regions_that_span_countries_or_provinces(tagger: Tagger, text: str, place: str) -> None:
    assert place in {e.name for e in tagger.tag("快讯", text).entities if e.type == "PLACE"}


def test_a_company_suffix_inside_a_longer_body_is_no_company(tagger: Tagger) -> None:
    tags = tagger.tag("快讯", "众议院金融服务委员会和参议院银行委员会将举行联合听证。")
    assert "参议院银行" not in names(tags)


def test_a_latin_name_ends_where_chinese_begins(tagger: Tagger) -> None:
    tags = tagger.tag("快讯", "Sui上的DEX Tidewave推出代币发射平台，用户可发行新币。")
    orgs = {e.name for e in tags.entities if e.type == "ORG"}
    assert "Tidewave" in orgs
    assert not [o for o in orgs if o.startswith("Tidewave") and o != "Tidewave"]


def test_a_place_and_a_kind_before_a_brand_are_a_description(tagger: Tagger) -> None:
    tags = tagger.tag("快讯", "台湾交易所鑫币KinCoin证实热钱包遭异常转出。")
    assert "台湾交易所" not in names(tags)
    assert "Taiwan" in names(tags)


@pytest.mark.parametrize(
    "text, bad",
    [
        ("鑫币母公司完成新一轮增资。", "鑫币母公司"),  # a relation to a named company
        ("该平台采用许可制联盟链。", "联盟"),  # a verb inside the run before 联盟
    ],
)
def test_relations_and_clauses_before_a_suffix_are_no_name(
    tagger: Tagger, text: str, bad: str
) -> None:
    assert not [n for n in names(tagger.tag("快讯", text)) if bad in n]
