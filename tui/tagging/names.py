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
from collections.abc import Iterator
from functools import lru_cache

from tui.tagging.described import _DESCRIBED_STOP as _DESCRIBED_WORDS
from tui.tagging.described import (
    EN_KINDS,
    EN_LIST_CUES,
    apposed,
    clean_described,
    described_at,
    zh_described,
)
from tui.tagging.govbodies import bare_level_bodies
from tui.tagging.lexicon import lexicon
from tui.tagging.matcher import CUE, Matcher, Span
from tui.tagging.names_zh import (
    _ANONYMISED,
    _FOREIGN_NAME,
    _foreign_name,
    _zh_org,
    _zh_person_after,
    _zh_person_before,
    foreign_spans,
    listed_places,
    merge_family_names,
)
from tui.tagging.resolve import Doc

__all__ = ["find_names", "foreign_spans", "lexicon", "merge_family_names", "register"]


_PERSON_TOKEN = re.compile(  # "Agustín", "Touadéra", "O'Neil", "Kwan Chun-yee", "J."
    r"[A-ZÀ-Þ](?:[a-zß-ÿ]+|[a-zß-ÿ]*[A-Z][a-zß-ÿ]+)(?:[-'’][A-ZÀ-Þ]?[a-zß-ÿ]+)*|[A-Z]\."
)
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
    for word in lex.zh_org_placed:
        matcher.add(word, CUE, ("zh_org_placed", word))
    for word in lex.zh_institutions:
        matcher.add(word, CUE, ("zh_inst", word))
    for word in lex.of_heads:
        matcher.add(word, CUE, ("of", word), case_sensitive=True)
    for word in lex.zh_roles:
        matcher.add(word, CUE, ("zh_role", word), case_sensitive=True)
    for word in lex.zh_after:
        matcher.add(word, CUE, ("zh_said", word))
    for word in EN_KINDS:
        matcher.add(word, CUE, ("kind", word), case_sensitive=True)
    for word in EN_LIST_CUES:
        matcher.add(word, CUE, ("list", word), case_sensitive=True)


_SURNAME_STOPS = frozenset({"Hong", "Kong"})  # stop words only as "Hong Kong": Hong Chen, Matt Kong


def _person_ok(tokens: list[str]) -> bool:
    stop = lexicon().stop
    named = tokens
    if _PARTICLES.intersection(tokens):
        named = [t for t in tokens if t not in _PARTICLES]
    return (
        2 <= len(named) <= 3
        and tokens[0] not in _PARTICLES
        and not tokens[-1].endswith(".")
        and not any(t.rstrip(".") in stop and t not in _SURNAME_STOPS for t in tokens)
        and "Hong Kong" not in " ".join(tokens)
        and not any(t in _org_words() for t in tokens)  # "Financial Intelligence Centre said"
    )


@lru_cache(maxsize=1)
def _org_words() -> frozenset[str]:
    return frozenset(w for s in lexicon().org_suffixes for w in s.split())


def _tokens_before(
    text: str, end: int, pattern: re.Pattern[str], limit: int = 3, allow_comma: bool = False
) -> tuple[int, list[str]]:
    """Capitalised tokens ending right before ``end`` (at most ``limit``), and their start."""
    base = max(0, end - 60)
    window = text[base:end].replace("\t", " ")
    line = window.rfind("\n")
    if line >= 0 and window[line + 1 :].strip():  # a name never runs across a line break
        base, window = base + line + 1, window[line + 1 :]  # (the title's last word, a heading)
    else:
        window = window.replace("\n", " ")
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
    start = base + len(stripped) - len(" ".join(tokens))
    return start, tokens


_PARTICLES = frozenset({"bin", "bint", "ibn", "al", "van", "von", "der", "den", "de", "da",
                        "del", "della", "di", "dos", "du", "la", "le"})


