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


def zh_described(doc: Doc) -> Iterator[tuple[int, str]]:
    """(start, name) of 借贷平台YieldNest and 矿企“北京矿业”: one scan for a kind word and a
    capital right after it, and a look at the word before each opening quote."""
    simp, text = doc.simp, doc.shown
    # every kind word is Chinese: English with a curly quote skips the pattern (~10 µs)
    for m in _CJK_THEN_NAME.finditer(simp) if has_cjk(simp) else ():
        yield m.start(1), text[m.start(1) : m.end(1)]
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


_DESCRIBED_STOP = frozenset({
    "AI", "API", "APP", "App", "CEO", "CFO", "COO", "CTO", "DeFi", "ETF", "ETFs", "NFT", "NFTs",
    "RWA", "Web3", "KYC", "AML", "OTC", "IPO", "ICO", "TVL", "USD", "US", "UK", "EU", "II",
    "Pro", "Plus", "Inc", "Ltd", "LLC", "Co", "Group", "Holdings", "Earlier", "Later", "Instead",
    "Still", "Yet", "Overall", "Elsewhere", "Now", "Then", "Again", "Today", "Yesterday", "Last",
    "Next", "Its", "Our", "Your",
})
