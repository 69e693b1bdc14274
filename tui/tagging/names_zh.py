"""Chinese names outside the gazetteer: organisations before a suffix, people by cue words.

- organisations: the name before 公司 / 集团 / 交易所 / 银行 …, walking back to a clear boundary
  (a known place on the way is part of it: 埃塞俄比亚电力公司); indefinite or generic
  descriptions (一家能源技术公司, 电力公司) and clauses (改变商业银行) yield nothing;
- people: a surname and one or two characters after a role (分析师孔中春) or before speech
  (孔中春表示, 欧阳女士); transliterated names (罗德里戈·巴斯克斯) as far as transliteration
  characters go; anonymised names (郑某某).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from tui.models import Entity
from tui.tagging.lexicon import lexicon
from tui.tagging.resolve import Doc


def _specific(name: str) -> str:
    """What is left of a Chinese name once its generic words are taken out."""
    for word in lexicon().zh_generic:
        if word in name:
            name = name.replace(word, "")
    return name


# words that make the run before 银行/交易所/公司 a clause, not a name (改变商业银行, 获得银行)
_VERBISH = re.compile(
    r"^[改削获保不普没有影委作事促提但实更性只要合计须则即如若虽并还又仍再均都仅可能会应我你他她它"
    r"对让使被把从向在于与及]|获得|改变|削弱|保持|促使|符合|分析|接近|委托|影响|没有|不同|普通|更多|"
    r"实际|只要|合计|需要|成为|进入|通过|包括|其中|以及|或者|还是|属于|类似|这些|那些"
    # a verb whose object is the company (辞去公司职务, 离开公司, 加入公司): no name
    r"|辞去|辞任|离开|加入|创办|创立|成立|收购|入股|注销|退出|任职|就职|供职|卸任|离职|执掌|接管"
)
_CLAUSE = re.compile(
    r"加剧|规避|增加|减少|引发|允许|禁止|罚款|证明|可能|明确|能否|导致|要求|鼓励|推动|吸引|限制|"
    r"组成|利用|还|未|已|将|被|把|让|使|则"
)
_INDEFINITE = re.compile(
    r"一家|一所|一批|一个|这家|那家|该|某|多家|数家|几家|旗下|其|此|本公司|本集团|本行|多半|是否"
    # a count is a description (首批三家银行, 六家博彩承批公司, 第二起…交易所)
    r"|[一二三四五六七八九十两几数\d]+[家起条个所]|首批"
)
# a verb, an adverb or a comparison whose object is the company, bank or exchange: the run
# before the suffix is a clause, not a name (开立公司, 钱存进银行, 攻击交易所, 来自公司, 就像银行)
_CLAUSE_VERB = re.compile(
    r"来自|假冒|攻击|冻结|解冻|更换|频繁|才能|只能|可以|必须|倒闭|担心|涵盖|登录|存进|存入|帮助|创下|负责|开立|连接|采用|支撑|串接|"
    r"接入|经营|恰好|怎样|如何|就像|好像|类似于|占|跟着|跟随|出借|借给|转给|转入|汇入|流入|流向|"
    r"起诉|告上|状告|警告|提醒|呼吁|批评|指责|看好|看空|买入|卖给|投向|交给|上线|下架|上架|"
    r"注资|援助|拯救|救助|挤兑|关闭|暂停|暂不|不再|无法|开放|封锁|限制|监督|督促|引导|敦促"
)
# the head of the run: a single-character verb or adverb in front of the suffix (像登录银行,
# 支持公司, 另冻结银行, 否连接矿池)
_CLAUSE_HEAD = re.compile(r"^(?:像|另|否|跟|去|找|帮|给|替|让|靠|用|拿|存|借|卖|买|有|无|开|支持)")
# time words in front of a description (本周中心化交易所, 限电期间公司)
_TIME_INSIDE = re.compile(r"本周|上周|本月|上月|今年|去年|期间|时期|之后|之前|以来|当天|当日")
ZH_NAME_MAX = 12
_PART_AFTER = frozenset("门分署队")  # 部门, 部分, 部署, 部队: 部 in a common word
_MEASURE_BEFORE = re.compile(r"(?:第[一二三四五六七八九十百\d]+|[一两这那每该首此])$")
_NAME_AFTER = re.compile(r"[A-Za-z]|[（(「“]")  # a name follows the description at once
# a short Chinese name and its English form follow (台湾交易所币托BitoPro, 币托（BitoPro）)
_BRAND_AFTER = re.compile(r"([\u4e00-\u9fff]{2,6}?)[（(]?[A-Za-z]")


def _brand_after(text: str, at: int) -> bool:
    m = _BRAND_AFTER.match(text, at)  # not 瑞士国家银行宣布把Helvetia…: a clause follows
    return m is not None and not _VERB_INSIDE.search(m.group(1)) and "把" not in m.group(1)


def _zh_org(
    doc: Doc, cue_start: int, cue_end: int, taken: bytearray, kind: str = "company"
) -> tuple[int, int, str] | None:
    """The name before a Chinese organisation suffix, walking back to a clear boundary.

    A known place on the way is part of the name (埃塞俄比亚电力公司, 国网四川省电力公司);
    no boundary within reach, an indefinite description (一家能源技术公司, 旗下子公司) or a
    name of generic words only (电力公司, 区块链分析公司) yields nothing.
    """
    text = doc.simp
    lex = lexicon()
    if kind == "placed" and (
        text[cue_end : cue_end + 1] in _PART_AFTER
        or _MEASURE_BEFORE.search(text, max(0, cue_start - 5), cue_start)
    ):
        return None  # 监管部门, 部分, 第一部 (法律), 这部: no body
    start = cue_start
    bounded = False
    while start > 0 and cue_start - start < ZH_NAME_MAX:
        ch = text[start - 1]
        mark = taken[start - 1]
        if mark == 1:
            if kind == "institution" and cue_start - start >= 2:
                # a unit of a known body: 中国人民银行数字货币研究所, 工商银行雄安分行
                while start > 0 and taken[start - 1] == 1:
                    start -= 1
                if _VERB_INSIDE.search(text, start, cue_start):
                    return None
                return start, cue_end, doc.shown[start:cue_end]
            return None  # the tail of a known organisation's full name (嘉楠耘智信息科技有限公司)
        if mark == 2:  # a known place: part of the name, then keep walking
            while start > 0 and taken[start - 1] == 2:
                start -= 1
            continue
        if ch in lex.zh_stop or not ch.isalnum() or ch.isascii():
            bounded = True
            break
        start -= 1
    if start == 0:
        bounded = True
    if start == cue_start:
        return _latin_before(doc, cue_start, cue_end, taken)  # Nexa基金会, DMM集团
    if text[start] in _BODY_END and start > 0 and "\u4e00" <= text[start - 1] <= "\u9fff":
        return None  # (市公安)局联合供电公司: the walk crossed the end of another body
    if kind == "company" and text[cue_start - 1] in "母子" and text[cue_start:cue_end] == "公司":
        return None  # 币托母公司, X子公司: a company described by its relation to one named
    if kind == "company" and _LONGER_BODY.match(text, cue_end):
        return None  # 参议院银行委员会, 银行商业同业公会: the suffix is inside a longer name
    span = text[start:cue_start]
    if not bounded or _INDEFINITE.search(span) or _VERBISH.search(span):
        return None
    if _CLAUSE.search(span):
        return None  # 可能加剧跨境资本, 法案允许银行: a clause ran into the suffix
    if kind == "company" and (
        _CLAUSE_VERB.search(span) or _CLAUSE_HEAD.match(span) or _TIME_INSIDE.search(span)
    ):
        return None  # 开立公司, 攻击交易所, 本周中心化交易所: the suffix is an object
    if kind != "company":
        if cue_start - start < 1 or (kind == "placed" and cue_start - start < 2):
            return None
        if _VERB_INSIDE.search(text, start, cue_start):
            return None  # 鲸探上线敦煌研究院: a clause ran into the name
        m = _TIME_PREFIX.match(text, start, cue_start)
        if m:
            start = m.end()  # 本周美国…金融监管局: the time word is not part of the name
        if text[cue_start - 1] in _DIRECTIONS:
            return None  # 首尔南部, 中东总部: a part of a place, not a body
        if taken[start] == 2:  # 上海交通大学, 伊朗能源部: the place belongs to the name
            return start, cue_end, doc.shown[start:cue_end]  # 雄安新区管委会, 上海大学 too
        if kind == "placed":
            return None  # 内部, 全局, 学院: a one-character body needs a place in front
        name = text[start:cue_start]
        if len(_specific(name)) < 2 or name in lex.zh_generic_set:
            return None  # 行业协会, 合作联盟: a description
        return start, cue_end, doc.shown[start:cue_end]  # no prefix stripping: 商品期货…
    place_end = max((i + 1 for i in range(start, cue_start) if taken[i] == 2), default=start)
    tail = text[place_end:cue_start].lstrip("省市区县")
    if place_end > start and len(_specific(tail)) < 2 and (
        _NAME_AFTER.match(text, cue_end) or _brand_after(text, cue_end)
    ):
        return None  # 以色列网络安全公司Check Point, 台湾交易所币托BitoPro: a description
    if place_end > start and any(k in tail for k in lex.zh_kinds) and len(_specific(tail)) < 2:
        return None  # 台湾游戏公司, 台湾芯片设计公司: a kind of firm from a place, no name
    if place_end > start and tail in ("子", "分", "母", "总", "附属"):
        return None  # 立陶宛子公司, 香港分公司: a unit of a company named elsewhere, not a name
    if place_end > start and len(_specific(tail)) >= 2:
        span = tail  # 深圳市星火链科技有限公司 → 星火链科技有限公司: the place is an address
    name = lex.zh_generic_prefix.sub("", span)
    if len(name) < 2 or name in lex.zh_generic_set or name in lex.zh_org_suffixes:
        return None  # OSL集团有限公司: 集团 is the known name's suffix, not a name of its own
    has_place = any(taken[cue_start - len(name) : cue_start])
    if len(_specific(name)) < 2 and not has_place:
        return None  # 电力公司, 区块链分析公司: a description, not a name
    begin = cue_start - len(name)
    return begin, cue_end, doc.shown[begin:cue_end]


_BODY_END = frozenset("局部厅署处委")
# a body whose name has a company suffix inside it (银行委员会, 银行商业同业公会)
_LONGER_BODY = re.compile(r"(?:商业)?(?:同业)?(?:公会|委员会|协会|工会)")
# a Latin name written straight before a Chinese suffix that makes it a body of its own
_LATIN_SUFFIXES = frozenset({"基金会", "集团", "实验室", "研究院", "协会", "控股", "资本"})
_LATIN_BEFORE = re.compile(r"(?<![A-Za-z0-9.&'-])([A-Z][A-Za-z0-9]*(?: [A-Z][A-Za-z0-9]*){0,2})$")
_LATIN_GENERIC = frozenset({"Web3", "DeFi", "NFT", "AI", "DAO", "RWA", "ETF", "GameFi", "Layer"})


def _latin_before(
    doc: Doc, cue_start: int, cue_end: int, taken: bytearray
) -> tuple[int, int, str] | None:
    """Nexa基金会, DMM集团: an unknown Latin name and a suffix are one name (a known one,
    OSL集团, is the known organisation's; a generic word, Web3协会, is a description)."""
    if doc.simp[cue_start:cue_end] not in _LATIN_SUFFIXES:
        return None
    m = _LATIN_BEFORE.search(doc.simp, max(0, cue_start - 30), cue_start)
    if m is None or any(taken[m.start(1) : cue_start]):
        return None
    words = m.group(1).split(" ")
    if any(w in _LATIN_GENERIC or w in lexicon().stop for w in words):
        return None
    return m.start(1), cue_end, doc.shown[m.start(1) : cue_end]


_VERB_INSIDE = re.compile(
    r"上线|联合|上调|下调|反映|宣布|发布|推出|成立|获得|通过|加入|携手|签署|表示|认为|批准|要求|"
    r"起诉|指控|调查|发现|进行|参与|包括|支持|采用|支撑|使用|基于|同|向|对|被|将|已|的|^与|^和"
)
_TIME_PREFIX = re.compile(
    r"(?:本周|上周|下周|今年|去年|明年|近日|日前|此前|目前|昨日|今日|昨天|今天|当天|同日|随后)"
)
_DIRECTIONS = frozenset("东南西北中总内外全本分")


_FOREIGN_NAME = re.compile(
    r"([\u4e00-\u9fff]{1,6})·([\u4e00-\u9fff]{1,8}(?:·[\u4e00-\u9fff]{1,8})?)"
)
_ANONYMISED = re.compile(r"([\u4e00-\u9fff])某某?")
_MEASURE = frozenset("名位个些家该此其这那每某各")
_ZH_TITLES = ("总统", "总理", "议员", "部长", "官员", "董事", "大使", "法官", "行长", "主席",
              "创始人", "首席执行官", "总裁", "经理", "教授", "分析师", "研究员", "律师", "警官")
_ZH_FOLLOW = re.compile(
    r"^(?:[,.:;!?()、。，：；“”‘’\s]|在|于|的|和|与|及|等|也|则|曾|已|将|对|向|说|称|表示|指出|为|出任|"
    r"认为|透露|介绍|先生|女士|$)"
)


def _zh_boundary(doc: Doc, start: int, taken: bytearray) -> bool:
    """True when a Chinese name may start at ``start`` (after punctuation, a role or a name)."""
    if start == 0:
        return True
    ch = doc.simp[start - 1]
    if ch in _MEASURE:
        return False  # 一名商人, 该公司: a common noun follows a measure word
    if not ("\u4e00" <= ch <= "\u9fff") or ch in lexicon().zh_stop or taken[start - 1]:
        return True
    head = doc.simp[max(0, start - 5) : start]
    titles = _title_set()
    return any(head[-k:] in titles for k in range(1, 6))


@lru_cache(maxsize=1)
def _title_set() -> frozenset[str]:
    return frozenset((*_ZH_TITLES, *lexicon().zh_roles))


def _surname_ok(name: str) -> bool:
    lex = lexicon()
    if name in lex.zh_not_names or name[:2] in lex.zh_not_names or name[:3] in lex.zh_not_names:
        return False  # 白皮书指出, 白宫表示: a common word that opens with a surname
    if name[:1] in lex.zh_surnames:
        return True
    return len(name) >= 3 and name[:2] in lex.zh_compound_set


_ALL_CJK = re.compile(r"[\u4e00-\u9fff]+")


def _cjk(text: str) -> bool:
    return _ALL_CJK.fullmatch(text) is not None


def _zh_person_before(doc: Doc, cue_start: int, taken: bytearray) -> tuple[int, int, str] | None:
    """孔中春表示, 欧阳女士: a surname and one or two characters right before the cue."""
    text = doc.simp
    if cue_start < 2 or taken[cue_start - 1] or not "\u4e00" <= text[cue_start - 1] <= "\u9fff":
        return None
    cue = text[cue_start : cue_start + 2]
    lex = lexicon()
    surnames = lex.zh_surnames
    for size in (3, 2, 4):
        start = cue_start - size
        if start < 0:
            continue
        if size == 2 and text[start] in "老小" and text[start + 1] in surnames:
            if _zh_boundary(doc, start, taken) and not any(taken[start:cue_start]):
                return start, cue_start, doc.shown[start:cue_start]  # 老周说, 小林表示
            continue
        if size == 4:
            if text[start : start + 2] not in lex.zh_compound_set:
                continue
        elif text[start] not in surnames and text[start : start + 2] not in lex.zh_compound_set:
            continue  # the cheap test first: no surname, no name
        name = text[start:cue_start]
        if not _cjk(name) or any(taken[start:cue_start]) or not _surname_ok(name):
            continue
        if _zh_boundary(doc, start, taken):
            if cue in ("先生", "女士") and size == 2 and name[:1] in lexicon().zh_surnames:
                return start, cue_start + 2, doc.shown[start : cue_start + 2]  # 李先生
            return start, cue_start, doc.shown[start:cue_start]
    return None


def _zh_person_after(doc: Doc, cue_end: int, taken: bytearray) -> tuple[int, int, str] | None:
    """创始人孔中春, 警官王某: a surname and one or two characters right after a role."""
    text = doc.simp
    informal = text[cue_end : cue_end + 2]
    if (
        len(informal) == 2
        and informal[0] in "老小"
        and informal[1] in lexicon().zh_surnames
        and not any(taken[cue_end : cue_end + 2])
    ):
        return cue_end, cue_end + 2, doc.shown[cue_end : cue_end + 2]  # 矿场主老周
    for size in (3, 2, 4):
        end = cue_end + size
        name = text[cue_end:end]
        if len(name) < size or not _cjk(name) or any(taken[cue_end:end]):
            continue
        if not _surname_ok(name):
            return None
        if size == 4 and not any(name.startswith(c) for c in lexicon().zh_compound):
            continue
        if _ZH_FOLLOW.match(text[end : end + 2]):
            return cue_end, end, doc.shown[cue_end:end]
    return None


def foreign_spans(doc: Doc) -> list[tuple[int, int]]:
    """Where transliterated names (罗德里戈·巴斯克斯) are in the text."""
    spans: list[tuple[int, int]] = []
    if "·" not in doc.simp:
        return spans
    for m in _FOREIGN_NAME.finditer(doc.simp):
        found = _foreign_name(doc, m)
        if found:
            spans.append((found[0], found[1]))
    return spans


def _foreign_name(doc: Doc, m: re.Match[str]) -> tuple[int, int, str] | None:
    """罗德里戈·巴斯克斯: a transliterated name, as far as transliteration characters go."""
    letters = lexicon().zh_translit
    text = doc.simp
    start = m.end(1)
    while start > m.start(1) and text[start - 1] in letters and m.end(1) - start < 5:
        start -= 1
    end = m.start(2)
    while end < len(text) and (text[end] in letters or text[end] in "·-") and end - m.start(2) < 10:
        end += 1
    while end > m.start(2) and text[end - 1] in "·-":
        end -= 1
    if start == m.end(1) or end == m.start(2):
        return None
    for title in _ZH_TITLES:  # 总经理拉米·…: 理 is a transliteration letter too, but a title's
        if text.startswith(title[-1], start) and text.endswith(title[:-1], 0, start):
            start += 1
            break
    if start >= m.end(1):
        return None
    return start, end, doc.shown[start:end]


# places below city level that no table lists, named by how the text lists them: "荥经、汉源、
# 石棉等县", "瓜州、玉门等地", "玛纳斯县和呼图壁县". Two or three characters an item.
_LISTED_PLACES = re.compile(
    r"(?:(?<=[在于从对至到，。、,\s])|^)(?![在于从对至到])"
    r"((?:[\u4e00-\u9fff]{2,3}、)+[\u4e00-\u9fff]{2,3})等(?:县|地|区|市|乡镇|县市|区县)"
)
_PAIRED_COUNTIES = re.compile(
    r"(?:(?<=[在于从对至到，。、,\s])|^)(?![在于从对至到])"
    r"([\u4e00-\u9fff]{2,3}县)[和与及、]([\u4e00-\u9fff]{2,3}县)"
)
_NOT_PLACE_ITEM = re.compile(
    r"各|全|该|本|多|几|数|周边|邻近|附近|其他|其它|相关|部分|一些|下辖|所辖|区块|数据|平台|企业|公司"
)


def listed_places(doc: Doc, taken: bytearray) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, name, "PLACE") for the items of a list of places (荥经、汉源、石棉等县)."""
    simp = doc.simp
    found: list[tuple[int, int]] = []
    if "等" in simp:
        for m in _LISTED_PLACES.finditer(simp):
            at = m.start(1)
            for item in m.group(1).split("、"):
                found.append((at, at + len(item)))
                at += len(item) + 1
    if "县" in simp:
        for m in _PAIRED_COUNTIES.finditer(simp):
            found += [(m.start(1), m.end(1)), (m.start(2), m.end(2))]
    for start, end in found:
        item = simp[start:end]
        if any(taken[start:end]) or _NOT_PLACE_ITEM.search(item):
            continue  # a known name, or 周边地区, 各县: no place of its own
        if any(ch in lexicon().zh_stop for ch in item):
            continue
        yield start, end, doc.shown[start:end], "PLACE"


def merge_family_names(entities: tuple[Entity, ...]) -> tuple[Entity, ...]:
    """莱蒂西亚·詹姆斯 … 詹姆斯表示: a transliterated family name alone after the full name is
    the same person (listed once, the short form among the mentions)."""
    full = [e for e in entities if e.type == "PERSON" and "·" in e.name]
    if not full:
        return entities
    last = {e.name.rsplit("·", 1)[1]: e for e in full}
    into = {
        e.name: last[e.name]
        for e in entities
        if e.type == "PERSON" and "·" not in e.name and e.name in last
    }
    if not into:
        return entities
    out = []
    for e in entities:
        if e.type == "PERSON" and e.name in into:
            continue
        shorts = [s for s, long in into.items() if long is e]
        if shorts:
            e = Entity(e.name, e.type, e.count + sum(
                x.count for x in entities if x.type == "PERSON" and x.name in shorts
            ), (*e.mentions, *(s for s in shorts if s not in e.mentions))[:8])
        out.append(e)
    return tuple(out)