def _tokens_after(
    text: str, start: int, pattern: re.Pattern[str], limit: int = 3
) -> tuple[int, list[str]]:
    """Capitalised tokens right after ``start`` (a longer capitalised run yields nothing)."""
    window = text[start : start + 60]
    if "\n" in window[1:]:  # a name never runs across a line break
        window = window[: window.index("\n", 1)]
    if not window[:1].isspace():
        return start, []
    tokens: list[str] = []
    particles = 0
    for word in window.split()[: limit + 1]:
        bare = word.rstrip(_TRAILING)
        if len(bare) > 2 and bare[-1] in ".!?":  # "… said Mary Lee." (but keep initials)
            bare = bare[:-1]
        owner = bare.endswith(("'s", "’s")) and len(bare) > 3
        if owner:  # "chief executive Jane Doe's New York flat": the name ends at the possessive
            bare = bare[:-2]
        if not pattern.fullmatch(bare):
            if tokens and bare == word and bare in _PARTICLES:
                tokens.append(bare)  # "Bilal bin Saqib", "Ursula von der Leyen"
                particles += 1
                continue
            break
        tokens.append(bare)
        if bare != word or owner:
            break
    if particles:
        while tokens and tokens[-1] in _PARTICLES:
            tokens.pop()
            particles -= 1
    if len(tokens) - particles > limit:
        return start, []
    begin = start + len(window) - len(window.lstrip())
    return begin, tokens


_ZH_ORG_KINDS = {"zh_org": "company", "zh_org_placed": "placed", "zh_inst": "institution"}
_DESCRIBED_KINDS = frozenset({"kind", "list"})


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
                found = _org(text, start, end) or _unit_of_known(text, start, end, taken)
                if found:
                    yield (*found, "ORG")
            elif kind in ("role", "said_before"):
                begin, tokens = _tokens_after(text, end, _PERSON_TOKEN)
                if _person_ok(tokens):
                    name = " ".join(tokens)
                    yield begin, begin + len(name), name, "PERSON"
                elif kind == "role" and text[end : end + 2] == ", ":
                    found = _after_comma(text, end + 1)  # "Blast's founder, Tieshun Roquerre,"
                    if found:
                        yield (*found, "PERSON")
                if kind == "role":
                    found = _appositive(text, start) or _surname_before_role(text, start)
                    if found:
                        yield (*found, "PERSON")
            elif kind == "said_after":
                begin, tokens = _tokens_before(text, start, _PERSON_TOKEN, allow_comma=True)
                if _person_ok(tokens):
                    name = " ".join(tokens)
                    yield begin, begin + len(name), name, "PERSON"
            elif kind in _ZH_ORG_KINDS and end not in seen_zh:
                seen_zh.add(end)
                found = _zh_org(doc, start, end, taken, _ZH_ORG_KINDS[kind])
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
            elif kind in _DESCRIBED_KINDS:
                nxt = text[end + 1 : end + 2]  # most cues precede prose: skip them fast
                if kind == "kind" and not (nxt.isascii() and (nxt.isupper() or nxt.isdigit())):
                    continue
                yield from clean_described(described_at(doc, kind, start, end))
    yield from _named_products(text, taken, doc.body_start)
    at = taken.find(b"\x01\x00\x02")
    while at >= 0:
        found = _regional_unit(text, at + 1, taken)
        if found:
            yield (*found, "ORG")
        at = taken.find(b"\x01\x00\x02", at + 3)
    if ", " in text and text.isascii():
        yield from clean_described(apposed(text))
    if ", " in text:
        for m in _AGED.finditer(text):  # "Daren Li, 41, of Baltimore"
            begin, tokens = _tokens_before(text, m.start() + 1, _PERSON_TOKEN, allow_comma=True)
            if _person_ok(tokens):
                name = " ".join(tokens)
                yield begin, begin + len(name), name, "PERSON"
    if not doc.low.isascii():
        for start, end, name in bare_level_bodies(doc):
            yield start, end, name, "ORG"
        if "邦" in doc.simp or "省" in doc.simp:
            yield from _foreign_provinces(doc, taken)
        if "等" in doc.simp or "县" in doc.simp:
            yield from listed_places(doc, taken)
        yield from clean_described(zh_described(doc), zh=True)
        lex = lexicon()
        for m in (_ANONYMISED.finditer(doc.simp) if "某" in doc.simp else ()):
            if m.group(1) in lex.zh_surnames and not taken[m.start()]:  # 郑某某 is a name
                yield m.start(), m.end(), doc.shown[m.start() : m.end()], "PERSON"


