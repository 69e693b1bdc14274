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
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from tui.tagging.matcher import CUE, Matcher, Span
from tui.tagging.resolve import Doc


@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``data/names.toml``."""

    org_suffixes: tuple[str, ...]
    roles: tuple[str, ...]
    speech_after_name: tuple[str, ...]
    speech_before_name: tuple[str, ...]
    stop: frozenset[str]
    appositive_filler: frozenset[str]
    zh_org_suffixes: tuple[str, ...]
    zh_generic: tuple[str, ...]
    zh_stop: frozenset[str]
    zh_generic_prefix: re.Pattern[str]
    of_heads: tuple[str, ...] = ()
    zh_roles: tuple[str, ...] = ()
    zh_after: tuple[str, ...] = ()
    zh_surnames: frozenset[str] = frozenset()
    zh_compound: tuple[str, ...] = ()
    zh_translit: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    raw = files("tui.tagging").joinpath("data/names.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    generic = tuple(data["zh_generic"])
    prefix = "|".join(sorted(map(re.escape, generic), key=len, reverse=True))
    return Lexicon(
        tuple(data["org_suffixes"]),
        tuple(data["roles"]),
        tuple(data["speech_after_name"]),
        tuple(data["speech_before_name"]),
        frozenset(data["stop"]),
        frozenset(data["appositive_filler"]),
        tuple(data["zh_org_suffixes"]),
        generic,
        frozenset(data["zh_stop"]),
        re.compile(f"^(?:{prefix})+"),
        tuple(data["of_heads"]),
        tuple(data["zh_roles"]),
        tuple(data["zh_after"]),
        frozenset(data["zh_surnames"].strip()),
        tuple(data["zh_compound_surnames"]),
        frozenset(data["zh_translit"].strip()),
    )


_PERSON_TOKEN = re.compile(r"[A-Z](?:[a-z]+|[a-z]*[A-Z][a-z]+)(?:[-'’][A-Z]?[a-z]+)*|[A-Z]\.")
_ORG_TOKEN = re.compile(
    r"(?:[A-Z][A-Za-z0-9&'’-]*(?:\.[A-Za-z0-9&'’-]+)*\.?(?<![a-z]{3}\.))|\d+[A-Za-z][A-Za-z0-9]*"
)  # "Crypto.com", "U.S." and "Inc." but not "Upbit." at the end of a sentence
_TRAILING = ",;:)\"'’”"


def register(matcher: Matcher) -> None:
    """Add cue words to the shared matcher (case-sensitive where capitals matter)."""
    lex = lexicon()
    for kind, words in (
        ("org", lex.org_suffixes),
        ("role", lex.roles),
        ("said_after", lex.speech_after_name),
        ("said_before", lex.speech_before_name),
    ):
        for word in words:
            matcher.add(word, CUE, (kind, word), case_sensitive=True)
    for word in lex.zh_org_suffixes:
        matcher.add(word, CUE, ("zh_org", word))
    for word in lex.of_heads:
        matcher.add(word, CUE, ("of", word), case_sensitive=True)
    for word in lex.zh_roles:
        matcher.add(word, CUE, ("zh_role", word), case_sensitive=True)
    for word in lex.zh_after:
        matcher.add(word, CUE, ("zh_said", word))


def _person_ok(tokens: list[str]) -> bool:
    return (
        2 <= len(tokens) <= 3
        and not tokens[-1].endswith(".")
        and not any(t.rstrip(".") in lexicon().stop for t in tokens)
        and tokens[-1] not in _org_words()
    )


@lru_cache(maxsize=1)
def _org_words() -> frozenset[str]:
    return frozenset(w for s in lexicon().org_suffixes for w in s.split())


def _tokens_before(
    text: str, end: int, pattern: re.Pattern[str], limit: int = 3, allow_comma: bool = False
) -> tuple[int, list[str]]:
    """Capitalised tokens ending right before ``end`` (at most ``limit``), and their start."""
    window = text[max(0, end - 60) : end].replace("\n", " ").replace("\t", " ")
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


def _tokens_after(
    text: str, start: int, pattern: re.Pattern[str], limit: int = 3
) -> tuple[int, list[str]]:
    """Capitalised tokens right after ``start`` (a longer capitalised run yields nothing)."""
    window = text[start : start + 60]
    if not window[:1].isspace():
        return start, []
    tokens: list[str] = []
    for word in window.split()[: limit + 1]:
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
    if "·" in doc.simp:
        for m in _FOREIGN_NAME.finditer(doc.simp):
            found = _foreign_name(doc, m)
            if found:
                yield (*found, "PERSON")
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
            elif kind == "of":
                found = _of_org(text, start, end)
                if found:
                    yield (*found, "ORG")
            elif kind == "zh_role":
                found = _zh_person_after(doc, end, taken)
                if found:
                    yield (*found, "PERSON")
            elif kind == "zh_said":
                found = _zh_person_before(doc, start, taken)
                if found:
                    yield (*found, "PERSON")
    if not doc.low.isascii():
        lex = lexicon()
        for m in (_ANONYMISED.finditer(doc.simp) if "某" in doc.simp else ()):
            if m.group(1) in lex.zh_surnames and not taken[m.start()]:  # 郑某某 is a name
                yield m.start(), m.end(), doc.shown[m.start() : m.end()], "PERSON"


def _appositive(text: str, cue_start: int) -> tuple[int, int, str] | None:
    """The name before a comma and a role: "Jane Doe, chief executive of …"."""
    window = text[max(0, cue_start - 60) : cue_start].replace("\n", " ").rstrip()
    words = window.split(" ")
    while words and words[-1].lower() in lexicon().appositive_filler:
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


_CONTINUES = re.compile(r" (?:[A-Z][a-z]+\b|of [A-Z])")  # used with match(text, pos)
_GLUED = re.compile(r"(?:\band|&|\bof|\bfor)\s$")


def _org(text: str, cue_start: int, cue_end: int) -> tuple[int, int, str] | None:
    if _CONTINUES.match(text, cue_end):
        return None  # "Korea Financial Intelligence Unit": the name goes on past the cue
    start, tokens = _tokens_before(text, cue_start, _ORG_TOKEN)
    if tokens and _GLUED.search(text[max(0, start - 6) : start]):
        return None  # "… Inspection and Coordination Bureau": only a fragment is in reach
    stop = lexicon().stop
    while tokens and tokens[0] in stop:
        start += len(tokens[0]) + 1
        tokens = tokens[1:]
    if not tokens or all(t in stop for t in tokens):
        return None
    return start, cue_end, " ".join(tokens) + " " + text[cue_start:cue_end]


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
)
_INDEFINITE = re.compile(r"一家|一所|一批|一个|这家|那家|该|某|多家|数家|几家|旗下|其|此")
ZH_NAME_MAX = 12


def _zh_org(
    doc: Doc, cue_start: int, cue_end: int, taken: bytearray
) -> tuple[int, int, str] | None:
    """The name before a Chinese organisation suffix, walking back to a clear boundary.

    A known place on the way is part of the name (埃塞俄比亚电力公司, 国网四川省电力公司);
    no boundary within reach, an indefinite description (一家能源技术公司, 旗下子公司) or a
    name of generic words only (电力公司, 区块链分析公司) yields nothing.
    """
    text = doc.simp
    lex = lexicon()
    start = cue_start
    bounded = False
    while start > 0 and cue_start - start < ZH_NAME_MAX:
        ch = text[start - 1]
        mark = taken[start - 1]
        if mark == 1:
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
    span = text[start:cue_start]
    if not bounded or _INDEFINITE.search(span) or _VERBISH.search(span):
        return None
    place_end = max((i + 1 for i in range(start, cue_start) if taken[i] == 2), default=start)
    tail = text[place_end:cue_start].lstrip("省市区县")
    if place_end > start and len(_specific(tail)) >= 2:
        span = tail  # 深圳市星火链科技有限公司 → 星火链科技有限公司: the place is an address
    name = lex.zh_generic_prefix.sub("", span)
    if len(name) < 2 or name in lex.zh_generic:
        return None
    has_place = any(taken[cue_start - len(name) : cue_start])
    if len(_specific(name)) < 2 and not has_place:
        return None  # 电力公司, 区块链分析公司: a description, not a name
    begin = cue_start - len(name)
    return begin, cue_end, doc.shown[begin:cue_end]


_OF_TAIL = re.compile(
    r" of (?:the )?((?:[A-Z][\w'’-]*|and|for|&)(?: (?:[A-Z][\w'’-]*|and|for|&|of|the)){0,6})"
)
_FOREIGN_NAME = re.compile(
    r"([\u4e00-\u9fff]{1,6})·([\u4e00-\u9fff]{1,8}(?:·[\u4e00-\u9fff]{1,8})?)"
)
_ANONYMISED = re.compile(r"([\u4e00-\u9fff])某某?")
_MEASURE = frozenset("名位个些家该此其这那每某各")
_ZH_TITLES = ("总统", "总理", "议员", "部长", "官员", "董事", "大使", "法官", "行长", "主席",
              "创始人", "首席执行官", "总裁", "经理", "教授", "分析师", "研究员", "律师", "警官")
_ZH_FOLLOW = re.compile(
    r"^(?:[,.:;!?()、。，：；“”‘’\s]|在|于|的|和|与|及|等|也|则|曾|已|将|对|向|说|称|表示|指出|"
    r"认为|透露|介绍|先生|女士|$)"
)


def _of_org(text: str, cue_start: int, cue_end: int) -> tuple[int, int, str] | None:
    """"Bank of Thailand", "Central Bank of the United Arab Emirates"."""
    if cue_start > 0 and text[cue_start - 1].isalnum():
        return None
    m = _OF_TAIL.match(text, cue_end)
    if not m:
        return None
    words = m.group(1).split(" ")
    if "and" in words:  # "… of New York and McGill University": two names, keep the first
        at = words.index("and")
        rest = words[at + 1 :]
        if len(rest) > 2 or any(w in _org_words() or w in lexicon().of_heads for w in rest):
            words = words[:at]
    while words and words[-1] in ("and", "for", "&", "of", "the"):
        words.pop()
    if not words or words[0] in ("The", "A", "An", "This", "That", "Its", "Their"):
        return None
    end = m.start(1) + len(" ".join(words))
    return cue_start, end, text[cue_start:end]


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
    if name[:1] in lex.zh_surnames:
        return True
    return len(name) >= 3 and name[:2] in lex.zh_compound


_ALL_CJK = re.compile(r"[\u4e00-\u9fff]+")


def _cjk(text: str) -> bool:
    return _ALL_CJK.fullmatch(text) is not None


def _zh_person_before(doc: Doc, cue_start: int, taken: bytearray) -> tuple[int, int, str] | None:
    """孔中春表示, 欧阳女士: a surname and one or two characters right before the cue."""
    text = doc.simp
    if cue_start < 2 or taken[cue_start - 1] or not "\u4e00" <= text[cue_start - 1] <= "\u9fff":
        return None
    cue = text[cue_start : cue_start + 2]
    for size in (3, 2, 4):
        start = cue_start - size
        if start < 0:
            continue
        name = text[start:cue_start]
        if not _cjk(name) or any(taken[start:cue_start]) or not _surname_ok(name):
            continue
        if size == 4 and not any(name.startswith(c) for c in lexicon().zh_compound):
            continue
        if _zh_boundary(doc, start, taken):
            if cue in ("先生", "女士") and size == 2 and name[:1] in lexicon().zh_surnames:
                return start, cue_start + 2, doc.shown[start : cue_start + 2]  # 李先生
            return start, cue_start, doc.shown[start:cue_start]
    return None


def _zh_person_after(doc: Doc, cue_end: int, taken: bytearray) -> tuple[int, int, str] | None:
    """创始人孔中春, 警官王某: a surname and one or two characters right after a role."""
    text = doc.simp
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
    return start, end, doc.shown[start:end]
