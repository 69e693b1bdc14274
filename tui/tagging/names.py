"""Names that are in no gazetteer, found next to cue words, with precision over recall.

Cues come from the shared automaton (so the text is not scanned again):

- organisation suffixes: "Foo Capital", "Bar Labs", "Baz Exchange", "Qux Inc";
- roles before a name: "CEO Jane Doe", "founder Jane Doe", "analyst Jane Doe";
- speech: "Jane Doe said", "said Jane Doe", "according to Jane Doe";
- an appositive role: "Jane Doe, chief executive of …";
- Chinese organisation suffixes: …公司 / …集团 / …交易所 / …银行, walking back over the name and
  stripping generic words (该公司, 加密货币交易所 and 一家香港公司 yield nothing).

Anything overlapping a gazetteer hit (including news outlets such as "Wu Blockchain") is
skipped: the gazetteer already knows what it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tui.tagging.matcher import CUE, Matcher, Span
from tui.tagging.resolve import Doc

ORG_SUFFIXES = (
    "Capital", "Labs", "Lab", "Ventures", "Partners", "Foundation", "Group", "Holdings",
    "Technologies", "Technology", "Exchange", "Protocol", "Network", "Finance", "Fund", "Bank",
    "Securities", "Investments", "Research", "Trust", "DAO", "Inc", "Inc.", "Corp", "Corp.",
    "Corporation", "Ltd", "Ltd.", "Limited", "LLC", "Pte", "AG", "Digital", "Mining",
    "Asset Management", "Markets", "Payments", "Wallet", "Bancorp", "Advisors", "Management",
)
ROLES = (
    "CEO", "CFO", "CTO", "COO", "CIO", "CSO", "chief executive", "Chief Executive", "founder",
    "Founder", "co-founder", "Co-founder", "Co-Founder", "cofounder", "chairman", "Chairman",
    "chairwoman", "Chairwoman", "chair", "Chair", "president", "President", "analyst", "Analyst",
    "economist", "spokesperson", "spokesman", "spokeswoman", "director", "Director",
    "managing partner", "general partner", "partner", "governor", "Governor", "commissioner",
    "Commissioner", "Senator", "Sen.", "Rep.", "Representative", "judge", "Judge", "lawmaker",
    "trader", "investor", "researcher", "developer", "strategist", "executive", "attorney",
    "prosecutor", "billionaire", "entrepreneur", "minister", "Minister", "Mr.", "Ms.", "Mrs.",
    "Dr.", "head", "deputy", "secretary", "Secretary", "CEO and founder", "head of research",
)
SPEECH_AFTER_NAME = ("said", "says", "told", "wrote", "noted", "added", "explained", "argued",
                     "stated", "tweeted", "posted", "warned", "confirmed")
SPEECH_BEFORE_NAME = ("said", "says", "according to", "wrote", "added")
ZH_ORG_SUFFIXES = ("股份有限公司", "有限公司", "公司", "集团", "控股", "交易所", "银行", "资本",
                   "基金会", "实验室")

_STOP = frozenset("""
The A An This That These Those Its Their His Her Our Your My In On At By For From To Of And Or
But With As After Before Since Why How What When Where Who Which While Says Said Raises Raised
Launches Launched Backs Backed Led Leads Invests Buys Sells Acquires Joins Hires Names Taps Sues
Charges New First Former Top Major Global Leading Chinese American US U.S. UK EU Crypto
Cryptocurrency Bitcoin Ethereum Blockchain Digital Asset Assets Web3 DeFi NFT Stablecoin Venture
Private Public Investment Hedge Big Monday Tuesday Wednesday Thursday Friday Saturday Sunday
January February March April May June July August September October November December CEO CFO
Chairman Founder President According Meanwhile However Also Both Each Many Some Several Other
Another All Any Every No Not Will Would Could Should Can Might Must Is Are Was Were Be Been Has
Have Had It They We He She I You Police Court Authorities Government Ministry Department
Commission Agency Office Regulators Exchange Exchanges Market Markets Price Prices Trading
Traders Investors Analysts Data Report Research Capital Group Labs Network Protocol Finance Fund
Holdings Technologies Foundation Partners Ventures Securities Trust Street House Wall Bay Area
Council Reserve Federal Treasury Justice State States United Kingdom Union European Asia Asian
Pacific Middle East West North South Central Ether Solana Token Tokens Coin Coins Chain Layer
Mainnet Testnet Week Day Year Times Post Journal News Daily Magazine Breaking Update Exclusive
Analysis Opinion Read More Here Today Yesterday Tomorrow Inc Corp Ltd Limited Bank Senate
Congress Chief Executive Officer Managing Director Head Deputy Secretary Minister Governor
Commissioner Judge Mr Ms Mrs Dr Sen Rep Spot ETF ETFs SEC Hong Kong China Beijing Shanghai Co
Mining Miners Wallet Payments Management Advisors Markets Binance Coinbase Tether Circle Ripple
""".split())
_TOKEN = r"[A-Z](?:[a-z]+|[a-z]*[A-Z][a-z]+)(?:[-'’][A-Z]?[a-z]+)*"
_NAME = rf"(?:{_TOKEN}|[A-Z]\.)(?:\s(?:{_TOKEN}|[A-Z]\.)){{1,2}}"
_NAME_AFTER = re.compile(rf"\s+({_NAME})(?![\w-]|\s[A-Z][a-z])")
_NAME_BEFORE = re.compile(rf"(?<![\w.-])({_NAME}),?\s+$")
_NAME_APPOSITIVE = re.compile(
    rf"(?<![\w.-])({_NAME}),\s+(?:(?:the|a|an|its|former|chief|senior|lead|managing|general|"
    rf"deputy|vice|co-)\s*){{0,2}}$"
)
_ORG_TOKEN = r"(?:[A-Z][A-Za-z0-9&'’.-]*|\d+[A-Za-z][A-Za-z0-9]*)"
_ORG_BEFORE = re.compile(rf"(?<![\w.-])((?:{_ORG_TOKEN}\s){{0,2}}{_ORG_TOKEN})\s$")
_ZH_STOP = frozenset("的在与和及是由向对据称将已被为了于从该其这那各某等并或也都而以把让给至到个名位"
                     "，。、；：！？（）《》“”‘’「」 \n\t,.;:!?()[]\"'")
_ZH_GENERIC = ("一家", "这家", "该", "某", "知名", "大型", "头部", "全球", "海外", "境外", "国内",
               "国际", "加密货币", "加密", "数字货币", "数字资产", "虚拟资产", "虚拟货币", "区块链",
               "比特币", "以太坊", "去中心化", "中心化", "合规", "持牌", "上市", "投资", "科技",
               "矿业", "金融", "网络", "支付", "证券", "互联网", "商业", "中央", "信托",
               "资产管理", "风险", "风投", "私募", "公募", "基金", "一些", "多家", "两家", "三家",
               "其他", "相关", "旗下", "关联", "空壳", "家", "母", "子", "分", "市", "省", "区",
               "县", "新", "大", "小", "老", "原", "前", "多", "一", "两", "几", "商", "传统",
               "主要", "美国", "英国", "日本", "韩国", "中国", "香港", "本地", "当地")


def register(matcher: Matcher) -> None:
    """Add cue words to the shared matcher (case-sensitive where capitals matter)."""
    for word in ORG_SUFFIXES:
        matcher.add(word, CUE, ("org", word), case_sensitive=True)
    for word in ROLES:
        matcher.add(word, CUE, ("role", word), case_sensitive=True)
    for word in SPEECH_AFTER_NAME:
        matcher.add(word, CUE, ("said_after", word), case_sensitive=True)
    for word in SPEECH_BEFORE_NAME:
        matcher.add(word, CUE, ("said_before", word), case_sensitive=True)
    for word in ZH_ORG_SUFFIXES:
        matcher.add(word, CUE, ("zh_org", word))


def _person_ok(name: str) -> bool:
    tokens = name.split()
    return tokens[-1][-1] != "." and not any(t.rstrip(".") in _STOP for t in tokens)


def find_names(doc: Doc, cues: list[Span], taken: bytearray) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, name, type) for names found at cues; ``taken`` marks gazetteer spans."""
    text = doc.shown
    seen_zh: set[int] = set()
    for span in cues:
        for _, (kind, word) in span.payloads:
            if kind == "org":
                found = _org(text, span)
                if found:
                    yield (*found, "ORG")
            elif kind == "role":
                m = _NAME_AFTER.match(text, span.end, span.end + 60)
                if m and _person_ok(m.group(1)):
                    yield m.start(1), m.end(1), m.group(1), "PERSON"
                m = _NAME_APPOSITIVE.search(text[max(0, span.start - 60):span.start])
                if m and _person_ok(m.group(1)):
                    base = max(0, span.start - 60)
                    yield base + m.start(1), base + m.end(1), m.group(1), "PERSON"
            elif kind == "said_after":
                base = max(0, span.start - 50)
                m = _NAME_BEFORE.search(text[base:span.start])
                if m and _person_ok(m.group(1)):
                    yield base + m.start(1), base + m.end(1), m.group(1), "PERSON"
            elif kind == "said_before":
                m = _NAME_AFTER.match(text, span.end, span.end + 60)
                if m and _person_ok(m.group(1)):
                    yield m.start(1), m.end(1), m.group(1), "PERSON"
            elif kind == "zh_org" and span.end not in seen_zh:
                seen_zh.add(span.end)
                found = _zh_org(doc, span, taken)
                if found:
                    yield (*found, "ORG")


def _org(text: str, span: Span) -> tuple[int, int, str] | None:
    base = max(0, span.start - 50)
    m = _ORG_BEFORE.search(text[base:span.start])
    if not m:
        return None
    tokens = m.group(1).split()
    start = base + m.start(1)
    while tokens and tokens[0] in _STOP:
        start += len(tokens[0]) + 1
        tokens = tokens[1:]
    if not tokens or all(t in _STOP for t in tokens):
        return None
    return start, span.end, " ".join(tokens) + " " + text[span.start:span.end]


def _zh_org(doc: Doc, span: Span, taken: bytearray) -> tuple[int, int, str] | None:
    text = doc.simp
    start = span.start
    while start > 0 and span.start - start < 8:
        ch = text[start - 1]
        if ch in _ZH_STOP or taken[start - 1] or not (ch.isalnum()):
            break
        start -= 1
    name = text[start:span.start]
    stripped = True
    while name and stripped:
        stripped = False
        for word in _ZH_GENERIC:
            if name.startswith(word):
                name, stripped = name[len(word):], True
                break
    if len(name) < 2 or name in _ZH_GENERIC:
        return None
    begin = span.start - len(name)
    return begin, span.end, doc.shown[begin:span.end]