_AGED = re.compile(r", \d{2}, ")


def _foreign_provinces(doc: Doc, taken: bytearray) -> Iterator[tuple[int, int, str, str]]:
    """比哈尔邦, 拉利伯塔德省: a state or province of another country, its name written in
    transliteration characters only (a mainland province is in the gazetteer)."""
    letters, simp = lexicon().zh_translit, doc.simp
    for suffix in "邦省":
        at = simp.find(suffix)
        while at >= 0:
            start = at
            while at - start < 6 and start and simp[start - 1] in letters and not taken[start - 1]:
                start -= 1  # (萨尔瓦多拉利伯塔德省: the country is named before the province)
            if at - start >= 3:  # the transliterated run before the suffix is the name
                yield start, at + 1, doc.shown[start : at + 1], "PLACE"
            at = simp.find(suffix, at + 1)
_SURNAME_IS = re.compile(
    r"(?:^|(?<=[.!?] )|(?<=\n))([A-Z][a-z]+(?:-[A-Z]?[a-z]+)?) (?:was|is|became|remains|"
    r"had been|has been) (?:the |a |an |its )?(?:former |then |co-)?$"
)


_SURNAME_VERBS = (" was ", " is ", " became ", " remains ", " been ")


def _surname_before_role(text: str, cue_start: int) -> tuple[int, int, str] | None:
    """"Chau was the chief executive of Suncity": the person the text named in full before
    ("the arrest of Alvin Chau"), found by the surname a role sentence opens with."""
    window = text[max(0, cue_start - 40) : cue_start]
    if not any(verb in window for verb in _SURNAME_VERBS):
        return None  # the cheap test first: most roles follow no "X was the"
    m = _SURNAME_IS.search(text, max(0, cue_start - 40), cue_start)
    if m is None or m.group(1) in lexicon().stop:
        return None
    surname = m.group(1)
    for full in re.finditer(rf"\b([A-Z][a-z]+) {re.escape(surname)}\b", text, 0):
        if full.start() >= m.start(1):
            break
        if _person_ok([full.group(1), surname]):
            return full.start(), full.end(), full.group()
    return None


def _after_comma(text: str, start: int) -> tuple[int, int, str] | None:
    """A name set off by commas after a role: "Jump's president, Kanav Kariya, stepped down"."""
    begin, tokens = _tokens_after(text, start, _PERSON_TOKEN)
    if not _person_ok(tokens):
        return None
    name = " ".join(tokens)
    if text[begin + len(name) : begin + len(name) + 1] not in (",", ".", ""):
        return None  # "founder, Jane Doe Capital": the run goes on
    return begin, begin + len(name), name


def _appositive(text: str, cue_start: int) -> tuple[int, int, str] | None:
    """The name before a comma and a role: "Jane Doe, chief executive of …", also with a
    short description between ("Kim Byoung-hwan, the commission's chairman", "Nelson Chow, a
    former chief fintech officer")."""
    base = max(0, cue_start - 60)
    base = max(base, text.rfind("\n", base, cue_start) + 1)  # a title's last word is no name
    window = text[base:cue_start].rstrip()
    words = window.split(" ")
    filler = lexicon().appositive_filler
    described = 0
    while words and not words[-1].endswith(","):
        word = words[-1]
        if word.lower() in filler:
            words.pop()
        elif described < 2 and (word.endswith(("'s", "’s")) or word.islower()) and word.isascii():
            words.pop()  # "the commission's", "fintech"
            described += 1
        elif described < 2 and _NATIONALITY.fullmatch(word) and len(words) > 1 and (
            words[-2] in ("a", "an", "the")
        ):
            words.pop()  # "an American entrepreneur", "a British lawyer"
            described += 1
        else:
            break
    if not words or not words[-1].endswith(","):
        return None
    head = " ".join(words)[:-1]
    begin, tokens = _tokens_before(head + " ", len(head) + 1, _PERSON_TOKEN)
    if not _person_ok(tokens):
        return None
    name = " ".join(tokens)
    return base + begin, base + begin + len(name), name


