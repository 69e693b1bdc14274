"""The explainable rule: are two reports one story? The answer carries its evidence.

A score adds up what two reports share, each kind of key with its own weight, discounted for
keys common in the window (a ticker like BTC is in half the news), plus the shingle similarity.
Two reports that quote different amounts in the same currency are probably the same kind of
event on another occasion, so that counts against them. The bar rises with the hours apart.
Besides the score, a pair needs enough pieces of evidence ("support"): one shared name is the
same actor, not yet the same event, unless few reports in the window carry it, both
headlines name it (it is what both reports are about), it is much of what each names or all
the sparser one names, and the two came within the rush of one event's reports.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass

from tui.stories.shingles import similarity
from tui.stories.signals import VAGUE, Signals, distinctive_count

WEIGHTS = {"e": 1.0, "n": 0.9, "t": 0.4, "p": 0.15, "$": 1.6, "#": 0.4, "d": 0.3,
           "c": 1.5}  # a count (3,400 rigs): with its figure (#) like an amount but less
SMALL_COUNT = 0.8  # a count of a figure that is not distinctive (12 sites, 46 people)
DISTINCT_WEIGHT = 1.6  # a distinctive figure both share (4.1%, 60 million): like an amount
SIM_WEIGHT = 4.0
COVERAGE = 1.5  # times the share of the sparser report's entities, names and amounts also shared
NEAR_COPY = 0.6  # estimated Jaccard of the leads' shingles at or above which reports are copies
REWRITE = 0.3  # similarity that counts as specific evidence on its own (a rewrite of the lead)
THRESHOLD = 1.7  # score needed at 0 h apart
PER_DAY = 0.6  # added to the threshold per day apart
NO_DATE = 0.8  # added when either report has no date: content alone must be stronger
CONFLICT = 1.2  # different amounts in the same currency, none shared
STRONG = frozenset("en$")  # the specific kinds: entities, names, amounts
SUPPORT = 1.5  # pieces of evidence needed: 1 per entity, name, amount or rewritten lead,
HALF = frozenset("tp#dc")  # ... and a half for a ticker, place, number, date or count
RUSH_HOURS = 18.0  # one event's reports come in a rush (Asian and US outlets hours apart)
LATE_SUPPORT = 0.5
RARE_DF = 5  # a specific key at most this many reports in the window carry ...
RARE_SUPPORT = 0.5  # ... is worth this much more support in the rush (one event's name)
RARE_COVERAGE = 0.25  # ... when it is at least this share of each report's specifics
WHOLE = 0.999  # ... or all of the sparser report's (rounding aside)
# Which shared keys the evidence shows a reader (in its JSON and its one line):
MACHINERY = frozenset("bh^o")  # bands, headline marks, openers: never shown (not evidence)
MINOR = frozenset("#d")  # numbers and dates: listed in the JSON, too weak for the line
UNSAID = MACHINERY | MINOR  # what the one line leaves out


@dataclass(frozen=True)
class Evidence:
    """Why two reports are (or are not) one story."""

    score: float
    threshold: float
    similarity: float
    hours_apart: float | None
    shared: tuple[str, ...]  # sorted when ``same``
    conflict: bool = False

    @property
    def same(self) -> bool:
        return self.score >= self.threshold

    def line(self) -> str:
        """One human line: 'shared Binance, $30 million; similarity 0.42; 3 h apart'."""
        return self._line([describe_key(k) for k in self.shared if k[0] not in UNSAID])

    def _line(self, names: list[str]) -> str:
        parts = []
        if names:
            parts.append("shared " + ", ".join(names[:6]))
        if self.similarity >= 0.05:
            parts.append(f"similarity {self.similarity:.2f}")
        if self.hours_apart is not None:
            parts.append(f"{self.hours_apart:.0f} h apart")
        if self.conflict:
            parts.append("different amounts")
        return "; ".join(parts) or "no shared evidence"

    def to_json(self) -> dict[str, object]:
        return self._json([describe_key(k) for k in self.shared if k[0] not in MACHINERY])

    def _json(self, shared: list[str]) -> dict[str, object]:
        return {"score": round(self.score, 3), "threshold": round(self.threshold, 3),
                "similarity": round(self.similarity, 3), "hours_apart":
                None if self.hours_apart is None else round(self.hours_apart, 1),
                "shared": shared, "conflict": self.conflict}

    def stored(self, matched: object) -> str:
        """What is stored with a report that joined: :meth:`to_json`, its :meth:`line` and
        the report it matched, as JSON (each shared key described once, for both)."""
        described = [(k[0], describe_key(k)) for k in self.shared if k[0] not in MACHINERY]
        data = self._json([text for _, text in described])
        data["line"] = self._line([text for kind, text in described if kind not in MINOR])
        data["matched"] = matched
        return _ENCODE(data)


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
"""``json.dumps(data, ensure_ascii=False)`` without building an encoder per call (dumps
builds one whenever an option is not the default: a join's evidence is written each)."""


def describe_key(key: str) -> str:
    """A key as a reader would say it: 'e:binance' → 'binance', '$:USD:3e+07' → '$30 million'."""
    kind, _, rest = key.partition(":")
    if kind == "$":
        currency, _, value = rest.partition(":")
        return _money(currency, float(value))
    if kind == "#":
        return f"{float(rest):,.10g}"
    if kind == "c":
        unit, _, value = rest.partition(":")
        return f"{float(value):,.10g} {_UNIT_NAMES.get(unit, unit)}"
    return rest


_UNIT_NAMES = {"machine": "machines", "site": "sites", "person": "people",
               "account": "accounts", "company": "companies", "case": "cases"}


def _money(currency: str, value: float) -> str:
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if value >= scale:
            text = f"{value / scale:.3g} {word}"
            break
    else:
        text = f"{value:,.0f}"
    return f"${text}" if currency == "USD" else f"{text} {currency}"


def key_weight(key: str, df: int) -> float:
    """Kind weight, discounted for keys many reports in the window carry."""
    base = WEIGHTS.get(key[0], 0.0)
    if key[0] == "c" and not distinctive_count(key):
        base = SMALL_COUNT
    return base / (1.0 + math.log1p(max(df - 1, 0) / 4.0))


def hopeless(a: Signals, b: Signals, rush: bool | None = None,
             sim: float | None = None) -> bool:
    """True when two reports cannot be one story: a necessary condition of :func:`compare`
    checked with set sizes and the similarity only (most candidates end here).

    Without ``rush`` (whatever the window): no specific key in common, at most two half
    pieces of evidence and a similarity below a rewrite's. With it (whether the two came
    within ``RUSH_HOURS``, or False when either has no date): the most support the pair
    could gather (every shared piece, a rewrite, the rare-name bonus in the rush) is below
    what that time apart needs, and they are no near-copies. ``sim`` is the pair's
    :func:`similarity` when the caller has it (it passes it on to :func:`compare`).
    """
    mine, theirs = a._view, b._view  # (strong, half, distinct, …): one lookup each
    if rush is None:
        if mine[0] & theirs[0] or mine[2] & theirs[2]:
            return False
        if len(mine[1] & theirs[1]) > 2:
            return False
        return (similarity(a.sig, b.sig, a.empty, b.empty) if sim is None else sim) < REWRITE
    if sim is None:
        sim = similarity(a.sig, b.sig, a.empty, b.empty)
    if sim >= NEAR_COPY:
        return False
    distinct = len(mine[2] & theirs[2])
    most = (len(mine[0] & theirs[0]) + distinct + 0.5 * (len(mine[1] & theirs[1]) - distinct)
            + (sim >= REWRITE))
    if rush:
        return most + RARE_SUPPORT < SUPPORT
    return most < SUPPORT + LATE_SUPPORT


def compare(a: Signals, b: Signals, df: Callable[[str], int] | None = None,
            memo: dict[str, float] | None = None, sim: float | None = None) -> Evidence:
    """Score two reports; ``df`` says how many reports in the window carry a key.

    ``memo`` caches key weights across the comparisons of one report with its candidates.
    One pass over the shared keys gathers the score, the support and the shared specific
    weight (a candidate costs one loop, not one per quantity). ``sim``: the pair's
    :func:`similarity`, when :func:`hopeless` already worked it out.
    """
    memo = {} if memo is None else memo
    common = a.keys & b.keys
    if sim is None:
        sim = similarity(a.sig, b.sig, a.empty, b.empty)
    score = SIM_WEIGHT * sim
    support = float(sim >= REWRITE)
    a_distinct = a.distinct
    b_distinct = b.distinct
    both: list[str] = []
    shared_weight = 0.0
    shared_base = 0.0
    for key in common:
        kind = key[0]
        if kind == "b" or kind not in WEIGHTS:
            continue  # bands, headline marks (h, ^) and openers weigh nothing
        weight = memo.get(key)
        if weight is None:
            weight = memo[key] = key_weight(key, df(key) if df else 1)
        if kind == "#" and key in a_distinct and key in b_distinct:
            # The same figure in two reports that name no amount for it (a 4.1% rise to
            # 162T, a 60 million gas limit): evidence like an amount, not in the coverage.
            score += weight * DISTINCT_WEIGHT / WEIGHTS["#"]
            support += 1.0
            continue
        score += weight
        if kind in STRONG:
            support += 1.0
            both.append(key)
            shared_weight += weight
            shared_base += WEIGHTS[kind]
        else:
            support += 0.5  # HALF: a ticker, place, number, date or count
    # The sparser side's specific evidence: the new report's with the window's counts (the
    # same for every candidate, so memoised); the candidate's at base weight, its shared
    # keys at the window's weight.
    mine = memo.get("\0strong")
    if mine is None:
        mine = 0.0
        for key in a.strong:
            weight = memo.get(key)
            if weight is None:
                weight = memo[key] = key_weight(key, df(key) if df else 1)
            mine += weight
        mine = memo["\0strong"] = mine + VAGUE * len(a.vague)
    theirs = b.base_strong - shared_base + shared_weight
    smaller = min(mine, theirs)
    if smaller > 0:
        score += COVERAGE * shared_weight / smaller
    conflict = _conflict(a, b)
    if conflict:
        score -= CONFLICT
    hours = None
    threshold = THRESHOLD
    if a.published is not None and b.published is not None:
        hours = abs(a.published - b.published) / 3600
        threshold += PER_DAY * hours / 24
    else:
        threshold += NO_DATE
    rush = hours is not None and hours <= RUSH_HOURS
    needed = SUPPORT + (0.0 if rush else LATE_SUPPORT)
    if support < needed and rush and df is not None:
        larger = max(mine, theirs)
        covered = shared_weight / larger if larger > 0 else 0.0  # of both reports' specifics
        # The sparser report names nothing but what both share: a flash or a follow-up
        # about that one actor ("Nexora bridge hack traced to…" after "Nexora drained of
        # $8.1 million"). Both headlines must name it: a story that mentions it in passing
        # is another event.
        whole = smaller > 0 and shared_weight >= smaller * WHOLE
        if (covered >= RARE_COVERAGE or whole) and any(
                df(k) <= RARE_DF and "^" + k in common for k in both):
            # A name few reports carry, in reports hours apart: the translation of a flash
            # that shares only that name (金管會 and Taiwan's FSC, a hacked protocol) is one
            # event, when that name is much of what each report names. A story that
            # mentions the name among others (the PBoC in a Shenzhen voucher story) is not.
            support += RARE_SUPPORT
    if support < needed:  # one shared name alone: the same actor, not yet the same event
        score = min(score, threshold - 0.01)
    if sim >= NEAR_COPY and not conflict:
        score = max(score, threshold)
    # The shared keys in order where they are the evidence kept (most pairs are not).
    shared = tuple(sorted(common)) if score >= threshold else tuple(common)
    return Evidence(score, threshold, sim, hours, shared, conflict)


def _conflict(a: Signals, b: Signals) -> bool:
    """Either report's largest amount in a shared currency is missing from the other.

    The largest amount is usually the headline one (the sum stolen, minted, raised); two
    reports whose headline sums disagree are the same kind of event on different occasions,
    even when one of them mentions the other's sum in passing (a $25 million presale in a
    story about a $42 million exploit).
    """
    mine = a.largest
    theirs = b.largest
    for currency in mine.keys() & theirs.keys():
        if mine[currency] not in b.keys or theirs[currency] not in a.keys:
            return True
    return False
