"""Topics: multi-label include/exclude phrase rules, English and Chinese, title weighted.

Definitions (one line each; the README copies these):

- mining: producing proof-of-work coins: miners, hashrate, rigs, pools, power, curtailment.
- regulation: rules and their makers: laws, bills, licences, bans, guidance, approvals.
- enforcement: action against named parties: fraud, scams, arrests, charges, suits, fines.
- token-sales: selling or giving away new tokens: ICOs, IEOs, presales, airdrops, unlocks.
- exchanges: venues where crypto trades: listings, delistings, withdrawals, reserves.
- nft: non-fungible tokens and digital collectibles (数字藏品), marketplaces and mints.
- cbdc: central bank digital currencies: e-CNY, e-HKD, digital euro, mBridge, pilots.
- stablecoins: fiat-pegged tokens, their issuers, reserves, pegs and laws.
- defi: decentralised finance: DEXs, lending protocols, liquidity pools, staking.
- markets: prices and trading: rallies, sell-offs, liquidations, ETF flows, macro.
- security: hacks, exploits, thefts, vulnerabilities, phishing, audits.
- business: companies as businesses: funding, acquisitions, earnings, hires, layoffs.
- technology: how the systems work and change: upgrades, forks, mainnets, layer 2s.

Rules live in ``data/topics.toml``: strong terms score 2, weak terms 1, hints 0.5, a title
hit counts 2.5×, a topic needs 2. Exclusion phrases are longer terms that swallow the include
term inside them ("data mining", "life hack", "mint condition"). Gazetteer entities add hints
(Bitmain → mining, Coinbase → exchanges) once per article. User topics from config add strong
terms to a built-in slug or define a new one.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib.resources import files

from tui.models import TOPICS
from tui.tagging.matcher import TOPIC, Matcher, Span
from tui.tagging.resolve import Doc, Hit

STRONG = 2.0
WEAK = 1.0
HINT = 0.5
USER = 2.0
TITLE_FACTOR = 2.5
THRESHOLD = 2.0
REPEAT_CAP = 3  # one term counts at most this many times per field

_PLURAL = re.compile(r"^(.*?)\((\w+)\)$")


def expand(term: str) -> list[str]:
    """``miner(s)`` → [miner, miners]."""
    match = _PLURAL.match(term)
    if not match:
        return [term]
    return [match.group(1), match.group(1) + match.group(2)]


@lru_cache(maxsize=1)
def builtin_rules() -> dict[str, dict[str, tuple[str, ...]]]:
    raw = files("tui.tagging").joinpath("data/topics.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    rules = {}
    for slug, table in data.items():
        if slug not in TOPICS:
            raise ValueError(f"topics.toml: unknown topic {slug!r}")
        rules[slug] = {k: tuple(table.get(k, ())) for k in ("strong", "weak", "hint", "exclude")}
    return rules


def register(matcher: Matcher, user_topics: Mapping[str, Iterable[str]]) -> None:
    """Add every topic term (built-in and user) to the shared matcher."""
    for slug, table in builtin_rules().items():
        for kind, weight in (("strong", STRONG), ("weak", WEAK), ("hint", HINT)):
            for term in table[kind]:
                exact = term.startswith("=")
                for form in expand(term.lstrip("=")):
                    matcher.add(form, TOPIC, (slug, weight), case_sensitive=exact)
        for term in table["exclude"]:
            for form in expand(term):
                matcher.add(form, TOPIC, (None, 0.0))
    for slug, words in user_topics.items():
        for term in words:
            matcher.add(term, TOPIC, (slug, USER))


def score_topics(doc: Doc, spans: list[Span], hits: list[Hit]) -> frozenset[str]:
    """Topics whose title-weighted score reaches the threshold."""
    scores: dict[str, float] = defaultdict(float)
    repeats: dict[tuple[str, str, bool], int] = defaultdict(int)
    title_len = doc.title_len
    low = doc.low
    for start, end, payloads in spans:
        in_title = start < title_len
        factor = TITLE_FACTOR if in_title else 1.0
        term = low[start:end]
        for _, (slug, weight) in payloads:
            if slug is None:
                continue
            key = (slug, term, in_title)
            repeats[key] += 1
            if repeats[key] <= REPEAT_CAP:
                scores[slug] += weight * factor
    best: dict[int, tuple[float, Hit]] = {}  # each entity hints once, at its best position
    for hit in hits:
        if hit.entry.topics:
            factor = TITLE_FACTOR if hit.start < title_len else 1.0
            if factor > best.get(hit.index, (0.0, hit))[0]:
                best[hit.index] = (factor, hit)
    for factor, hit in best.values():
        for slug, weight in hit.entry.topics:
            scores[slug] += weight * factor
    return frozenset(slug for slug, value in scores.items() if value >= THRESHOLD)
