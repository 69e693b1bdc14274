"""Amounts, counts and dates normalised across languages: `15亿美元` = `$1.5 billion`.

The tagger's MONEY entities keep each language's own units ("3000万美元", "$30 million"), which
is right for display but cannot be compared. Here every amount becomes a key of a currency and a
value rounded to three significant figures ("USD:3e+07"), the same from either language. A
number with a counted noun ("3,400 rigs" = "约3400台", "12 mining sites" = "12处") becomes a
count of a unit kind ("machine:3400"), the same from either language. Plain numbers (648,210
BTC held) and mentioned dates ("November 10", "11月10日") become weaker keys of their own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from tui.text import is_cjk

_EN_SCALE = {
    "trillion": 1e12, "tn": 1e12, "billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6,
    "mn": 1e6, "mln": 1e6, "m": 1e6, "thousand": 1e3, "k": 1e3,
}
_ZH_SCALE = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}
_PREFIX_CUR = {
    "us$": "USD", "$": "USD", "hk$": "HKD", "a$": "AUD", "s$": "SGD", "c$": "CAD", "nt$": "TWD",
    "€": "EUR", "£": "GBP", "rmb": "CNY", "cny": "CNY", "usd": "USD", "hkd": "HKD",
}
_SUFFIX_CUR = {
    "yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "cny": "CNY", "usdt": "USDT", "usdc": "USDC",
    "btc": "BTC", "bitcoin": "BTC", "bitcoins": "BTC", "eth": "ETH", "ether": "ETH",
    "dollars": "USD", "hong kong dollars": "HKD", "trx": "TRX", "hype": "HYPE",
}
_ZH_CUR = {
    "美元": "USD", "美金": "USD", "港元": "HKD", "港币": "HKD", "澳元": "AUD", "新台币": "TWD",
    "元人民币": "CNY", "人民币": "CNY", "元": "CNY", "欧元": "EUR", "枚比特币": "BTC",
    "个比特币": "BTC", "枚BTC": "BTC", "枚ETH": "ETH", "枚以太坊": "ETH", "枚以太币": "ETH",
    "萬美元": "USD", "枚USDT": "USDT", "USDT": "USDT", "枚USDC": "USDC", "USDC": "USDC",
    "枚TRX": "TRX", "TRX": "TRX", "枚HYPE": "HYPE", "枚以太幣": "ETH", "枚比特幣": "BTC",
    "港幣": "HKD", "美金元": "USD",
}
_NUM_RE = re.compile(r"\d[\d,]*(?:\.\d+)?")
# For ASCII text, where ``re.ASCII`` reads it the same (\d is 0-9 there): the engine's skip
# to a first digit tests a byte range instead of the Unicode digit table, twice as fast.
_NUM_RE_ASCII = re.compile(_NUM_RE.pattern, re.ASCII)
# What may stand before a number (matched on the few characters before it) and after it.
_EN_PREFIX = re.compile(r"(?:US\$|HK\$|A\$|S\$|C\$|NT\$|\$|€|£|(?:RMB|CNY|USD|HKD)\s?)\Z",
                        re.IGNORECASE)
_EN_AFTER = re.compile(
    r"(?:\s?(?P<mult>trillion|billion|million|thousand|bn|mn|mln|tn|[mbk])(?![A-Za-z]))?"
    r"(?:\s?(?P<suf>hong kong dollars|yuan|renminbi|RMB|CNY|USDT|USDC|BTC|ETH|bitcoins?|ether|"
    r"dollars|TRX|HYPE)(?![A-Za-z]))?",
    re.IGNORECASE,
)
_ZH_AFTER = re.compile(
    r"(?P<mult>万亿|亿|万|萬|千)?"
    r"(?P<cur>元人民币|人民币|美元|美金|港元|港币|港幣|澳元|欧元|新台币|枚比特币|枚比特幣|个比特币|"
    r"枚BTC|枚ETH|枚以太坊|枚以太币|枚以太幣|枚USDT|枚USDC|枚TRX|枚HYPE|USDT|USDC|TRX|元)?"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES.split(), 1)}
_DAY = re.compile(r"\s(\d{1,2})(?!\w)")  # a space first: the engine skips to spaces fast
# ASCII text: a day's digits first (rarer than spaces, and 0-9 is a byte range), the space
# before them checked by hand; the same days (a run of digits is never a space).
_DAY_ASCII = re.compile(r"[0-9][0-9]?(?![0-9A-Za-z_])")
_UNI_SPACE = frozenset(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")  # what \s is in ASCII text
_MONTH_BEFORE = re.compile(
    r"(?<!\w)(january|february|march|april|may|june|july|august|september|october|november|"
    r"december)\s+\Z", re.IGNORECASE)
# \d\d?, not \d{1,2}: a pattern that opens with a repeat gets no first-character skip
_ZH_DATE = re.compile(r"(?P<m>\d\d?)月(?P<d>\d\d?)[日号]")


def nfkc(text: str) -> str:
    """NFKC, the cheap way first: Chinese text is mostly normal but for its full-width
    punctuation and digits (，１０), which are narrowed directly; the full normalisation
    (a millisecond on 3,000 characters) runs only when something else is left."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    narrowed = text
    for char in set(_WIDE.findall(text)):  # a few kinds, many times each: one replace a kind
        narrowed = narrowed.replace(char, _narrow(char))
    if unicodedata.is_normalized("NFKC", narrowed):
        return narrowed
    return unicodedata.normalize("NFKC", narrowed)


