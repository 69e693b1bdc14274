"""China relevance: one small test per principle and pitfall."""

from __future__ import annotations

import pytest

from tui.tagging import Tagger, tag


def test_strong_regulator_in_title_is_china(tagger: Tagger) -> None:
    tags = tagger.tag("PBoC reiterates ban on crypto trading", "The central bank said on Friday.")
    assert tags.china and tags.regions == {"CN"}
    assert tags.china_score >= 0.5
    assert any(e.entity == "People's Bank of China" and e.field == "title" for e in tags.evidence)


def test_evidence_explains_the_score(tagger: Tagger) -> None:
    tags = tagger.tag("Shenzhen police seize mining rigs", "Officers in Guangdong acted on a tip.")
    terms = {e.term for e in tags.evidence}
    assert {"Shenzhen police", "Guangdong"} <= terms  # a city body: one piece of evidence
    assert all(e.weight > 0 for e in tags.evidence)
    assert tags.evidence == tuple(sorted(tags.evidence, key=lambda e: -e.weight))


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Chinalink raises $5 million", "The payments startup will hire engineers."),
        ("Fine bone china fetches record price", "The auction house sold a tea set."),
        ("Sunday wrap: bitcoin flat", "Traders were quiet on Sunday."),
        ("Hong Chen joins fund as partner", "Hong Chen previously worked in New York."),
    ],
)
def test_substrings_and_other_senses_are_not_china(
    tagger: Tagger, title: str, summary: str
) -> None:
    tags = tagger.tag(title, summary)
    assert not tags.china
    assert not tags.regions


def test_ethereum_shanghai_upgrade_is_not_china(tagger: Tagger) -> None:
    tags = tagger.tag(
        "Ethereum's Shanghai upgrade goes live",
        "Stakers can withdraw ETH after the Shanghai hard fork; Shapella is done.",
    )
    assert not tags.china and not tags.evidence
    assert "technology" in tags.topics


def test_chinese_shanghai_upgrade_is_not_china(tagger: Tagger) -> None:
    tags = tagger.tag("以太坊上海升级完成", "上海升级激活后，验证者开始提取质押的ETH。")
    assert not tags.china


def test_city_named_upgrade_is_not_china(tagger: Tagger) -> None:
    tags = tagger.tag("Devnet prepares the Beijing upgrade", "The hard fork ships next month.")
    assert not tags.china


def test_real_shanghai_story_still_counts(tagger: Tagger) -> None:
    tags = tagger.tag("Shanghai court rules bitcoin is property", "The court said on Monday.")
    assert tags.china and "CN" in tags.regions


def test_ant_alone_is_not_ant_group(tagger: Tagger) -> None:
    tags = tagger.tag("Ant-sized chips shrink miners", "An ant could carry the new ASIC.")
    assert "Ant Group" not in {e.name for e in tags.entities}
    assert not tags.china


def test_ant_confirmed_by_full_name(tagger: Tagger) -> None:
    tags = tagger.tag("Ant Group expands AntChain", "Ant said the platform will grow.")
    ant = [e for e in tags.entities if e.name == "Ant Group"]
    assert ant and ant[0].count == 2
    assert tags.china


def test_sun_needs_justin(tagger: Tagger) -> None:
    assert "Justin Sun" not in {e.name for e in tagger.tag("The Sun reports on ads").entities}
    tags = tagger.tag("Justin Sun buys NFT", "Sun said he paid $1 million.")
    assert [e.count for e in tags.entities if e.name == "Justin Sun"] == [2]


def test_tron_and_neo_films_are_not_crypto(tagger: Tagger) -> None:
    tags = tagger.tag("Tron: Ares trailer drops", "Disney's new Tron film stars Jared Leto.")
    assert not {"TRON", "TRX"} & {e.name for e in tags.entities}
    tags = tagger.tag("Neo returns in a new Matrix film", "Keanu Reeves plays Neo again.")
    assert "NEO" not in {e.name for e in tags.entities}


def test_neo_ticker_with_crypto_context(tagger: Tagger) -> None:
    tags = tagger.tag("NEO price jumps 12%", "The NEO token rallied after the network upgrade.")
    assert "NEO" in {e.name for e in tags.entities}
    assert not tags.china  # weak alone


def test_safe_token_is_not_chinese_forex_regulator(tagger: Tagger) -> None:
    tags = tagger.tag("SAFE surges 20%", "The SAFE token rose after Safe{Wallet} added fees.")
    assert not tags.china
    assert "SAFE" not in {e.entity for e in tags.evidence}


