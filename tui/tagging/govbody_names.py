"""One English name for a Chinese government body in both languages (甘孜州公安局, "Ganzi police"
and "Ganzi Public Security Bureau" are Ganzi Public Security Bureau).

Why apart from :mod:`tui.tagging.govbodies`: finding a body in the text and naming it are two
rules; grouping relies on the name being the same across languages, so its table lives alone.
"""

from __future__ import annotations

import re

# The canonical English name of a body, one for both languages, so that 甘孜州公安局, "Ganzi
# police" and "Ganzi Public Security Bureau" are one organisation in the sidebar and in story
# grouping: (pattern for what follows the place, English body). Chinese is matched on the
# simplified text; the Chinese level words (省, 市, 州, 省委…) and English qualifiers
# (Provincial, Municipal…) before the body are dropped, so names with a district or a branch in
# between keep the form the text wrote.
_ZH_LEVEL = (
    r"(?:省|市|州|县|区|(?:[\u4e00-\u9fff]{1,4}族)?自治(?:区|州|县))?(?:省委|市委|州委|区委|县委|委)?"
)
_CANON = tuple(
    (re.compile(rf"{_ZH_LEVEL}(?:第([一二三四五六七八九十]{{1,2}}))?(?:{zh})$"), en)
    for zh, en in (
        ("发展和改革委员会|发展改革委员会|发展改革委|发改委", "Development and Reform Commission"),
        ("公安局|警方", "Public Security Bureau"),  # 营口警方 is Yingkou police
        ("公安厅", "Public Security Department"),
        ("网信办|网络安全和信息化委员会办公室|互联网信息办公室", "Cyberspace Administration"),
        ("能源局", "Energy Bureau"),
        ("地方金融监督管理局|地方金融管理局|金融监督管理局|金融监管局|地方金融监管局|金融工作局|金融办",
         "Financial Regulatory Bureau"),
        ("中级人民法院", "Intermediate People's Court"),
        ("高级人民法院", "Higher People's Court"),
        ("互联网法院", "Internet Court"),
        ("人民法院|法院", "People's Court"),
        ("人民检察院|检察院", "People's Procuratorate"),
        ("市场监督管理局|市场监管局", "Administration for Market Regulation"),
    )
)
_EN_LEVEL = (
    r"(?:\s(?:Autonomous Region|Autonomous Prefecture|Municipal|Provincial|City|Prefecture|"
    r"Prefectural|District|County|New Area))?(?:\sNo\.\s?(\d{1,2}))?\s"
)
_EN_CANON = tuple(
    (re.compile(rf"{_EN_LEVEL}(?:{body})$"), en)
    for body, en in (
        (r"Public Security Bureau|[Pp]olice", "Public Security Bureau"),
        (r"Public Security Department", "Public Security Department"),
        (r"Development and Reform Commission", "Development and Reform Commission"),
        (r"Energy Administration|Energy Bureau", "Energy Bureau"),
        (r"(?:Local )?Financial (?:Regulatory|Supervision(?: and Administration)?) "
         r"(?:Bureau|Administration)", "Financial Regulatory Bureau"),
        (r"Intermediate (?:People's )?Court", "Intermediate People's Court"),
        (r"Higher People's Court", "Higher People's Court"),
        (r"Internet Court", "Internet Court"),
        (r"People's Court", "People's Court"),
        (r"(?:People's )?[Pp]rocuratorate", "People's Procuratorate"),
        (r"Cyberspace Administration(?: Office)?", "Cyberspace Administration"),
        (r"Administration for Market Regulation|Market Supervision Administration",
         "Administration for Market Regulation"),
    )
)
_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}


def canonical_name(rest: str, place: str) -> str | None:
    """"Ganzi Public Security Bureau" for what follows the place 甘孜 in 甘孜州公安局 ("州公安局")
    or Ganzi in "Ganzi police" (" police"); None when the body is not one of the known kinds
    or something (a district, a branch) stands between place and body."""
    table = _EN_CANON if rest[:1].isascii() else _CANON
    for pattern, body in table:
        m = pattern.match(rest)
        if m is not None:
            number = m.group(1)
            if number is None:
                return f"{place} {body}"
            if not number.isdigit():
                number = str(sum(_NUMERALS[c] for c in number) if len(number) < 2
                             else _NUMERALS[number[0]] * 10 + _NUMERALS.get(number[1], 0))
            return f"{place} No. {number} {body}"
    return None
