"""Topics: multi-label include/exclude phrase rules, English and Chinese, title weighted.

Definitions (the README copies these; labels in tests/data/gold follow them):

- mining: producing proof-of-work coins: miners, hashrate, rigs, pools, power, curtailment.
- regulation: rules and their makers: laws, bills, licences, bans, guidance, approvals;
  a court ruling on how the law treats crypto counts. Applies when a rule, or a licence granted,
  applied for or refused, is what the story reports; a firm described as licensed, or a
  regulator acting against a named party (a fine, charges, a warning list: enforcement), is not.
- enforcement: action against named parties: fraud, scams, arrests, charges, suits, fines.
- token-sales: selling or giving away new tokens: ICOs, IEOs, presales, airdrops, unlocks.
- exchanges: venues where crypto trades: listings, delistings, withdrawals, reserves,
  outages, trading rules and volumes of a venue.
- nft: non-fungible tokens and digital collectibles (数字藏品), marketplaces and mints.
- cbdc: central bank digital currencies: e-CNY, e-HKD, digital euro, mBridge, pilots.
- stablecoins: fiat-pegged tokens, their issuers, reserves, pegs and laws.
- defi: decentralised finance: DEXs, lending protocols, liquidity pools, staking.
- markets: prices and trading: rallies, sell-offs, liquidations, ETF flows, macro.
- security: hacks, exploits, thefts, vulnerabilities, phishing, audits.
- business: companies as businesses: funding, acquisitions, earnings, hires, layoffs,
  offices and headquarters, partnerships, services a firm sells to clients. When the firm's act
  is another topic's subject (a listing, a new mining site, an e-CNY wallet) that topic applies,
  and business only if the story reports money or corporate moves too.
- technology: how the systems work and change: upgrades, forks, mainnets, layer 2s, new
  hardware and software (chips, wallets, platforms), tokenisation (bonds, funds, deposits, real
  assets put on chain), blockchain infrastructure, standards and state blockchain plans.

A second or further topic applies only when the story reports something of that topic's kind
(an event, action or figure its definition names) in the title or lead or at length; an actor
of that kind as the subject, or a mention as background, venue or context, is not enough (the
README lists the passing cases).

How a topic is chosen (salience, not mere mention). Terms live in ``data/topics.toml``
(strong 2, weak 1, hint 0.5; exclusion phrases swallow the terms inside them: "data mining",
"life hack", "mint condition"); gazetteer entities add hints (Bitmain → mining). Chinese
terms are written in simplified; their traditional and Taiwan forms that the fold to
simplified does not reach (訴訟, 錨定, 駭客) come from ``data/topic_twins.tsv`` and are matched as
the term. For each topic that any term touches, :func:`features` measures *where* and *how
much* the story is about it: the weight of its terms in the title, in the lead and in the
rest of the body, how dense they are per length of text, how many distinct terms, its share
of the story's strongest topic, whether it is the only topic the text reaches (``sole``: no
rival for the story), how much of its evidence only names an actor or the field of
the topic (``actors`` in the data: "exchange", "regulator", "稳定币") rather than an event of
its kind (a delisting, a ban, a depeg), and how reliably its evidence terms meant the topic
on the labelled train split (``term_lift``: "licensed" in an exchange story rarely meant
regulation, "consultation paper" always did; counts shipped in the model file, shrunk
towards the topic's base rate so a rare term says little), over all its terms and over its
title terms alone (``title_lift``). A small logistic model over those features (weights
trained at build time on the labelled train split by ``tests/tagging/train_topics.py`` and
shipped as ``data/topic_model.json``) gives each topic a probability; topics above the
threshold (chosen on dev) apply, at most three, strongest first. Each applied topic carries
its evidence: the terms and the fields they were found in. User topics from config add
strong terms to a built-in slug or define a new one (scored with the average bias). """

from __future__ import annotations