def test_chinese_safe_with_context(tagger: Tagger) -> None:
    tags = tagger.tag(
        "China's SAFE tightens rules",
        "SAFE, the foreign exchange regulator, said banks must flag yuan transfers.",
    )
    assert tags.china and "SAFE" in {e.entity for e in tags.evidence}


def test_cac40_is_not_cyberspace_administration(tagger: Tagger) -> None:
    tags = tagger.tag("CAC 40 falls 1%", "The CAC 40 index slid as European stocks fell.")
    assert not tags.china


def test_canaan_biblical_vs_miner(tagger: Tagger) -> None:
    assert not tagger.tag("The land of Canaan in a new study", "Archaeologists dug.").china
    tags = tagger.tag("Canaan ships new Avalon miners", "Canaan said bitcoin mining demand rose.")
    assert "Canaan" in {e.name for e in tags.entities}  # the miner maker, not the land
    assert not tags.china  # Chinese-founded, registered abroad: weak alone (README)


def test_great_wall_idiom(tagger: Tagger) -> None:
    tags = tagger.tag(
        "Bitcoin Faces Great Wall of Sell Orders", "A great wall of asks sits at $70k."
    )
    assert not tags.china


def test_hong_alone_is_not_hong_kong(tagger: Tagger) -> None:
    tags = tagger.tag("Hong says markets are calm", "Analyst Hong Lim spoke on Tuesday.")
    assert "HK" not in tags.regions


def test_background_mention_weighs_less(tagger: Tagger) -> None:
    background = tagger.tag(
        "US bitcoin miners gain share",
        "Texas miners keep growing. Hashrate rose again this month as new sites came online. "
        "Many operators moved to the state years ago, since China's 2021 ban pushed them out.",
    )
    assert not background.china
    about = tagger.tag("China tightens mining ban", "Officials said the ban stays.")
    assert about.china
    assert about.china_score > background.china_score


def test_title_hit_outweighs_body_hit(tagger: Tagger) -> None:
    title = tagger.tag("Hong Kong licenses exchange", "The exchange said it will open soon.")
    body = tagger.tag("Exchange gets licence", "The exchange in Hong Kong said it will open soon.")
    assert title.china_score > body.china_score


def test_offshore_chinese_founded_firms_are_weak_alone(tagger: Tagger) -> None:
    tags = tagger.tag(
        "Binance, OKX, HTX, KuCoin, Bybit and Bitget list new token",
        "CZ and Justin Sun welcomed the TRON-based token on Gate.io.",
    )
    assert not tags.china
    assert {"Binance", "OKX", "HTX"} <= {e.name for e in tags.entities}


def test_yuan_and_ecny_are_strong(tagger: Tagger) -> None:
    assert tagger.tag("e-CNY pilot expands", "The digital yuan reached more cities.").china
    assert tagger.tag("Offshore yuan slides", "The renminbi fell against the dollar.").china


def test_taiwan_is_its_own_region(tagger: Tagger) -> None:
    tags = tagger.tag("Taiwan's FSC issues crypto rules", "金管会 said exchanges must register.")
    assert tags.regions == {"TW"}
    assert not tags.china


def test_taiwan_counts_when_user_includes_it() -> None:
    tagger = Tagger(china_regions=frozenset({"CN", "HK", "MO", "TW"}))
    assert tagger.tag("Taiwan's FSC issues crypto rules", "Taipei exchanges must comply.").china


def test_hong_kong_and_macau_keep_their_tags(tagger: Tagger) -> None:
    hk = tagger.tag("Hong Kong SFC approves platforms", "The SFC licensed OSL.")
    assert hk.regions == {"HK"} and hk.china
    mo = tagger.tag("Macau police arrest crypto gang", "The AMCM warned residents.")
    assert mo.regions == {"MO"} and mo.china


def test_china_regions_setting_excludes_hk() -> None:
    tagger = Tagger(china_regions=frozenset({"CN"}))
    tags = tagger.tag("Hong Kong SFC approves platforms", "The SFC licensed OSL.")
    assert tags.regions == {"HK"} and not tags.china


def test_hk_sfc_not_csrc(tagger: Tagger) -> None:
    tags = tagger.tag("香港证监会批准新平台", "證監會表示，平台须遵守规定。")
    entities = {e.name for e in tags.entities}
    assert "SFC" in entities and "CSRC" not in entities
    assert tags.regions == {"HK"}


def test_bare_zhengjianhui_defaults_to_csrc(tagger: Tagger) -> None:
    tags = tagger.tag("证监会发布新规", "证监会表示将加强监管。")
    assert {e.name for e in tags.entities} >= {"CSRC"}
    assert tags.regions == {"CN"}


