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
SPEECH_BEFORE_NAME = ("said", "says", "according to", "According to", "wrote", "added")
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
_PERSON_TOKEN = re.compile(r"[A-Z](?:[a-z]+|[a-z]*[A-Z][a-z]+)(?:[-'’][A-Z]?[a-z]+)*|[A-Z]\.")
_ORG_TOKEN = re.compile(r"[A-Z][A-Za-z0-9&'’.-]*|\d+[A-Za-z][A-Za-z0-9]*")
_APPOSITIVE_FILLER = frozenset(
    "the a an its former chief senior lead managing general deputy vice co-".split()
)
_TRAILING = ",;:)\"'’”"
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


_ZH_GENERIC_PREFIX = re.compile(
    "^(?:" + "|".join(sorted(map(re.escape, _ZH_GENERIC), key=len, reverse=True)) + ")+"
)


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


def _person_ok(tokens: list[str]) -> bool:
    return (2 <= len(tokens) <= 3 and not tokens[-1].endswith(".")
            and not any(t.rstrip(".") in _STOP for t in tokens))


def _tokens_before(text: str, end: int, pattern: re.Pattern[str], limit: int = 3,
                   allow_comma: bool = False) -> tuple[int, list[str]]:
    """Capitalised tokens ending right before ``end`` (at most ``limit``), and their start."""
    window = text[max(0, end - 60):end].replace("\n", " ").replace("\t", " ")
    stripped = window.rstrip()
    if allow_comma and stripped.endswith(","):
        stripped = stripped[:-1]
    if len(stripped) == len(window) and window:  # the cue must follow a space
        return end, []
    words = stripped.split(" ")
    tokens: list[str] = []
    for word in reversed(words):
        if len(tokens) == limit or not pattern.fullmatch(word):
            break
        tokens.append(word)
    tokens.reverse()
    start = max(0, end - 60) + len(stripped) - len(" ".join(tokens))
    return start, tokens


def _tokens_after(text: str, start: int, pattern: re.Pattern[str],
                  limit: int = 3) -> tuple[int, list[str]]:
    """Capitalised tokens right after ``start`` (a longer capitalised run yields nothing)."""
    window = text[start:start + 60]
    if not window[:1].isspace():
        return start, []
    tokens: list[str] = []
    for word in window.split()[:limit + 1]:
        bare = word.rstrip(_TRAILING)
        if len(bare) > 2 and bare[-1] in ".!?":  # "… said Mary Lee." (but keep initials)
            bare = bare[:-1]
        if not pattern.fullmatch(bare):
            break
        tokens.append(bare)
        if bare != word:
            break
    if len(tokens) > limit:
        return start, []
    begin = start + len(window) - len(window.lstrip())
    return begin, tokens


def find_names(doc: Doc, cues: list[Span], taken: bytearray) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, name, type) for names found at cues; ``taken`` marks gazetteer spans."""
    text = doc.shown
    seen_zh: set[int] = set()
    for start, end, payloads in cues:
        for _, (kind, _word) in payloads:
            if kind == "org":
                found = _org(text, start, end)
                if found:
                    yield (*found, "ORG")
            elif kind in ("role", "said_before"):
                begin, tokens = _tokens_after(text, end, _PERSON_TOKEN)
                if _person_ok(tokens):
                    name = " ".join(tokens)
                    yield begin, begin + len(name), name, "PERSON"
                if kind == "role":
                    found = _appositive(text, start)
                    if found:
                        yield (*found, "PERSON")
            elif kind == "said_after":
                begin, tokens = _tokens_before(text, start, _PERSON_TOKEN, allow_comma=True)
                if _person_ok(tokens):
                    name = " ".join(tokens)
                    yield begin, begin + len(name), name, "PERSON"
            elif kind == "zh_org" and end not in seen_zh:
                seen_zh.add(end)
                found = _zh_org(doc, start, end, taken)
                if found:
                    yield (*found, "ORG")


def _appositive(text: str, cue_start: int) -> tuple[int, int, str] | None:
    """"Jane Doe, chief executive of …": the name before a comma and a role."""
    window = text[max(0, cue_start - 60):cue_start].replace("\n", " ").rstrip()
    words = window.split(" ")
    while words and words[-1].lower() in _APPOSITIVE_FILLER:
        words.pop()
    if not words or not words[-1].endswith(","):
        return None
    head = " ".join(words)[:-1]
    base = max(0, cue_start - 60)
    begin, tokens = _tokens_before(head + " ", len(head) + 1, _PERSON_TOKEN)
    if not _person_ok(tokens):
        return None
    name = " ".join(tokens)
    return base + begin, base + begin + len(name), name


def _org(text: str, cue_start: int, cue_end: int) -> tuple[int, int, str] | None:
    start, tokens = _tokens_before(text, cue_start, _ORG_TOKEN)
    while tokens and tokens[0] in _STOP:
        start += len(tokens[0]) + 1
        tokens = tokens[1:]
    if not tokens or all(t in _STOP for t in tokens):
        return None
    return start, cue_end, " ".join(tokens) + " " + text[cue_start:cue_end]


def _zh_org(doc: Doc, cue_start: int, cue_end: int,
            taken: bytearray) -> tuple[int, int, str] | None:
    text = doc.simp
    start = cue_start
    while start > 0 and cue_start - start < 8:
        ch = text[start - 1]
        if taken[start - 1] == 1:
            return None  # the tail of a known organisation's full name (嘉楠耘智信息科技有限公司)
        if ch in _ZH_STOP or taken[start - 1] or not ch.isalnum():
            break
        start -= 1
    name = _ZH_GENERIC_PREFIX.sub("", text[start:cue_start])
    if len(name) < 2 or name in _ZH_GENERIC:
        return None
    begin = cue_start - len(name)
    return begin, cue_end, doc.shown[begin:cue_end]
