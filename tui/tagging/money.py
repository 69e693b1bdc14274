"""Money amounts in English and Chinese, normalised to one readable canonical form.

"$80m", "$80 million" and "US$80 million" are all "$80 million"; "RMB 100 million" and
"100 million renminbi" are "100 million yuan"; HK$ stays HK$ (never read as US$). Chinese
amounts keep their own units ("10亿元", "3000万美元", "19.4万枚比特币") with 人民币 → 元,
港币 → 港元. "¥" is ambiguous (JPY or CNY) and is kept as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Scan for numbers (a cheap, digit-led pattern), then look around each one with anchored
# patterns: a currency mark before it, a multiplier and/or a currency word after it. Big
# alternations at the start of a pattern would be tried at every position of the text.
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_PREFIX = re.compile(r"(?:US\$|HK\$|S\$|A\$|C\$|NT\$|\$|€|£|¥|(?:RMB|CNY|HKD|USD|EUR|GBP|SGD)\s?)$")
_MULT = re.compile(r"\s?(trillion|billion|million|thousand|bn|mn|tn|mln|[mbkMBKT])\b")
_SUFFIX_CUR = re.compile(
    r"\s?(yuan|renminbi|RMB|CNY|CNH|HKD|USD|USDT|USDC|BTC|ETH|bitcoins?|ether|dollars?|euros?|"
    r"pounds|Hong Kong dollars|US dollars)\b"
)
_VALID_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
# Chinese: a number (digits or Chinese numerals: the pattern starts with a character class,
# which the regex engine skips to quickly), an optional 万/亿, then the currency unit.
_MONEY_ZH = re.compile(
    r"(?P<num>[\d零一二两三四五六七八九十百千][\d,.零一二两三四五六七八九十百千]*)(?P<mult>万亿|亿|万|千)?"
    r"(?P<cur>元人民币|人民币|美元|美金|港元|港币|澳门元|新台币|枚比特币|个比特币|枚BTC|枚ETH|"
    r"枚以太坊|个以太坊|枚以太币|USDT|USDC|元(?!宇宙|旦|素|老|首|年|月))"
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


def _amount(num: str, mult: str | None) -> str:
    """'3.5','bn' → '3.5 billion'; '1,200,000',None → '1.2 million'; '500','k' → '500,000'."""
    value = float(num.replace(",", ""))
    word = _MULT_WORDS.get(mult.lower()) if mult else None
    if word:
        value *= _SCALE[word]
    for name in ("trillion", "billion", "million"):
        if value >= _SCALE[name]:
            text = f"{value / _SCALE[name]:.3f}".rstrip("0").rstrip(".")
            return f"{text} {name}"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def find_money(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, canonical) for each amount in ``text`` (NFKC-normalised already)."""
    for m in _NUMBER.finditer(text):
        start, end = m.start(), m.end()
        num = m.group().rstrip(",")
        end = start + len(num)
        if not _VALID_NUMBER.fullmatch(num):
            continue
        prefix = _PREFIX.search(text, max(0, start - 4), start)
        begin = prefix.start() if prefix else start
        if begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] in "$.,_"):
            continue
        mult_match = _MULT.match(text, end)
        mult = mult_match.group(1) if mult_match else None
        after = mult_match.end() if mult_match else end
        amount = _amount(num, mult)
        if prefix:
            cur = prefix.group().strip()
            if cur in ("RMB", "CNY"):
                yield begin, after, f"{amount} yuan"
            else:
                yield begin, after, f"{_PREFIX_MARKS[cur]}{amount}"
            continue
        suffix = _SUFFIX_CUR.match(text, after)
        if suffix:
            cur = suffix.group(1).lower()
            if cur in _SUFFIX:
                yield start, suffix.end(), f"{amount}{_SUFFIX[cur]}"
            else:
                yield start, suffix.end(), f"{_PREFIX_SUFFIX.get(cur, '$')}{amount}"
    if not text.isascii():
        for m in _MONEY_ZH.finditer(text):
            num = m.group("num").rstrip(",.")
            if not _ZH_VALID.fullmatch(num):
                continue
            mult = m.group("mult") or ""
            if not mult and not num[0].isdigit():
                continue  # 一元 inside 统一元… : Chinese numerals need a unit like 万/亿
            num = num.replace(",", "")
            cur = _ZH_CUR.get(m.group("cur"), m.group("cur"))
            yield m.start(), m.end(), f"{num}{mult}{cur}"
