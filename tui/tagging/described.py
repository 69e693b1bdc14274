"""Organisations introduced by what they are, in either language (no gazetteer, no suffix).

"custody provider Liminal", "exchanges such as Raydium and Orca", "Chivo, the state wallet";
区块链基础设施公司Nexora, 借贷平台YieldNest, 矿企“北京矿业”. The description words are cues of
the shared automaton (see :func:`tui.tagging.names.register`), so the text is not scanned again
except for the ", the …" appositions. Precision over recall: stop words, adverbs and sentence
ends cut a candidate, and the caller drops anything overlapping a known name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tui.tagging.lexicon import lexicon
from tui.tagging.names_zh import _specific as _specific_zh
from tui.tagging.normalize import has_cjk
from tui.tagging.resolve import Doc

# An organisation introduced by what it is, in either language: "custody provider Liminal",
# "exchanges such as Raydium and Orca", "Chivo, the state wallet"; 区块链基础设施公司Nexora,
# 借贷平台YieldNest, 矿企“北京矿业”. The name is a short run of capitalised words right after
# the description. The description words are cues of the shared automaton (no extra scan).
_NAME_RUN = r"(?:[A-Z][\w.&'’+-]*|\d+[A-Za-z]\w*)(?: (?:[A-Z][\w.&'’+-]*|\d+[A-Za-z]\w*)){0,2}"
EN_KINDS = (
    "firm", "company", "startup", "provider", "exchange", "platform", "lender", "miner", "wallet",
    "protocol", "pool", "marketplace", "issuer", "custodian", "operator", "subsidiary", "venue",
    "app", "broker", "fintech", "bank", "client", "market", "studio", "fund", "DEX", "aggregator",
)
EN_LIST_CUES = ("such as", "including")
ZH_KINDS = (
    "公司", "机构", "平台", "交易所", "钱包", "服务商", "矿池", "协议", "新创", "初创", "企业",
    "基金", "银行", "工作室",
)
ZH_QUOTE_CUES = ("矿企", "矿商", "名为", "品牌", "矿池")
_AFTER_KIND = re.compile(rf" ({_NAME_RUN})(?![\w'’-]| [A-Z])")
_PLURAL_BEFORE = re.compile(
    r"\b(?:exchanges|firms|companies|pools|platforms|apps|wallets|protocols|games|collections|"
    r"startups|miners|marketplaces|lenders|issuers|bots|clients|custodians|brokers|funds|"
    r"investors|backers|projects|venues|providers),? $"
)
_LIST_AFTER = re.compile(
    rf" ((?:{_NAME_RUN})(?:, (?:{_NAME_RUN}))*(?:,? (?:and|or) (?:{_NAME_RUN}))?)"
)
_LIST_SPLIT = re.compile(r",? (?:and|or) |, ")
_APPOSED_TAIL = re.compile(
    r", (?:the|a|an|its) (?:[\w'’-]+ ){0,3}?(?:firm|company|exchange|platform|lender|wallet|"
    r"protocol|pool|marketplace|issuer|custodian|operator|subsidiary|parent|unit|arm|startup|"
    r"start-up|bank|broker|miner|developer of|maker of|owner of|provider|fund|studio|app|"
    r"blockchain|network|venue)\b"
)
_APPOSED_HEAD = re.compile(
    rf"(?:^|(?<=[.!?] )|(?<=\n)|(?<= and )|(?<= with )|(?<= by ))({_NAME_RUN})$"
)
_ZH_QUOTED = re.compile(  # not "（Longmen Pool）": the English form of the name before
    r"[“「『]([\u4e00-\u9fffA-Za-z0-9]{2,12})[”」』](?!(?:模式|概念|名义|计划|一词|之名))"
)


def described_at(
    doc: Doc, kind: str, start: int, end: int
) -> Iterator[tuple[int, str]]:
    """(start, name) candidates at one description cue (see above)."""
    text = doc.shown
    if kind == "kind":
        m = _AFTER_KIND.match(text, end)
        if m:
            yield m.start(1), m.group(1)
    elif kind == "list" and _PLURAL_BEFORE.search(text, max(0, start - 16), start):
        m = _LIST_AFTER.match(text, end)
        if m:
            at = m.start(1)
            for part in _LIST_SPLIT.split(m.group(1)):
                at = text.find(part, at)
                yield at, part
                at += len(part)


_CJK_THEN_NAME = re.compile(
    rf"(?:{'|'.join(ZH_KINDS)})([A-Z][A-Za-z0-9.&'’+-]*(?: [A-Z][A-Za-z0-9.&'’+-]*){{0,2}})"
)


# A Chinese brand with no suffix word, between what it is and what it does: 矿企长城算力宣布,
# 数据分析公司链鉴完成, 遊戲開發商雷禾互娛昨日, 交易所幣託BitoPro. Two to six characters, the
# shortest run that reaches the cue (a verb of announcing, a time word, a bracket or Latin).
_ZH_BRAND_KINDS = (
    "公司", "企业", "矿企", "交易所", "平台", "新创", "初创", "开发商", "运营商", "发行商",
    "服务商", "供应商", "券商", "钱包", "矿池",
)
_ZH_BRAND = re.compile(
    rf"(?:{'|'.join(_ZH_BRAND_KINDS)})([\u4e00-\u9fff]{{2,6}}?)"
    r"(?=宣布|推出|发布|完成|获准|获得|获|证实|公布|发表|昨日|今日|近日|日前|周[一二三四五六日]|"
    r"[（(][A-Za-z]|[A-Za-z])"
)
# what follows a kind word without being a name: its people, parts, time and manner words
_ZH_BRAND_NOT = re.compile(
    r"^(?:董事|股东|高管|员工|用户|客户|官方|方面|团队|负责|发言|创始|首席|总裁|旗下|内部|目前|此前|"
    r"随后|今年|去年|近期|已经|正式|首次|同时|再次|也|还|又|已|将|正|均|都|亦|则|并|本身|自身|"
    r"网站|官网|公告|声明|股价|股票|平台|公司|交易所|业务|产品|服务|项目|"
    # adverbs and verbs of how it was done (交易所陆续推出, 平台定期发布, 公司纷纷宣布)
    # a cue of its own: the lazy run starts at a verb (平台获…局批准)
    r"宣布|推出|发布|完成|获|证实|公布|发表|"
    r"陆续|纷纷|相继|分别|定期|公开|率先|首先|最终|终于|刚刚|曾经|仍然|共同|联合|要先|先|刚|曾|仍|"
    r"暂停|采用|买入|卖出|充值|提现|上|规则|合共|合计|累计|一共|全部|"
    # time words (公司今日宣布, 平台周二发布)
    r"今日|昨日|近日|日前|今天|昨天|当天|当日|本周|上周|周[一二三四五六日末])"
)
# a run that ends in a kind word is a description (软件供应商获…)
_ZH_BRAND_KIND_END = re.compile(rf"(?:{'|'.join(_ZH_BRAND_KINDS)}|商|方)$")


def _zh_brands(doc: Doc) -> Iterator[tuple[int, str]]:
    lex = lexicon()
    simp, text = doc.simp, doc.shown
    for m in _ZH_BRAND.finditer(simp):
        name = m.group(1)
        if _ZH_BRAND_NOT.match(name) or any(ch in lex.zh_stop for ch in name) or "的" in name:
            continue
        if _ZH_BRAND_KIND_END.search(name) or name.startswith(_ZH_BRAND_KINDS):
            continue  # 软件供应商获, 平台企业合共: a description runs on
        if any(role in name for role in lex.zh_roles) or len(_specific_zh(name)) < 2:
            continue  # 公司创始人张三表示, 平台数字资产获: a person or a description
        yield m.start(1), text[m.start(1) : m.end(1)]


# A brand the text keeps as the subject of its sentences: 蚂蚁国际推出…, 蚂蚁国际表示…; twice at
# least, right after a sentence or clause break and right before a verb of saying or launching.
_ZH_SUBJECT = re.compile(
    r"(?:^|(?<=[。！？\n，；：]))([\u4e00-\u9fff]{2,6}?)"
    r"(?=推出|宣布|发布|表示|称|指出|强调|证实|透露|周[一二三四五六日]|昨日|今日|近日|日前)"
)
# who says or launches without being a name: people, bodies and documents described
_ZH_SUBJECT_NOT = re.compile(
    r"人士|专家|警方|官员|当局|监管|机构|投资者|用户|市场|报告|数据|声明|公告|消息|媒体|记者|研究|"
    r"团队|官方|平台|公司|交易所|政府|部门|法院|检方|律师|会议|文件|通知|方面|双方|各方|业内|业界|"
    r"他们|我们|对方|此外|同时|另外|其中|目前|此前|随后|最后|最终|"
    r"^[该这那其本首多各一二三四五六七八九十两几数]"  # 该行, 七部委: a reference or a count
)


def _zh_subjects(doc: Doc) -> Iterator[tuple[int, str]]:
    lex = lexicon()
    simp, text = doc.simp, doc.shown
    seen: dict[str, list[int]] = {}
    for m in _ZH_SUBJECT.finditer(simp):
        name = m.group(1)
        if _ZH_BRAND_NOT.match(name) or _ZH_SUBJECT_NOT.search(name) or "的" in name:
            continue
        if any(ch in lex.zh_stop for ch in name) or _ZH_BRAND_KIND_END.search(name):
            continue
        if any(role in name for role in lex.zh_roles) or len(_specific_zh(name)) < 2:
            continue
        if len(name) <= 3 and name[0] in lex.zh_surnames:
            continue  # 王强表示: a person, found by the speech cue
        seen.setdefault(name, []).append(m.start(1))
    for name, starts in seen.items():
        if len(starts) >= 2:
            for start in starts:
                yield start, text[start : start + len(name)]


def zh_described(doc: Doc) -> Iterator[tuple[int, str]]:
    """(start, name) of 借贷平台YieldNest, 矿企“北京矿业” and 矿企长城算力宣布: one scan for a
    kind word and a capital right after it, one for a kind word, a short Chinese run and a
    cue, and a look at the word before each opening quote."""
    simp, text = doc.simp, doc.shown
    # every kind word is Chinese: English with a curly quote skips the pattern (~10 µs)
    for m in _CJK_THEN_NAME.finditer(simp) if has_cjk(simp) else ():
        yield m.start(1), text[m.start(1) : m.end(1)]
    if has_cjk(simp):
        yield from _zh_brands(doc)
        yield from _zh_subjects(doc)
    for mark in "“「『":
        at = simp.find(mark)
        while at >= 0:
            if simp.endswith(ZH_QUOTE_CUES, max(0, at - 2), at):
                quoted = _ZH_QUOTED.match(simp, at)
                if quoted and len(_specific_zh(quoted.group(1))) >= 2:
                    yield quoted.start(1), text[quoted.start(1) : quoted.end(1)]
            at = simp.find(mark, at + 1)


def apposed(text: str) -> Iterator[tuple[int, str]]:
    """(start, name) of "Chivo, the state wallet": a name set off by what it is."""
    at = text.find(", ")
    while at > 0:
        if _APPOSED_TAIL.match(text, at):
            m = _APPOSED_HEAD.search(text, max(0, at - 50), at)
            if m:
                yield m.start(1), m.group(1)
        at = text.find(", ", at + 2)


def clean_described(
    found: Iterator[tuple[int, str]], zh: bool = False
) -> Iterator[tuple[int, int, str, str]]:
    """The candidates as (start, end, name, "ORG"), stop words and fragments taken off."""
    lex = lexicon()
    stop, suffixes = lex.stop, frozenset(lex.org_suffixes)
    for start, name in found:
        if name[:1].isascii():  # DEX Raydium推出代币…: a Latin name ends where Chinese begins
            name = _CJK_RUN.split(name, 1)[0].rstrip()
        if not zh:
            name = name.split(". ", 1)[0]  # "BitoPro. The FSC": a sentence ends
        words = name.split(" ")
        whole = len(words)
        while words and (words[-1] in stop or words[-1] in _DESCRIBED_STOP):
            if len(words) == whole > 1 and words[-1] in suffixes and words[-2] not in stop:
                break  # "investors including Gaorong Capital": the suffix is part of the name
            words.pop()
        if not words or words[0] in stop or words[0] in _DESCRIBED_STOP:
            continue
        name = " ".join(words).rstrip(".")
        if (len(name) < 2 and name != "X") or (len(words) == 1 and name.endswith("ly")):
            continue  # "Separately, the company …": an adverb opens the sentence
        yield start, start + len(name), name, "ORG"


_CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_DESCRIBED_STOP = frozenset({
    "AI", "API", "APP", "App", "CEO", "CFO", "COO", "CTO", "DeFi", "ETF", "ETFs", "NFT", "NFTs",
    "RWA", "Web3", "KYC", "AML", "OTC", "IPO", "ICO", "TVL", "USD", "US", "UK", "EU", "II",
    "Pro", "Plus", "Inc", "Ltd", "LLC", "Co", "Group", "Holdings", "Earlier", "Later", "Instead",
    "Still", "Yet", "Overall", "Elsewhere", "Now", "Then", "Again", "Today", "Yesterday", "Last",
    "Next", "Its", "Our", "Your",
})
