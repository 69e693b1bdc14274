"""Chinese government bodies below the national level, found by pattern and linked to a place.

A known mainland place (from the gazetteer: provinces, cities, GeoNames cities) followed by an
administrative level and a body makes one organisation: 营口市公安局, 四川省发展和改革委员会,
北京市朝阳区公安分局, 深圳市地方金融监督管理局, 杭州市中级人民法院, 上海市委网信办; in English
"Yingkou Public Security Bureau", "Sichuan Provincial Development and Reform Commission",
"Shenzhen Intermediate People's Court", "Hangzhou police". Each is a strong, implicit China
signal (a story about a public security bureau is a China story even if it never says China)
and an entity in the sidebar, named as the text writes it, with region CN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.models import Entity
from tui.tagging.forms import fold_into
from tui.tagging.gazetteer import Alias, Entry
from tui.tagging.govbody_names import canonical_name
from tui.tagging.normalize import to_simplified as _to_simp
from tui.tagging.resolve import Doc, Hit

WEIGHT = 3.0
_ZH_BODIES = (
    "发展和改革委员会|发展改革委员会|发展改革委|发改委|公安分局|公安局|分局|网信办|网络安全和信息化委员会办公室|"
    "互联网信息办公室|能源局|地方金融监督管理局|地方金融管理局|金融监督管理局|金融监管局|金融工作局|"
    "金融办|地方金融监管局|高级人民法院|中级人民法院|人民法院|互联网法院|人民检察院|检察院|"
    "市场监督管理局|市场监管局|税务局|经济和信息化厅|经信委|工业和信息化厅|工信厅|人民政府|政府|"
    "财政局|财政厅|商务局|商务厅|科技局|大数据局|数据局|国资委|电力有限公司|电力公司|供电有限公司|供电公司|"
    "公安厅|法院|警方"
)
_ZH = re.compile(
    r"(?:省|市|(?:[\u4e00-\u9fff]{1,4}族)?(?:自治区|自治州|自治县)|县|区|州)?"
    r"(?:[\u4e00-\u9fff]{2,3}(?:市|区|县|新区))?"
    r"(?:省委|市委|区委|县委|委)?"
    r"(?:第[一二三四五六七八九十]{1,2})?"  # 上海市第一中级人民法院
    r"(?:[东西南北]部)?"  # 国网内蒙古东部电力有限公司
    rf"(?:{_ZH_BODIES})"
    r"(?:[\u4e00-\u9fff]{2,4}(?:分局|供电公司|供电分公司))?"  # …公安局工业园区分局, …酒泉供电公司
)
_EN_BODIES = (
    r"Public Security Bureau|Public Security Department|Development and Reform Commission|"
    r"Energy Administration|Energy Bureau|Local Financial Regulatory Bureau|Financial Regulatory "
    r"Bureau|Financial Supervision Bureau|Financial Regulatory Administration|Intermediate "
    r"People's Court|Higher People's Court|People's Court|Internet Court|People's Procuratorate|"
    r"[Pp]rocuratorate|Cyberspace Administration|"
    r"Administration for Market Regulation|Market "
    r"Supervision Administration|Tax Bureau|Finance Bureau|Municipal Government|Provincial "
    r"Government|Bureau of Industry and Information Technology|Bureau of Justice|"
    # any other body by its head noun after capitalised words: "Local Financial Supervision and
    # Administration Bureau", "Department of Commerce", "Financial Court", "Commission for
    # Discipline Inspection", "Agriculture and Rural Affairs Bureau"
    r"(?:[A-Z][a-z]+ (?:and |of |for )?){0,6}(?:Bureau|Commission|Department|Administration|"
    r"Court|Office|Committee)(?: (?:of|for) (?:[A-Z][a-z]+ ?(?:and )?){1,4}(?<! ))?|"
    r"[Pp]olice|[Cc]ourt"
)
_EN = re.compile(
    r"(?:\s(?:Autonomous Region|Autonomous Prefecture|Municipal|Provincial|City|District|County"
    r"|New Area))?(?:\sNo\.\s?\d{1,2})? "  # one line: "Baise\nPolice" is a heading and a line
    rf"(?:{_EN_BODIES})\b"
)
# bodies only China has (people's courts and procuratorates, public security bureaus) under a
# district the gazetteer may not know: "Futian District People's Court"
_DISTRICT_WORDS = tuple(  # what every match of _EN_DISTRICT contains: a cheap test first
    f"{unit} {body}"
    for unit in ("District", "New Area", "County")
    for body in ("People's Court", "People's Procuratorate", "Public Security")
)
_EN_DISTRICT = re.compile(
    r"\b(?:(?!The |In |At |By |From )[A-Z][a-z']+ ){1,2}(?:District|New Area|County) "
    r"(?:People's Court|People's "
    r"Procuratorate|Public Security (?:Sub-?)?Bureau|Public Security Branch)\b"
)
_EN_BRANCH = re.compile(r"\b[A-Z][a-z]+ (?:Sub-?)?[Bb]ranch of (?:the )?$")
_GENERIC = re.compile(r" court$")
_ZH_PREFIX = re.compile(r"(?:国网|国家电网|中共)$")
# State Grid's provincial and city companies (国网四川省电力公司, 国网酒泉供电公司, "State Grid
# Sichuan Electric Power Company") are one organisation for the reader and for grouping: they
# are listed as State Grid, with the full name among the mentions
STATE_GRID = "State Grid"
_GRID_TAIL = re.compile(r"(?:电力|供电)(?:有限)?(?:公司|分公司)$")
_EN_GRID = re.compile(
    r"(?:\s(?:Electric Power|Electric|Power Supply|Power))?"
    r"(?:\s(?:Company|Co\.|Corporation|Corp\.?))?(?:,?\s(?:Ltd\.?|Limited))?"
)
_ENFORCEMENT = re.compile(r"公安|法院|检察|police|Police|Court|court|Procuratorate|Security")


_DISTRICT = re.compile(r"(?:市|州)?([\u4e00-\u9fff]{2,3}?(?:新区|区|县))(?![块域间别分])")
# common nouns that end like a district: 地区, 园区 … and the groupings 部分地区 (some areas),
# 五省区 (five provinces and regions), 各县 (each county), 多个区
_DISTRICT_STOP = re.compile(
    r"^(?:地区|园区|社区|景区|城区|市区|郊区|辖区|片区|山区|湾区|新区|自贸区|试验区)$"
    r"|^(?:部分|其他|[一二三四五六七八九十两多各全本该等这])"
)
PLACE_WEIGHT = 1.5


def districts(doc: Doc, hits: list[Hit], base: int = -5000) -> list[Hit]:
    """Districts and counties right after a mainland city: 深圳市罗湖区, 昌吉州呼图壁县."""
    out: list[Hit] = []
    names: dict[str, int] = {}
    known = {h.start for h in hits if h.entry.type == "PLACE"}  # 上海浦东新区: Pudong, as written
    for hit in hits:
        if hit.entry.type != "PLACE" or hit.entry.region != "CN":
            continue
        if doc.simp[hit.start : hit.start + 1].isascii():
            continue
        m = _DISTRICT.match(doc.simp, hit.end)
        if m is None or _DISTRICT_STOP.search(m.group(1)) or m.start(1) in known:
            continue
        name = doc.shown[m.start(1) : m.end(1)]
        index = names.setdefault(name, base - len(names))
        entry = Entry(name, "PLACE", "CN", PLACE_WEIGHT, (Alias(name),), source_file="govbodies")
        out.append(Hit(m.start(1), m.end(1), entry, entry.aliases[0], index))
    return out


@dataclass(frozen=True)
class Body:
    start: int
    end: int
    name: str
    place: str


def find(doc: Doc, hits: list[Hit]) -> list[Body]:
    """Bodies that start at a known mainland place, leftmost first, not overlapping."""
    out: list[Body] = []
    reach = -1
    for hit in hits:
        if hit.start < reach or hit.entry.type != "PLACE" or hit.entry.region != "CN":
            continue
        if hit.entry.name == "China":
            continue  # 中国警方, "China Development and Reform…": the country is no local body
        first = doc.simp[hit.start : hit.start + 1]
        pattern, text = (_EN, doc.shown) if first.isascii() else (_ZH, doc.simp)
        m = pattern.match(text, hit.end)
        if m is None:
            continue
        end = m.end()
        start = hit.start
        prefix = _ZH_PREFIX.search(doc.simp, max(0, start - 4), start)
        if prefix is not None and not first.isascii():
            start = prefix.start()  # 国网四川省电力公司, 中共北京市委网信办
        name = doc.shown[start:end]
        grid = prefix is not None and prefix.group() != "中共"
        if grid and _GRID_TAIL.search(doc.simp, start, end):
            name = STATE_GRID
        elif prefix is None:
            inner = hit  # the innermost place names the body: 深圳市福田区人民法院 is Futian's
            for other in hits:
                if inner.end <= other.start < end and other.entry.type == "PLACE":
                    inner = other
            name = canonical_name(text[inner.end : end], inner.entry.name) or name
        if first.isascii():
            branch = _EN_BRANCH.search(doc.shown, max(0, start - 30), start)
            if branch is not None:  # "Xihu Branch of the Hangzhou Public Security Bureau"
                start = branch.start()
                name = doc.shown[start:end]
        out.append(Body(start, end, name, hit.entry.name))
        reach = end
    shown = doc.shown
    # each pattern tries every position of the story (~50 µs for 3 KB of English): run it
    # only when the words every match of it contains are there
    if any(w in shown for w in _DISTRICT_WORDS):
        out = _district_bodies(doc, out)
    if ("'s " in shown or "the " in shown) and any(w in shown for w in _REFERRED_WORDS):
        out = _referred(doc, hits, out)
    return out


# A body the text names by its level after naming the place ("the prefecture's public security
# bureau", "the provincial development and reform commission"): the nearest mainland place
# before it of that level (a province for "provincial", anything below for the others).
_REFERRED = re.compile(
    r"\b[Tt]he (provincial|province's|prefecture's|prefectural|city's|municipal|county's|"
    r"district's|local) (public security bureau|police|public security department|development "
    r"and reform commission|intermediate people's court|people's court|procuratorate|energy "
    r"(?:bureau|administration))\b"
)
# what every match of _REFERRED contains ("he provincial police"): a cheap test first
_REFERRED_WORDS = tuple(
    f"he {level} "
    for level in (
        "provincial", "province's", "prefecture's", "prefectural", "city's", "municipal",
        "county's", "district's", "local",
    )
)
PROVINCES = frozenset({
    "Anhui", "Beijing", "Chongqing", "Fujian", "Gansu", "Guangdong", "Guangxi", "Guizhou",
    "Hainan", "Hebei", "Heilongjiang", "Henan", "Hubei", "Hunan", "Inner Mongolia", "Jiangsu",
    "Jiangxi", "Jilin", "Liaoning", "Ningxia", "Qinghai", "Shaanxi", "Shandong", "Shanghai",
    "Shanxi", "Sichuan", "Tianjin", "Tibet", "Xinjiang", "Yunnan", "Zhejiang",
})


def _referred(doc: Doc, hits: list[Hit], bodies: list[Body]) -> list[Body]:
    """Bodies named by level after their place (see ``_REFERRED``), where none was found."""
    extra = []
    places = [h for h in hits if h.entry.type == "PLACE" and h.entry.region == "CN"
              and doc.shown[h.start : h.start + 1].isascii()]
    if not places:
        return bodies
    for m in _REFERRED.finditer(doc.shown):
        if any(b.start < m.end() and m.start() < b.end for b in bodies):
            continue
        provincial = m.group(1).startswith("provinc")
        before = [h for h in places if h.end <= m.start()
                  and (h.entry.name in PROVINCES) == provincial]
        if not before:
            continue
        place = before[-1].entry.name
        titled = " ".join(w if w == "and" else w[0].upper() + w[1:] for w in m.group(2).split())
        name = canonical_name(" " + titled, place)
        if name is not None:
            extra.append(Body(m.start(), m.end(), name, place))
    return sorted([*bodies, *extra], key=lambda b: b.start) if extra else bodies


def _district_bodies(doc: Doc, bodies: list[Body]) -> list[Body]:
    """Bodies under a district by its own name (see ``_EN_DISTRICT``), where none was found."""
    extra = []
    for m in _EN_DISTRICT.finditer(doc.shown):
        if any(b.start < m.end() and m.start() < b.end for b in bodies):
            continue
        place, rest = m.group().split(" ", 1)
        name = canonical_name(" " + rest, place) or m.group()
        extra.append(Body(m.start(), m.end(), name, place))
    return sorted([*bodies, *extra], key=lambda b: b.start) if extra else bodies


_ZH_FOREIGN = re.compile(
    r"(?:联邦)?(?:中央储备银行|中央银行|储备银行|央行|国会|议会|立法会|众议院|参议院|政府|财政部|司法部|"
    r"警察厅|金融监管局|金融市场管理局|金融管理局|金融服务管理局|金融行为监管局|证券交易委员会|证券委员会|"
    r"证监会|金融厅|金融监督院|金融委员会|金融情报中心|金融情报局)"
)


def foreign(doc: Doc, hits: list[Hit], base: int = -20000) -> list[Hit]:
    """Bodies of other countries written as place + body (瑞士央行, 越南国会, 奥地利金融市场管理局):
    organisations in the sidebar, named as written, no China weight. Hits inside are dropped."""
    out: list[Hit] = []
    starts = {h.start for h in hits}
    names: dict[str, int] = {}
    for hit in hits:
        if hit.entry.type != "PLACE" or hit.entry.region is not None or hit.end in starts:
            continue
        if doc.simp[hit.start : hit.start + 1].isascii():
            continue
        m = _ZH_FOREIGN.match(doc.simp, hit.end)
        if m is None:
            continue
        name = doc.shown[hit.start : m.end()]
        index = names.setdefault(name, base - len(names))
        entry = Entry(name, "ORG", None, 0.0, (Alias(name),), source_file="govbodies")
        out.append(Hit(hit.start, m.end(), entry, entry.aliases[0], index))
    if not out:
        return hits
    spans = [(h.start, h.end) for h in out]
    kept = [h for h in hits if not any(s <= h.start and h.end <= e for s, e in spans)]
    return sorted([*kept, *out], key=lambda h: h.start)


def state_grid(doc: Doc, hits: list[Hit]) -> list[Hit]:
    """"State Grid Sichuan (Electric Power Company)": the State Grid hit stretched over the
    province and the company words after it (the place stays a hit of its own)."""
    out = hits
    for i, hit in enumerate(hits):
        if hit.entry.name != STATE_GRID or i + 1 >= len(hits):
            continue
        place = hits[i + 1]
        if place.entry.type != "PLACE" or doc.shown[hit.end : place.start] != " ":
            continue
        tail = _EN_GRID.match(doc.shown, place.end)
        end = tail.end() if tail else place.end
        if out is hits:
            out = list(hits)
        out[i] = Hit(hit.start, end, hit.entry, hit.alias, hit.index)
    return out


def as_hits(bodies: list[Body], base: int) -> list[Hit]:
    """Synthetic gazetteer hits (strong CN evidence) for the bodies; ``base`` numbers them."""
    hits = []
    names: dict[str, int] = {}
    for body in bodies:
        index = names.setdefault(body.name, base - len(names))
        topic = "enforcement" if _ENFORCEMENT.search(body.name) else "regulation"
        hint = () if body.name == STATE_GRID else ((topic, 0.6),)
        generic = _GENERIC.search(body.name) is not None  # "Hangzhou court": evidence only
        entry = Entry(body.name, "ORG", "CN", WEIGHT, (Alias(body.name),), hint,
                      source_file="govbodies", shown=not generic)
        hits.append(Hit(body.start, body.end, entry, entry.aliases[0], index))
    return hits


def merge(hits: list[Hit], bodies: list[Body], base: int = -10) -> list[Hit]:
    """Hits with the bodies added and the gazetteer hits inside a body dropped."""
    if not bodies:
        return hits
    spans = [(b.start, b.end) for b in bodies]
    kept = [h for h in hits if not any(s <= h.start and h.end <= e for s, e in spans)]
    kept.extend(as_hits(bodies, base))
    kept.sort(key=lambda h: h.start)
    return kept


# the same body's long and short forms: 发改委 = 发展和改革委员会, 人民法院 = 法院
_ZH_SHORT = (("发展和改革委员会", "发改委"), ("发展改革委员会", "发改委"), ("发展改革委", "发改委"),
             ("人民法院", "法院"), ("人民检察院", "检察院"), ("公安分局", "分局"),
             # the full and the short name of one body (上海市国有资产监督管理委员会 = 上海市国资委)
             ("国有资产监督管理委员会", "国资委"), ("网络安全和信息化委员会办公室", "网信办"),
             ("互联网信息办公室", "网信办"), ("市场监督管理局", "市场监管局"),
             ("地方金融监督管理局", "金融监管局"), ("地方金融管理局", "金融监管局"),
             ("地方金融监管局", "金融监管局"), ("金融监督管理局", "金融监管局"))
_ZH_TAIL = re.compile(rf"(?:{_ZH_BODIES})$")
# a body named by its level alone, the place said before (广东省…会同省委网信办, 市能源局): after
# a boundary or a joining word, never inside a longer word (该区公安分局, 外省能源局)
_BARE_BODIES = "|".join(
    b for b in _ZH_BODIES.split("|") if b not in ("人民政府", "政府", "警方", "分局")
)
_ZH_BARE = re.compile(rf"[省市区县州]委?(?:{_BARE_BODIES})")  # the level first: a fast scan
_JOINING = frozenset("同和与及、并向由对在经据")


def bare_level_bodies(doc: Doc) -> list[tuple[int, int, str]]:
    """(start, end, name as written) of 省委网信办, 省能源局, 市数据局: a body of the place the
    story named before, by its level (an organisation in the sidebar; not China evidence)."""
    if not any(level in doc.simp for level in "省市区县州"):
        return []
    simp = doc.simp
    return [
        (m.start(), m.end(), doc.shown[m.start() : m.end()])
        for m in _ZH_BARE.finditer(simp)
        if not m.start() or not _is_han(simp[m.start() - 1]) or simp[m.start() - 1] in _JOINING
    ]


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


_LEVEL_CHARS = "省市区县州"


def _folded(name: str) -> str:
    for long, short in _ZH_SHORT:
        name = name.replace(long, short)
    return name


def _stem_tail(name: str) -> tuple[str, str] | None:
    """(the place words, the body) of a Chinese body name: 四川省发改委 → (四川, 发改委)."""
    folded = _folded(name)
    m = _ZH_TAIL.search(folded)
    if m is None or m.start() == 0:
        return None
    stem = folded[: m.start()].rstrip(_LEVEL_CHARS)
    for level in ("区委", "市委", "省委", "县委"):
        stem = stem.removesuffix(level).rstrip(_LEVEL_CHARS)
    return (stem, m.group()) if len(stem) >= 2 else None


def merge_short_forms(entities: tuple[Entity, ...]) -> tuple[Entity, ...]:
    """A Chinese body written in full once and short after (四川省发展和改革委员会 … 四川省发改委,
    北京市公安局海淀分局 … 海淀分局, 北京市海淀区人民法院 … 海淀法院) is one organisation, listed
    under its longest form with the short ones among its mentions. Same body word (after
    folding 发改委 = 发展和改革委员会) and the short form's place words inside the long form's."""
    zh_orgs = [e for e in entities if e.type == "ORG" and not e.name.isascii()]
    into: dict[str, Entity] = {}
    for bare in zh_orgs:  # 州发改委 after 昌吉州发改委: the one body of that kind the story named
        if _ZH_BARE.fullmatch(_to_simp(bare.name)) and (st := _stem_tail("甲乙" + bare.name)):
            kinds = {
                e.name: e for e in entities
                if e is not bare and e.type == "ORG" and any(
                    (t := _stem_tail(_to_simp(m))) is not None and t[1] == st[1]
                    for m in e.mentions if not m.isascii()
                )
            }
            if len(kinds) == 1:
                into[bare.name] = next(iter(kinds.values()))
    if len(zh_orgs) < 2 and not into:
        return entities
    bodies = [(e, st) for e in zh_orgs if (st := _stem_tail(_to_simp(e.name)))]
    for short in zh_orgs:  # 数字人民币国际运营中心 after 中国人民银行数字人民币国际运营中心
        if len(short.name) >= 4:
            ends = (e for e in zh_orgs if e is not short and e.name.endswith(short.name))
            long = next(ends, None)
            if long is not None:
                into[short.name] = long
    for short, (stem, tail) in bodies:
        for long, (lstem, ltail) in bodies:
            if short.name in into:
                break
            if long is short or len(long.name) <= len(short.name) or ltail[-2:] != tail[-2:]:
                continue
            if stem in lstem and (tail == ltail or ltail.endswith(tail)):
                into[short.name] = long
                break
    if not into:
        return entities
    return tuple(fold_into(entities, into))