def test_us_zhengjianhui_is_sec(tagger: Tagger) -> None:
    tags = tagger.tag("美国证监会起诉交易所", "美国证监会指控其未注册。")
    assert "SEC" in {e.name for e in tags.entities} and not tags.china


def test_jinguanhui_is_taiwan_and_jinguanju_is_hkma(tagger: Tagger) -> None:
    assert tagger.tag("金管会发布虚拟资产新规").regions == {"TW"}
    tags = tagger.tag("金管局发布稳定币牌照")
    assert tags.regions == {"HK"} and "HKMA" in {e.name for e in tags.entities}


def test_bitmain_does_not_yield_mainland(tagger: Tagger) -> None:
    tags = tagger.tag("比特大陆发布新矿机")
    assert [e.term for e in tags.evidence] == ["比特大陆"]
    assert "China" not in {e.name for e in tags.entities}


def test_longest_match_pboc_not_bank_of_china(tagger: Tagger) -> None:
    tags = tagger.tag("People's Bank of China sets rules")
    assert {e.name for e in tags.entities} == {"People's Bank of China"}


def test_foreign_central_bank_in_chinese(tagger: Tagger) -> None:
    tags = tagger.tag("日本央行行长：暂无发行央行数字货币计划")
    assert not tags.china
    assert "Bank of Japan" in {e.name for e in tags.entities}


def test_traditional_chinese_and_full_width(tagger: Tagger) -> None:
    tags = tagger.tag("中國人民銀行：打擊虛擬貨幣交易", "ＯＫＸ與幣安均受影響。")
    assert tags.china
    assert {"People's Bank of China", "OKX", "Binance"} <= {e.name for e in tags.entities}
    assert "中國人民銀行" in {e.term for e in tags.evidence}  # shown as written


def test_source_byline_is_not_a_person_or_evidence(tagger: Tagger) -> None:
    tags = tagger.tag("Wu Blockchain: OTC desks busy", "According to Wu Blockchain, demand rose.")
    # a news outlet is an organisation a reader follows, never a person and never evidence
    assert ("Wu Blockchain", "ORG") in {(e.name, e.type) for e in tags.entities}
    assert not any(e.type == "PERSON" for e in tags.entities)
    assert not tags.evidence


def test_html_input_is_stripped(tagger: Tagger) -> None:
    tags = tagger.tag(
        "Update",
        "<p>The <b>People's Bank</b> of <i>China</i> said &amp; warned</p>"
        "<script>var China = 1;</script>",
    )
    assert "People's Bank of China" in {e.name for e in tags.entities}


def test_module_level_tag_uses_default_tagger() -> None:
    assert tag("PBoC warns on crypto").china
    assert tag("").china is False


@pytest.mark.parametrize(
    "title, summary",
    [
        ("北京时间周五凌晨，欧洲央行宣布维持利率不变", "欧洲央行表示，数字欧元准备阶段将延长。"),
        ("Token unlock set for 9 a.m. Hong Kong time", "A project will release 3% of its supply."),
    ],
)
def test_a_time_zone_is_no_place(title: str, summary: str) -> None:
    tags = Tagger().tag(title, summary)
    assert not tags.china
    assert not {"Beijing", "Hong Kong"} & {e.name for e in tags.entities}


# --- China stories that never say "China": a police force or a public security bureau ------------


def test_a_public_security_bureau_without_a_place_is_china(tagger: Tagger) -> None:
    tags = tagger.tag(
        "Exchange halts withdrawals",
        "The firm said a signer of its cold wallet was assisting a public security bureau "
        "inquiry and could not approve transfers.",
    )
    assert tags.china and tags.regions == {"CN"}
    assert not any(e.type == "ORG" and "security" in e.name.lower() for e in tags.entities)


def test_a_city_police_force_in_chinese_is_the_bureau(tagger: Tagger) -> None:
    tags = tagger.tag("鞍山警方打掉一个虚拟币跑分团伙", "涉案资金流水逾5亿元。")
    assert tags.china and tags.regions == {"CN"}
    orgs = {e.name: e.mentions for e in tags.entities if e.type == "ORG"}
    assert "鞍山警方" in orgs["Anshan Public Security Bureau"]
    # the place is inside the body's name, not named on its own (README: entities)
    assert "Anshan" not in {e.name for e in tags.entities if e.type == "PLACE"}


