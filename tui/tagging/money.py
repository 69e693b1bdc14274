"""Money amounts in English and Chinese, normalised to one value and one currency.

One amount is one entity however it is written: "$80m", "$80 million", "US$80 million" and
"8000万美元" are all "$80 million"; "RMB 100 million", "100 million renminbi" and "1亿元" are
"100 million yuan"; "6.1亿美元" is "$610 million"; "19.4万枚比特币" is "194,000 BTC". HK$
stays HK$ (never read as US$). "¥" is ambiguous (JPY or CNY) and is kept as "¥".
:func:`money_key` turns any of these forms (and "1500000000 USD") into (value, currency).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tui.tagging.normalize import has_cjk

# Scan for numbers (a cheap, digit-led pattern), then look around each one with anchored
# patterns: a currency mark before it, a multiplier and/or a currency word after it. Big
# alternations at the start of a pattern would be tried at every position of the text.
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_PREFIX = re.compile(
    r"(?:US\$|HK\$|S\$|A\$|C\$|NT\$|R\$|\$|€|£|¥|₩|₹|"
    r"(?:RMB|CNY|HKD|USD|EUR|GBP|SGD|JPY|KRW|AED|CHF|BRL|INR|TWD|MOP|AUD|CAD)\s?)$"
)
_CODES = frozenset({"JPY", "KRW", "AED", "CHF", "BRL", "INR", "TWD", "MOP", "AUD", "CAD"})
# currency words after an amount that are not in the older tables below
_WORD_CODE = {"yen": "JPY", "won": "KRW", "rupee": "INR", "rupees": "INR", "reais": "BRL",
              "real": "BRL", "dirham": "AED", "dirhams": "AED", "pataca": "MOP",
              "patacas": "MOP", "swiss francs": "CHF", "francs": "CHF",
              "new taiwan dollars": "TWD", "taiwan dollars": "TWD", "singapore dollars": "SGD",
              "baht": "THB", "ringgit": "MYR", "rupiah": "IDR", "pesos": "MXN"}
_TOKEN_AFTER = re.compile(r"\s?([A-Z][A-Z0-9]{1,9})\b")
_MULT = re.compile(r"\s?(trillion|billion|million|thousand|bn|mn|tn|mln|[mbkMBKT])\b")
_SUFFIX_CUR = re.compile(
    r"(?:\s|-)?(yuan|renminbi|RMB|CNY|CNH|HKD|USD|USDT|USDC|BTC|ETH|bitcoins?|ether|"
    r"new Taiwan dollars|New Taiwan dollars|Taiwan dollars|Singapore dollars|Swiss francs|"
    r"dollars?|euros?|pounds|Hong Kong dollars|US dollars|yen|won|rupees?|reais|dirhams?|"
    r"patacas?|francs|baht|ringgit|rupiah)\b"
)
_VALID_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
# Chinese: a number (digits or Chinese numerals: the pattern starts with a character class,
# which the regex engine skips to quickly), an optional 万/亿, then the currency unit.
_MONEY_ZH = re.compile(
    r"(?P<num>[\d零一二两三四五六七八九十百千][\d,.零一二两三四五六七八九十百千]*)(?P<mult>万亿|亿|万|千|兆)?"
    r"\s?(?P<cur>元人民币|人民币|美元|美金|港元|港币|澳门元|澳门币|新台币|台币|枚比特币|个比特币|"
    r"枚以太坊|个以太坊|枚以太币|欧元|英镑|日元|日圆|韩元|澳元|加元|新加坡元|新元|瑞士法郎|卢比|"
    r"迪拉姆|雷亚尔|(?:枚|个)[A-Z][A-Z0-9]{1,9}|USDT|USDC|元(?!宇宙|旦|素|老|首|年|月))"
)
_ZH_VALID = re.compile(
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[零一二两三四五六七八九十百千]+"
)
_MULT_WORDS = {
    "trillion": "trillion",
    "tn": "trillion",
    "t": "trillion",
    "billion": "billion",
    "bn": "billion",
    "b": "billion",
    "million": "million",
    "mn": "million",
    "mln": "million",
    "m": "million",
    "thousand": "thousand",
    "k": "thousand",
}
_SCALE = {"trillion": 1e12, "billion": 1e9, "million": 1e6, "thousand": 1e3}
_PREFIX_MARKS = {
    "US$": "$",
    "$": "$",
    "HK$": "HK$",
    "S$": "S$",
    "A$": "A$",
    "C$": "C$",
    "NT$": "NT$",
    "€": "€",
    "£": "£",
    "¥": "¥",
    "USD": "$",
    "HKD": "HK$",
    "EUR": "€",
    "GBP": "£",
    "SGD": "S$",
}
_SUFFIX = {
    "yuan": " yuan",
    "renminbi": " yuan",
    "rmb": " yuan",
    "cny": " yuan",
    "cnh": " yuan",
    "usdt": " USDT",
    "usdc": " USDC",
    "btc": " BTC",
    "bitcoin": " BTC",
    "bitcoins": " BTC",
    "eth": " ETH",
    "ether": " ETH",
}
_PREFIX_SUFFIX = {
    "usd": "$",
    "dollar": "$",
    "dollars": "$",
    "us dollars": "$",
    "hkd": "HK$",
    "hong kong dollars": "HK$",
    "euro": "€",
    "euros": "€",
    "pounds": "£",
}
_ZH_CUR = {
    "元人民币": "元",
    "人民币": "元",
    "美金": "美元",
    "港币": "港元",
    "个比特币": "枚比特币",
    "枚BTC": "枚比特币",
    "枚以太币": "枚以太坊",
    "个以太坊": "枚以太坊",
    "枚ETH": "枚以太坊",
}


_CODE_OF_MARK = {"$": "USD", "HK$": "HKD", "S$": "SGD", "A$": "AUD", "C$": "CAD",
                 "NT$": "TWD", "€": "EUR", "£": "GBP", "¥": "¥", "R$": "BRL", "₩": "KRW",
                 "₹": "INR"}
_MARK_OF_CODE = {v: k for k, v in _CODE_OF_MARK.items()}
_SUFFIX_CODE = {" yuan": "CNY", " USDT": "USDT", " USDC": "USDC", " BTC": "BTC", " ETH": "ETH"}
_CODE_SUFFIX = {v: k for k, v in _SUFFIX_CODE.items()} | {"MOP": " MOP"}
_ZH_CODE = {"元": "CNY", "美元": "USD", "港元": "HKD", "澳门元": "MOP", "澳门币": "MOP",
            "新台币": "TWD", "台币": "TWD", "枚比特币": "BTC", "枚以太坊": "ETH", "USDT": "USDT",
            "USDC": "USDC", "欧元": "EUR", "英镑": "GBP", "日元": "JPY", "日圆": "JPY",
            "韩元": "KRW", "澳元": "AUD", "加元": "CAD", "新加坡元": "SGD", "新元": "SGD",
            "瑞士法郎": "CHF", "卢比": "INR", "迪拉姆": "AED", "雷亚尔": "BRL"}
_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
# 兆 before a currency is a trillion (15兆韩元, as Taiwan and Korea news write it), never mega
_ZH_MULT = {"": 1, "千": 1e3, "万": 1e4, "亿": 1e8, "万亿": 1e12, "兆": 1e12}


def _zh_number(num: str) -> float:
    """'两千' → 2000, '十五' → 15, '1.5' → 1.5."""
    if num[0].isdigit():
        return float(num)
    total = digit = 0
    for ch in num:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        else:
            total += (digit or 1) * _ZH_UNITS[ch]
            digit = 0
    return float(total + digit)


def _words(value: float) -> str:
    """1.2e6 → '1.2 million'; 194000 → '194,000'; 2.5 → '2.5'."""
    for name in ("trillion", "billion", "million"):
        if value >= _SCALE[name]:
            text = f"{value / _SCALE[name]:.3f}".rstrip("0").rstrip(".")
            return f"{text} {name}"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def render(value: float, code: str) -> str:
    """The canonical name of an amount: '$610 million', '1 billion yuan', '194,000 BTC'."""
    if code in _MARK_OF_CODE:
        return f"{_MARK_OF_CODE[code]}{_words(value)}"
    return f"{_words(value)}{_CODE_SUFFIX.get(code, ' ' + code)}"


def _scaled(num: str, mult: str | None) -> float:
    value = float(num.replace(",", ""))
    word = _MULT_WORDS.get(mult.lower()) if mult else None
    return value * _SCALE[word] if word else value


Amount = tuple[int, int, float, str]  # start, end, value, currency code
# currencies of states (and ¥, which is one of two): an amount in anything else is in coins
FIAT = frozenset({"USD", "CNY", "HKD", "MOP", "TWD", "EUR", "GBP", "JPY", "KRW", "SGD", "AUD",
                  "CAD", "CHF", "INR", "AED", "BRL", "THB", "MYR", "IDR", "MXN", "¥"})


def find_amounts(
    text: str, tokens: frozenset[str] = frozenset()
) -> Iterator[tuple[int, int, float, str]]:
    """(start, end, value, currency code) for each amount in ``text`` (NFKC already).

    ``tokens``: ticker symbols that make an amount too ("193,000 SOL", "10 billion BLAST").
    The low end of a range is an amount in the high end's currency ("50万至300万港元",
    "0.2 to 0.3 yuan", "between 10.8 million and 37.2 million reais").
    """
    for amount in _amounts(text, tokens):
        low = _range_low(text, amount)
        if low is not None:
            yield low
        yield amount


# "A to B", "A-B", "between A and B", "from A to B", A至B, A到B: A is left of the connector
_RANGE_LOW = re.compile(
    r"(?<![A-Za-z0-9_.,$])(\d[\d,]*(?:\.\d+)?)(?:\s?(trillion|billion|million|thousand)|(万亿|亿|万|千))?"
    r"(?:\s?(?:to|and|-|–|~)\s?|至|到|-|–|~)(?:(?:about|around|roughly|nearly|约|近) ?)?$"
)
_YEARS = re.compile(r"(?:19|20)\d\d\s?(?:-|–|to)\s?(?:19|20)\d\d")
_BETWEEN = re.compile(r"(?:between|from|range of|ranging from)\s$")


def _range_low(text: str, amount: Amount) -> Amount | None:
    start, _, value, code = amount
    m = _RANGE_LOW.search(text, max(0, start - 30), start)
    high = _NUMBER.match(text, start)
    if m is None or high is None:
        return None  # "$10 to $20": each has its mark; "up 3% to $5": no range
    connector = text[m.end(1) : start].split()
    if "and" in connector and not _BETWEEN.search(text, max(0, m.start() - 16), m.start()):
        return None  # "2 and $5 million": a list, not a range
    try:
        high_num = float(high.group().rstrip(",").replace(",", ""))
        low_num = float(m.group(1).rstrip(",").replace(",", ""))
    except ValueError:
        return None
    if not high_num or not _VALID_NUMBER.fullmatch(m.group(1).rstrip(",")):
        return None
    if m.group(2):
        scale = _SCALE[m.group(2)]
    elif m.group(3):
        scale = _ZH_MULT[m.group(3)]
    else:
        scale = value / high_num  # "10 to 20 million dollars": the low end shares the unit
    low = low_num * scale
    if not 0 < low < value or _YEARS.fullmatch(text, m.start(1), high.end()):
        return None  # "2020-2024 USD": years, not amounts
    end = max(m.end(1), m.end(2), m.end(3))  # the number and its multiplier, if written
    return m.start(1), end, low, code


def _amounts(
    text: str, tokens: frozenset[str] = frozenset()
) -> Iterator[tuple[int, int, float, str]]:
    for m in _NUMBER.finditer(text):
        start, end = m.start(), m.end()
        num = m.group().rstrip(",")
        end = start + len(num)
        if not _VALID_NUMBER.fullmatch(num):
            continue
        prefix = _PREFIX.search(text, max(0, start - 4), start)
        begin = prefix.start() if prefix else start
        if begin > 0 and (
            (text[begin - 1].isalnum() and text[begin - 1].isascii()) or text[begin - 1] in "$.,_"
        ):
            continue  # "ABC123", "v2.5"; but "报48 ETH": Chinese text runs into the number
        mult_match = _MULT.match(text, end)
        mult = mult_match.group(1) if mult_match else None
        after = mult_match.end() if mult_match else end
        value = _scaled(num, mult)
        if prefix:
            cur = prefix.group().strip()
            if cur in ("RMB", "CNY"):
                code = "CNY"
            elif cur in _CODES:
                code = cur
            else:
                code = _CODE_OF_MARK[_PREFIX_MARKS.get(cur, cur)]
            yield begin, after, value, code
            continue
        suffix = _SUFFIX_CUR.match(text, after)
        if suffix:
            cur = suffix.group(1).lower()
            if cur in _SUFFIX:
                code = _SUFFIX_CODE[_SUFFIX[cur]]
            elif cur in _WORD_CODE:
                code = _WORD_CODE[cur]
            else:
                code = _CODE_OF_MARK[_PREFIX_SUFFIX.get(cur, "$")]
            yield start, suffix.end(), value, code
            continue
        if tokens:
            token = _TOKEN_AFTER.match(text, after)
            if token and token.group(1) in tokens:
                yield start, token.end(), value, token.group(1)
    # every Chinese amount names its currency in Chinese or as USDT/USDC: English with a curly
    # quote need not have the pattern tried at each of its positions (~25 µs for 3 KB)
    if not text.isascii() and (has_cjk(text) or "USDT" in text or "USDC" in text):
        for m in _MONEY_ZH.finditer(text):
            num = m.group("num").rstrip(",.")
            if not _ZH_VALID.fullmatch(num):
                continue
            mult = m.group("mult") or ""
            if not mult and not num[0].isdigit():
                continue  # 一元 inside 统一元… : Chinese numerals need a unit like 万/亿
            cur = _ZH_CUR.get(m.group("cur"), m.group("cur"))
            value = _zh_number(num.replace(",", "")) * _ZH_MULT[mult]
            code = _ZH_CODE.get(cur) or cur[1:]  # 枚SOL → SOL
            begin = m.start()
            if cur == "元":  # 新台币3万元, 港币500元: the currency is written before the number
                before = _ZH_CUR_BEFORE.search(text, max(0, begin - 5), begin)
                if before:
                    mark = before.group(1)
                    code, begin = _ZH_CODE[_ZH_CUR.get(mark, mark)], before.start()
            yield begin, m.end(), value, code
        if "枚" in text:
            yield from _bare_coins(text, tokens)


_ZH_CUR_BEFORE = re.compile(r"(新台币|台币|港币|港元|人民币|澳门币|澳门元|美元)\s?$")
_BARE_MEI = re.compile(
    r"(?P<num>\d[\d,]*(?:\.\d+)?)(?P<mult>万亿|亿|万|千)?枚(?![A-Z比以个])"
)
_COIN_BEFORE = re.compile(r"(比特币|以太坊|以太币|[A-Z][A-Z0-9]{1,9})")
_ZH_COIN = {"比特币": "BTC", "以太坊": "ETH", "以太币": "ETH"}


def _bare_coins(text: str, tokens: frozenset[str]) -> Iterator[tuple[int, int, float, str]]:
    """"总持仓增至30,823枚", "流通量约1780亿枚": coins counted without naming the coin again;
    the coin is the last one named in the 40 characters before."""
    for m in _BARE_MEI.finditer(text):
        num = m.group("num").rstrip(",.")
        if not _ZH_VALID.fullmatch(num):
            continue
        coins = _COIN_BEFORE.findall(text, max(0, m.start() - 40), m.start())
        coins = [c for c in coins if c in _ZH_COIN or c in tokens]
        if not coins:
            continue
        code = _ZH_COIN.get(coins[-1], coins[-1])
        value = float(num.replace(",", "")) * _ZH_MULT[m.group("mult") or ""]
        yield m.start(), m.end(), value, code


def find_money(
    text: str, tokens: frozenset[str] = frozenset()
) -> Iterator[tuple[int, int, str]]:
    """(start, end, canonical name) for each amount in ``text``."""
    for start, end, value, code in find_amounts(text, tokens):
        yield start, end, render(value, code)


_PLAIN = re.compile(r"^\s*([\d,]+(?:\.\d+)?)\s*([A-Z][A-Z0-9]{1,9})\s*$")


def money_key(name: str) -> tuple[float, str] | None:
    """(value, currency) for a canonical name, a gold label ("1500000000 USD") or raw text."""
    plain = _PLAIN.match(name)
    if plain:
        return round(float(plain.group(1).replace(",", "")), 2), plain.group(2).upper()
    for _, _, value, code in find_amounts(name, frozenset(name.split()[-1:])):
        return round(value, 2), code
    return None


# "about", "nearly", "more than", 约, 近, 逾, 超: the amount is a rounding of a figure the story
# may give exactly elsewhere ("6.1亿美元" … "约6亿美元")
_APPROX_BEFORE = re.compile(
    r"(?:about|around|roughly|nearly|almost|some|over|more than|approximately|"
    r"约|大约|近|逾|超|超过)\s?\$?$"
)
ROUNDING = 0.1  # an approximate amount within 10% of an exact one of the same currency is it


def _digits(value: float) -> int:
    """Significant digits of an amount (610000000 → 2, 600000000 → 1)."""
    text = f"{value:.6e}".split("e")[0].replace(".", "").rstrip("0")
    return len(text)


# currencies Chinese also writes as "元" (港元, 澳门元, 新台币…元): a bare 元 may be one of them
_YUAN_LIKE = frozenset({"HKD", "MOP", "TWD"})


def _yuan_named(amounts: list[Amount], text: str) -> list[Amount]:
    """A bare "2亿元" (a title's shorthand) is the "2亿澳门元" the story writes in full: the
    same value in a currency written with 元 elsewhere in the text is that currency."""
    named = {(v, c) for _, _, v, c in amounts if c in _YUAN_LIKE}
    if not named:
        return list(amounts)
    out = []
    for start, end, value, code in amounts:
        if code == "CNY" and text[end - 1 : end] == "元" and text[end - 2 : end] != "币元":
            same = {c for v, c in named if v == value}
            if len(same) == 1:
                code = same.pop()
        out.append((start, end, value, code))
    return out


def merge_rounded(amounts: list[Amount], text: str) -> list[Amount]:
    """Amounts with each rounded mention ("约6亿美元", "about $600 million") read as the exact
    amount of the same currency it rounds ("6.1亿美元"), so one amount is one entity. The more
    precise mention may be approximate too ("超6亿美元" in a headline, "约6.1亿美元" below):
    more significant digits is what makes it the amount the rounder one stands for."""
    if len(amounts) < 2:
        return amounts
    out = _yuan_named(amounts, text)
    for i, (start, end, value, code) in enumerate(amounts):
        if not _APPROX_BEFORE.search(text, max(0, start - 12), start):
            continue
        near = [
            v for s, _, v, c in amounts
            if c == code and v != value and abs(v - value) <= ROUNDING * v
            and _digits(v) > _digits(value)
        ]
        if len(set(near)) == 1:
            out[i] = (start, end, near[0], code)
    return out