_WIDE = re.compile("[\uff01-\uff5e\u3000]")


def _narrow(char: str) -> str:
    return " " if char == "\u3000" else chr(ord(char) - 0xFEE0)


def _key(currency: str, value: float) -> str:
    return f"{currency}:{float(f'{value:.3g}'):g}"


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def amounts(text: str) -> tuple[set[str], set[str]]:
    """(money keys, plain-number keys) found in ``text``, in either language.

    One scan for numbers (a regex that starts at a digit, so the engine skips text fast),
    then the units around each: an English prefix ($, HK$, RMB) just before it, an English
    or a Chinese scale and currency just after it.
    """
    text = nfkc(text)
    money: set[str] = set()
    numbers: set[str] = set()
    chinese = not text.isascii()
    en_end = 0  # the English reading consumes its unit words; the next must start after
    for m in (_NUM_RE if chinese else _NUM_RE_ASCII).finditer(text):
        raw = m.group()
        value = _number(raw)
        if value is None:
            continue
        start, end = m.span()
        if start >= en_end:
            en_end = _english(text, en_end, start, end, raw, value, money, numbers)
        if chinese:
            after = _ZH_AFTER.match(text, end)
            assert after is not None
            mult = after.group("mult") or ""
            scaled = value * _ZH_SCALE.get(mult.replace("萬", "万"), 1)
            cur = after.group("cur")
            if cur:
                money.add(_key(_ZH_CUR[cur], scaled))
            elif mult:
                numbers.add(_key("N", scaled))
    # A money value is also a number ("10亿枚USDT" / "1 billion USDT" may be read either way).
    numbers |= {_key("N", float(k.split(":", 1)[1])) for k in money}
    return money, numbers


def _english(text: str, floor: int, start: int, end: int, raw: str, value: float, money: set[str],
             numbers: set[str]) -> int:
    """The English reading of the number at ``start:end`` ('$1.5 billion', '5,010 bitcoin');
    returns where its unit words end. A prefix starts at or after ``floor`` (the end of the
    previous amount's words)."""
    prefix = _EN_PREFIX.search(text, max(floor, start - 4), start) if start > floor else None
    first = prefix.start() if prefix else start
    after = _EN_AFTER.match(text, end)
    assert after is not None  # every part of it is optional
    if first and text[first - 1].isalnum() and not _is_cjk(text[first - 1]):
        return after.end()  # inside a word or code: 'A12', 'v4'
    mult = after.group("mult") or ""
    if mult.lower() in ("b", "m", "k") and mult not in ("b", "m", "k", "B", "M", "K"):
        mult = ""
    value *= _EN_SCALE.get(mult.lower(), 1)
    pre = (prefix.group() if prefix else "").strip().lower()
    suf = (after.group("suf") or "").lower()
    currency = _PREFIX_CUR.get(pre) or _SUFFIX_CUR.get(suf)
    if currency:
        money.add(_key(currency, value))
    elif not _is_year(text, raw, end) and (value >= 10 or "." in raw):
        numbers.add(_key("N", value))
    return after.end()


def _is_year(text: str, raw: str, end: int) -> bool:
    """'2026', '2026年' are years; '2000余处', '2000多家' (Chinese counts) are not."""
    if not _YEAR.fullmatch(raw):
        return False
    follower = text[end : end + 1]
    return not (follower and _is_cjk(follower) and follower != "年")


@lru_cache(maxsize=4096)
def money_entity(name: str) -> str | None:
    """The key of one tagger MONEY entity ('$30 million', '3000万美元'), if it reads as one."""
    found, _ = amounts(name)
    return next(iter(sorted(found)), None)