import json
import math
import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from tui.models import TopicEvidence
from tui.tagging.matcher import TOPIC, Matcher, Span
from tui.tagging.resolve import Doc, Hit
from tui.tagging.topic_terms import builtin_rules, expand, with_twins

STRONG = 2.0
WEAK = 1.0
HINT = 0.5
USER = 2.0
TITLE_FACTOR = 2.5
REPEAT_CAP = 3  # one term counts at most this many times per field
LEAD_UNITS = 300  # the lead: the first ~300 Latin characters of the body (120 CJK)
CJK_UNIT = 2.5  # one CJK character carries about as much as 2.5 Latin ones
MAX_TOPICS = 3
MIN_RAW = 1.5
MAX_TERMS = 6
FEATURES = (
    "title", "lead", "body", "density", "terms", "share", "top", "strong", "hint", "subject",
    "title_share", "lead_share", "body_share", "second", "lower", "actors", "sole",
    "term_lift", "title_lift",
)  # the last two come from the term table shipped with the model, not the text alone
TERM_PRIOR = 4.0  # a term seen n times on train weighs n / (n + 4) of its own record
SUBJECT_UNITS = 30  # an entity starting within the title's first ~30 Latin units is its subject

@dataclass(frozen=True)
class Model:
    """Shared feature weights, a bias per topic, the threshold and the top-k cap."""

    weights: tuple[float, ...]
    bias: dict[str, float]
    threshold: float
    max_topics: int = MAX_TOPICS
    deltas: dict[str, tuple[float, ...]] = field(default_factory=dict)  # per-topic adjustments
    terms: Mapping[str, Mapping[str, tuple[int, int]]] = field(default_factory=dict)
    _combined: dict[str, tuple[float, ...]] = field(default_factory=dict, compare=False)
    _lifts: dict[str, dict[str, float]] = field(default_factory=dict, compare=False)

    def lifts(self, slug: str) -> dict[str, float]:
        """Each known term's lift for ``slug`` (see :func:`term_lift`), computed once per topic
        so tagging looks lifts up instead of taking logs per term."""
        table = self._lifts.get(slug)
        if table is None:
            counts = self.terms.get(slug, {})
            prior = _prior(*counts.get("", (0, 0)))
            table = self._lifts[slug] = (
                {t: _lift(pos, n, prior) for t, (pos, n) in counts.items() if t}
                if prior is not None
                else {}
            )
        return table

    def probability(self, slug: str, values: tuple[float, ...]) -> float:
        weights = self._combined.get(slug)
        if weights is None:
            weights = self._combined[slug] = self._weights_for(slug)
        bias = self.bias.get(slug)
        if bias is None:
            bias = sum(self.bias.values()) / len(self.bias) if self.bias else 0.0
        z = bias + math.fsum(map(operator.mul, weights, values))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def _weights_for(self, slug: str) -> tuple[float, ...]:
        """Shared weights plus the topic's deltas, added once per topic (not per call)."""
        delta = self.deltas.get(slug)
        if delta is None:
            return self.weights
        return tuple(w + d for w, d in zip(self.weights, delta, strict=True))


