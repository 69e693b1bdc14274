"""China relevance: a score built from weighted evidence, and region tags kept apart.

Each accepted gazetteer hit contributes ``weight × position factor``:

- title hits count double (a story *about* China names it in the headline);
- body hits in the lead (first ~280 characters) count fully, later ones at 0.6;
- a body hit introduced as background ("since China's 2021 ban", "like Binance", "which is
  based in Beijing", 此前, 自…以来) counts half;
- an organisation describing someone ("the Bitmain co-founder") counts 0.3, even in a title;
- when the title names a place outside Greater China and no China evidence, the story is
  anchored elsewhere and every body hit counts 0.6 as much.

Traps (see :mod:`tui.tagging.traps`): datelines, brand names, tariff sentences, currencies,
lists of regions, meeting venues, suppliers, nationalities, biographies and excluded places
("outside mainland China") weigh little; a body named after another country (韩国央行) counts
nothing; a bare 央行 counts only when something else in the story is Chinese. Firms and
people with Chinese roots (``china_companies.tsv``, ``china_people.tsv``) are capped together
at 2.5: a China story needs an angle beyond them (a place, a state body, the yuan…). A title
anchored in Taiwan or abroad weakens Greater China body hits, and when the title is anchored
in one of HK/MO/TW another Greater China region needs twice the evidence to be tagged.

Per entity the best mention counts fully and up to three more add half each. Weak entities
(offshore firms with Chinese roots: Binance, OKX, TRON, Justin Sun…) are capped together at
1.5, so they never make a China story on their own. The raw score maps to 0–1 as
``raw / (raw + 3)``; a story is China when raw ≥ 3 (score ≥ 0.5) AND the regions found
intersect the configured China regions (CN+HK+MO by default). Taiwan has its own tag and is
never folded in unless the user asks for it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from tui.models import Evidence
from tui.tagging import traps
from tui.tagging.resolve import Doc, Hit

THRESHOLD = 3.0
TITLE_FACTOR = 2.0
LEAD_CHARS = 280
LATE_FACTOR = 0.6
BACKGROUND_FACTOR = 0.5
WEAK_BELOW = 1.0
WEAK_CAP = 1.5
REGION_MIN = 2.0
ANCHOR_FACTOR = 0.6
TW_SUBJECT_FACTOR = 0.3  # mainland, HK and Macau named in a story whose title opens on Taiwan
TW_SUBJECT_REACH = 12  # characters: "Taiwan's …", "台湾金管会…", not the third item of a roundup
MAX_EVIDENCE = 12
CORPORATE_FILES = frozenset({"china_companies.tsv", "china_people.tsv"})
CORPORATE_CAP = 2.5
ANGLE_MIN = 1.0
# words that need something else Chinese in the story: a bare 央行 (whose central bank?) and
# 数字藏品, the word Chinese-language writers use for any NFT (Azuki's as well as a mainland
# platform's): they say the text is in Chinese, not that the story is about China
GENERIC_REFS = frozenset({"央行", "the central bank", "central bank", "数字藏品", "數字藏品"})

_BACKGROUND_BEFORE = re.compile(
    r"\b(?:since|ever since|back in|years ago|previously|formerly|once|historically|unlike|"
    r"similar to|like|such as|including|fled|left|exodus from|moved out of|relocated from|"
    r"founded in|founded by|born in|native|based in|headquartered in|former|ex)\b"
    r"|此前|自从|早在|曾经|包括|其中包括|例如|比如|曾在|以前|之前|前身|(?<!来)自$|出生于|生于|出生在|籍贯|老家|毕业于|"
    r"曾任|曾就职于|早年|创立于|创办于|(?:19|20)\d\d年(?:在|于)"
)
_BACKGROUND_AFTER = re.compile(
    r"^(?:'s|’s)?\s?(?:(?:19|20)\d\d|earlier|former|previous|past)\b"
    r"|^-(?:rooted|linked|origin|based|headquartered)"
    r"|^[^，。,.]{0,15}以来"
)
# An organisation used to describe a person or another firm: "the Bitmain co-founder",
# "Chinese-founded", "an Animoca-backed protocol" (its investor); it counts little even in a
# headline.
_DESCRIPTOR_AFTER = re.compile(
    r"^(?:\s?(?:co-?founder|founder|alum|veteran)|-(?:founded|born|backed|funded|incubated))"
)
DESCRIPTOR_FACTOR = 0.3
# the parent of the story's subject: "the Singapore-based arm of Ant Group", "a unit of", "split
# from", "operated by", 旗下 (X旗下的Y: Y is the subject); it describes the subject, it is not
# the subject
_PARENT_BEFORE = re.compile(
    r"\b(?:arm|unit|subsidiary|affiliate|offshoot|spin-?off) of\s(?:the\s)?$"
    r"|\b(?:split|spun(?: off)?|carved out) from\s$"
    r"|\b(?:operated|owned|run|controlled) by\s$"
)
_PARENT_AFTER = re.compile(r"^旗下")


def _parent_before(before: str) -> bool:
    """_PARENT_BEFORE, tried only when the words it ends with are there (most hits have none)."""
    if " of " not in before and " from " not in before and " by " not in before:
        return False
    return _PARENT_BEFORE.search(before) is not None


_SENTENCE_MARKS = [".", "!", "?", "。", "！", "？", "\n"]


@dataclass(frozen=True, slots=True)
class ChinaResult:
    china: bool
    score: float
    raw: float
    regions: frozenset[str]
    evidence: tuple[Evidence, ...]


def position_factor(doc: Doc, hit: Hit) -> float:
    after = doc.low[hit.end : hit.end + 12]
    descriptor = 1.0
    if _DESCRIPTOR_AFTER.search(after) or (
        hit.entry.type == "ORG"
        and (
            _PARENT_AFTER.match(after)
            or _parent_before(doc.low[max(0, hit.start - 30) : hit.start])
        )
    ):
        descriptor = DESCRIPTOR_FACTOR
    if hit.start < doc.title_len:
        return TITLE_FACTOR * descriptor  # the headline says what the story is about
    factor = descriptor * (1.0 if hit.start - doc.body_start < LEAD_CHARS else LATE_FACTOR)
    before = doc.low[max(0, hit.start - 45) : hit.start]
    cut = max(map(before.rfind, _SENTENCE_MARKS))  # this sentence only
    if cut >= 0:
        before = before[cut + 1 :]
    if _BACKGROUND_BEFORE.search(before) or _BACKGROUND_AFTER.search(after):
        factor *= BACKGROUND_FACTOR
    return factor


def _anchored_elsewhere(doc: Doc, hits: list[Hit], china_regions: frozenset[str]) -> bool:
    """True when the title names a foreign place ("US", "Texas") or Taiwan, nothing Chinese."""
    foreign = False
    for hit in hits:
        if hit.start >= doc.title_len:
            break
        entry = hit.entry
        if entry.region == "TW" and hit.weight > 0 and "TW" not in china_regions:
            foreign = True
            continue
        if hit.weight > 0 and (entry.region is None or entry.region in china_regions):
            return False
        if entry.type == "PLACE" and entry.region is None:
            foreign = True
    return foreign


def _taiwan_subject(doc: Doc, hits: list[Hit], china_regions: frozenset[str]) -> bool:
    """True when Taiwan opens the title ("Taiwan's Investigation Bureau flags flows tied to
    mainland and Macau sites"): the Greater China places after it are what Taiwan compares."""
    if "TW" in china_regions:
        return False
    for hit in hits:
        if hit.start >= doc.title_len:
            return False
        if hit.weight > 0:  # the subject: at the very start ("Taiwan's FSC", "金管會：")
            return hit.entry.region == "TW" and hit.start <= TW_SUBJECT_REACH
    return False


def _foreign_title(doc: Doc, hits: list[Hit]) -> bool:
    """True when the title names a place outside Greater China (Kazakhstan, Texas)."""
    return any(
        h.start < doc.title_len and h.entry.type == "PLACE" and h.entry.region is None
        for h in hits
    )


def _title_region(doc: Doc, hits: list[Hit]) -> str | None:
    """The one Greater China region the title names, if it names exactly one."""
    found = {h.entry.region for h in hits if h.start < doc.title_len and h.weight > 0}
    found.discard(None)
    return found.pop() if len(found) == 1 else None


def score_china(doc: Doc, hits: list[Hit], china_regions: frozenset[str]) -> ChinaResult:
    """Score, regions and evidence from the accepted hits of one article."""
    anchored = _anchored_elsewhere(doc, hits, china_regions)
    tw_subject = _taiwan_subject(doc, hits, china_regions)
    per_entity: dict[int, list[float]] = defaultdict(list)
    evidence: dict[tuple[str, str, str], tuple[float, str, Hit]] = {}
    meta: dict[int, Hit] = {}
    title_len = doc.title_len
    shown = doc.shown
    factors = [1.0] * len(hits)
    taiwan = traps.taiwan_reading(doc, hits)
    cause = traps.has_cause(doc)
    abroad = _foreign_title(doc, hits)
    home = _title_region(doc, hits)
    biography = traps.has_biography(doc)
    foreign_named: set[str] = set()  # 新加坡金管局 … 金管局: later short forms are the same body
    prev: Hit | None = None
    for i, hit in enumerate(hits):
        if hit.weight == 0:  # global names: no China value, only context for the next hit
            prev = hit  # (their later short forms were dropped: traps.drop_foreign_short_forms)
            if hit.entry.type == "ORG":  # 沙特中央银行 named from its parts (govbodies.foreign)
                short = traps.short_form(doc.simp[hit.start : hit.end])
                if short:
                    foreign_named.add(short)
                    foreign_named.update(traps.SAME_SHORT.get(short, ()))
            continue
        f = traps.factor(doc, hit, prev, cause, biography)
        if hit.entry.type == "PLACE" and traps.nationality(doc, hit):  # "3 Chinese nationals"
            f *= traps.NATIONALITY_FACTOR
        if traps.in_list(doc, hit, prev):
            f *= traps.LIST_FACTOR
            if factors[i - 1] > traps.LIST_FACTOR:
                factors[i - 1] *= traps.LIST_FACTOR  # the first item of the list too
        surface = doc.simp[hit.start : hit.end]
        if traps.foreign_owner(doc, hit, prev):
            foreign_named.add(surface)
            foreign_named.update(traps.SAME_SHORT.get(surface, ()))
            f = 0.0
        elif (
            surface in foreign_named
            or (taiwan and surface in traps.SHARED_NAMES)
            or traps.local_body(doc, hit, prev, home)  # 澳门检察院; 检察院 under a Macau title
        ):
            f = 0.0
        factors[i] = f
        prev = hit
    chinese_elsewhere = any(
        h.entry.region is not None
        and h.entry.region in china_regions
        and h.weight >= WEAK_BELOW
        and shown[h.start : h.end] not in GENERIC_REFS
        and factors[i] > 0.5
        for i, h in enumerate(hits)
    )
    corporate_keys: set[int] = set()
    for i, hit in enumerate(hits):
        weight = hit.weight
        if weight == 0 or hit.entry.type == "SOURCE" or factors[i] == 0:
            continue
        if shown[hit.start : hit.end].lower() in GENERIC_REFS and not chinese_elsewhere:
            continue  # a bare 央行 in a story about the ECB or the Bank of Korea
        if hit.entry.source_file in CORPORATE_FILES:
            corporate_keys.add(hit.index)
        value = weight * position_factor(doc, hit) * factors[i]
        if tw_subject and hit.entry.region in china_regions:
            value *= TW_SUBJECT_FACTOR
        elif anchored and hit.start >= title_len:
            value *= ANCHOR_FACTOR
        per_entity[hit.index].append(value)
        meta.setdefault(hit.index, hit)
        term = shown[hit.start : hit.end]
        key = (term.lower(), hit.entry.name, "title" if hit.start < title_len else "body")
        old = evidence.get(key)
        if old is None or old[0] < value:
            evidence[key] = (value, term, hit)
    raw = weak = corporate = 0.0
    by_region: dict[str, float] = defaultdict(float)
    for index, values in per_entity.items():
        values.sort(reverse=True)
        total = values[0] + 0.5 * sum(values[1:4])
        entry = meta[index].entry
        region = entry.region
        if region is not None:
            by_region[region] += total
        if region is not None and region not in china_regions:
            continue
        if 0 < entry.weight < WEAK_BELOW:
            weak += total
        elif index in corporate_keys:
            corporate += total
        else:
            raw += total
    angle = raw
    if abroad:  # a Chinese firm acting abroad needs a China angle
        raw += min(weak, WEAK_CAP) + min(corporate, CORPORATE_CAP)
    else:
        raw += min(weak, WEAK_CAP) + corporate
        angle = max(angle, corporate)
    regions = frozenset(
        r
        for r, v in by_region.items()
        if v >= (REGION_MIN * 2 if home is not None and home != r and home != "CN" else REGION_MIN)
    )
    china = raw >= THRESHOLD and angle >= ANGLE_MIN and bool(regions & china_regions)
    if not china:  # a region tag of the China filter means a China story
        regions = regions - china_regions
    score = raw / (raw + THRESHOLD) if raw > 0 else 0.0
    ordered = sorted(evidence.items(), key=lambda kv: (-kv[1][0], kv[0][2] != "title", kv[1][1]))
    kept = tuple(
        Evidence(term, hit.entry.name, where, hit.entry.region, round(value, 2))
        for (_, _, where), (value, term, hit) in ordered[:MAX_EVIDENCE]
    )
    return ChinaResult(china, round(score, 3), raw, regions, kept)
