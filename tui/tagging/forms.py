"""Surface forms of what the tagger found: symbols written as tokens ("the SEA token"), hits
inside a longer name, the English and Chinese forms of one name merged, and the longer form
a text writes (a legal tail, a given name before "·").

Why apart from :mod:`tui.tagging.tagger`: these read the text around a hit, one rule each;
the tagger decides what the hits are.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterator

from tui.models import Entity
from tui.tagging.lexicon import lexicon
from tui.tagging.normalize import has_cjk

# a symbol named as a token: "MON代币", "the SEA token", "its own token, SEA"
_TOKEN_AFTER = re.compile(r"s?(, (?=[A-Z]))?\b")  # "token" then "s", ", SEA" or a boundary
_SYMBOL_BEFORE = re.compile(r"(?<![A-Za-z0-9$])[A-Z][A-Z0-9]{1,9} ?$")
_SYMBOL_AFTER = re.compile(r"[A-Z][A-Z0-9]{1,9}\b")


def token_symbols(text: str) -> Iterator[tuple[int, str]]:
    """(position, symbol) of each symbol written as a token: "MON代币", "the ZORA token",
    "its own token, SEA" (found with str.find: a pattern tried at every position was slow)."""
    for word in (" token", "代币"):
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            if word == " token":
                tail = _TOKEN_AFTER.match(text, end)
                if tail is None:
                    at = text.find(word, end)
                    continue
                if tail.group(1):
                    after = _SYMBOL_AFTER.match(text, tail.end())
                    if after:
                        yield after.start(), after.group()
            before = _SYMBOL_BEFORE.search(text, max(0, at - 11), at)
            if before:
                yield before.start(), before.group().rstrip()
            at = text.find(word, end)



def inside(starts: list[int], reach: list[int], pos: int) -> bool:
    """True when ``pos`` falls in a span: ``starts`` sorted, ``reach[i]`` the furthest end of
    spans 0..i (spans may overlap)."""
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and pos < reach[i]


# a name that a place word may open in English: it ends in a body word ("Wenzhou police",
# "Tokyo Metropolitan Police", "Shanghai Intermediate Court"); "US SEC" keeps its place
_EN_BODY_END = re.compile(
    r"(?:police|Police|Bureau|Court|Procuratorate|Commission|Office|Department|Administration|"
    r"Authority|Committee|Government|Branch|Agency|Force|Regulator|Council)$"
)

_POLICE_AFTER = re.compile(r" [Pp]olice\b")


def places_in_names(
    shown: str, places: list[tuple[int, int]], names: list[tuple[int, int]]
) -> list[bool]:
    """For each place span, whether it is part of a name: inside one, or opening one written
    right after it ("美国联邦调查局", "Tokyo Metropolitan Police"). By the README's convention a
    place counts only where the text names it outside every name ("Police in Wenzhou", "Macau's
    Judiciary Police")."""
    opening: dict[int, int] = {}
    for start, end in names:
        opening.setdefault(start, end)
    out = []
    for start, end in places:
        part = any(s <= start and end <= e and (s, e) != (start, end) for s, e in names)
        if not part:
            after = opening.get(end)
            if after is not None and has_cjk(shown[end:after]):
                part = True  # 美国 + 联邦调查局, 澳门 + 金管局
            after = opening.get(end + 1)
            if (
                after is not None and shown[end : end + 1] == " "
                and _EN_BODY_END.search(shown, end + 1, after)
            ):
                part = True  # Tokyo + Metropolitan Police
            if _POLICE_AFTER.match(shown, end):
                part = True  # "Tokyo police": the force, by its informal name
        out.append(part)
    return out


_PAREN = re.compile(r"\s?[(（]\s?([^()（）,，;；]{2,30}?)\s?[)）]")


def merge_scripts(
    shown: str,
    counts: Counter[tuple[str, str]],
    mentions: dict[tuple[str, str], list[str]],
    ends: dict[tuple[str, str], list[int]],
) -> None:
    """One person however written: "Kong Zhongchun (孔中春)" and "孔中春（Kong Zhongchun）"."""
    for key, positions in list(ends.items()):
        if key not in counts:
            continue
        for end in positions:
            m = _PAREN.match(shown, end) if end >= 0 else None
            if m is None:
                continue
            inner = m.group(1).strip()
            if has_cjk(inner) == has_cjk(key[0]):
                continue  # same script: an aside, not the other spelling
            other = (inner, "PERSON")
            if other in counts and other != key:
                counts[key] += counts.pop(other)
                for form in mentions.pop(other, []):
                    if form not in mentions[key]:
                        mentions[key].append(form)
            elif inner not in mentions[key]:
                mentions[key].append(inner)


_ORG_TAIL = re.compile(
    r"(?:集团|公司|科技|控股|交易所|基金会|实验室|集團|控股|交易所|基金會|實驗室)"
    r"|\s(?:Group|Holdings|Exchange|Inc\.?|Ltd\.?|Limited|Foundation|Labs)\b"
)
_GIVEN = re.compile(r"[\u4e00-\u9fff]{1,5}·$")


def longer_form(shown: str, start: int, end: int, kind: str) -> str | None:
    """The fuller name the text wrote around a known one, kept as a mention."""
    if kind == "ORG":
        m = _ORG_TAIL.match(shown, end)
        if m:
            return shown[start : m.end()]
    elif kind == "PLACE" and shown[end : end + 2] in ("新区", "新區"):
        return shown[start : end + 2]  # 浦东新区, 雄安新区 as written
    elif kind == "PERSON" and start > 0 and shown[start - 1] == "·":
        m = _GIVEN.search(shown, max(0, start - 6), start)
        if m:
            return shown[m.start() : end]
    return None


def merge_found_short_forms(
    entities: tuple[Entity, ...], known: Callable[[str], bool]
) -> tuple[Entity, ...]:
    """"Harborline Finance" … "Harborline": one organisation the gazetteer does not know, named
    in full with its suffix once and short after, listed under the full name (a known name
    such as Binance stays apart from its units: Binance Pool)."""
    orgs = [e for e in entities if e.type == "ORG" and e.name.isascii()]
    if len(orgs) < 2:
        return entities
    suffixes = frozenset(lexicon().org_suffixes)
    full = [e for e in orgs if " " in e.name and e.name.rsplit(" ", 1)[1] in suffixes]
    if not full:
        return entities
    into: dict[str, Entity] = {}
    for short in orgs:
        longer = [
            e for e in full
            if e.name.startswith(short.name + " ") and e.name[len(short.name) + 1 :] in suffixes
        ]
        if longer and known(short.name):
            continue
        if len(longer) == 1:
            into[short.name] = longer[0]
    if not into:
        return entities
    return tuple(sorted(fold_into(entities, into), key=lambda e: (-e.count, e.name)))


def fold_into(entities: tuple[Entity, ...], into: dict[str, Entity]) -> list[Entity]:
    """The entities with each short organisation named in ``into`` counted under its longer
    form, its mentions kept for the tooltip (chains: the longest form wins). One home for the
    fold that the Latin-name and the government-body merges both decide."""
    extra: dict[str, tuple[int, list[str]]] = {}
    for short_name, long in into.items():
        while long.name in into:
            long = into[long.name]
        short = next(e for e in entities if e.type == "ORG" and e.name == short_name)
        n, forms = extra.setdefault(long.name, (0, []))
        forms.extend(m for m in short.mentions if m not in forms)
        extra[long.name] = (n + short.count, forms)
    out = []
    for e in entities:
        if e.type == "ORG" and e.name in into:
            continue
        if e.type == "ORG" and e.name in extra:
            n, forms = extra[e.name]
            mentions = (*e.mentions, *(m for m in forms if m not in e.mentions))
            e = Entity(e.name, e.type, e.count + n, mentions[:8])
        out.append(e)
    return out