@lru_cache(maxsize=1)
def builtin_model() -> Model:
    raw = files("tui.tagging").joinpath("data/topic_model.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    if tuple(data["features"]) != FEATURES:
        raise ValueError("topic_model.json: features differ from topics.FEATURES; retrain")
    return Model(
        tuple(float(w) for w in data["weights"]),
        {k: float(v) for k, v in data["bias"].items()},
        float(data["threshold"]),
        int(data.get("max_topics", MAX_TOPICS)),
        {k: tuple(float(x) for x in v) for k, v in data.get("deltas", {}).items()},
        {
            slug: {term: (int(c[0]), int(c[1])) for term, c in table.items()}
            for slug, table in data.get("terms", {}).items()
        },
    )


def register(matcher: Matcher, user_topics: Mapping[str, Iterable[str]]) -> None:
    """Add every topic term (built-in and user) to the shared matcher."""
    for slug, table in builtin_rules().items():
        actors = {form for term in table["actors"] for form in expand(term)}
        for kind, weight in (("strong", STRONG), ("weak", WEAK), ("hint", HINT)):
            for term in table[kind]:
                exact = term.startswith("=")
                for form in expand(term.lstrip("=")):
                    payload = (slug, weight, form in actors)
                    for twin in with_twins(form):
                        matcher.add(twin, TOPIC, payload, case_sensitive=exact)
        for term in table["exclude"]:
            for form in expand(term):
                for twin in with_twins(form):
                    matcher.add(twin, TOPIC, (None, 0.0, False))
    for slug, words in user_topics.items():
        for term in words:
            matcher.add(term, TOPIC, (slug, USER, False))


@dataclass
class _Acc:
    title: float = 0.0
    lead: float = 0.0
    body: float = 0.0
    hint: float = 0.0
    subject: float = 0.0  # the title's grammatical subject hints this topic (Kraken acquires …)
    strong: bool = False
    actor: float = 0.0  # weight of terms that name an actor or the field, not an event
    weighed: float = 0.0  # weight of all its terms, title counted 2.5 times
    terms: dict[str, tuple[float, str, str]] = field(default_factory=dict)  # key -> best hit


def _units(text: str, start: int, end: int) -> float:
    """Length of text[start:end] in Latin-character units (CJK counts 2.5 each)."""
    part = text[start:end]
    if part.isascii():
        return float(len(part))
    cjk = (len(part.encode("utf-8")) - len(part)) / 2  # CJK characters take 3 bytes in UTF-8
    return len(part) - cjk + CJK_UNIT * cjk


def _collect(doc: Doc, spans: list[Span], hits: list[Hit]) -> tuple[dict[str, _Acc], float]:
    accs: dict[str, _Acc] = defaultdict(_Acc)
    repeats: dict[tuple[str, str, str], int] = defaultdict(int)
    title_len, body_start = doc.title_len, doc.body_start
    low, shown = doc.low, doc.shown
    n = len(low)
    lead_end = body_start
    budget: float = LEAD_UNITS
    step = 40
    while lead_end < n and budget > 0:  # walk forward until the lead's budget is spent
        nxt = min(n, lead_end + step)
        budget -= _units(low, lead_end, nxt)
        lead_end = nxt
    for start, end, payloads in spans:
        if start < title_len:
            where, factor = "title", TITLE_FACTOR
        else:
            where, factor = ("lead" if start < lead_end else "body"), 1.0
        term = low[start:end]
        for _, data in payloads:
            slug, weight = data[0], data[1]  # (slug, weight, actor); amounts of coins: 2 only
            if slug is None:
                continue
            actor = len(data) > 2 and data[2]
            key = (slug, term, where)
            seen = repeats[key] = repeats[key] + 1
            if seen > REPEAT_CAP:
                continue
            acc = accs[slug]
            if where == "title":
                acc.title += weight
            elif where == "lead":
                acc.lead += weight
            else:
                acc.body += weight
            if weight >= STRONG:
                acc.strong = True
            rank = weight * factor
            acc.weighed += rank
            if actor:
                acc.actor += rank
            old = acc.terms.get(term)
            if old is None or old[0] < rank:
                acc.terms[term] = (rank, shown[start:end], where)
    best: dict[int, tuple[float, Hit]] = {}  # each entity hints once, at its best position
    subject = _subject(doc, hits)
    if subject is not None:
        for slug, weight in subject.entry.topics:
            accs[slug].subject = max(accs[slug].subject, weight)
    for hit in hits:
        if hit.entry.topics:
            factor = TITLE_FACTOR if hit.start < title_len else 1.0
            if factor > best.get(hit.index, (0.0, hit))[0]:
                best[hit.index] = (factor, hit)
    for factor, hit in best.values():
        where = "title" if hit.start < title_len else "lead" if hit.start < lead_end else "body"
        surface = shown[hit.start : hit.end]
        for slug, weight in hit.entry.topics:
            acc = accs[slug]
            acc.hint += weight * factor
            tkey = surface.lower()
            if tkey not in acc.terms:  # the entity is evidence too: "Why mining: Bitmain (title)"
                acc.terms[tkey] = (weight * factor, surface, where)
    return accs, _units(low, body_start, n)


def _subject(doc: Doc, hits: list[Hit]) -> Hit | None:
    """The first organisation or person of the title, if it opens the title: what it acts on
    is what the story is about ("Kraken acquires …", "Bybit hacked …", "比特大陆在德州建厂")."""
    for hit in hits:
        if hit.start >= doc.title_len:
            return None
        if hit.entry.type == "PLACE":
            continue  # "Hong Kong's HKEX lists …": the subject follows the place
        if hit.entry.type in ("ORG", "PERSON", "TICKER", "SOURCE"):
            return hit if _units(doc.low, 0, hit.start) <= SUBJECT_UNITS else None
    return None


def features(
    doc: Doc, spans: list[Span], hits: list[Hit]
) -> dict[str, tuple[tuple[float, ...], _Acc]]:
    """Salience features of every topic the text touches (see :data:`FEATURES`)."""
    accs, body_units = _collect(doc, spans, hits)
    raw = {
        slug: TITLE_FACTOR * a.title + a.lead * 1.5 + a.body + a.hint for slug, a in accs.items()
    }
    top = max(raw.values(), default=0.0)
    # how much of each field is about this topic rather than another: a story's title and
    # lead are about one or two things; a term brushed in a body about something else is not
    title_all = sum(a.title for a in accs.values()) or 1.0
    lead_all = sum(a.lead for a in accs.values()) or 1.0
    body_all = sum(a.body for a in accs.values()) or 1.0
    rank = {slug: i for i, slug in enumerate(sorted(raw, key=lambda s: -raw[s]))}
    out: dict[str, tuple[tuple[float, ...], _Acc]] = {}
    for slug, acc in accs.items():
        if raw[slug] < MIN_RAW:
            continue  # a lone hint or one weak body word: never salient, not worth scoring
        body_total = acc.lead + acc.body
        values = (
            min(acc.title, 6.0) / 2.0,
            min(acc.lead, 6.0) / 2.0,
            math.log1p(acc.body),
            min(body_total / (1.0 + body_units / 400.0), 6.0) / 2.0,
            math.log1p(len(acc.terms)),
            # share of the strongest topic and being the strongest count only as much as the
            # topic's own evidence: a lone weak term is the top topic of nothing
            (raw[slug] / top if top > 0 else 0.0) * min(raw[slug], 4.0) / 4.0,
            (1.0 if raw[slug] >= top > 0 else 0.0) * min(raw[slug], 4.0) / 4.0,
            1.0 if acc.strong else 0.0,
            min(acc.hint, 3.0),
            acc.subject,
            acc.title / title_all,
            acc.lead / lead_all,
            acc.body / body_all,
            1.0 if rank[slug] == 1 else 0.0,  # second strongest: often a story's second topic
            1.0 if rank[slug] >= 2 else 0.0,  # third or lower: rarely a subject
            # share of its evidence that only names an actor or the field ("exchange",
            # "regulator"): a further topic needs an event of its kind, not its actor
            acc.actor / acc.weighed if acc.weighed else 0.0,
            # the only topic the text reaches: no other topic competes for the story
            1.0 if len(raw) == 1 else 0.0,
        )
        out[slug] = (values, acc)
    return out


def _prior(pos0: int, n0: int) -> float | None:
    """The topic's base rate among the stories its terms touched (clamped), or None."""
    return min(max(pos0 / n0, 0.02), 0.98) if n0 > 0 else None


def _lift(pos: int, n: int, prior: float) -> float:
    """Log-odds of the term's shrunk record above the topic's base rate."""
    r = (pos + TERM_PRIOR * prior) / (n + TERM_PRIOR)
    return math.log(r / (1.0 - r)) - math.log(prior / (1.0 - prior))


def term_lift(
    slug: str,
    acc: _Acc,
    table: Mapping[str, Mapping[str, tuple[int, int]]],
    own: int | None = None,
) -> float:
    """How reliably this topic's evidence terms meant the topic on the train split (the first
    of :func:`term_lifts`)."""
    return term_lifts(slug, acc, table, own)[0]


def term_lifts(
    slug: str,
    acc: _Acc,
    table: Mapping[str, Mapping[str, tuple[int, int]]],
    own: int | None = None,
) -> tuple[float, float]:
    """How reliably this topic's evidence terms meant the topic on the train split: over all
    its terms (``term_lift``) and over its title terms (``title_lift``).

    ``table[slug][term]`` is (items labelled with the topic, items where the term touched
    it); each record is shrunk towards the topic's base rate (``table[slug][""]``) by
    :data:`TERM_PRIOR` and read as log-odds above that rate, and the lifts are averaged,
    weighted by each term's rank in the story: "licensed" in an exchange story is weak
    evidence of regulation, "consultation paper" strong. A term the table does not know
    lifts nothing. The title's terms are averaged apart as well: what the title names is what
    the story is about, so a reliable term there ("fines", "approves") says more than the
    same record spread over a body's passing mentions. ``own`` (training only) is the item's
    own label, left out of the counts it is scored on, so the feature measures on train what
    it will on unseen text.
    """
    counts = table.get(slug)
    if not counts or not acc.terms:
        return (0.0, 0.0)
    pos0, n0 = counts.get("", (0, 0))
    if own is not None:
        pos0, n0 = pos0 - own, n0 - 1
    prior = _prior(pos0, n0)
    if prior is None:
        return (0.0, 0.0)
    lifts = {}
    for term in acc.terms:
        pos, n = counts.get(term, (0, 0))
        if own is not None and n:
            pos, n = pos - own, n - 1
        lifts[term] = _lift(pos, n, prior)
    return _lift_features(acc, lifts)


def _lift_features(acc: _Acc, lifts: Mapping[str, float]) -> tuple[float, float]:
    """:func:`term_lifts` from precomputed lifts (tagging: no own label to leave out): the
    rank-weighted mean lift of all the topic's terms and of its title terms (0 if none)."""
    total = weight = title_total = title_weight = 0.0
    for term, (rank, _, where) in acc.terms.items():
        lift = rank * lifts.get(term, 0.0)
        total += lift
        weight += rank
        if where == "title":
            title_total += lift
            title_weight += rank
    return (
        total / weight if weight else 0.0,
        title_total / title_weight if title_weight else 0.0,
    )


def score_topics(
    doc: Doc, spans: list[Span], hits: list[Hit], model: Model | None = None
) -> tuple[frozenset[str], tuple[TopicEvidence, ...]]:
    """Topics whose salience probability reaches the threshold, with their evidence."""
    model = model or builtin_model()
    scored = []
    for slug, (values, acc) in features(doc, spans, hits).items():
        p = model.probability(slug, (*values, *_lift_features(acc, model.lifts(slug))))
        if p >= model.threshold:
            scored.append((p, slug, acc))
    scored.sort(key=lambda x: (-x[0], x[1]))
    evidence = []
    for p, slug, acc in scored[: model.max_topics]:
        terms = sorted(acc.terms.values(), key=lambda t: (-t[0], t[1]))[:MAX_TERMS]
        evidence.append(TopicEvidence(slug, round(p, 3), tuple((t[1], t[2]) for t in terms)))
    return frozenset(e.topic for e in evidence), tuple(evidence)
