"""Contexts that make a China term say little about the story: each rule is a class of trap.

- a dateline ("BEIJING (Reuters) -", "北京12月1日电") says where a reporter sat, not what the
  story is about;
- a place that is part of a name ("长城算力", "Shanghai Capital", "Beijing Pool") is a brand;
- a place followed by "upgrade", "hard fork", 升级, 硬分叉 is an upgrade's nickname, not a
  place at all (Ethereum's 上海升级, a chain's 「澳門」硬分叉): those hits are dropped;
- a place named as where the story is not ("outside mainland China", "not its China ties",
  "not available in mainland China", 除中国大陆以外, 不向中国大陆用户) is excluded, not the subject;
- a sentence of biography ("who was born in Jiangsu and grew up in Canada, founded the firm in
  Shanghai in 2017", 早年毕业于) tells where a founder came from, not where the story is;
- a place named as a meeting's venue ("a summit in Hong Kong", "the Hong Kong venue of",
  在香港举行的) says where people met, not what the story is about;
- a Chinese firm named as a supplier ("buys machines from Bitmain", "Bitmain rigs",
  从比特大陆采购) plays a supporting role in someone else's story;
- "Chinese nationals" (中国籍, 中国公民) says who was involved, not where: a story in China
  names more than its people's passports (applied in :mod:`tui.tagging.china`);
- China named in a sentence about tariffs or a trade war is a distant cause of a market move;
- a currency named in the body (yuan, 港元) is a unit, often one of a list;
- a term in a list of Greater China regions ("大陸、香港或澳門", "mainland China, Hong Kong
  and Macau") is a comparison, not the subject;
- a body named after another country ("韩国央行", "欧洲央行", "Singapore's central bank",
  "Taiwan's Investigation Bureau") is that country's;
- "Chinese" naming a language or its speakers ("Chinese-speaking users", 中文社区) is no China
  signal (blockers.tsv); a macro data release ("Chinese export data") is a distant cause.

:func:`drop_nicknames` runs before scoring and entity listing; :func:`factor` multiplies one
hit's China value (see :mod:`tui.tagging.china`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tui.models import Entity
from tui.tagging.gazetteer import Alias, Entry
from tui.tagging.resolve import Doc, Hit

DATELINE_FACTOR = 0.1
NAME_PART_FACTOR = 0.2
CAUSE_FACTOR = 0.3
CURRENCY_FACTOR = 0.4
LIST_FACTOR = 0.4
EXCLUDED_FACTOR = 0.1
BIOGRAPHY_FACTOR = 0.3
VENUE_FACTOR = 0.3
SUPPLIER_FACTOR = 0.3
NATIONALITY_FACTOR = 0.3

_DATELINE_AFTER = re.compile(
    r"^(?:,?\s?(?:[A-Z][a-z]{2,8}\.?\s\d{1,2})?\s?\((?:[A-Za-z .]{2,20})\)\s?[-—–]"
    r"|,\s?[A-Z][a-z]{2,8}\.?\s\d{1,2}\s?[-—–]|\s?[-—–]\s|\s?--)"
    r"|^\d{1,2}月\d{1,2}日电"
)
_CAPS_LINE_START = re.compile(r"(?m)^([A-Z][A-Z'.]+(?: [A-Z][A-Z'.]+){0,2})(?=[,\s(-])")
_NICKNAME_AFTER = re.compile(
    r"^[\"'”’」』》)\]]{0,2}\s?(?:\(\w{2,20}\)\s?)?(?:的\s?)?"
    r"(?:upgrade|hard fork|hardfork|fork|network upgrade|mainnet upgrade|testnet|"
    r"升级|升級|硬分叉|分叉|主网升级|测试网|测试网升级)"
)
_NICKNAME_BEFORE = re.compile(
    r"(?:代号|代號|名为|称为|命名为|codenamed|code-named|dubbed|named|called|nicknamed)\s?"
    r"[\"'“‘「『《(\[]?$"
)
_NAME_PART_AFTER = re.compile(
    r"^(?:\s(?:Pool|Capital|Labs|Mining|Ventures|Fund|Partners|Digital|Blockchain|Hashrate|"
    r"Hash|Power|Technologies|Tech)\b"
    r"|[\u4e00-\u9fff]{0,2}(?:算力|矿池|矿业|资本|创投|实验室)"
    r"|[\u4e00-\u9fff]{0,4}[」』”\"])"
)
_CAUSE = re.compile(
    r"tariff|trade war|trade tension|trade talks|export control|sanction|export data|"
    r"trade data|economic data|factory data|pmi\b|gdp\b|关税|贸易战|贸易摩擦|贸易紧张|出口管制|"
    r"出口数据|经济数据|pmi数据"
)  # a tariff, a sanction or a macro data release: China as the distant cause of a price move
# a place named as where the story is not: "outside mainland China", "except Hong Kong",
# "not its China ties", "will not be offered in China", "stays out of China", 除中国大陆外,
# 不面向中国用户
_EXCLUDED_BEFORE = re.compile(
    r"(?:\b(?:outside(?: of)?|except(?: for| in)?|excluding|other than|out of|beyond|"
    r"not (?:in|into|to|from|its|their|serve|serving|(?:be |been |yet )?(?:available|offered|"
    r"open|accessible|sold|launched|licensed|operating|active) (?:in|to)))\s(?:the\s)?"
    r"|(?:除了?|不包括|不含|不对|不向|不面向|不在|未在|暂不在)(?:中国)?)$"
)
# every match of _EXCLUDED_BEFORE holds one of these: the regex runs only where one is
_EXCLUDED_LITERALS = ("out", "except", "exclud", "other than", "beyond", "not ", "除", "不", "未")
_EXCLUDED_AFTER = re.compile(r"^(?:[^，。,.]{0,6}(?:以外|之外|除外))")
# a place as where a meeting was held: "at a summit in Hong Kong", "the Hong Kong venue of",
# "Hong Kong, where the testing week was held", 在香港举行的
_VENUE_BEFORE = re.compile(
    r"\b(?:conference|summit|forum|festival|expo|meetup|hackathon|workshop|panel|gathering|"
    r"meeting|event|week)s?\s(?:held\s|hosted\s)?(?:in|at)\s$"
    r"|\b(?:held|hosted|staged|convened)\s(?:\w+\s){0,2}in\s$"
)
_VENUE_AFTER = re.compile(
    r"^(?:(?:'s|’s)?\s(?:venue|leg|edition)\b"
    r"|,?\s(?:where|at which)\s[^.;]{0,60}?\b(?:was|were|is|are|will be)\s(?:held|hosted)"
    r"|(?:举行|举办|召开|主办)(?:的|之))"
)
# a Chinese firm as a supplier: "buys machines from Bitmain", "50,000 Bitmain rigs", 从比特大陆采购
_SUPPLIER_BEFORE = re.compile(
    r"\b(?:buys?|bought|buying|purchases?|purchased|orders?|ordered|sources?|sourced|leases?|"
    r"leased)\b[^.;]{0,40}\bfrom\s$|(?:从|向)$"
)
_SUPPLIER_AFTER = re.compile(
    r"^(?:(?:'s|’s)?\s(?:[\w-]+\s){0,2}(?:machines|rigs|miners|asics|chips|hardware)\b"
    r"|[^，。]{0,3}(?:采购|购买|购入|订购|买入|租赁))"
)
_COMPANY_FILE = "china_companies.tsv"
# a nationality: "three Chinese nationals", "a Chinese citizen", 中国籍男子, 中国公民
_NATIONALITY_AFTER = re.compile(r"^(?:\s(?:nationals?|citizens?|passport holders?)\b|籍|公民)")
# a sentence of someone's life story: where they were born, grew up, studied, first founded
_BIOGRAPHY = re.compile(
    r"\b(?:was born|born in|grew up|raised in|studied at|graduated from|emigrated|"
    r"moved (?:it |the (?:company|firm|exchange) )?abroad|"
    r"founded [^,.;]{0,40}\bin (?:19|20)\d\d)\b"
    r"|出生于|生于|出生在|早年|毕业于|成长于|移居"
)
_BIOGRAPHY_LITERALS = (
    "born", "grew up", "raised in", "studied at", "graduated", "emigrated", "abroad", "founded",
)
_BIOGRAPHY_LITERALS_ZH = ("出生", "生于", "早年", "毕业", "成长于", "移居")
_LIST_GAP = re.compile(r"^\s?(?:、|,|/|及|和|与|或|and|or|,\s?and|,\s?or)\s?$")
_SENTENCE = re.compile(r"[.!?。！？\n]")
_MARKS = ".!?。！？\n"
GREATER_CHINA = frozenset({"CN", "HK", "MO", "TW"})
MAINLAND_HK_MO = frozenset({"CN", "HK", "MO"})
_POSSESSIVE = frozenset({"'s ", "’s "})  # "Singapore's MAS", "Korea's FSC"


def _line_starts(text: str) -> Iterator[re.Match[str]]:
    """_CAPS_LINE_START's matches, tried only where a line starts (a story has a few lines;
    finditer would try the pattern at each of its thousands of positions)."""
    at = 0
    while at >= 0:
        if text[at : at + 1].isupper():
            m = _CAPS_LINE_START.match(text, at)
            if m is not None:
                yield m
        at = text.find("\n", at)
        if at >= 0:
            at += 1


def datelines(doc: Doc) -> list[tuple[int, int, str]]:
    """(start, end, name as a place is spelt) of each capitalised dateline that opens a line:
    "TOKYO--", "HONG KONG -- ", "HONG KONG (Reuters) -", "LISBON, May 4 -". The place is
    still a place of the story (an entity); :func:`factor` gives it little China weight."""
    out = []
    shown = doc.shown
    for m in _line_starts(shown):
        if _DATELINE_AFTER.match(shown[m.end() : m.end() + 40]):
            words = m.group(1).split(" ")
            out.append((m.start(), m.end(), " ".join(w[0] + w[1:].lower() for w in words)))
    return out


def drop_nicknames(doc: Doc, hits: list[Hit]) -> list[Hit]:
    """Hits minus places used as an upgrade's or a fork's nickname."""
    kept = []
    low = doc.low
    for hit in hits:
        if hit.entry.type == "PLACE":
            after = low[hit.end : hit.end + 18]
            if _NICKNAME_AFTER.match(after):
                continue
            before = low[max(0, hit.start - 14) : hit.start]
            if _NICKNAME_BEFORE.search(before):
                continue
            if before.endswith("(") and _NICKNAME_BEFORE.search(low[: hit.start - 1][-30:]):
                continue
        kept.append(hit)
    return kept


def excluded(doc: Doc, hit: Hit) -> bool:
    """True when the text names the place as where the story is not ("outside mainland
    China", "not available in Hong Kong", 除中国大陆以外)."""
    low = doc.low
    before = low[max(0, hit.start - 40) : hit.start]
    if any(w in before for w in _EXCLUDED_LITERALS) and _EXCLUDED_BEFORE.search(before):
        return True
    after = low[hit.end : hit.end + 10]
    return "除" in before[-12:] and _EXCLUDED_AFTER.match(after) is not None


def venue(doc: Doc, hit: Hit) -> bool:
    """True when the place is where a meeting was held ("a summit in Hong Kong")."""
    low = doc.low
    if _VENUE_AFTER.match(low[hit.end : hit.end + 80]) is not None:
        return True
    before = low[max(0, hit.start - 40) : hit.start]
    return before.endswith(("in ", "at ")) and _VENUE_BEFORE.search(before) is not None


def supplier(doc: Doc, hit: Hit) -> bool:
    """True when the firm sells to the story's subject ("buys rigs from Bitmain")."""
    low = doc.low
    if _SUPPLIER_AFTER.match(low[hit.end : hit.end + 40]) is not None:
        return True
    before = low[max(0, hit.start - 60) : hit.start]
    return before.endswith(("from ", "从", "向")) and _SUPPLIER_BEFORE.search(before) is not None


def nationality(doc: Doc, hit: Hit) -> bool:
    """True when "Chinese" / 中国 names people's nationality ("Chinese nationals", 中国籍)."""
    return _NATIONALITY_AFTER.match(doc.low[hit.end : hit.end + 20]) is not None


def _sentence(doc: Doc, start: int, end: int) -> str:
    low = doc.low
    left = max(0, start - 200)
    head = low[left:start]
    begin = left + max(head.rfind(c) for c in _MARKS) + 1
    tail = low[end : end + 200]
    stop = _SENTENCE.search(tail)
    return low[begin : end + (stop.start() if stop else len(tail))]


def in_list(doc: Doc, hit: Hit, prev: Hit | None) -> bool:
    """True when ``hit`` follows ``prev`` (another Greater China region) in a list."""
    if prev is None or prev.entry.region == hit.entry.region:
        return False
    if prev.entry.region not in GREATER_CHINA or hit.entry.region not in GREATER_CHINA:
        return False
    gap = doc.low[prev.end : hit.start]
    return len(gap) <= 7 and _LIST_GAP.match(gap) is not None


# Every match of _CAUSE begins with one of these literals: the regex starts at the first one
# str.find sees (and a story naming none is skipped), instead of trying its alternation at
# every position of the story (0.2 ms for 3 KB of English).
_CAUSE_LITERALS = (
    "tariff", "trade ", "export ", "sanction", "economic data", "factory data", "pmi", "gdp",
    "关税", "贸易", "出口", "经济数据",
)


def has_cause(doc: Doc) -> bool:
    """True when the story names tariffs or a trade war anywhere (one search per story)."""
    low = doc.low
    first = min((at for at in map(low.find, _CAUSE_LITERALS) if at >= 0), default=-1)
    return first >= 0 and _CAUSE.search(low, first) is not None


def has_biography(doc: Doc) -> bool:
    """True when some sentence of the story may be biography (one search per story)."""
    low = doc.low
    found = any(w in low for w in _BIOGRAPHY_LITERALS) or (
        not low.isascii() and any(w in low for w in _BIOGRAPHY_LITERALS_ZH)
    )
    return found and _BIOGRAPHY.search(low) is not None


def factor(
    doc: Doc, hit: Hit, prev: Hit | None, cause: bool = True, biography: bool = False
) -> float:
    """How much of its China value one hit keeps in its context (1.0 = all)."""
    entry = hit.entry
    shown = doc.shown
    value = 1.0
    surface = shown[hit.start : hit.end]
    after = shown[hit.end : hit.end + 40]
    if entry.type == "PLACE":
        capital = (surface.isupper() and len(surface) > 3) or surface[0] in "北上深广香澳"
        if capital and _DATELINE_AFTER.match(after):
            return DATELINE_FACTOR
        if _NAME_PART_AFTER.match(after):
            value *= NAME_PART_FACTOR
    if entry.type == "MONEY" and hit.start >= doc.title_len:
        value *= CURRENCY_FACTOR
    if entry.region in GREATER_CHINA and excluded(doc, hit):
        value *= EXCLUDED_FACTOR
    if entry.type == "PLACE" and venue(doc, hit):
        value *= VENUE_FACTOR
    if entry.source_file == _COMPANY_FILE and supplier(doc, hit):
        value *= SUPPLIER_FACTOR
    if (cause or biography) and entry.region in GREATER_CHINA:
        sentence = _sentence(doc, hit.start, hit.end)
        if cause and _CAUSE.search(sentence):
            value *= CAUSE_FACTOR
        if biography and hit.start >= doc.title_len and _BIOGRAPHY.search(sentence):
            value *= BIOGRAPHY_FACTOR
    return value


# Bodies every Chinese-speaking jurisdiction has under the same short name: in a story in
# Traditional characters that names Taiwan and nothing unmistakably mainland, they are Taiwan's.
SHARED_NAMES = frozenset({"央行", "外汇局", "财政部", "国税局", "商务部", "证监会", "法务部"})
MAINLAND_MARKS = frozenset({"China", "People's Bank of China", "Beijing", "e-CNY"})


def taiwan_reading(doc: Doc, hits: list[Hit]) -> bool:
    """True when shared short names in this story should be read as Taiwan's."""
    if not any(h.entry.region == "TW" and h.weight > 0 for h in hits):
        return False
    if not doc.traditional:  # the costlier check second
        return False
    for i, h in enumerate(hits):
        if h.entry.name in MAINLAND_MARKS and doc.simp[h.start : h.end] not in SHARED_NAMES:
            prev = hits[i - 1] if i else None
            nxt = hits[i + 1] if i + 1 < len(hits) else None
            if not (in_list(doc, h, prev) or (nxt is not None and in_list(doc, nxt, h))):
                return False
    return True


# Bodies Hong Kong and Macau have under the same short name as the mainland's: 澳门检察院 is
# Macau's public prosecutor, and in a story whose title is set in Macau or Hong Kong a bare
# 检察院 or 法院 is the local one, not the mainland's People's Procuratorate.
LOCAL_BODY_NAMES = frozenset({"检察院", "检察署", "法院", "警方", "海关", "税务局"})
SAR_REGIONS = frozenset({"HK", "MO"})


def local_body(doc: Doc, hit: Hit, prev: Hit | None, home: str | None) -> bool:
    """True for a mainland short name that stands for a Hong Kong or Macau body."""
    if hit.entry.region != "CN" or doc.simp[hit.start : hit.end] not in LOCAL_BODY_NAMES:
        return False
    if home in SAR_REGIONS:
        return True
    return (
        prev is not None
        and prev.entry.type == "PLACE"
        and prev.entry.region in SAR_REGIONS
        and prev.end == hit.start
    )


SHORT_FORMS = SHARED_NAMES | frozenset(
    {"金管局", "金融管理局", "金管会", "中央银行", "金融监管局", "证监会", "警察局", "警方"}
)


# short forms that name the same body: 阿联酋中央银行 … 央行 is still the UAE's central bank
SAME_SHORT = {"中央银行": ("央行",), "金融管理局": ("金管局",)}

_SHORT_SIZES = tuple(sorted({len(s) for s in SHORT_FORMS}))


def short_form(surface: str) -> str | None:
    """The shared short name a foreign body's full name ends with (新加坡金管局 → 金管局)."""
    for size in _SHORT_SIZES:
        if len(surface) > size and surface[-size:] in SHORT_FORMS:
            return surface[-size:]
    return None


def drop_foreign_short_forms(doc: Doc, hits: list[Hit]) -> list[Hit]:
    """Hits minus Chinese short names that stand for a foreign body named before them.

    欧洲央行 … 央行, 新加坡金管局 … 金管局, 韩国央行: the bare short form is that body, not the
    PBoC or the HKMA, so it is neither China evidence nor listed as the Chinese body.
    """
    if doc.low.isascii():
        return hits
    foreign: set[str] = set()
    kept: list[Hit] = []
    prev: Hit | None = None
    for hit in hits:
        surface = doc.simp[hit.start : hit.end]
        if hit.weight == 0 and hit.entry.type == "ORG":
            short = short_form(surface)
            if short:
                foreign.add(short)
                foreign.update(SAME_SHORT.get(short, ()))
        elif (
            hit.weight > 0
            and hit.entry.type == "ORG"
            and surface in SHORT_FORMS
            and (surface in foreign or foreign_owner(doc, hit, prev))
        ):
            foreign.add(surface)
            prev = hit
            continue
        kept.append(hit)
        prev = hit
    return kept


def other_countrys(doc: Doc, hits: list[Hit]) -> list[Hit]:
    """Hits with a body named after another country renamed as that country's: "Thailand's
    Securities and Exchange Commission", "Nigeria's SEC" are not the US SEC but organisations
    of their own (named place + body, no China weight). A body belongs to a place when one of
    its aliases contains one of the place's (美国证监会: the United States; 日本金融厅: Japan)."""
    out = hits
    for i in range(1, len(hits)):
        place, hit = hits[i - 1], hits[i]
        if place.entry.type != "PLACE" or hit.entry.type != "ORG" or hit.weight > 0:
            continue
        if doc.shown[place.end : hit.start] not in _POSSESSIVE:
            continue
        surface = doc.shown[hit.start : hit.end]
        forms = [a.surface.lstrip("=").casefold() for a in place.entry.aliases]
        forms.append(place.entry.name.casefold())
        own = [a.surface.casefold() for a in hit.entry.aliases] + [hit.entry.name.casefold()]
        if not surface.isascii() or any(f in a for f in forms if len(f) > 1 for a in own):
            continue
        name = f"{place.entry.name} {surface}"
        entry = Entry(name, "ORG", None, 0.0, (Alias(name),), hit.entry.topics,
                      source_file="traps")
        if out is hits:
            out = list(hits)
        out[i] = Hit(hit.start, hit.end, entry, entry.aliases[0], -30000 - i)
    return out


def foreign_owner(doc: Doc, hit: Hit, prev: Hit | None) -> bool:
    """True for a body named after another country: 韩国央行, 欧洲央行, 日本财政部."""
    if prev is None or prev.entry.type != "PLACE" or hit.entry.type != "ORG":
        return False
    if prev.entry.region in GREATER_CHINA and not (
        prev.entry.region == "TW" and hit.entry.region in MAINLAND_HK_MO
    ):
        return False  # 香港证监会 is Hong Kong's; "Taiwan's Investigation Bureau" is Taiwan's
    gap = hit.start - prev.end
    return 0 <= gap <= 1 or doc.low[prev.end : hit.start] in _POSSESSIVE


# Words that point at a country or a bank without naming it: "境内" (within the borders), "国内",
# "我国", "Chinese" (an adjective), "央行" (a central bank, whose?). They stay China evidence (the
# hits are scored as before) but alone they list no entity: a reader sees names, not nouns.
_GENERIC_BODY = re.compile(r" (?:police|court)$")
_COMMON_FORMS = frozenset({
    "境内", "境內", "国内", "國內", "我国", "我國", "中资", "中資", "Chinese", "CHINESE",
    "央行", "人民银行", "人民銀行",
})


# after a place: the area a company runs (亚太区负责人, 大中华区总裁) or a market's session
# (亚洲时段): the text names no place
_DIVISION = re.compile(
    r"区(?:的)?(?:负责人|董事|总经理|总裁|业务|支付|合规|团队|总部|主管|首席|CEO|行政总裁|副总裁|"
    r"经理|总监|主席)|(?:交易)?时段|时区"
)


def unlisted(
    entities: tuple[Entity, ...],
    doc: Doc,
    hits: list[Hit],
    amounts: list[tuple[int, int, Any, str]],
) -> tuple[Entity, ...]:
    """The entities a reader should see, without two classes of noise:

    - a place or body written only in common words (``_COMMON_FORMS``);
    - in English text, a coin written only as the unit of an amount ("2,000 BTC" lists the
      amount, not BTC); Chinese writes the coin's name in the amount ("83万枚以太坊"): kept.
    """
    units: set[str] = set()
    generic: list[tuple[str, str]] = []  # (place, as written)
    spans = [(a[0], a[1]) for a in amounts] if amounts and doc.low.isascii() else None
    inside: dict[str, bool] = {}
    for hit in hits:  # one pass: coins inside amounts, generic bodies ("a Hangzhou court")
        entry = hit.entry
        if spans is not None and entry.type == "TICKER":
            within = any(s <= hit.start and hit.end <= e for s, e in spans)
            inside[entry.name] = inside.get(entry.name, True) and within
        elif entry.source_file == "govbodies" and not entry.shown:
            # "a Hangzhou court" is evidence only and the place is what it names; "Wenzhou
            # police", 营口警方 name the bureau, not the place (README: a place inside a name)
            m = _GENERIC_BODY.search(entry.name)
            if m:
                generic.append((entry.name[: m.start()], entry.name[: m.start()]))
    units = {name for name, within in inside.items() if within}
    division: dict[str, bool] = {}  # 亚太区负责人, 亚洲时段: a company's area, a trading session
    if not doc.low.isascii():
        for hit in hits:
            if hit.entry.type == "PLACE":
                found = _DIVISION.match(doc.simp, hit.end) is not None
                division[hit.entry.name] = division.get(hit.entry.name, True) and found
    units |= {name for name, only in division.items() if only}
    named: list[Entity] = []
    if generic:  # "a Hangzhou court": the place is named, not a body
        places = {e.name for e in entities if e.type == "PLACE"}
        orgs = [e.name for e in entities if e.type == "ORG"]
        for place, form in generic:
            if place and place not in places and not any(form in name for name in orgs):
                places.add(place)
                named.append(Entity(place, "PLACE", 1, (form,)))
    out = [
        e for e in entities
        if not (e.type in ("TICKER", "PLACE") and e.name in units)
        and not (e.type in ("PLACE", "ORG") and e.mentions
                 and all(m in _COMMON_FORMS for m in e.mentions))
    ]
    out.extend(named)
    return tuple(out) if len(out) != len(entities) else entities