# Counted nouns → unit kind: what a reader would say both reports counted. English words
# may follow the number after up to three others ("12 illegal bitcoin mining sites"), not
# across a conjunction or preposition; a Chinese classifier follows it ("3400台", "12处").
_EN_UNITS = {
    "rig": "machine", "rigs": "machine", "machine": "machine", "machines": "machine",
    "device": "machine", "devices": "machine", "site": "site", "sites": "site",
    "location": "site", "locations": "site", "farm": "site", "farms": "site",
    "dens": "site", "people": "person", "persons": "person", "suspect": "person",
    "suspects": "person", "individuals": "person", "accounts": "account",
    "wallets": "account", "companies": "company", "firms": "company", "platforms": "company",
    "exchanges": "company", "cases": "case",
}
_EN_COUNT = re.compile(
    r"(?P<n>\d[\d,]*(?:\.\d+)?)(?:\s(?P<mult>thousand|million))?"
    r"(?P<gap>(?:\s(?!(?:and|or|of|in|at|on|to|from|per|than|with|by|for)\s)[a-z][a-z-]*){0,3}?)"
    r"\s(?P<unit>" + "|".join(sorted(_EN_UNITS, key=len, reverse=True)) + r")(?![\w-])")
# The same for ASCII text under re.ASCII (a byte range to skip to a digit): \s there lacks
# the four separators \x1c-\x1f that Unicode \s has, so they are spelled out.
_EN_COUNT_ASCII = re.compile(_EN_COUNT.pattern.replace(r"\s", r"[\s\x1c-\x1f]"), re.ASCII)
_ZH_UNITS = {"台": "machine", "臺": "machine", "处": "site", "處": "site", "个窝点": "site",
             "個窩點": "site", "个点位": "site", "個點位": "site", "人": "person",
             "名": "person", "个账户": "account", "個帳戶": "account", "个钱包": "account",
             "個錢包": "account", "家": "company", "起": "case", "宗": "case"}
_ZH_COUNT = re.compile(
    r"(?P<n>\d[\d,]*(?:\.\d+)?)(?P<mult>万|萬|千)?[余多]?"
    r"(?P<unit>" + "|".join(sorted(_ZH_UNITS, key=len, reverse=True)) + r")(?!湾|灣|币|幣|股|民)")
_COUNT_SCALE = {"thousand": 1e3, "million": 1e6, "千": 1e3, "万": 1e4, "萬": 1e4}
# What may not stand just before a count's number (checked here: a pattern that starts at a
# digit lets the engine skip text fast): inside a word or code ('A12'), a figure or money,
# an ordinal or a ranking (第3名, 前10名).
_EN_NOT_BEFORE = frozenset(".,$€£_")
_ZH_NOT_BEFORE = frozenset(".,第前")


def counts(text: str) -> set[str]:
    """Counts of a unit kind ('machine:3400', 'site:12') in either language: '3,400 rigs'
    and '矿机约3400台' agree. A count of one is left out (English says 'a'), and so is a
    year before a noun ('in 2021 machines')."""
    text = nfkc(text)
    found: set[str] = set()
    english = _EN_COUNT_ASCII if text.isascii() else _EN_COUNT
    readings = [(english, _EN_UNITS, _EN_NOT_BEFORE, True)]
    if not text.isascii():
        readings.append((_ZH_COUNT, _ZH_UNITS, _ZH_NOT_BEFORE, False))
    for pattern, units, not_before, in_words in readings:
        for m in pattern.finditer(text):
            start = m.start()
            before = text[start - 1] if start else ""
            if before in not_before or (in_words and before.isascii() and before.isalnum()):
                continue
            raw = m.group("n")
            value = _number(raw)
            if value is None or _YEAR.fullmatch(raw):
                continue
            value *= _COUNT_SCALE.get(m.group("mult") or "", 1)
            if value >= 2:
                found.add(_key(units[m.group("unit")], value))
    return found


def dates(text: str) -> set[str]:
    """Month-day mentions as 'd:MM-DD' ('November 10' and '11月10日' agree).

    Found from the day's digits (rare in text) back to a month name, not by trying twelve
    month names at every word.
    """
    found = set()
    days: Iterator[re.Match[str]]
    if text.isascii():
        days = (m for m in _DAY_ASCII.finditer(text)
                if m.start() and text[m.start() - 1] in _UNI_SPACE)
        group = 0
    else:
        days, group = _DAY.finditer(text), 1
    for m in days:
        start = m.start(group)
        month = _MONTH_BEFORE.search(text, max(0, start - 40), start)
        number = _MONTHS.get(month.group(1).lower()) if month else None
        if number is not None:  # None: a case-folding look-alike ('ſeptember')
            found.add(f"d:{number:02d}-{int(m.group(group)):02d}")
    if "月" not in text:  # the one literal every Chinese date holds
        return found
    for m in _ZH_DATE.finditer(text):
        found.add(f"d:{int(m.group('m')):02d}-{int(m.group('d')):02d}")
    return found


_is_cjk = is_cjk