def test_the_country_is_no_local_body(tagger: Tagger) -> None:
    tags = tagger.tag("中国警方与多国联合打击加密诈骗", "中国公安局和中国人民法院均表示从严处理。")
    assert tags.china  # the police and courts of the whole country: evidence, not a local body
    assert not [e.name for e in tags.entities if e.type == "ORG" and e.name[:2] in ("中国", "Ch")]


@pytest.mark.parametrize(
    ("title", "china"),
    [
        ("Canaan reports wider loss as bitcoin mining revenue falls", False),
        ("嘉楠科技第二季度营收同比下降", False),
        ("Canaan expands its Hangzhou plant to build more Avalon miners", True),
    ],
)
def test_a_chinese_founded_miner_maker_alone_is_no_china_story(title: str, china: bool) -> None:
    """Canaan, like Binance, is Chinese-founded and registered abroad: weak alone (README)."""
    assert Tagger().tag(title).china is china


def test_spaced_dateline_and_backer_do_not_make_a_china_story(tagger: Tagger) -> None:
    # a release datelined "HONG KONG --" about a Swiss protocol whose investor is in Hong Kong
    tags = tagger.tag(
        "Animoca Brands-backed Velora launches staking vaults in Europe",
        "HONG KONG -- Velora, a Zurich-based protocol, today opened staking vaults for users "
        "in Germany and France.",
        "HONG KONG -- Velora said its vaults accept ether and euro stablecoins. The protocol "
        "is backed by Animoca Brands and two European funds.",
    )
    assert not tags.china
    dateline = [e for e in tags.evidence if e.term == "HONG KONG"]
    assert dateline and all(e.weight <= 0.3 for e in dateline)


def test_a_hong_kong_story_with_a_spaced_dateline_is_still_china(tagger: Tagger) -> None:
    tags = tagger.tag(
        "SFC grants two more virtual asset trading platform licences",
        "HONG KONG -- The Securities and Futures Commission approved two exchanges.",
    )
    assert tags.china and "HK" in tags.regions


def test_ant_international_abroad_is_not_a_china_story(tagger: Tagger) -> None:
    # Ant Group's Singapore-based arm (Alipay+, WorldFirst) acting abroad: weak, like Binance
    tags = tagger.tag(
        "Ant International and a Dutch bank pilot euro stablecoin payouts",
        "Ant International said Alipay+ merchants in the Netherlands can be paid in EURC.",
        "The pilot runs through WorldFirst accounts in Amsterdam and Rotterdam.",
    )
    assert not tags.china
    assert "Ant International" in {e.name for e in tags.entities}


def test_ant_group_at_home_is_still_china(tagger: Tagger) -> None:
    tags = tagger.tag(
        "Ant Group files blockchain patents in Hangzhou",
        "Ant Group, the Alipay operator, registered the filings with Zhejiang authorities.",
    )
    assert tags.china and "CN" in tags.regions


def test_a_founders_biography_and_an_excluded_mainland_are_not_a_china_story(
    tagger: Tagger,
) -> None:
    # the founder's life story and "does not serve mainland China" say where the story is not
    tags = tagger.tag(
        "Kraken rival Lumex hires ex-Fed lawyer, not its China past",
        "Lumex, the exchange run from Dubai, named a new general counsel as it seeks a US "
        "licence. It does not serve mainland China.",
        "Its founder Li Wen, who was born in Hunan and studied at a university in Wuhan, "
        "started Lumex in Shenzhen in 2016 before moving it to Dubai.\n\n"
        "The new counsel will lead talks with New York regulators, the company said.",
    )
    assert not tags.china
    excluded = [e for e in tags.evidence if e.entity == "China"]
    assert all(e.weight <= 0.4 for e in excluded)


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        (
            "Shenzhen court jails founder of crypto lender",
            "The founder, who was born in Hunan, "
            "got seven years from the Shenzhen Intermediate People's Court.",
        ),
        (
            "Exchange leaves Hong Kong for Dubai",
            "The platform will not renew its licence in Hong "
            "Kong, the Securities and Futures Commission said.",
        ),
    ],
)
def test_a_biography_or_a_negation_does_not_hide_a_china_subject(
    tagger: Tagger, title: str, summary: str
) -> None:
    assert tagger.tag(title, summary).china


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        # a meeting's venue
        (
            "Solana validators agree on fee change at a summit in Hong Kong",
            "Operators voted to halve base fees from January.",
        ),
        (
            "Cosmos upgrade takes its name from Hong Kong, where the builders' week was held",
            "The release adds liquid staking to the hub.",
        ),
        ("以太坊开发者在香港举行的会议上确定下一次升级时间", "升级将于明年一季度上线测试网。"),
        # a Chinese firm as a supplier
        (
            "Miner Ridgeway buys 20,000 rigs from MicroBT",
            "Ridgeway will install the MicroBT machines at its Odessa site by March.",
        ),
        # nationality in a story set abroad
        (
            "Thai police detain two Chinese nationals over USDT laundering ring",
            "Bangkok officers said the men moved funds for a scam centre in Myanmar.",
        ),
    ],
)
def test_a_venue_a_supplier_or_a_nationality_is_not_a_china_story(
    tagger: Tagger, title: str, summary: str
) -> None:
    tags = tagger.tag(title, summary)
    assert not tags.china


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        (
            "Hong Kong regulator opens stablecoin licence consultation",
            "The HKMA will take comments until March.",
        ),
        ("MicroBT opens a chip plant in Shenzhen", "The plant will build miners for export."),
        (
            "China's police detain two Chinese nationals over USDT laundering ring",
            "Officers in Guangzhou said the men ran an underground bank.",
        ),
    ],
)
def test_the_same_words_as_the_subject_stay_china(tagger: Tagger, title: str, summary: str) -> None:
    assert tagger.tag(title, summary).china