_NATIONALITY = re.compile(r"[A-Z][a-z]+(?:an|ese|ish|i|ch)")
_CONTINUES = re.compile(r" (?:[A-Z][a-z]+\b|of [A-Z])")  # used with match(text, pos)
# a glue word after a capitalised word: the name goes on before it ("Gaming Inspection and
# Coordination Bureau"); after a lowercase word it is prose ("chief executive of Suncity Group")
_GLUED = re.compile(r"[A-Z][\w'’.-]* (?:and|&|of|for)\s$")


def _org(text: str, cue_start: int, cue_end: int) -> tuple[int, int, str] | None:
    if _CONTINUES.match(text, cue_end):
        return None  # "Korea Financial Intelligence Unit": the name goes on past the cue
    start, tokens = _tokens_before(text, cue_start, _ORG_TOKEN)
    if tokens and _GLUED.search(text[max(0, start - 40) : start]):
        return None  # "… Inspection and Coordination Bureau": only a fragment is in reach
    for i in range(len(tokens) - 1, -1, -1):
        # "London-based Abraxas Capital", "India's Financial Intelligence Unit": the name follows
        if _DESCRIPTOR.fullmatch(tokens[i]) or tokens[i].endswith(_OWNER):
            start += len(" ".join(tokens[: i + 1])) + 1
            tokens = tokens[i + 1 :]
            break
    stop = lexicon().stop
    while tokens and tokens[0] in stop:
        opens = start == 0 or text[max(0, start - 2) : start].rstrip(" ")[-1:] in _OPENERS
        if not opens and tokens[0] not in _LEADING:
            break  # "the State Information Center", "the South African Reserve Bank": all of it
        start += len(tokens[0]) + 1
        tokens = tokens[1:]
    if not tokens or all(t in stop for t in tokens):
        return None
    return start, cue_end, " ".join(tokens) + " " + text[cue_start:cue_end]


# suffixes that restate what a known organisation is ("Coinbase Exchange", "Huobi Group"):
# the known one, not a unit of it
_NOT_UNITS = frozenset({"Exchange", "Group", "Holdings", "Network", "Protocol", "Finance",
                        "Inc", "Inc.", "Corp", "Corp.", "Corporation", "Ltd", "Ltd.", "Limited",
                        "LLC", "Pte", "AG", "Company", "International", "Technologies",
                        "Technology", "Foundation"})


def _unit_of_known(
    text: str, cue_start: int, cue_end: int, taken: bytearray
) -> tuple[int, int, str] | None:
    """A unit named after a known organisation: "Binance Pool", "Coinbase Ventures", "Tether
    Investments" (the gazetteer knows the parent; the unit is an organisation of its own)."""
    if (
        cue_start < 2 or text[cue_start - 1] != " " or taken[cue_start - 2] != 1
        or taken[cue_start]
        or text[cue_start:cue_end] in _NOT_UNITS or _CONTINUES.match(text, cue_end)
    ):
        return None
    begin = cue_start - 2
    while begin > 0 and taken[begin - 1] == 1:
        begin -= 1
    before, tokens = _tokens_before(text, begin, _UNIT_HEAD, limit=2)
    stop = lexicon().stop
    while tokens and tokens[0] in stop:  # "iShares Bitcoin Trust", not "The Bitcoin Trust"
        before += len(tokens.pop(0)) + 1
    if tokens:
        begin = before
    name = text[begin:cue_end]
    if "\n" in name or not (name[:1].isupper() or name[:1].isdigit() or tokens):
        return None
    return begin, cue_end, name


_PRODUCT_AFTER = re.compile(
    r" ((?:[A-Z][A-Za-z0-9+]*|[a-z]+[A-Z]\w*)(?: [A-Z][A-Za-z0-9+]*)?)(?=[ ,.;:)]|$)"
)


def _named_products(text: str, taken: bytearray, body: int) -> Iterator[tuple[int, int, str, str]]:
    """"SBI VC Trade", "HSBC Orion", "Robinhood Chain": a known organisation's name and one or
    two capitalised words the gazetteer does not know, in the body (a title capitalises every
    word), before a lowercase word: the unit or product is the organisation named."""
    stop = lexicon().stop
    at = taken.find(b"\x01\x00", body)
    while at >= 0:
        end = at + 1
        at = taken.find(b"\x01\x00", at + 2)
        if text[end : end + 1] != " " or not text[end + 1 : end + 2].isalpha():
            continue  # the cheap test first: most known names end a phrase
        m = _PRODUCT_AFTER.match(text, end)
        if m is None or any(taken[m.start(1) : m.end(1)]):
            continue
        words = m.group(1).split(" ")
        if any(
            w in stop or w in _DESCRIBED_WORDS or (w.isupper() and len(w) <= 4 and w != "VC")
            for w in words
        ):
            continue  # "Binance CEO", "Coinbase US", "Pudgy Penguins NFTs"
        nxt = text[m.end(1) : m.end(1) + 2]
        if nxt[:1] == " " and nxt[1:2].isupper():
            continue
        begin = end - 1
        while begin > 0 and taken[begin - 1] == 1:
            begin -= 1
        name = text[begin : m.end(1)]
        if (
            "\n" in name or not name.isascii() or not name[:1].isalpha()
            or any(w in _role_words() for w in text[begin:end].split(" "))
        ):
            continue  # "President Xi Jinping": a person, not a known organisation's unit
        yield begin, m.end(1), name, "ORG"


@lru_cache(maxsize=1)
def _role_words() -> frozenset[str]:
    return frozenset(w for r in lexicon().roles for w in r.split())


_UNIT_TAIL = re.compile(
    r" (?:GmbH|Ltd\.?|Limited|Inc\.?|B\.V\.|S\.A\.|Pte\.? Ltd\.?|LLC|AG|SAS)(?![A-Za-z0-9])"
)


def _regional_unit(text: str, space: int, taken: bytearray) -> tuple[int, int, str] | None:
    """A known organisation's unit for one place: "Coinbase Singapore", "Bybit EU" (the
    name the text writes, like "Binance Japan"; the place is part of the name)."""
    if text[space] != " ":
        return None
    begin = space - 1
    while begin > 0 and taken[begin - 1] == 1:
        begin -= 1
    end = space + 1
    while end < len(taken) and taken[end] == 2:
        end += 1
    name = text[begin:end]
    tail = _UNIT_TAIL.match(text, end)
    if tail:
        end = tail.end()  # "Bybit EU GmbH": Bybit EU, written formally (a mention)
    if (
        not name.isascii() or not name[:1].isupper() or "\n" in name
        or _CONTINUES.match(text, end)
        or (text[end : end + 1].isalnum() and text[end].isascii())
        or text[end : end + 2] in ("'s", "’s") or text[end : end + 1] in "-–"
    ):
        return None
    return begin, end, name


_UNIT_HEAD = re.compile(r"[A-Z][A-Za-z0-9&-]*|[a-z]+[A-Z][A-Za-z0-9]*")  # "Grayscale", "iShares"


_OWNER = ("'s", "’s", "s'", "s’")  # "India's Financial Intelligence Unit": the name follows
_DESCRIPTOR = re.compile(
    r"[\w.'’-]+-(?:based|listed|backed|owned|registered|headquartered|focused|linked|born|"
    r"founded|incorporated|licensed|regulated|native)"
)
_OPENERS = frozenset(".!?:;\n\"“(")  # a sentence, a quote or a list item starts
_LEADING = frozenset({"The", "A", "An", "In", "At", "By", "For", "From", "And", "But", "As",
                      "With", "Its", "His", "Her", "Their", "Our", "This", "That", "After"})


_OF_TAIL = re.compile(
    r" of (?:the )?((?:[A-Z][\w'’-]*|and|for|&)(?: (?:[A-Z][\w'’-]*|and|for|&|of|the)){0,6})"
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