def test_a_parent_named_to_describe_the_subject_weighs_little(tagger: Tagger) -> None:
    # the parent of a firm abroad describes the subject: "the London arm of Tencent"
    tags = tagger.tag(
        "Paylane settles card payments in USDC across Europe",
        "Paylane, the London-based arm of Tencent, began settling merchant payouts in USDC.",
        "Paylane was carved out from Tencent in 2023 and runs only in the EU and the UK.",
    )
    assert not tags.china
    assert all(e.weight <= 1.0 for e in tags.evidence if e.entity == "Tencent")


def test_an_example_in_a_chinese_list_weighs_little(tagger: Tagger) -> None:
    # 包括 (including): the PBoC as one example of many buyers, the twin of "including"
    tags = tagger.tag(
        "银价大涨，以太坊跟涨",
        "白银突破每盎司60美元；交易员称，多家机构增持贵金属，包括中国人民银行在内的多国央行也在买入。",
    )
    assert not tags.china


def test_a_foreign_central_banks_short_name_stays_foreign(tagger: Tagger) -> None:
    # 沙特中央银行 … 央行: the bare short form is the same foreign bank, not the PBoC
    tags = tagger.tag(
        "沙特中央银行发布稳定币沙盒规则",
        "沙特中央银行表示，境内获得央行批准的机构可测试里亚尔稳定币。",
    )
    assert not tags.china
    assert all(e.term != "央行" for e in tags.evidence)


def test_shuzi_cangpin_alone_is_the_chinese_word_for_an_nft(tagger: Tagger) -> None:
    # 数字藏品 names any NFT in Chinese text; it needs a China angle besides
    tags = tagger.tag(
        "Doodles推出音乐专辑，持有者可兑换限量数字藏品",
        "NFT项目Doodles发布首张专辑，持有者可免费兑换一件数字藏品，地板价上涨8%。",
    )
    assert not tags.china
    mainland = tagger.tag(
        "上海数字藏品平台上线文旅系列数字藏品",
        "平台称已完成区块链信息服务备案，首批藏品在上海发售。",
    )
    assert mainland.china and "CN" in mainland.regions


def test_a_macau_prosecutor_is_not_the_mainlands(tagger: Tagger) -> None:
    # under a Macau title a bare 检察院 is Macau's public prosecutor
    tags = tagger.tag(
        "澳门司法警察局拘捕三名虚拟货币兑换诈骗嫌犯",
        "司警局表示，三人以USDT兑换为名骗取旅客现金，案件已移送检察院侦办。",
    )
    assert tags.china and tags.regions == {"MO"}
    named = tagger.tag("澳门检察院起诉两名泰达币洗钱嫌犯", "两人被控协助赌厅转移资金。")
    assert named.regions == {"MO"}


def test_a_pool_operated_by_a_chinese_firm_is_not_a_china_story(tagger: Tagger) -> None:
    # "operated by Bitmain" describes the pool; pools with Chinese roots are weak
    tags = tagger.tag(
        "AntPool and F2Pool lead November's share of Bitcoin blocks",
        "Data from a block explorer show the two pools found 40% of blocks.",
        "AntPool, operated by Bitmain, found 24%, and F2Pool 16%. ViaBTC followed with 9%.",
    )
    assert not tags.china
    assert all(e.weight <= 1.0 for e in tags.evidence if e.entity == "Bitmain")
